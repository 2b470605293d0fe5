"""`python -m claimwatch_alert` as a process: claims in, alerts out; SIGTERM; SIGKILL and restart."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from claimwatch_schemas import Alert, AlertKind, Claim, ConnectionSettings
from tests.integration.test_alert_support import NATO_KEY, AlertProcess, eventually, free_port, make_claim

pytestmark = pytest.mark.integration


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
    service = AlertProcess(settings, tmp_path / "alert.log", free_port())
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


async def _count_at_least(consumer: AIOKafkaConsumer, received: list[Alert], count: int) -> bool:
    await read_alerts(consumer, received)
    return len(received) >= count
