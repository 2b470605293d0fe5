"""Kafka adapters: the `claims` consumer (with its dead letters) and the dispatcher that publishes
alerts to `alerts`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import IllegalStateError
from pydantic import ValidationError

from claimwatch_alert.claim_records import ClaimDeadLetter, claim_dead_letter, route_claim
from claimwatch_alert.retry import TRANSIENT_ERRORS, Backoff, sleep_unless
from claimwatch_alert.settings import AlertSettings
from claimwatch_schemas import Alert, Claim
from claimwatch_schemas.settings import kafka_client_options

log = logging.getLogger(__name__)

IDEMPOTENCY_HEADER = "Claimwatch-Idempotency-Key"

Apply = Callable[[Claim], Awaitable[object]]
DeadLetterSink = Callable[[ClaimDeadLetter], Awaitable[None]]


def make_consumer(settings: AlertSettings) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        settings.topic_claims,
        **kafka_client_options(settings),
        group_id=settings.alert_group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=settings.alert_session_timeout_ms,
        heartbeat_interval_ms=max(1000, settings.alert_session_timeout_ms // 3),
    )


def make_producer(settings: AlertSettings) -> AIOKafkaProducer:
    # Tansu rejects idempotent producers; acks=all still waits for the write.
    return AIOKafkaProducer(
        **kafka_client_options(settings), acks="all", enable_idempotence=False, linger_ms=0
    )


class KafkaDeadLetters:
    """Sends bad `claims` records to the claims dead-letter topic, original bytes and key, acks=all."""

    def __init__(self, producer: AIOKafkaProducer, topic: str) -> None:
        self.producer = producer
        self.topic = topic

    async def __call__(self, letter: ClaimDeadLetter) -> None:
        await asyncio.shield(
            self.producer.send_and_wait(
                self.topic, letter.value, key=letter.key, headers=list(letter.headers.items())
            )
        )
        log.warning("dead letter to %s: %s: %s", self.topic, letter.error, letter.reason[:300])


async def consume_claims(
    consumer: AIOKafkaConsumer,
    apply: Apply,
    dead_letter: DeadLetterSink,
    stopping: asyncio.Event,
    *,
    batch_ms: int = 500,
    backoff: Backoff | None = None,
) -> None:
    """Apply every claim (bad records become dead letters), then commit the batch's offsets.

    At least once: applying is idempotent. When Kafka or Redis does not answer, the records not
    handled yet are fetched again after a backoff; the loop never gives up.
    """
    retry = backoff or Backoff()
    while not stopping.is_set():
        try:
            await _consume_batch(consumer, apply, dead_letter, batch_ms)
        except TRANSIENT_ERRORS as error:
            delay = retry.next_delay()
            log.warning("claims: %s: %s; retrying in %.1fs", type(error).__name__, error, delay)
            await sleep_unless(stopping, delay)
            continue
        retry.reset()


async def _consume_batch(
    consumer: AIOKafkaConsumer, apply: Apply, dead_letter: DeadLetterSink, batch_ms: int
) -> None:
    batches = await consumer.getmany(timeout_ms=batch_ms, max_records=200)
    offsets: dict[TopicPartition, int] = {}
    try:
        for partition, records in batches.items():
            for record in records:
                await _handle(record, apply, dead_letter)
                offsets[partition] = record.offset + 1
    except BaseException:
        # Not handled yet: fetch these again (the consumer's position is past the whole batch).
        for partition, records in batches.items():
            if records:
                _seek(consumer, partition, offsets.get(partition, records[0].offset))
        raise
    finally:
        # Also on cancellation (shutdown): what was handled is committed, the rest comes again.
        if offsets:
            await asyncio.shield(consumer.commit(offsets))


async def _handle(record: Any, apply: Apply, dead_letter: DeadLetterSink) -> None:
    routed = route_claim(record.key, record.value)
    if isinstance(routed, ClaimDeadLetter):
        await dead_letter(routed)
        return
    try:
        await apply(routed)
    except TRANSIENT_ERRORS:
        raise
    except (ValueError, ValidationError, RuntimeError) as error:
        # A claim the state cannot take (a bug, or state it contradicts): park it, keep the stream going.
        log.exception("claim %s could not be applied; dead-lettering it", routed.claim_id)
        await dead_letter(
            claim_dead_letter(record.key, record.value, "apply_failed", f"{type(error).__name__}: {error}")
        )


def _seek(consumer: AIOKafkaConsumer, partition: TopicPartition, offset: int) -> None:
    # No longer assigned to us: its new owner starts from the committed offset.
    with contextlib.suppress(IllegalStateError, AssertionError):
        consumer.seek(partition, offset)


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
