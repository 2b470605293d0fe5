"""Webhook delivery from the change feed to a real HTTP receiver: signatures, retries, filters,
silences, the dead-letter stream."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import redis.asyncio as aioredis

from claimwatch_alert import feed
from claimwatch_alert.feed import Dispatcher
from claimwatch_alert.keys import Keys
from claimwatch_alert.settings import AlertSettings
from claimwatch_alert.state import FigureStore
from claimwatch_alert.subscriptions import SilenceIn, SubscriptionIn, SubscriptionStore
from claimwatch_alert.webhooks import WebhookDispatcher, verify
from tests.integration.test_alert_support import NATO_KEY, WebhookReceiver, eventually, make_claim

pytestmark = pytest.mark.integration

SECRET = "test-secret-1234"
KP = {"subject": "KP", "metric": "deployed", "source": "südkoreanischer Geheimdienst"}


@dataclass
class Rig:
    store: FigureStore
    subscriptions: SubscriptionStore
    webhooks: WebhookDispatcher

    async def subscribe(self, receiver: WebhookReceiver, **filters: object) -> str:
        request = SubscriptionIn.model_validate({"webhook": receiver.url, "secret": SECRET, **filters})
        return (await self.subscriptions.add(request, datetime.now(UTC))).id


@pytest.fixture(params=["one by one", "batches"])
async def rig(redis_client: aioredis.Redis, request: pytest.FixtureRequest) -> AsyncIterator[Rig]:
    """The dispatcher hands the webhooks one alert at a time, or each feed read as a batch (as the
    service does)."""
    keys = Keys()
    settings = AlertSettings(
        alert_webhook_attempts=3, alert_webhook_backoff=0.05, alert_webhook_backoff_max=0.2
    )
    subscriptions = SubscriptionStore(redis_client, keys)
    async with httpx.AsyncClient(timeout=5) as http:
        webhooks = WebhookDispatcher(redis_client, keys, subscriptions, http, settings)
        dispatcher = Dispatcher(
            redis_client,
            keys,
            group="webhooks",
            consumer="test",
            deliver=webhooks,
            deliver_batch=webhooks.many if request.param == "batches" else None,
            block_ms=200,
        )
        task = asyncio.create_task(dispatcher.run())
        yield Rig(FigureStore(redis_client, keys), subscriptions, webhooks)
        dispatcher.stop()
        await asyncio.wait_for(task, 10)


async def test_each_alert_arrives_once_signed_also_after_the_receiver_was_down(
    rig: Rig, redis_client: aioredis.Redis
) -> None:
    async with WebhookReceiver(fail_first=2) as receiver:
        await rig.subscribe(receiver)
        for claim in [
            make_claim("seed-1", 600_000, day=1),
            make_claim("seed-2", 600_000, day=2),
            make_claim("seed-1", 853_030, metric="lost", source=None, day=1, start=100),
            make_claim("later", 700_000, day=3),
        ]:
            await rig.store.apply(claim)

        await eventually(lambda: _at_least(receiver, 3))

    feed_ids = [entry.alert.alert_id for entry in await feed.read_range(redis_client, Keys())]
    delivered = receiver.delivered()
    assert [r.headers["claimwatch-idempotency-key"] for r in delivered] == feed_ids
    assert [(r.alert().kind.value, r.alert().figure_key, r.alert().value) for r in delivered] == [
        ("new", NATO_KEY, 600_000),
        ("new", "RU/lost/soldiers/total/unattributed", 853_030),
        ("changed", NATO_KEY, 700_000),
    ]
    assert all(verify(SECRET, r.body, r.headers["claimwatch-signature"]) for r in receiver.requests)
    # the first alert was refused twice with 503 and came on the third try, with the same key
    assert [r.headers["claimwatch-attempt"] for r in receiver.requests[:3]] == ["1", "2", "3"]
    assert {r.headers["claimwatch-idempotency-key"] for r in receiver.requests[:3]} == {feed_ids[0]}
    assert len(receiver.requests) == 5
    assert await redis_client.xlen(Keys().deadletter) == 0
    pending = await redis_client.xpending(Keys().feed, "webhooks")
    assert pending["pending"] == 0


async def test_filter_and_silence_each_suppress(rig: Rig) -> None:
    async with WebhookReceiver() as everything, WebhookReceiver() as korea_only:
        await rig.subscribe(everything)
        await rig.subscribe(korea_only, figure_key="KP/*")
        await rig.store.apply(make_claim("a1", 600_000, day=1))
        await rig.store.apply(make_claim("a1", 1000, day=1, start=50, **KP))  # type: ignore[arg-type]  # KP holds str fields
        await eventually(lambda: _at_least(everything, 2))
        await eventually(lambda: _at_least(korea_only, 1))

        await rig.subscriptions.add_silence(
            SilenceIn(subject="KP", ends_at=datetime.now(UTC) + timedelta(hours=1)), datetime.now(UTC)
        )
        await rig.store.apply(make_claim("a2", 12_000, day=2, **KP))  # type: ignore[arg-type]  # as above
        await rig.store.apply(make_claim("a2", 700_000, day=2, start=50))
        # the feed is delivered in order: once the later RU change is in, the KP change was passed over
        await eventually(lambda: _at_least(everything, 3))

    assert [(r.alert().kind.value, r.alert().subject, r.alert().value) for r in everything.requests] == [
        ("new", "RU", 600_000),
        ("new", "KP", 1000),
        ("changed", "RU", 700_000),
    ]
    assert [(r.alert().kind.value, r.alert().subject, r.alert().value) for r in korea_only.requests] == [
        ("new", "KP", 1000)
    ]


async def test_thresholds_hold_back_small_changes(rig: Rig) -> None:
    async with WebhookReceiver() as big_only, WebhookReceiver() as everything:
        await rig.subscribe(big_only, min_rel_change=0.1)
        await rig.subscribe(everything)
        for day, value in [(1, 600_000), (2, 610_000), (3, 700_000)]:
            await rig.store.apply(make_claim(f"a{day}", value, day=day))
        await eventually(lambda: _at_least(everything, 3))
        await eventually(lambda: _at_least(big_only, 2))

    assert [(r.alert().kind.value, r.alert().value) for r in big_only.requests] == [
        ("new", 600_000),
        ("changed", 700_000),
    ]


async def test_failed_delivery_is_dead_lettered_and_redeliverable(
    rig: Rig, redis_client: aioredis.Redis
) -> None:
    async with WebhookReceiver(fail_first=3, status=500) as receiver:
        subscription_id = await rig.subscribe(receiver)
        await rig.store.apply(make_claim("a1", 600_000, day=1))
        letters = await eventually(rig.webhooks.dead_letters)

        (letter,) = letters
        assert (letter.subscription_id, letter.error, letter.attempts) == (subscription_id, "HTTP 500", 3)
        assert letter.alert.figure_key == NATO_KEY
        assert len(receiver.requests) == 3

        assert await rig.webhooks.redeliver(letter.id) == letter
        assert await rig.webhooks.dead_letters() == []
        assert await rig.webhooks.redeliver(letter.id) is None

    assert [r.headers["claimwatch-idempotency-key"] for r in receiver.requests] == [letter.alert.alert_id] * 4
    assert receiver.requests[-1].headers["claimwatch-attempt"] == "4"
    pending = await redis_client.xpending(Keys().feed, "webhooks")
    assert pending["pending"] == 0


async def test_client_error_is_not_retried(rig: Rig) -> None:
    async with WebhookReceiver(fail_first=1, status=410) as receiver:
        await rig.subscribe(receiver)
        await rig.store.apply(make_claim("a1", 600_000, day=1))
        (letter,) = await eventually(rig.webhooks.dead_letters)
    assert (letter.error, len(receiver.requests)) == ("HTTP 410", 1)


async def _at_least(receiver: WebhookReceiver, count: int) -> bool:
    return len(receiver.delivered()) >= count
