"""The change feed: a Redis Stream of alerts, read by dispatchers through consumer groups.

A dispatcher acknowledges an entry only after it delivered it, so entries a killed process had
read but not delivered stay pending in its consumer group. On start a dispatcher first re-reads
its own pending entries (id "0"), takes over entries left pending by other consumers for longer
than `claim_idle_ms`, and then reads new ones (">"). Delivery is at least once; every delivery
carries the alert id as idempotency key for receivers that see a retry.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from claimwatch_alert import streams
from claimwatch_alert.keys import Keys
from claimwatch_alert.retry import TRANSIENT_ERRORS, Backoff, sleep_unless
from claimwatch_schemas import Alert

log = logging.getLogger(__name__)

Deliver = Callable[[Alert], Awaitable[None]]


@dataclass(frozen=True)
class FeedEntry:
    entry_id: str
    alert: Alert


def parse_entry(entry_id: str, fields: dict[str, str]) -> FeedEntry:
    return FeedEntry(entry_id, Alert.model_validate_json(fields["alert"]))


async def read_range(
    client: aioredis.Redis, keys: Keys, *, start: str = "-", count: int | None = None
) -> list[FeedEntry]:
    """Entries of the feed from `start` (inclusive) on, oldest first."""
    reply = await client.xrange(keys.feed, min=start, max="+", count=count)
    return [parse_entry(entry_id, fields) for entry_id, fields in streams.rows(reply)]


async def read_after(
    client: aioredis.Redis, keys: Keys, last_id: str, *, block_ms: int, count: int = 100
) -> list[FeedEntry]:
    """Entries after `last_id` ("$" for only new ones), waiting up to block_ms for some."""
    reply = await client.xread({keys.feed: last_id}, count=count, block=block_ms)
    return [parse_entry(entry_id, fields) for entry_id, fields in streams.read_rows(reply)]


async def ensure_group(client: aioredis.Redis, keys: Keys, group: str) -> None:
    """Create the consumer group at the start of the feed (so it sees every alert ever made)."""
    try:
        await client.xgroup_create(keys.feed, group, id="0", mkstream=True)
    except ResponseError as error:
        if "BUSYGROUP" not in str(error):
            raise


class Dispatcher:
    """Reads the feed in consumer group `group` and hands each alert to `deliver`, then acks it.

    `deliver` must not raise for a permanently failing alert (park it somewhere instead); when it
    raises, the entry stays pending and is tried again after `retry_delay`.
    """

    def __init__(
        self,
        client: aioredis.Redis,
        keys: Keys,
        *,
        group: str,
        consumer: str,
        deliver: Deliver,
        block_ms: int = 1000,
        claim_idle_ms: int = 60_000,
        retry_delay: float = 1.0,
    ) -> None:
        self.client = client
        self.keys = keys
        self.group = group
        self.consumer = consumer
        self.deliver = deliver
        self.block_ms = block_ms
        self.claim_idle_ms = claim_idle_ms
        self.retry_delay = retry_delay
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        """Finish the entry in hand and return from `run` (within about `block_ms`).

        Preferred over cancelling: redis-py can swallow a cancellation that meets the timeout of
        a blocking XREADGROUP, and then the task would not end.
        """
        self._stopping.set()

    async def run(self) -> None:
        """Dispatches until `stop`; when Redis does not answer, retries with backoff, never gives up."""
        backoff = Backoff()
        while not self._stopping.is_set():
            try:
                await self._run()
            except TRANSIENT_ERRORS as error:
                delay = backoff.next_delay()
                log.warning(
                    "dispatcher %s: %s: %s; retrying in %.1fs", self.group, type(error).__name__, error, delay
                )
                await sleep_unless(self._stopping, delay)
                continue
            backoff.reset()
        log.info("dispatcher %s stopped", self.group)

    async def _run(self) -> None:
        await ensure_group(self.client, self.keys, self.group)
        log.info("dispatcher %s started (consumer %s)", self.group, self.consumer)
        while not self._stopping.is_set():
            entries = await self._pending() or await self._take_over() or await self._new()
            for entry in entries:
                if self._stopping.is_set():
                    break
                try:
                    await self.deliver(entry.alert)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception(
                        "dispatcher %s: delivery of %s failed; will retry", self.group, entry.entry_id
                    )
                    await asyncio.sleep(self.retry_delay)
                    break
                await self.client.xack(self.keys.feed, self.group, entry.entry_id)

    async def _read(self, last_id: str, block: int | None) -> list[FeedEntry]:
        reply = await self.client.xreadgroup(
            self.group, self.consumer, {self.keys.feed: last_id}, count=50, block=block
        )
        for entry_id in streams.ids_without_fields(reply):
            await self.client.xack(self.keys.feed, self.group, entry_id)
        return [parse_entry(entry_id, fields) for entry_id, fields in streams.read_rows(reply)]

    async def _pending(self) -> list[FeedEntry]:
        return await self._read("0", None)

    async def _take_over(self) -> list[FeedEntry]:
        result = await self.client.xautoclaim(
            self.keys.feed,
            self.group,
            self.consumer,
            min_idle_time=self.claim_idle_ms,
            start_id="0-0",
            count=50,
        )
        claimed = result[1] if result else []
        return [parse_entry(entry_id, fields) for entry_id, fields in streams.rows(claimed)]

    async def _new(self) -> list[FeedEntry]:
        return await self._read(">", self.block_ms)
