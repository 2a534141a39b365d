"""A small scripted data builder for the statistics tests: ChatStats (and StatsMessage,
PhoneCalls) rows written straight into a migrated database, so the statistics are tested
without depending on the code that fills the tables at chat end."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.minimal import MinimalBot
from server.bus.factory import make_backends
from server.config import Settings, to_async_url
from server.services.context import ServiceContext
from server.store import migrate
from server.store.db import Database
from server.store.models_stats import ChatStats, PhoneCalls, StaffingHour, StatsMessage

HKI = ZoneInfo("Europe/Helsinki")


@dataclass
class Group:
    """`n` chats started at the same local (Helsinki) minute with the same attributes; the
    per-chat lists (outcomes, waits, scores) are cycled."""

    day: date
    at: time
    n: int
    handled_by: str
    lang: str = "fi"
    municipality: str | None = "Seinäjoki"
    topic: str | None = None
    tag_topics: str | None = None
    outcomes: Sequence[str | None] = (None,)
    waits: Sequence[float | None] = (None,)
    scores: Sequence[int | None] = (None,)
    fallbacks: int = 0


def rows(groups: Sequence[Group]) -> list[ChatStats]:
    out = []
    for group in groups:
        created = datetime.combine(group.day, group.at, tzinfo=HKI).astimezone(UTC)
        per_chat = zip(range(group.n), itertools.cycle(group.outcomes),
                       itertools.cycle(group.waits), itertools.cycle(group.scores), strict=False)
        for _, outcome, wait, score in per_chat:
            handed = group.handled_by != "bot"
            queued = created + timedelta(minutes=2) if handed else None
            accepted = queued + timedelta(seconds=wait) if queued and wait is not None else None
            out.append(ChatStats(
                chat_id=uuid.uuid4().hex, lang=group.lang, municipality=group.municipality,
                created_at=created, handoff_at=queued, queued_at=queued,
                first_accepted_at=accepted, closed_at=created + timedelta(minutes=20),
                closed_by="resident", handled_by=group.handled_by, wait_s=wait,
                first_response_s=5.0 if accepted else None, duration_s=1200.0,
                topic=group.topic, tag_topics=group.tag_topics, outcome=outcome,
                resident_messages=3, bot_messages=3, staff_messages=2 if accepted else 0,
                fallbacks=group.fallbacks, feedback_score=score))
    return out


async def insert(ctx: ServiceContext, chats: Sequence[ChatStats],
                 messages: Sequence[StatsMessage] = (), calls: dict[date, int] | None = None,
                 ) -> None:
    async with ctx.db.write() as session:
        session.add_all(chats)
    async with ctx.db.write() as session:
        session.add_all(messages)
        session.add_all(PhoneCalls(day=d, calls=n) for d, n in (calls or {}).items())


@asynccontextmanager
async def service_context(db_url: str, tmp: Path, **settings: Any) -> AsyncIterator[ServiceContext]:
    """A migrated database (a fresh SQLite file, or the given PostgreSQL database) and an
    in-process context around it."""
    url = db_url or f"sqlite:///{tmp / 'stats.db'}"
    async_url = to_async_url(url)
    await asyncio.to_thread(migrate.upgrade, async_url)
    config = Settings(dev=True, database_url=url, bot="minimal", **settings)
    db = Database(async_url)
    backends = make_backends(None)
    ctx = ServiceContext(settings=config, db=db, backends=backends, bot=MinimalBot())
    try:
        yield ctx
    finally:
        await backends.close()
        await db.dispose()


# The scripted set (November 2026; Helsinki is UTC+2). Every count is 5 or more except
# Kuortane's three chats, so the exact figures show; tests/stats/test_aggregates.py has
# the expected values worked out by hand.
NOV = date(2026, 11, 9)  # a Monday
SCRIPTED = [
    Group(NOV, time(10, 0), 10, "bot", topic="housing_advice", scores=(4, None), fallbacks=1),
    Group(NOV, time(11, 0), 10, "staff", topic="income_support", tag_topics="income_support",
          outcomes=("solved_first_contact", "referred"),
          waits=(10, 20, 30, 40, 50, 60, 70, 80, 90, 100), scores=(5, None)),
    Group(NOV, time(11, 30), 3, "staff", municipality="Kuortane", topic="income_support",
          outcomes=("referred",), waits=(200,)),
    Group(NOV + timedelta(days=1), time(14, 0), 5, "abandoned_queue", lang="sv",
          municipality="Vaasa", topic="income_support", outcomes=("abandoned",)),
    Group(NOV + timedelta(days=1), time(15, 0), 7, "staff", lang="en", municipality="Vaasa",
          topic="child_welfare", tag_topics="child_welfare,housing_advice",
          outcomes=("solved_first_contact",), waits=(30,), scores=(3, 3, 3, 3, 3, None, None)),
    # 23:30 and 00:30 Helsinki time are both 21:30/22:30 UTC of 11 November: local days count.
    Group(NOV + timedelta(days=2), time(23, 30), 5, "bot", topic="housing_advice"),
    Group(NOV + timedelta(days=3), time(0, 30), 5, "bot", topic="housing_advice", scores=(1,)),
    # Outside the week that the tests ask for.
    Group(NOV + timedelta(days=11), time(9, 0), 6, "bot", topic="greet"),
]


def recent(today: date, days: int = 28, seed: int = 11) -> list[Group]:
    """A realistic-looking, deterministic month up to `today` for the page and screenshot:
    busier on weekdays and office hours, a small municipality, feedback, abandoned chats."""
    import random

    rnd = random.Random(seed)
    topics = ["housing_advice", "income_support", "child_welfare", "substance_abuse",
              "elderly_services"]
    places = ["Seinäjoki", "Seinäjoki", "Lapua", "Kauhava", "Alavus"]
    groups: list[Group] = []
    for back in range(days):
        day = today - timedelta(days=back)
        weekday = day.weekday() < 5
        for hour in (8, 9, 10, 11, 12, 13, 14, 15, 18, 21):
            n = rnd.randint(2, 6) if weekday and hour < 16 else rnd.randint(0, 2)
            for _ in range(n):
                handled = rnd.choices(["bot", "staff", "abandoned_queue"], [5, 4, 1])[0]
                topic = rnd.choice(topics)
                groups.append(Group(
                    day, time(hour, rnd.randint(0, 59)), 1, handled,
                    lang=rnd.choices(["fi", "sv", "en"], [8, 2, 1])[0],
                    municipality=rnd.choice(places), topic=topic,
                    tag_topics=topic if handled == "staff" else None,
                    outcomes=(rnd.choice(["solved_first_contact", "solved_first_contact",
                                          "referred", "other"]) if handled == "staff"
                              else "abandoned" if handled == "abandoned_queue" else None,),
                    waits=(rnd.randint(20, 900) if handled == "staff" else None,),
                    scores=(rnd.choice([None, None, 5, 4, 4, 3, 2, 5]),)))
    groups.append(Group(today - timedelta(days=3), time(10, 5), 2, "bot", municipality="Kuortane",
                        topic="housing_advice"))
    return groups


def staffing_rows(today: date, days: int = 28) -> list[StaffingHour]:
    """Workers on duty for `recent`'s month, as the sweepers would have sampled them (a
    full hour of minutes per row): three on weekdays 8–16, one in the evening and at
    weekend middays."""
    helsinki = ZoneInfo("Europe/Helsinki")
    out = []
    for back in range(days):
        day = today - timedelta(days=back)
        for hour in range(24):
            weekday = day.weekday() < 5
            n = (3 if weekday and 8 <= hour < 16 else 1 if weekday and 16 <= hour < 22
                 else 1 if 10 <= hour < 14 else 0)
            start = datetime.combine(day, time(hour), tzinfo=helsinki).astimezone(UTC)
            out.append(StaffingHour(hour_start=start, samples=60, staff_sum=60 * n,
                                    last_minute=start + timedelta(minutes=59)))
    return out
