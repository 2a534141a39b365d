"""Staff accounts and sessions: argon2id passwords, expiring rotated sessions, throttling."""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from server.bus.base import Bus
from server.protocol.frames import SessionRevoked, StaffChanged, encode
from server.services import login_guard, passwords
from server.services.context import ServiceContext, staff_topic
from server.services.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    Unauthorized,
)
from server.services.passwords import hash_password
from server.services.tokens import hash_token
from server.store.db import Database
from server.store.models import Staff, StaffSession, aware
from server.vocabulary import CHAT_ROLES as CHAT_ROLES  # re-exported for the web layer
from server.vocabulary import LANGS, ROLES, one_of

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 10


@dataclass(frozen=True)
class LoginResult:
    session_token: str
    csrf_token: str
    staff: Staff


def validate_account(username: str, password: str | None, roles: list[str], display_name: str,
                     capacity: int, languages: list[str]) -> None:
    if not USERNAME.match(username):
        raise InvalidInput("username: 2–64 characters a-z, 0-9, '.', '_' or '-'")
    if password is not None and len(password) < MIN_PASSWORD:
        raise InvalidInput(f"password must be at least {MIN_PASSWORD} characters")
    if not roles or any(r not in ROLES for r in roles):
        raise InvalidInput(f"roles must be among {one_of(ROLES)}")
    if not 1 <= len(display_name.strip()) <= 100:
        raise InvalidInput("display name must be 1–100 characters")
    if not 1 <= capacity <= 50:
        raise InvalidInput("capacity must be between 1 and 50")
    if not languages or any(lang not in LANGS for lang in languages):
        raise InvalidInput(f"languages must be among {one_of(LANGS)}")


async def add_staff(db: Database, username: str, password: str, roles: list[str],
                    display_name: str, capacity: int = 3,
                    languages: list[str] | None = None) -> Staff:
    languages = languages or ["fi"]
    validate_account(username, password, roles, display_name, capacity, languages)
    password_hash = await hash_password(password)
    try:
        async with db.write() as session:
            exists = (await session.execute(
                select(col(Staff.id)).where(col(Staff.username) == username))).scalar_one_or_none()
            if exists is not None:
                raise Conflict(f"username {username!r} is taken")
            staff = Staff(id=uuid.uuid4().hex, username=username,
                          display_name=display_name.strip(), password_hash=password_hash,
                          roles=",".join(roles), capacity=capacity, languages=",".join(languages))
            session.add(staff)
    except IntegrityError:
        # Created at the same moment by another process (e.g. two dev servers starting).
        raise Conflict(f"username {username!r} is taken") from None
    return staff


async def deactivate(db: Database, username: str) -> Staff:
    async with db.write() as session:
        staff = (await session.execute(
            select(Staff).where(col(Staff.username) == username))).scalar_one_or_none()
        if staff is None:
            raise NotFound(f"no staff account {username!r}")
        staff.active = False
        await session.execute(delete(StaffSession).where(col(StaffSession.staff_id) == staff.id))
    return staff


async def deactivate_and_disconnect(db: Database, bus: Bus, username: str) -> Staff:
    """Deactivate and end every session; open sockets on every process close at once (they
    also re-check their session every few seconds, e.g. with the in-process bus of a CLI)."""
    staff = await deactivate(db, username)
    await bus.publish(staff_topic(staff.id), encode(SessionRevoked(staff_id=staff.id)))
    return staff


async def create_or_reset(db: Database, username: str, password: str, roles: list[str],
                          display_name: str, capacity: int, languages: list[str]) -> Staff:
    """Create the account, or give an existing one this password and make it active (the
    development demo account, created by every dev server that starts)."""
    try:
        return await add_staff(db, username, password, roles, display_name, capacity, languages)
    except Conflict:
        async with db.write() as session:
            await session.execute(update(Staff).where(col(Staff.username) == username).values(
                password_hash=await hash_password(password), active=True))
        return await get_by_username(db, username)


async def login(ctx: ServiceContext, username: str, password: str, address_key: str) -> LoginResult:
    """Check credentials, throttled per account and client address (see login_guard)."""
    await login_guard.check(ctx, username, address_key)
    async with ctx.db.read() as session:
        staff = (await session.execute(
            select(Staff).where(col(Staff.username) == username.lower()))).scalar_one_or_none()
    matches = await passwords.verify(staff.password_hash if staff else None, password)
    if staff is None or not matches or not staff.active:
        await login_guard.failed(ctx, username, address_key, staff)
        raise Unauthorized("wrong username or password")
    return await _new_session(ctx, staff, password)


async def _new_session(ctx: ServiceContext, staff: Staff, password: str) -> LoginResult:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    now = ctx.clock()
    rehashed = (await hash_password(password)
                if passwords.needs_rehash(staff.password_hash) else None)
    async with ctx.db.write() as session:
        await session.execute(delete(StaffSession).where(col(StaffSession.expires_at) < now))
        if rehashed is not None:
            await session.execute(update(Staff).where(col(Staff.id) == staff.id).values(
                password_hash=rehashed))
        session.add(StaffSession(
            token_hash=hash_token(token), staff_id=staff.id, csrf_token=csrf, created_at=now,
            expires_at=now + timedelta(hours=ctx.settings.session_ttl_hours)))
    return LoginResult(token, csrf, staff)


