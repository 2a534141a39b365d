"""Bus contract: delivery in publish order, only for subscribed topics, until unsubscribed."""

from __future__ import annotations

from tests.contracts.conftest import Kit


async def test_messages_of_a_topic_arrive_once_in_publish_order(kit: Kit) -> None:
    await kit.subscribe("chat:a")
    sent = [f"m{i}" for i in range(50)]
    for data in sent:
        await kit.bus.publish("chat:a", data)
    got = await kit.received.until(lambda items: len(items) >= len(sent))
    assert got == [("chat:a", d) for d in sent]


async def test_interleaved_topics_keep_one_order(kit: Kit) -> None:
    await kit.subscribe("chat:a")
    await kit.subscribe("queue")
    expected = []
    for i in range(20):
        topic = "queue" if i % 3 == 0 else "chat:a"
        await kit.bus.publish(topic, str(i))
        expected.append((topic, str(i)))
    assert await kit.received.until_data("19") == expected


async def test_publish_many_keeps_the_order_of_its_batch_and_of_what_came_before(kit: Kit) -> None:
    await kit.subscribe("chat:a")
    await kit.subscribe("chat:b")
    await kit.bus.publish("chat:a", "single")
    batch = [("chat:b" if i % 2 else "chat:a", f"b{i}") for i in range(30)]
    await kit.bus.publish_many([("chat:other", "nobody"), *batch])
    await kit.bus.publish_many([("chat:a", "last")])
    assert await kit.received.until_data("last") == [
        ("chat:a", "single"), *batch, ("chat:a", "last")]


async def test_a_topic_nobody_subscribed_is_not_delivered(kit: Kit) -> None:
    await kit.subscribe("chat:mine")
    await kit.bus.publish("chat:other", "not for us")
    await kit.bus.publish("chat:mine", "marker")
    # Delivery is in order, so anything from chat:other would have come before the marker.
    assert await kit.received.until_data("marker") == [("chat:mine", "marker")]


async def test_unsubscribe_stops_delivery_of_that_topic_only(kit: Kit) -> None:
    await kit.subscribe("chat:a")
    await kit.subscribe("chat:b")
    await kit.bus.publish("chat:a", "a1")
    await kit.received.until_data("a1")
    await kit.unsubscribe("chat:a")
    await kit.bus.publish("chat:a", "a2")
    await kit.bus.publish("chat:b", "b1")
    assert await kit.received.until_data("b1") == [("chat:a", "a1"), ("chat:b", "b1")]


async def test_subscribe_again_after_unsubscribe(kit: Kit) -> None:
    await kit.subscribe("chat:a")
    await kit.unsubscribe("chat:a")
    await kit.unsubscribe("chat:a")  # twice is harmless
    await kit.subscribe("chat:a")
    await kit.bus.publish("chat:a", "back")
    assert await kit.received.until_data("back") == [("chat:a", "back")]


async def test_ping_answers_and_no_resync_without_an_outage(kit: Kit) -> None:
    await kit.bus.ping()
    await kit.subscribe("chat:a")
    await kit.bus.publish("chat:a", "x")
    await kit.received.until_data("x")
    assert kit.resyncs == []
