"""Bearer tokens (resident tokens, staff session cookies): only their hash is ever stored."""

from __future__ import annotations

import hashlib


def hash_token(token: str) -> str:
    """SHA-256 of a high-entropy random token (a slow hash adds nothing at 256 bits)."""
    return hashlib.sha256(token.encode()).hexdigest()
