"""Anonymiser: finds personal data in a text and replaces it with typed placeholders.

One small interface (`Anonymiser.find`, `Anonymiser.mask`) so the detectors behind it can be
swapped. `anonymise(text)` is the shortcut the services use.
"""

from __future__ import annotations

from server.privacy.anonymiser import Anonymiser, Entity, anonymise

__all__ = ["Anonymiser", "Entity", "anonymise"]
