"""What a staff member's socket does to staffing: coming on duty, going off duty and an
account change (capacity, languages, roles) each change the queue's wait estimates, so
each republishes the queue. The socket calls these; it never writes presence itself."""

from __future__ import annotations

from server.services import presence, queue
from server.services.context import ServiceContext
from server.store.models import Staff


async def come_on_duty(ctx: ServiceContext, staff_id: str, status: str) -> None:
    """Connected, or a new status (available / away): the estimates change."""
    await presence.set_presence(ctx, staff_id, status)
    await queue.publish_queue(ctx)


async def keep_on_duty(ctx: ServiceContext, staff_id: str, status: str) -> None:
    """The socket's periodic refresh (presence expires after the grace period)."""
    await presence.set_presence(ctx, staff_id, status)


async def go_off_duty(ctx: ServiceContext, staff_id: str) -> None:
    """Offline at once (a role removed, or every session of the account ended)."""
    await ctx.backends.presence.remove(staff_id)
    await queue.publish_queue(ctx)


async def account_changed(ctx: ServiceContext, before: Staff, after: Staff) -> bool:
    """True when what staffing depends on changed (then the estimates are republished)."""
    changed = (before.capacity, before.languages, before.roles) != (
        after.capacity, after.languages, after.roles)
    if changed:
        await queue.publish_queue(ctx)
    return changed
