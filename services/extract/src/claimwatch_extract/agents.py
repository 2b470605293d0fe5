"""The agent: every `articles` record becomes claims (or one dead letter), published by its sink.

Records are taken in batches with Faust's `noack_take`: what has arrived at its next tick (every
`extract_batch_wait`), at most `extract_batch_max` records, and at most one batch per
`extract_batch_seconds`. The sink publishes the claims of a whole batch before waiting for the
broker's acks once. One produce request per partition then carries the claims of many articles:
fewer round trips for the worker, and far fewer stored batches for the broker (the embedded Tansu
broker's fetch cost grows with the number of batches a partition holds; see the README).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable
from typing import Any

from aiokafka import AIOKafkaProducer

from claimwatch_extract.app import app, articles_topic, settings
from claimwatch_extract.partitioner import by_partitions
from claimwatch_extract.routing import Outgoing, Routed, route_article

log = logging.getLogger("claimwatch.extract")


async def publish(batch: list[Routed]) -> None:
    """The agent's sink: claims to `claims`, dead letters to the DLQ, for a batch of records.

    Faust acknowledges a batch's records only after this returned, and this waits for the
    broker's acks, so a crash can repeat claims but never lose them. The claims go out as one
    record batch per partition (more where a batch fills up), in the order they were made, built
    directly (aiokafka's `create_batch`/`send_batch`): one future per partition instead of one
    per claim, ~28 per article.
    """
    producer = app.producer
    pending: list[Awaitable[Any]] = []
    for routed in batch:
        letter = routed.dead_letter
        if letter is not None:
            log.warning("dead letter %r: %s", letter.key, letter.headers.get("claimwatch-error-reason"))
            headers = list(letter.headers.items())
            pending.append(
                await producer.send(
                    settings.topic_articles_dlq, letter.key, letter.value, None, None, headers
                )
            )
    claims = [claim for routed in batch for claim in routed.claims]
    if claims:
        pending += await _send_batches(settings.topic_claims, claims)
    await asyncio.gather(*pending)


async def _send_batches(topic: str, records: list[Outgoing]) -> list[Awaitable[Any]]:
    """Sends `records` as record batches, one per partition while it fits; their futures."""
    # Faust's producer wraps aiokafka's and has no batch API of its own; ProducerT, its type,
    # does not declare the aiokafka driver's accessor.
    kafka: AIOKafkaProducer = app.producer._ensure_producer()  # type: ignore[attr-defined]
    await kafka.client._wait_on_metadata(topic)  # the partitions known, as aiokafka's `send` does first
    cluster = kafka.client.cluster
    by_partition = by_partitions(
        records,
        sorted(cluster.partitions_for_topic(topic) or ()),
        sorted(cluster.available_partitions_for_topic(topic) or ()),
    )
    futures: list[Awaitable[Any]] = []
    for number, outgoing in by_partition.items():
        builder = kafka.create_batch()
        for record in outgoing:
            if builder.append(key=record.key, value=record.value, timestamp=None) is None:
                # Full: send it, and start the next with this record (a batch's first always fits).
                futures.append(await kafka.send_batch(builder, topic, partition=number))
                builder = kafka.create_batch()
                builder.append(key=record.key, value=record.value, timestamp=None)
        futures.append(await kafka.send_batch(builder, topic, partition=number))
    return futures


@app.agent(articles_topic, sink=[publish])
async def extract(stream: Any) -> AsyncIterator[list[Routed]]:
    # `noack_take`, not `take_events`: the latter acks a batch in a `finally`, so a worker stopped
    # while the sink publishes would commit records whose claims never reached the broker. Here
    # the acks come only when Faust asks for the next batch, i.e. after the sink returned.
    loop = asyncio.get_running_loop()
    async for events in stream.noack_take(settings.extract_batch_max, settings.extract_batch_wait):
        started = loop.time()
        yield [route_article(event.key, event.value) for event in events]
        for event in events:
            await stream.ack(event)
        # At most one batch per `extract_batch_seconds` (the take's own wait comes on top of this
        # pause), and no pause after a batch that took longer: records that arrive meanwhile
        # queue up and form the next batch.
        rest = settings.extract_batch_seconds - settings.extract_batch_wait - (loop.time() - started)
        if rest > 0:
            await asyncio.sleep(rest)
