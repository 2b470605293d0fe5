"""`python -m claimwatch_alert` as a process: claims in, alerts out; SIGTERM; SIGKILL and restart."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import redis.asyncio as aioredis
import typer
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from typer.testing import CliRunner

from claimwatch_alert.cli import register
from claimwatch_alert.keys import Keys
from claimwatch_schemas import Alert, AlertKind, Claim, ConnectionSettings
from tests.integration.test_alert_support import (
    NATO_KEY,
    AlertProcess,
    WebhookReceiver,
    eventually,
    free_port,
    make_claim,
)

pytestmark = pytest.mark.integration

TOKEN = "alert-test-token"


async def produce(settings: ConnectionSettings, claims: list[Claim]) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap, acks="all", enable_idempotence=False
    )
    await producer.start()
    try:
        for claim in claims:  # one request per record: Tansu's watermark lags behind batches
            await producer.send_and_wait(
                settings.topic_claims, claim.model_dump_json().encode(), key=claim.figure_key.encode()
            )
    finally:
        await producer.stop()


@pytest.fixture
async def alerts_consumer(settings: ConnectionSettings) -> AsyncIterator[AIOKafkaConsumer]:
    consumer = AIOKafkaConsumer(
        settings.topic_alerts, bootstrap_servers=settings.kafka_bootstrap, auto_offset_reset="earliest"
    )
    await consumer.start()
    yield consumer
    await consumer.stop()


async def read_alerts(consumer: AIOKafkaConsumer, into: list[Alert]) -> list[Alert]:
    batches = await consumer.getmany(timeout_ms=200)
    for records in batches.values():
        into.extend(Alert.model_validate_json(record.value) for record in records)
    return into


async def test_claims_topic_to_alerts_topic(
    settings: ConnectionSettings, alerts_consumer: AIOKafkaConsumer, tmp_path: Path
) -> None:
    service = AlertProcess(settings, tmp_path / "alert.log", free_port(), CLAIMWATCH_API_TOKEN=TOKEN)
    try:
        await produce(
            settings,
            [
                make_claim("nato-1", 600_000, day=1),
                make_claim("nato-2", 600_000, day=2, start=50),  # the second seed: corroboration
                make_claim(
                    "count", 32, subject=None, metric="count", unit="countries", source=None, tracked=False
                ),
                make_claim("nato-3", 700_000, day=3),
            ],
        )
        received: list[Alert] = []
        await eventually(lambda: _count_at_least(alerts_consumer, received, 2))

        async def healthy() -> bool:
            async with httpx.AsyncClient() as client:
                try:
                    return (await client.get(f"{service.url}/healthz")).status_code == 200
                except httpx.HTTPError:
                    return False

        await eventually(healthy)
        async with httpx.AsyncClient(base_url=service.url) as anonymous:
            assert (await anonymous.get("/figures")).status_code == 401
        async with httpx.AsyncClient(
            base_url=service.url, headers={"Authorization": f"Bearer {TOKEN}"}
        ) as client:
            figures = (await client.get("/figures", params={"subject": "RU"})).json()
            assert [(f["figure_key"], f["value"], f["reported_by"]) for f in figures] == [
                (NATO_KEY, 700_000, ["nato-3"])
            ]
            figure = (await client.get(f"/figures/{NATO_KEY}")).json()
            assert [(h["value"], h["reported_by"]) for h in figure["history"]] == [
                (600_000, ["nato-1", "nato-2"]),
                (700_000, ["nato-3"]),
            ]
            assert (await client.get("/figures/XX/none")).status_code == 404
            listed = (await client.get("/alerts")).json()
            assert [a["alert"]["kind"] for a in listed] == ["new", "changed"]
            assert await sse_events(client, last_event_id=listed[0]["id"], count=1) == [
                (listed[1]["id"], received[1].alert_id)
            ]
        await check_cli(settings, service.url, received)
        assert service.terminate() == 0
        await read_alerts(alerts_consumer, received)  # anything published late would show here
    finally:
        if service.process.poll() is None:
            service.kill()

    assert [(a.kind, a.figure_key, a.value, a.qualifier.value) for a in received] == [
        (AlertKind.NEW, NATO_KEY, 600_000, "more_than"),
        (AlertKind.CHANGED, NATO_KEY, 700_000, "more_than"),
    ]
    changed = received[1]
    assert changed.previous is not None
    assert (changed.previous.value, changed.delta) == (600_000, 100_000)
    assert changed.relative_change == pytest.approx(1 / 6)
    assert "stopped" in service.log()
    assert json.loads(received[0].model_dump_json())["claim"]["article_id"] == "nato-1"


async def check_cli(settings: ConnectionSettings, url: str, received: list[Alert]) -> None:
    app = typer.Typer()
    register(app)
    env = {
        "CLAIMWATCH_REDIS_URL": settings.redis_url,
        "CLAIMWATCH_ALERT_URL": url,
        "COLUMNS": "200",
        "CLAIMWATCH_API_TOKEN": TOKEN,
    }

    async def run(*args: str) -> str:
        result = await asyncio.to_thread(CliRunner().invoke, app, list(args), env=env)
        assert result.exit_code == 0, result.output
        return result.stdout

    figures = [json.loads(line) for line in (await run("figures", "--json")).splitlines()]
    assert [(f["figure_key"], f["value"]) for f in figures] == [(NATO_KEY, 700_000)]
    assert "700,000 (more_than)" in await run("figures")
    assert json.loads(await run("figure", NATO_KEY, "--json"))["value"] == 700_000
    alerts = [Alert.model_validate_json(line) for line in (await run("alerts")).splitlines()]
    assert [a.alert_id for a in alerts] == [a.alert_id for a in received]
    created = json.loads(
        await run(
            "subscribe",
            "--webhook",
            "http://127.0.0.1:9/x",
            "--secret",
            "cli-secret-1",
            "--subject",
            "RU",
            "--kind",
            "changed",
            "--min-rel-change",
            "0.05",
        )
    )
    assert (created["subject"], created["kinds"], created["min_rel_change"]) == ("RU", ["changed"], 0.05)
    assert "secret" not in created
    listed = [json.loads(line) for line in (await run("subscriptions", "--json")).splitlines()]
    assert [s["id"] for s in listed] == [created["id"]]
    assert await run("unsubscribe", created["id"]) == f"deleted {created['id']}\n"
    assert await run("subscriptions", "--json") == ""
    assert await run("alerts", "--failed") == ""


async def sse_events(client: httpx.AsyncClient, *, last_event_id: str, count: int) -> list[tuple[str, str]]:
    """(event id, alert id) of the first `count` events of /alerts/stream resumed after last_event_id."""
    events: list[tuple[str, str]] = []
    event_id = ""
    async with client.stream("GET", "/alerts/stream", headers={"Last-Event-ID": last_event_id}) as response:
        assert response.status_code == 200
        async for line in response.aiter_lines():
            if line.startswith("id:"):
                event_id = line[3:].strip()
            elif line.startswith("data:"):
                events.append((event_id, Alert.model_validate_json(line[5:].strip()).alert_id))
                if len(events) == count:
                    break
    return events


async def _count_at_least(consumer: AIOKafkaConsumer, received: list[Alert], count: int) -> bool:
    await read_alerts(consumer, received)
    return len(received) >= count


async def test_killed_after_the_state_step_delivers_exactly_the_missing_alerts_on_restart(
    settings: ConnectionSettings,
    alerts_consumer: AIOKafkaConsumer,
    redis_client: aioredis.Redis,
    tmp_path: Path,
) -> None:
    keys = Keys()
    port = free_port()
    log = tmp_path / "alert.log"
    on_kafka: list[Alert] = []
    async with WebhookReceiver() as receiver:
        first = AlertProcess(settings, log, port)
        try:
            async with httpx.AsyncClient(base_url=first.url) as client:
                subscription = await eventually(lambda: _subscribe(client, receiver.url))
            assert "secret" not in subscription
            await produce(settings, [make_claim("nato-1", 600_000, day=1)])
            await eventually(lambda: _delivered(receiver, 1))
            await eventually(lambda: _count_at_least(alerts_consumer, on_kafka, 1))
            await eventually(lambda: _all_acked(redis_client, keys))
        finally:
            first.kill()

        # state step done, no dispatcher ran: the alerts are only in the feed when it dies
        crashing = AlertProcess(settings, log, port, CLAIMWATCH_ALERT_CRASH_AFTER_STATE="1")
        try:
            await produce(settings, [make_claim("nato-2", 700_000, day=2), make_claim("kp-1", 1000, **KP)])  # type: ignore[arg-type]  # KP holds str fields
            await eventually(lambda: _feed_length(redis_client, keys, 3))
        finally:
            crashing.kill()
        assert len(receiver.requests) == 1

        restarted = AlertProcess(settings, log, port)
        try:
            await eventually(lambda: _delivered(receiver, 3))
            await eventually(lambda: _count_at_least(alerts_consumer, on_kafka, 3))
            await eventually(lambda: _all_acked(redis_client, keys))
            assert restarted.terminate() == 0
        finally:
            if restarted.process.poll() is None:
                restarted.kill()
        await read_alerts(alerts_consumer, on_kafka)

    # Claims of different figures are on different partitions: only each figure's own alerts
    # come in a fixed order.
    expected = {NATO_KEY: [("new", 600_000), ("changed", 700_000)], KP_KEY: [("new", 1000)]}
    assert per_figure([r.alert() for r in receiver.requests]) == expected
    assert per_figure(on_kafka) == expected
    keys_sent = [r.headers["claimwatch-idempotency-key"] for r in receiver.requests]
    assert sorted(keys_sent) == sorted(a.alert_id for a in on_kafka)
    assert len(set(keys_sent)) == 3


def per_figure(alerts: list[Alert]) -> dict[str, list[tuple[str, float]]]:
    grouped: dict[str, list[tuple[str, float]]] = {}
    for alert in alerts:
        grouped.setdefault(alert.figure_key, []).append((alert.kind.value, alert.value))
    return grouped


KP = {"subject": "KP", "metric": "deployed", "source": "südkoreanischer Geheimdienst"}
KP_KEY = "KP/deployed/soldiers/total/suedkoreanischer_geheimdienst"


async def _subscribe(client: httpx.AsyncClient, url: str) -> dict[str, object] | None:
    try:
        response = await client.post("/subscriptions", json={"webhook": url, "secret": "process-secret"})
    except httpx.TransportError:
        return None
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


async def _delivered(receiver: WebhookReceiver, count: int) -> bool:
    return len(receiver.requests) >= count


async def _feed_length(client: aioredis.Redis, keys: Keys, count: int) -> bool:
    return await client.xlen(keys.feed) >= count


async def _all_acked(client: aioredis.Redis, keys: Keys) -> bool:
    for group in ("kafka", "webhooks"):
        if (await client.xpending(keys.feed, group))["pending"]:
            return False
    return True


async def test_a_crash_before_the_state_step_loses_no_claim(
    settings: ConnectionSettings, redis_client: aioredis.Redis, tmp_path: Path
) -> None:
    """At least once: the offsets of a poll are committed only after its claims are applied, so a
    process that dies with a poll fetched but not applied reads it again after a restart."""
    keys = Keys()
    claims = [make_claim(f"art-{n}", 600_000 + n * 1000, day=1 + n, start=n) for n in range(6)]
    await produce(settings, claims)
    log = tmp_path / "alert.log"
    crashing = AlertProcess(settings, log, free_port(), CLAIMWATCH_ALERT_CRASH_BEFORE_STATE="1")
    assert crashing.process.wait(timeout=60) == 137, crashing.log()
    crashing.kill()

    assert await redis_client.scard(keys.applied) == 0  # fetched, died before applying

    restarted = AlertProcess(settings, log, free_port())
    try:
        async with httpx.AsyncClient(base_url=restarted.url) as client:
            await eventually(lambda: _healthy(client), within=60)
        assert restarted.terminate() == 0
    finally:
        if restarted.process.poll() is None:
            restarted.kill()
    assert await redis_client.scard(keys.applied) == len(claims)
    figure = json.loads(await redis_client.get(keys.figure(NATO_KEY)) or b"{}")
    assert figure["value"] == 605_000


async def _healthy(client: httpx.AsyncClient) -> bool | None:
    try:
        return (await client.get("/healthz")).status_code == 200 or None
    except httpx.HTTPError:
        return None
