"""Kafka adapters: the `claims` consumer (with its dead letters) and the dispatcher that publishes
alerts to `alerts`."""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import IllegalStateError

from claimwatch_alert.claim_records import ClaimDeadLetter, claim_dead_letter, route_claim
from claimwatch_alert.feed import FeedEntry
from claimwatch_alert.retry import TRANSIENT_ERRORS, Backoff, sleep_unless
from claimwatch_alert.settings import AlertSettings
from claimwatch_schemas import Alert, Claim
from claimwatch_schemas.settings import kafka_client_options, kafka_producer_options

log = logging.getLogger(__name__)

IDEMPOTENCY_HEADER = "Claimwatch-Idempotency-Key"

ApplyBatch = Callable[[list[Claim]], Awaitable[object]]
DeadLetterSink = Callable[[ClaimDeadLetter], Awaitable[None]]


FETCH_MAX_WAIT_MS = 100


def make_consumer(settings: AlertSettings) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        settings.topic_claims,
        **kafka_client_options(settings),
        group_id=settings.alert_group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=settings.alert_session_timeout_ms,
        heartbeat_interval_ms=max(1000, settings.alert_session_timeout_ms // 3),
        # A fetch is answered when a record is there (Kafka) or only at this deadline (Tansu
        # answers at the deadline): with the default 500 ms that was most of claim -> alert.
        fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
        max_partition_fetch_bytes=4 * 1024 * 1024,
    )


def make_producer(settings: AlertSettings) -> AIOKafkaProducer:
    # Tansu rejects idempotent producers; acks=all still waits for the write.
    return AIOKafkaProducer(
        **kafka_producer_options(settings), acks="all", enable_idempotence=False, linger_ms=0
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
    apply: ApplyBatch,
    dead_letter: DeadLetterSink,
    stopping: asyncio.Event,
    *,
    batch_ms: int = 500,
    max_records: int = 500,
    backoff: Backoff | None = None,
    crash_before_state: bool = False,
) -> None:
    """Apply the claims of each poll as one batch (bad records become dead letters), then commit
    the poll's offsets.

    At least once: applying is idempotent. When Kafka or Redis does not answer, the records not
    handled yet are fetched again after a backoff; the loop never gives up.
    """
    retry = backoff or Backoff()
    while not stopping.is_set():
        try:
            await _consume_batch(consumer, apply, dead_letter, batch_ms, max_records, crash_before_state)
        except TRANSIENT_ERRORS as error:
            delay = retry.next_delay()
            log.warning("claims: %s: %s; retrying in %.1fs", type(error).__name__, error, delay)
            await sleep_unless(stopping, delay)
            continue
        retry.reset()


UNTRACKED_MARK = b'"tracked":false'
"""How the extractor (pydantic's compact JSON) writes an untracked claim: such records change no
state, so they are skipped before validation. A quote inside a string value is escaped (\\"), so
evidence text cannot fake the mark; a record spelling it otherwise is validated as usual."""


async def _consume_batch(
    consumer: AIOKafkaConsumer,
    apply: ApplyBatch,
    dead_letter: DeadLetterSink,
    batch_ms: int,
    max_records: int,
    crash_before_state: bool = False,
) -> None:
    """One poll: the valid tracked claims applied in one transaction, bad records dead-lettered,
    then the offsets committed (only after the state transaction's EXEC)."""
    batches = await consumer.getmany(timeout_ms=batch_ms, max_records=max_records)
    if not batches:
        return
    try:
        routed: list[tuple[Any, Claim]] = []
        letters: list[ClaimDeadLetter] = []
        # Partitions interleaved by record time, each partition's own order kept (a figure's claims
        # are on one partition, in order): alerts of one poll come in the order claims were made.
        for record in heapq.merge(*batches.values(), key=lambda record: record.timestamp):
            if record.value and UNTRACKED_MARK in record.value:
                continue
            claim = route_claim(record.key, record.value)
            if isinstance(claim, ClaimDeadLetter):
                letters.append(claim)
            else:
                routed.append((record, claim))
        if crash_before_state and routed:
            # Test hook: die like a SIGKILL with a poll fetched but not applied; at least once
            # means its offsets are not committed yet, so a restart reads it again.
            log.warning("CLAIMWATCH_ALERT_CRASH_BEFORE_STATE: exiting before the state step")
            os._exit(137)
        letters += await _apply(routed, apply)
        for letter in letters:
            await dead_letter(letter)
    except BaseException:
        # Not handled: fetch the whole poll again (the consumer's position is past it; applying
        # is idempotent, so claims a lost EXEC did record are duplicates the second time).
        for partition, records in batches.items():
            if records:
                _seek(consumer, partition, records[0].offset)
        raise
    offsets = {partition: records[-1].offset + 1 for partition, records in batches.items() if records}
    if offsets:
        await asyncio.shield(consumer.commit(offsets))


async def _apply(routed: list[tuple[Any, Claim]], apply: ApplyBatch) -> list[ClaimDeadLetter]:
    """Applies the claims as one batch; when the batch fails for a reason other than an outage,
    applies them one by one so only the claims the state cannot take become dead letters."""
    if not routed:
        return []
    try:
        await apply([claim for _record, claim in routed])
        return []
    except TRANSIENT_ERRORS:
        raise
    except Exception:  # any bug: find the claims that cause it instead of stopping the stream
        log.exception("a batch of %d claims could not be applied; applying them one by one", len(routed))
    letters: list[ClaimDeadLetter] = []
    for record, claim in routed:
        try:
            await apply([claim])
        except TRANSIENT_ERRORS:
            raise
        except Exception as error:
            # A claim the state cannot take (a bug, or state it contradicts): park it, keep the stream going.
            log.exception("claim %s could not be applied; dead-lettering it", claim.claim_id)
            letters.append(
                claim_dead_letter(
                    record.key, record.value, "apply_failed", f"{type(error).__name__}: {error}"
                )
            )
    return letters


def _seek(consumer: AIOKafkaConsumer, partition: TopicPartition, offset: int) -> None:
    # No longer assigned to us: its new owner starts from the committed offset.
    with contextlib.suppress(IllegalStateError, AssertionError):
        consumer.seek(partition, offset)


class KafkaAlertPublisher:
    """Delivers feed entries to the `alerts` topic: one alert (`__call__`) or a batch (`many`)."""

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

    async def many(self, entries: list[FeedEntry]) -> None:
        """Sends every entry's alert as the feed holds it (no parsing), then waits until the broker
        acknowledged them all (acks=all).

        The producer may put several records in one request; Tansu then reports a lagging high
        watermark (lag figures only: consumers still receive every record)."""
        sent = [
            await self.producer.send(
                self.topic,
                entry.alert_json.encode(),
                key=entry.figure_key.encode(),
                headers=[(IDEMPOTENCY_HEADER, entry.alert_id.encode())],
            )
            for entry in entries
        ]
        await asyncio.shield(asyncio.gather(*sent))
        log.info("published %d alerts to %s", len(entries), self.topic)
