"""Privacy: the anonymiser and the audit log of staff access.

The anonymiser finds personal data in a text and replaces it with typed placeholders behind
one small interface (`Anonymiser.find`, `Anonymiser.mask`), so the detectors behind it can be
swapped; `anonymise(text)` is the shortcut the services use. `audit.py` appends the audit log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from server.privacy.anonymiser import (
        Anonymiser,
        Entity,
        anonymise,
        anonymise_off_loop,
        warm_up,
    )

__all__ = ["Anonymiser", "Entity", "anonymise", "anonymise_off_loop", "warm_up"]


def __getattr__(name: str) -> Any:
    """The anonymiser loads scikit-learn (about a second): only when it is used, so that the
    CLI and the modules beside it (audit, retention) start fast."""
    if name in __all__:
        from server.privacy import anonymiser

        return getattr(anonymiser, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
