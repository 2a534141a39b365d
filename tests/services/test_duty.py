"""Staffing from a staff socket (services/duty.py), in process on both databases with a
recording bus: presence is written and the queue's estimates republished exactly when
staffing changes."""

from __future__ import annotations

from server.services import duty
from server.services.context import QUEUE_TOPIC
from tests.services.conftest import Services


async def test_on_and_off_duty_write_presence_and_republish_the_queue(svc: Services) -> None:
    staff = await svc.staff(status=None)
    with svc.bus.capture() as events:
        await duty.come_on_duty(svc.ctx, staff.id, "available")
    assert (await svc.ctx.backends.presence.all())[staff.id] == "available"
    assert svc.bus.kinds(events) == [(QUEUE_TOPIC, "queue.updated")]
    with svc.bus.capture() as events:
        await duty.keep_on_duty(svc.ctx, staff.id, "away")  # a refresh: no broadcast
    assert (await svc.ctx.backends.presence.all())[staff.id] == "away" and events == []
    with svc.bus.capture() as events:
        await duty.go_off_duty(svc.ctx, staff.id)
    assert staff.id not in await svc.ctx.backends.presence.all()
    assert svc.bus.kinds(events) == [(QUEUE_TOPIC, "queue.updated")]


async def test_only_a_staffing_change_republishes(svc: Services) -> None:
    staff = await svc.staff()
    renamed = staff.model_copy(update={"display_name": "Uusi nimi"})
    with svc.bus.capture() as events:
        assert not await duty.account_changed(svc.ctx, staff, renamed)
    assert events == []
    bigger = staff.model_copy(update={"capacity": staff.capacity + 2})
    with svc.bus.capture() as events:
        assert await duty.account_changed(svc.ctx, staff, bigger)
    assert svc.bus.kinds(events) == [(QUEUE_TOPIC, "queue.updated")]
