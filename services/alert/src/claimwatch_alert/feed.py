"""The change feed: a Redis Stream of alerts, read by dispatchers through consumer groups.

A dispatcher acknowledges entries only after it delivered them, so entries a killed process had
read but not delivered stay pending in its consumer group. On start a dispatcher first re-reads
its own pending entries (id "0") and takes over entries left pending by other consumers for longer
than `claim_idle_ms` (XAUTOCLAIM); then it reads new ones (">", up to `count` per read) and checks
pending entries again only on a timer (`check_every` seconds) or after a failed delivery, not on
every read. A batch is delivered (all at once with `deliver_batch`, else one by one) and then
acknowledged with one XACK. Delivery is at least once; every delivery carries the alert id as
idempotency key for receivers that see a retry.

An entry holds the alert as JSON with its id and figure key beside it, so a reader that only
passes the alert on (the Kafka dispatcher, the live stream) never parses it: `FeedEntry.alert`
validates it on first use.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cached_property

import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from claimwatch_alert import streams
from claimwatch_alert.keys import Keys
from claimwatch_alert.retry import TRANSIENT_ERRORS, Backoff, sleep_unless
from claimwatch_schemas import Alert

log = logging.getLogger(__name__)

# The fields of an entry, as `state.WRITE_SCRIPT` writes them.
ALERT_FIELD = "alert"
ALERT_ID_FIELD = "alert_id"
FIGURE_KEY_FIELD = "figure_key"


@dataclass(frozen=True)
class FeedEntry:
    entry_id: str
    alert_json: str
    """The alert as the state step wrote it (`Alert.model_dump_json`)."""
    stored_alert_id: str | None = None
    stored_figure_key: str | None = None
    """None in entries written before the field was."""

    @cached_property
    def alert(self) -> Alert:
        return Alert.model_validate_json(self.alert_json)

    @property
    def alert_id(self) -> str:
        return self.stored_alert_id or self.alert.alert_id

    @property
    def figure_key(self) -> str:
        return self.stored_figure_key or self.alert.figure_key


def parse_entry(entry_id: str, fields: dict[str, str]) -> FeedEntry:
    return FeedEntry(entry_id, fields[ALERT_FIELD], fields.get(ALERT_ID_FIELD), fields.get(FIGURE_KEY_FIELD))


Deliver = Callable[[Alert], Awaitable[None]]
DeliverBatch = Callable[[list[FeedEntry]], Awaitable[None]]


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
    """Reads the feed in consumer group `group`, hands the entries to `deliver_batch` (when given)
    or their alerts to `deliver` one by one, then acks them.

    Delivery must not raise for a permanently failing alert (park it somewhere instead); when it
    raises, the entries not delivered stay pending and are tried again after `retry_delay`.
    """

    def __init__(
        self,
        client: aioredis.Redis,
        keys: Keys,
        *,
        group: str,
        consumer: str,
        deliver: Deliver,
        deliver_batch: DeliverBatch | None = None,
        block_ms: int = 1000,
        claim_idle_ms: int = 60_000,
        retry_delay: float = 1.0,
        count: int = 100,
        check_every: float | None = None,
    ) -> None:
        self.client = client
        self.keys = keys
        self.group = group
        self.consumer = consumer
        self.deliver = deliver
        self.block_ms = block_ms
        self.claim_idle_ms = claim_idle_ms
        self.retry_delay = retry_delay
        self.deliver_batch = deliver_batch
        self.count = count
        self.check_every = check_every if check_every is not None else max(1.0, claim_idle_ms / 2000)
        """Seconds between looks at pending entries (own ones, and others' idle ones to take over)."""
        self._stopping = asyncio.Event()
        self._check_pending = True

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
        loop = asyncio.get_running_loop()
        self._check_pending = True  # on every (re)start: what this consumer had read, then others'
        next_check = loop.time()
        while not self._stopping.is_set():
            entries: list[FeedEntry] = []
            if self._check_pending or loop.time() >= next_check:
                entries = await self._pending() or await self._take_over()
                if not entries:
                    self._check_pending = False
                    next_check = loop.time() + self.check_every
            if not entries:
                entries = await self._new()
            await self._dispatch(entries)

    async def _dispatch(self, entries: list[FeedEntry]) -> None:
        """Delivers the entries, then acks the delivered ones in one XACK."""
        if not entries:
            return
        delivered: list[str] = []
        try:
            if self.deliver_batch is not None:
                if await self._attempt(self.deliver_batch(entries), entries[0]):
                    delivered = [entry.entry_id for entry in entries]
                return
            for entry in entries:
                if self._stopping.is_set() or not await self._attempt(self.deliver(entry.alert), entry):
                    break
                delivered.append(entry.entry_id)
        finally:
            if delivered:
                await asyncio.shield(self.client.xack(self.keys.feed, self.group, *delivered))

    async def _attempt(self, delivery: Awaitable[None], entry: FeedEntry) -> bool:
        try:
            await delivery
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("dispatcher %s: delivery from %s failed; will retry", self.group, entry.entry_id)
            self._check_pending = True  # the entries not delivered are pending: read them again
            await asyncio.sleep(self.retry_delay)
            return False
        return True

    async def _read(self, last_id: str, block: int | None) -> list[FeedEntry]:
        reply = await self.client.xreadgroup(
            self.group, self.consumer, {self.keys.feed: last_id}, count=self.count, block=block
        )
        trimmed = streams.ids_without_fields(reply)
        if trimmed:
            await self.client.xack(self.keys.feed, self.group, *trimmed)
        return [parse_entry(entry_id, fields) for entry_id, fields in streams.read_rows(reply)]

    async def _pending(self) -> list[FeedEntry]:
        return await self._read("0", None)

    async def _take_over(self) -> list[FeedEntry]:
        """Entries idle for `claim_idle_ms` at other consumers, now this one's (scans the whole
        pending list until it finds some)."""
        cursor = "0-0"
        while True:
            result = await self.client.xautoclaim(
                self.keys.feed,
                self.group,
                self.consumer,
                min_idle_time=self.claim_idle_ms,
                start_id=cursor,
                count=self.count,
            )
            if not result:
                return []
            claimed = [parse_entry(entry_id, fields) for entry_id, fields in streams.rows(result[1])]
            cursor = streams.text(result[0])
            if claimed or cursor == "0-0":
                return claimed

    async def _new(self) -> list[FeedEntry]:
        return await self._read(">", self.block_ms)
