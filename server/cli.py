"""The `neuvo` command line: serve, db upgrade, staff accounts, bot tools."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from collections.abc import Sequence

from server.config import ConfigError, Settings, load_settings
from server.vocabulary import LANGS, ROLES

# Transport frames above this close the socket with 1009. Protocol frames are at most 16 KiB;
# compression is off so that a small frame cannot inflate to megabytes before any check.
WS_MAX_FRAME_BYTES = 64 * 1024


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError("port must be between 1 and 65535")
    return port


def _capacity(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 50:
        raise argparse.ArgumentTypeError("capacity must be a whole number from 1 to 50")
    return int(value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="neuvo", description="Neuvo chat service")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the web server")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=_port(os.environ.get("PORT", "8000")),
                       help="port (default $PORT or 8000)")
    serve.add_argument("--proxy-headers", action="store_true",
                       help="trust X-Forwarded-* from --forwarded-allow-ips (behind a proxy)")
    serve.add_argument("--forwarded-allow-ips", default="127.0.0.1")

    db = sub.add_parser("db", help="database tools").add_subparsers(dest="db_command",
                                                                     required=True)
    db.add_parser("upgrade", help="apply migrations (Alembic) up to the newest")

    staff = sub.add_parser("staff", help="staff accounts").add_subparsers(
        dest="staff_command", required=True)
    add = staff.add_parser("add", help="create a staff account (password read from stdin)")
    add.add_argument("username")
    add.add_argument("--role", action="append", choices=ROLES,
                     required=True, help="may be given several times")
    add.add_argument("--display-name", required=True, help="the name residents see")
    add.add_argument("--password-stdin", action="store_true", required=True,
                     help="read the password from standard input")
    add.add_argument("--capacity", type=_capacity, default=None,
                     help="concurrent chats (default NEUVO_DEFAULT_CAPACITY)")
    add.add_argument("--languages", default="fi", help="comma-separated, e.g. fi,sv")
    deactivate = staff.add_parser("deactivate", help="deactivate an account, ending its sessions")
    deactivate.add_argument("username")

    queue = sub.add_parser("queue", help="service queues").add_subparsers(
        dest="queue_command", required=True)
    queue.add_parser("demo", help="add the demo's second public service queue (idempotent)")

    from server.privacy.cli import add_command as add_anonymise_command

    add_anonymise_command(sub)
    from server.privacy.commands import add_commands as add_privacy_commands

    add_privacy_commands(sub)
    try:
        from bot.cli import add_bot_commands
    except ImportError:  # the bot tools are optional in a trimmed install
        pass
    else:
        add_bot_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in ("bot", "anonymise"):
        result: int = args.func(args)
        return result
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"neuvo: {exc}", file=sys.stderr)
        return 2
    handlers = {"serve": _serve, "db": _db, "staff": _staff,
                "privacy": _privacy, "audit": _privacy, "queue": _queue}
    try:
        return handlers[args.command](args, settings)
    except ConfigError as exc:
        print(f"neuvo: {exc}", file=sys.stderr)
        return 2


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from server.app import create_app
    from server.logs import configure
    from server.web.shutdown import GracefulServer, Shutdown

    configure()
    if settings.dev:
        asyncio.run(_demo_account(settings))
    shutdown = Shutdown(settings.shutdown_timeout_s)
    app = create_app(settings, shutdown)
    config = uvicorn.Config(
        app, host=args.host, port=args.port, ws="websockets-sansio",
        ws_max_size=WS_MAX_FRAME_BYTES, ws_per_message_deflate=False,
        ws_ping_interval=20, ws_ping_timeout=20,
        access_log=False, log_config=None, proxy_headers=args.proxy_headers,
        forwarded_allow_ips=args.forwarded_allow_ips,
        timeout_graceful_shutdown=int(settings.shutdown_timeout_s), server_header=False)
    server = GracefulServer(config, shutdown, settings.shutdown_delay_s)
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    return 0 if server.started else 3  # 3: start-up failed (as uvicorn.run)


async def _demo_account(settings: Settings) -> None:
    """Development only (NEUVO_DEV=1): a demo account with a fresh password each start."""
    import secrets

    from server.services import accounts
    from server.store.db import Database

    db = Database(settings.async_database_url)
    password = secrets.token_urlsafe(12)
    try:
        await accounts.create_or_reset(db, "demo", password, ["staff", "supervisor", "editor"],
                                       "Sosiaaliohjaaja", settings.default_capacity,
                                       list(LANGS))
    finally:
        await db.dispose()
    print(f"\n  Demo staff account (development only): username demo, password {password}\n",
          flush=True)


def _queue(args: argparse.Namespace, settings: Settings) -> int:
    from server.privacy.commands import offline_context
    from server.services import queues

    async def run() -> bool:
        async with offline_context(settings) as ctx:
            return await queues.ensure_demo(ctx)

    print("demo queue added" if asyncio.run(run()) else "demo queue exists already")
    return 0


def _db(args: argparse.Namespace, settings: Settings) -> int:
    from server.store.migrate import upgrade

    upgrade(settings.async_database_url)
    print("database is up to date")
    return 0


def _privacy(args: argparse.Namespace, settings: Settings) -> int:
    from server.privacy.commands import main as privacy_main

    return asyncio.run(privacy_main(args, settings))


def _staff(args: argparse.Namespace, settings: Settings) -> int:
    from server.bus.factory import make_backends
    from server.services import accounts
    from server.services.errors import ServiceError
    from server.store.db import Database

    async def run() -> str:
        db = Database(settings.async_database_url)
        try:
            if args.staff_command == "add":
                password = sys.stdin.readline().rstrip("\n")
                staff = await accounts.add_staff(
                    db, args.username, password, sorted(set(args.role)), args.display_name,
                    args.capacity or settings.default_capacity,
                    [lang.strip() for lang in args.languages.split(",") if lang.strip()])
                return f"created {staff.username} ({staff.roles})"
            backends = make_backends(settings.redis_url)
            try:
                staff = await accounts.deactivate_and_disconnect(db, backends.bus, args.username)
            finally:
                await backends.close()
            return f"deactivated {staff.username}; open sessions ended"
        finally:
            await db.dispose()

    try:
        print(asyncio.run(run()))
    except ServiceError as exc:
        print(f"neuvo: {exc.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
