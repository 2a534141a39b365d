"""Staff leaving: logging out of the last session, and the sweeper for staff who vanished.
Either way their active chats go back to the head of the queue."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import col

from server.protocol.frames import SessionRevoked
from server.services.context import ServiceContext, staff_topic
from server.services.lifecycle import requeue
from server.store.models import Chat, Staff, StaffSession


async def sign_off(ctx: ServiceContext, staff: Staff) -> int:
    """After a logout: with no other session left, the staff member is offline at once, their
    sockets close and their chats go back to the head of the queue (no grace period)."""
    from server.services.queue import publish_queue

    async with ctx.db.read() as session:
        others = (await session.execute(select(func.count()).select_from(StaffSession).where(
            col(StaffSession.staff_id) == staff.id,
            col(StaffSession.expires_at) > ctx.clock()))).scalar_one()
        if others:
            return 0
        active = (await session.execute(select(col(Chat.id)).where(
            col(Chat.staff_id) == staff.id, col(Chat.state) == "active"))).scalars().all()
    await ctx.backends.presence.remove(staff.id)
    await ctx.publish(staff_topic(staff.id), SessionRevoked(staff_id=staff.id))
    moved = 0
    for chat_id in active:
        moved += await requeue(ctx, chat_id, staff.id, reason="staff_disconnected")
    await publish_queue(ctx)
    return moved


async def sweep_disconnected(ctx: ServiceContext) -> int:
    """Requeue active chats whose staff member has been gone longer than the grace period."""
    import time

    if time.monotonic() - ctx.started_monotonic < ctx.settings.staff_grace_s:
        return 0  # after a restart, give staff the grace period to reconnect
    present = await ctx.backends.presence.all()
    async with ctx.db.read() as session:
        rows = (await session.execute(select(col(Chat.id), col(Chat.staff_id)).where(
            col(Chat.state) == "active"))).all()
    moved = 0
    for chat_id, staff_id in rows:
        if staff_id is not None and staff_id not in present:
            moved += await requeue(ctx, chat_id, staff_id, reason="staff_disconnected")
    return moved
