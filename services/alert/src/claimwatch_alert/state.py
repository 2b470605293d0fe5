"""Figure state in Redis: applying a batch of claims is one optimistic transaction.

A batch (all claims of one Kafka poll, or a single claim) costs three round trips, whatever its
size and however old or contested its figures are:

1. WATCH the figure keys the claims touch and their families' value hashes
   (`{p}values:{family}`: figure key -> current value of every source's figure on that quantity);
2. one read-only EVAL returning, in one reply, those figures (MGET), those family hashes
   (HGETALL each) and which claim ids are in the applied set (SMISMEMBER);
3. decide in Python with the pure core (`rules.decide_batch`: the claims in order, each seeing
   what the ones before it did), then MULTI: SET each changed figure, SADD the index, HSET the
   changed current values into their family hashes, SADD the applied claim ids, XADD every alert
   to the change feed; EXEC.

EXEC fails with WatchError when any watched key changed in between (another instance, or a
concurrent apply), and the whole batch is decided again from fresh reads. A claim id always maps
to the same figure key, so two appliers of the same claim both watch that figure key and only one
of them records it: replaying claims any number of times, in any order, in any batches, writes
and emits nothing new.

Why WATCH/MULTI and not one Lua script doing everything: the change rules live once, in Python,
where they are unit-tested; a script would have to re-implement them. Lua is used only for the
read (step 2), to fetch a variable number of keys of three types in one round trip on the
connection that holds the WATCH (redis-py runs commands after WATCH one at a time). Conflicts are
checked against the family hash (one HGETALL) instead of reading every sibling figure, so the
cost does not grow with the number of sources either; figure records stay bounded (`rules.Limits`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import WatchError

from claimwatch_alert.keys import Keys
from claimwatch_alert.rules import (
    DEFAULT_LIMITS,
    BatchDecision,
    Decision,
    Limits,
    conflicts_with,
    decide_batch,
    family_of,
)
from claimwatch_schemas import Claim, ConflictingValue, Figure

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 50

# KEYS: the n figure keys, the m family hashes, the applied set. ARGV: n, m, the claim ids.
# Returns {figures (false where missing), {flat HGETALL per family}, {0/1 per claim id}}.
READ_SCRIPT = """
local n = tonumber(ARGV[1])
local m = tonumber(ARGV[2])
local figures = {}
if n > 0 then figures = redis.call('MGET', unpack(KEYS, 1, n)) end
local families = {}
for i = 1, m do families[i] = redis.call('HGETALL', KEYS[n + i]) end
local applied = {}
if #ARGV > 2 then applied = redis.call('SMISMEMBER', KEYS[n + m + 1], unpack(ARGV, 3)) end
return {figures, families, applied}
"""


def utc_now() -> datetime:
    return datetime.now(UTC)


def _decode(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


def _unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _family_hash(flat: Any) -> dict[str, ConflictingValue]:
    """A family hash as HGETALL gives it: a flat [field, value, ...] list (or a dict, RESP3)."""
    pairs = flat.items() if isinstance(flat, dict) else zip(flat[::2], flat[1::2], strict=True)
    return {_decode(key): ConflictingValue.model_validate_json(value) for key, value in pairs}


class FigureStore:
    """Reads and writes figures and the change feed in one Redis database."""

    def __init__(
        self,
        client: aioredis.Redis,
        keys: Keys | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
        feed_maxlen: int = 1_000_000,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.client = client
        self.keys = keys or Keys()
        self.clock = clock
        self.feed_maxlen = feed_maxlen
        self.limits = limits

    async def apply(self, claim: Claim) -> Decision:
        """Apply one claim atomically; returns what happened (alerts already in the feed)."""
        (decision,) = await self.apply_batch([claim])
        return decision

    async def apply_batch(self, claims: Sequence[Claim]) -> list[Decision]:
        """Apply claims in order, all in one transaction; one decision per claim.

        Untracked claims are answered without touching Redis; when nothing is to be written (all
        duplicates) nothing is. On WatchError the batch is read and decided again.
        """
        tracked = [claim for claim in claims if claim.tracked]
        if not tracked:
            return decide_batch(
                claims, figures={}, family_values={}, applied=set(), now=self.clock()
            ).decisions
        keys = self.keys
        figure_keys = _unique([claim.figure_key for claim in tracked])
        families = _unique([family_of(key) for key in figure_keys])
        claim_ids = _unique([claim.claim_id for claim in tracked])
        watched = [keys.figure(key) for key in figure_keys] + [keys.family_values(f) for f in families]
        for _attempt in range(MAX_ATTEMPTS):
            async with self.client.pipeline(transaction=True) as pipe:
                try:
                    await pipe.watch(*watched)
                    raw_figures, raw_families, raw_applied = await pipe.eval(
                        READ_SCRIPT,
                        len(watched) + 1,
                        *watched,
                        keys.applied,
                        len(figure_keys),
                        len(families),
                        *claim_ids,
                    )
                    batch = decide_batch(
                        claims,
                        figures={
                            key: Figure.model_validate_json(raw) if raw else None
                            for key, raw in zip(figure_keys, raw_figures, strict=True)
                        },
                        family_values={
                            family: _family_hash(flat)
                            for family, flat in zip(families, raw_families, strict=True)
                        },
                        applied={cid for cid, hit in zip(claim_ids, raw_applied, strict=True) if hit},
                        now=self.clock(),
                        limits=self.limits,
                    )
                    if not batch.writes:
                        return batch.decisions  # leaving the pipeline context resets it, which unwatches
                    pipe.multi()  # type: ignore[no-untyped-call]  # redis-py leaves Pipeline.multi unannotated
                    self._queue_writes(pipe, batch)
                    await pipe.execute()
                    return batch.decisions
                except WatchError:
                    log.debug("figures changed during a batch of %d claims; retrying", len(claims))
                    continue
        raise RuntimeError(f"could not apply {len(claims)} claims after {MAX_ATTEMPTS} attempts")

    def _queue_writes(self, pipe: Any, batch: BatchDecision) -> None:
        keys = self.keys
        for key, figure in batch.figures.items():
            pipe.set(keys.figure(key), figure.model_dump_json())
        pipe.sadd(keys.figures, *batch.figures)
        for family, values in batch.family_values().items():
            pipe.hset(
                keys.family_values(family),
                mapping={key: value.model_dump_json() for key, value in values.items()},
            )
        pipe.sadd(keys.applied, *batch.applied)
        for alert in batch.alerts:
            pipe.xadd(
                keys.feed,
                {"alert": alert.model_dump_json(), "alert_id": alert.alert_id},
                maxlen=self.feed_maxlen,
                approximate=True,
            )

    async def get(self, figure_key: str, *, with_conflicts: bool = True) -> Figure | None:
        raw = await self.client.get(self.keys.figure(figure_key))
        if raw is None:
            return None
        figure = Figure.model_validate_json(raw)
        if not with_conflicts:
            return figure
        (with_them,) = await self._with_conflicts([figure])
        return with_them

    async def _with_conflicts(self, figures: list[Figure]) -> list[Figure]:
        """The figures with their conflicts, from their families' value hashes (one round trip)."""
        families = _unique([family_of(figure.figure_key) for figure in figures])
        if not families:
            return figures
        async with self.client.pipeline(transaction=False) as pipe:
            for family in families:
                pipe.hgetall(self.keys.family_values(family))
            replies = await pipe.execute()
        values = {family: _family_hash(reply) for family, reply in zip(families, replies, strict=True)}
        result: list[Figure] = []
        for figure in figures:
            siblings = list(values[family_of(figure.figure_key)].values())
            conflicts = conflicts_with(figure, siblings)
            result.append(figure.model_copy(update={"conflicts": conflicts}) if conflicts else figure)
        return result

    async def list(
        self,
        *,
        subject: str | None = None,
        metric: str | None = None,
        unit: str | None = None,
        source: str | None = None,
    ) -> list[Figure]:
        """All figures, sorted by key, filtered by exact field values, with their conflicts."""
        members = sorted(_decode(m) for m in await self.client.smembers(self.keys.figures))
        if not members:
            return []
        raws = await self.client.mget([self.keys.figure(k) for k in members])
        figures = [Figure.model_validate_json(raw) for raw in raws if raw]
        wanted = {"subject": subject, "metric": metric, "unit": unit, "source": source}
        selected = [
            figure
            for figure in figures
            if all(value is None or getattr(figure, name) == value for name, value in wanted.items())
        ]
        return await self._with_conflicts(selected)
