"""Login throttling per (account, client address) pair.

Failed logins are counted per pair in a 15-minute window (shared by all processes through
Redis when configured). After NEUVO_LOGIN_FAILURES_PER_15MIN failures that pair is refused
(429) until the window ends; failures while refused are not counted, so the lock is never
renewed by further attempts. Other addresses are not affected: the real user can still log
in from an address that has not been failing, and one noisy address (an office behind one
NAT) does not lock anyone else out. A supervisor's password reset clears every lock of the
account. The start of a lock is written to the audit log (`login_locked`, no address).
"""

from __future__ import annotations

import logging

from server.privacy.audit import LOGIN_LOCKED, audit
from server.services.context import ServiceContext
from server.services.errors import RateLimited
from server.store.models import Staff

log = logging.getLogger(__name__)
WINDOW_S = 900
PREFIX = "login-fail"


def _account(username: str) -> str:
    return username.lower()[:64]


def _pair(username: str, address_key: str) -> str:
    return f"{PREFIX}:{_account(username)}:{address_key}"


async def check(ctx: ServiceContext, username: str, address_key: str) -> None:
    """Raise RateLimited while this account is locked for this address."""
    limit = ctx.settings.login_failures_per_15min
    if await ctx.backends.limiter.count(_pair(username, address_key), WINDOW_S) >= limit:
        raise RateLimited("too many failed logins; wait 15 minutes and try again")


async def failed(ctx: ServiceContext, username: str, address_key: str,
                 staff: Staff | None) -> None:
    """Count a failure; the one that starts a lock is audited (for existing accounts)."""
    key, limit = _pair(username, address_key), ctx.settings.login_failures_per_15min
    await ctx.backends.limiter.hit(key, limit, WINDOW_S)
    if await ctx.backends.limiter.count(key, WINDOW_S) != limit:
        return
    # Logged without the username or the address: the staff id says who, the audit log too.
    log.warning("login locked for %d minutes after %d failures from one address (%s)",
                WINDOW_S // 60, limit, f"staff {staff.id}" if staff else "unknown account")
    if staff is not None:
        await audit(ctx, staff.id, LOGIN_LOCKED, None)


async def clear(ctx: ServiceContext, username: str) -> None:
    """End every lock of the account (after a password reset)."""
    await ctx.backends.limiter.reset(f"{PREFIX}:{_account(username)}")
