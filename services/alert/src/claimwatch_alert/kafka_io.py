"""Kafka adapters: the `claims` consumer and the dispatcher that publishes alerts to `alerts`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from pydantic import ValidationError

from claimwatch_alert.settings import AlertSettings
from claimwatch_schemas import Alert, Claim

log = logging.getLogger(__name__)

IDEMPOTENCY_HEADER = "Claimwatch-Idempotency-Key"


def make_consumer(settings: AlertSettings) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        settings.topic_claims,
        bootstrap_servers=settings.kafka_bootstrap,
        group_id=settings.alert_group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=settings.alert_session_timeout_ms,
        heartbeat_interval_ms=max(1000, settings.alert_session_timeout_ms // 3),
    )


def make_producer(settings: AlertSettings) -> AIOKafkaProducer:
    # Tansu rejects idempotent producers; acks=all still waits for the write.
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap, acks="all", enable_idempotence=False, linger_ms=0
    )


def parse_claim(raw: bytes | None) -> Claim | None:
    if raw is None:
        return None
    try:
        return Claim.model_validate_json(raw)
    except ValidationError as error:
        log.warning("skipping a record that is no valid claim: %s", error.errors()[:3])
        return None


async def consume_claims(
    consumer: AIOKafkaConsumer,
    apply: Callable[[Claim], Awaitable[object]],
    stopping: asyncio.Event,
    *,
    batch_ms: int = 500,
) -> None:
    """Apply every claim, then commit the batch's offsets (at least once; applying is idempotent)."""
    while not stopping.is_set():
        batches = await consumer.getmany(timeout_ms=batch_ms, max_records=200)
        offsets: dict[TopicPartition, int] = {}
        try:
            for partition, records in batches.items():
                for record in records:
                    claim = parse_claim(record.value)
                    if claim is not None:
                        await apply(claim)
                    offsets[partition] = record.offset + 1
        finally:
            # Also on cancellation (shutdown): what was applied is committed, the rest comes again.
            if offsets:
                await asyncio.shield(consumer.commit(offsets))


class KafkaAlertPublisher:
    """Delivers feed entries to the `alerts` topic, one acknowledged send at a time."""

    def __init__(self, producer: AIOKafkaProducer, topic: str) -> None:
        self.producer = producer
        self.topic = topic

    async def __call__(self, alert: Alert) -> None:
        # One record per request: Tansu's high watermark lags behind batched produce requests.
        await asyncio.shield(
            self.producer.send_and_wait(
                self.topic,
                alert.model_dump_json().encode(),
                key=alert.figure_key.encode(),
                headers=[(IDEMPOTENCY_HEADER, alert.alert_id.encode())],
            )
        )
        log.info(
            "published %s alert %s for %s to %s",
            alert.kind.value,
            alert.alert_id,
            alert.figure_key,
            self.topic,
        )
