"""Supervisors' account management: the accounts with their status and load, and changes
that also move the queue's estimates (a capacity or an account switched on or off)."""

from __future__ import annotations

from dataclasses import dataclass

from server.services import accounts, queue
from server.services.context import ServiceContext
from server.store.models import Staff


@dataclass(frozen=True)
class AccountRow:
    staff: Staff
    status: str  # available | away | offline (a deactivated account is offline)
    active_chats: int


async def rows(ctx: ServiceContext, staff: list[Staff]) -> list[AccountRow]:
    present = await ctx.backends.presence.all()
    counts = await queue.active_counts(ctx)
    return [AccountRow(s, present.get(s.id, "offline") if s.active else "offline",
                       counts.get(s.id, 0)) for s in staff]


async def list_accounts(ctx: ServiceContext) -> list[AccountRow]:
    return await rows(ctx, await accounts.list_staff(ctx.db))


async def create_account(ctx: ServiceContext, actor: Staff, username: str, password: str,
                         roles: list[str], display_name: str, capacity: int,
                         languages: list[str]) -> AccountRow:
    accounts.check_admin_rule(actor, roles)
    staff = await accounts.add_staff(ctx.db, username, password, roles, display_name,
                                     capacity, languages)
    return (await rows(ctx, [staff]))[0]


async def change_account(ctx: ServiceContext, actor: Staff, username: str, *,
                         display_name: str | None = None, roles: list[str] | None = None,
                         capacity: int | None = None, languages: list[str] | None = None,
                         active: bool | None = None) -> AccountRow:
    staff = await accounts.update_staff(ctx, actor, username, display_name=display_name,
                                        roles=roles, capacity=capacity, languages=languages,
                                        active=active)
    if active is not None or capacity is not None:
        await queue.publish_queue(ctx)  # staffing changed: the estimates change
    return (await rows(ctx, [staff]))[0]