async def session_staff(ctx: ServiceContext, token: str | None) -> tuple[Staff, StaffSession]:
    """The active account behind a session cookie, or Unauthorized."""
    if not token:
        raise Unauthorized("not logged in")
    async with ctx.db.read() as session:
        row = (await session.execute(
            select(StaffSession, Staff).join(Staff, col(Staff.id) == col(StaffSession.staff_id))
            .where(col(StaffSession.token_hash) == hash_token(token)))).first()
    if row is None:
        raise Unauthorized("session expired or unknown; log in again")
    staff_session, staff = row
    expires = aware(staff_session.expires_at)
    if not staff.active or expires is None or expires <= ctx.clock():
        raise Unauthorized("session expired; log in again")
    return staff, staff_session


async def logout(ctx: ServiceContext, token: str) -> None:
    async with ctx.db.write() as session:
        await session.execute(delete(StaffSession).where(
            col(StaffSession.token_hash) == hash_token(token)))


def has_role(staff: Staff, *roles: str) -> bool:
    return has_role_list(staff.role_list, *roles)


async def get_by_username(db: Database, username: str) -> Staff:
    async with db.read() as session:
        staff = (await session.execute(
            select(Staff).where(col(Staff.username) == username))).scalar_one_or_none()
    if staff is None:
        raise NotFound(f"no staff account {username[:64]!r}")
    return staff


async def list_staff(db: Database) -> list[Staff]:
    async with db.read() as session:
        return list((await session.execute(select(Staff).order_by(col(Staff.username)))).scalars())


async def set_display_name(db: Database, staff: Staff, display_name: str) -> Staff:
    validate_account(staff.username, None, staff.role_list, display_name, staff.capacity,
                     staff.language_list)
    async with db.write() as session:
        await session.execute(update(Staff).where(col(Staff.id) == staff.id).values(
            display_name=display_name.strip()))
    return await get_by_username(db, staff.username)


async def update_staff(ctx: ServiceContext, actor: Staff, username: str, *,
                       display_name: str | None = None, roles: list[str] | None = None,
                       capacity: int | None = None, languages: list[str] | None = None,
                       active: bool | None = None) -> Staff:
    """A supervisor changes an account. Only admins touch the admin role; nobody deactivates
    or demotes themselves out of the console."""
    staff = await get_by_username(ctx.db, username)
    new_roles = roles if roles is not None else staff.role_list
    check_admin_rule(actor, new_roles, staff)
    if staff.id == actor.id and (active is False or not has_role_list(new_roles, "supervisor")):
        raise Conflict("you cannot deactivate yourself or remove your own supervisor role")
    name = (display_name if display_name is not None else staff.display_name).strip()
    roles_list = list(dict.fromkeys(new_roles))
    new_capacity = capacity if capacity is not None else staff.capacity
    langs = list(dict.fromkeys(languages if languages is not None else staff.language_list))
    validate_account(staff.username, None, roles_list, name, new_capacity, langs)
    values: dict[str, object] = {"display_name": name, "roles": ",".join(roles_list),
                                 "capacity": new_capacity, "languages": ",".join(langs)}
    if active is not None:
        values["active"] = active
    async with ctx.db.write() as session:
        await session.execute(update(Staff).where(col(Staff.id) == staff.id).values(values))
        if active is False:
            await session.execute(delete(StaffSession).where(col(StaffSession.staff_id) == staff.id))
    if active is False:
        await ctx.publish(staff_topic(staff.id), SessionRevoked(staff_id=staff.id))
    else:  # roles, capacity or languages take effect on open sockets at once
        await ctx.publish(staff_topic(staff.id), StaffChanged(staff_id=staff.id))
    return await get_by_username(ctx.db, username)


async def chat_account(ctx: ServiceContext, staff_id: str) -> Staff:
    """The account as it is now, if it may still take chats (roles can change at any time)."""
    async with ctx.db.read() as session:
        staff = await session.get(Staff, staff_id)
    if staff is None or not staff.active or not has_role(staff, *CHAT_ROLES):
        raise Forbidden("your account may no longer take chats")
    return staff


async def reset_password(ctx: ServiceContext, actor: Staff, username: str, password: str) -> None:
    """Set a new password and end the account's sessions (its sockets close)."""
    staff = await get_by_username(ctx.db, username)
    check_admin_rule(actor, [], staff)
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"password must be at least {MIN_PASSWORD} characters")
    password_hash = await hash_password(password)
    async with ctx.db.write() as session:
        await session.execute(update(Staff).where(col(Staff.id) == staff.id).values(
            password_hash=password_hash))
        await session.execute(delete(StaffSession).where(col(StaffSession.staff_id) == staff.id))
    await login_guard.clear(ctx, staff.username)
    await ctx.publish(staff_topic(staff.id), SessionRevoked(staff_id=staff.id))


def check_admin_rule(actor: Staff, roles: list[str], target: Staff | None = None) -> None:
    """Only an admin gives the admin role or changes an admin account."""
    if ("admin" in roles or (target is not None and _is_admin(target))) and not _is_admin(actor):
        raise Forbidden("only an admin can change an admin account or give the admin role")


def _is_admin(staff: Staff) -> bool:
    return "admin" in staff.role_list


def has_role_list(roles: list[str], *wanted: str) -> bool:
    return "admin" in roles or bool(set(roles).intersection(wanted))
