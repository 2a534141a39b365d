"""Privacy: the anonymiser and the audit log of staff access.

The anonymiser finds personal data in a text and replaces it with typed placeholders behind
one small interface (`Anonymiser.find`, `Anonymiser.mask`), so the detectors behind it can be
swapped; `anonymise(text)` is the shortcut the services use. `audit.py` appends the audit log.
"""

from __future__ import annotations

from server.privacy.anonymiser import Anonymiser, Entity, anonymise, anonymise_off_loop, warm_up

__all__ = ["Anonymiser", "Entity", "anonymise", "anonymise_off_loop", "warm_up"]
