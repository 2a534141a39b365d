"""`neuvo privacy purge [--dry-run]` and `neuvo audit verify` / `neuvo audit prune`.

Both print JSON with counts only, never contents. They build a service context of their own
(the database and coordination backends of the settings, the minimal bot, which they never
call)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from server.config import Settings


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    privacy = sub.add_parser("privacy", help="privacy tools").add_subparsers(
        dest="privacy_command", required=True)
    purge = privacy.add_parser("purge", help="delete raw transcripts past "
                                             "NEUVO_RAW_RETENTION_DAYS; prints counts (JSON)")
    purge.add_argument("--dry-run", action="store_true", help="count only, delete nothing")
    audit = sub.add_parser("audit", help="the audit log's hash chain").add_subparsers(
        dest="audit_command", required=True)
    audit.add_parser("verify", help="check the whole chain: exit 0 with a count, exit 1 "
                                    "naming the first broken entry")
    audit.add_parser("prune", help="delete entries older than NEUVO_AUDIT_RETENTION_DAYS "
                                   "from the old end")


@asynccontextmanager
async def offline_context(settings: Settings, **overrides: Any) -> AsyncIterator[Any]:
    """A ServiceContext outside the server (CLI, tests: `clock=` moves the time)."""
    from bot.minimal import MinimalBot
    from server.bus.factory import make_backends
    from server.services.context import ServiceContext
    from server.store.db import Database

    db = Database(settings.async_database_url)
    backends = make_backends(settings.redis_url, settings.redis_pool_size,
                             settings.redis_pool_timeout_s)
    try:
        yield ServiceContext(settings=settings, db=db, backends=backends, bot=MinimalBot(),
                             **overrides)
    finally:
        await backends.close()
        await db.dispose()


async def run_purge(settings: Settings, dry_run: bool) -> dict[str, Any]:
    from server.privacy import retention

    async with offline_context(settings) as ctx:
        return (await retention.purge(ctx, dry=dry_run)).as_dict()


async def run_verify(settings: Settings) -> dict[str, Any]:
    from server.privacy import audit_chain

    async with offline_context(settings) as ctx, ctx.db.read() as session:
        return audit_chain.as_dict(await audit_chain.verify(session))


async def run_prune(settings: Settings) -> dict[str, Any]:
    from server.privacy.audit import prune

    async with offline_context(settings) as ctx:
        return {"pruned": await prune(ctx)}


async def main(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "privacy":
        print(json.dumps(await run_purge(settings, args.dry_run)))
        return 0
    if args.audit_command == "prune":
        print(json.dumps(await run_prune(settings)))
        return 0
    verdict = await run_verify(settings)
    print(json.dumps(verdict))
    if not verdict["ok"]:
        print(f"neuvo: audit chain broken at entry {verdict['broken_id']}: {verdict['reason']}",
              file=sys.stderr)
        return 1
    return 0
