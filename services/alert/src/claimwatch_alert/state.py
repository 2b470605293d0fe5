"""Figure state in Redis: applying a batch of claims is one optimistic transaction.

A batch (all claims of one Kafka poll, or a single claim) costs three or four round trips,
whatever its size and however old or contested its figures are:

1. WATCH the figure keys the claims touch and their families' value hashes
   (`{p}values:{family}`: figure key -> current value of every source's figure on that quantity);
2. one read-only EVAL returning, in one reply, those figures (MGET of their records without the
   corroborations, see `figure_cache`), the corroboration lists of those not cached (LRANGE),
   the batch's own figures' entries in their family hashes (HMGET) and which claim ids are in
   the applied set (SMISMEMBER);
3. only when a claim may give its figure a new value (`rules.families_that_may_change`: the
   figure is missing, or the claim states another value), one EVAL reading those claims'
   family hashes whole (HGETALL each), for the conflict checks. A family hash holds every
   source's value on a quantity and grows with the sources; the corroborations that most
   claims are need none of it (in a replay of 15,000 soak articles, reading every family whole
   took the Redis reply from 11 to 27 kB per article and the alert service's CPU up by a fifth);
4. decide in Python with the pure core (`rules.decide_batch`: the claims in order, each seeing
   what the ones before it did), then MULTI: SET each changed figure, change its corroboration
   list (append, drop the oldest but the first, or replace), SADD the index, HSET the changed
   current values into their family hashes, SADD the applied claim ids, XADD every alert to the
   change feed; EXEC.

A figure cached but written by another instance since (its record is not the cached one) costs
one more round trip, for its list.

EXEC fails with WatchError when any watched key changed in between (another instance, or a
concurrent apply), and the whole batch is decided again from fresh reads. A claim id always maps
to the same figure key, so two appliers of the same claim both watch that figure key and only one
of them records it: replaying claims any number of times, in any order, in any batches, writes
and emits nothing new.

Why WATCH/MULTI and not one Lua script doing everything: the change rules live once, in Python,
where they are unit-tested; a script would have to re-implement them. Lua only moves data: the
read (step 2) fetches a variable number of keys of four types in one round trip on the
connection that holds the WATCH (redis-py runs commands after WATCH one at a time), and the
write is one queued EVAL however many commands the batch needs. Conflicts are
checked against the family hash (one HGETALL) instead of reading every sibling figure, so the
cost does not grow with the number of sources either; figure records stay bounded (`rules.Limits`).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import WatchError

from claimwatch_alert.figure_cache import FigureCache, assemble
from claimwatch_alert.keys import Keys
from claimwatch_alert.rules import (
    DEFAULT_LIMITS,
    BatchDecision,
    Decision,
    Limits,
    conflicts_with,
    decide_batch,
    families_that_may_change,
    family_of,
)
from claimwatch_schemas import Claim, ConflictingValue, Figure

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 50

# KEYS: the n figure keys, their n corroboration lists, the m family hashes, the applied set.
# ARGV: n, m, one flag per figure in one string ('1': return the figure's list, '0': its shell
# is likely cached; one argument, not n: redis-py packs every argument in Python), per family
# its count c of the batch's figure keys and those c keys, then the claim ids. Returns {figures
# (false where missing), {list, or 0 where not asked}, {HMGET of the c keys per family}, {0/1
# per claim id}}.
READ_SCRIPT = """
local n = tonumber(ARGV[1])
local m = tonumber(ARGV[2])
local figures = {}
if n > 0 then figures = redis.call('MGET', unpack(KEYS, 1, n)) end
local lists = {}
for i = 1, n do
  lists[i] = 0
  if string.sub(ARGV[3], i, i) == '1' then lists[i] = redis.call('LRANGE', KEYS[n + i], 0, -1) end
end
local own = {}
local i = 4
for f = 1, m do
  local c = tonumber(ARGV[i])
  own[f] = redis.call('HMGET', KEYS[2 * n + f], unpack(ARGV, i + 1, i + c))
  i = i + 1 + c
end
local applied = {}
if #ARGV >= i then applied = redis.call('SMISMEMBER', KEYS[2 * n + m + 1], unpack(ARGV, i)) end
return {figures, lists, own, applied}
"""

# KEYS: family hashes. Returns {flat HGETALL per family}.
FAMILIES_SCRIPT = """
local families = {}
for i = 1, #KEYS do families[i] = redis.call('HGETALL', KEYS[i]) end
return families
"""


# KEYS: the index set, the applied set, the feed, the n figure keys, their n corroboration lists,
# the m family hashes. ARGV: feed maxlen, n, m, a (applied ids), k (alerts); per figure its key,
# its shell JSON, its list change as one argument '<replace 0|1> <entries to drop after the
# first> <count c of entries to append>' and c x entry JSON; per family its field count c and
# c x (figure_key, value JSON); a x claim id; k x (alert_id, figure_key, alert JSON). Appends go in chunks:
# `unpack` is bounded by Lua's stack, and `rules.Limits.corroborations` is a setting.
WRITE_SCRIPT = """
local maxlen = ARGV[1]
local n, m, a, k = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local i = 6
for f = 1, n do
  local list = KEYS[3 + n + f]
  redis.call('SET', KEYS[3 + f], ARGV[i + 1])
  redis.call('SADD', KEYS[1], ARGV[i])
  local replace, drop, c = string.match(ARGV[i + 2], '^([01]) (%d+) (%d+)$')
  drop, c = tonumber(drop), tonumber(c)
  if replace == '1' then redis.call('DEL', list) end
  if drop > 0 then
    local first = redis.call('LINDEX', list, 0)
    redis.call('LTRIM', list, drop, -1)
    redis.call('LSET', list, 0, first)
  end
  i = i + 3
  local last = i + c - 1
  while i <= last do
    local upto = math.min(i + 999, last)
    redis.call('RPUSH', list, unpack(ARGV, i, upto))
    i = upto + 1
  end
end
for f = 1, m do
  local c = tonumber(ARGV[i])
  i = i + 1
  for _ = 1, c do
    redis.call('HSET', KEYS[3 + 2 * n + f], ARGV[i], ARGV[i + 1])
    i = i + 2
  end
end
for _ = 1, a do
  redis.call('SADD', KEYS[2], ARGV[i])
  i = i + 1
end
for _ = 1, k do
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', maxlen, '*',
    'alert', ARGV[i + 2], 'alert_id', ARGV[i], 'figure_key', ARGV[i + 1])
  i = i + 3
end
return k
"""

PARSED_CACHE_SIZE = 1024


class _Parsed:
    """Current values (`ConflictingValue`) by the exact JSON they were read from or written as,
    least recently used dropped. Family hashes change only when this service writes them, so most
    reads return bytes seen before: no validation then. Values are never mutated (the rules copy).
    An entry takes ~2 kB with its model, so 1,024 of them fill within the first minute at load
    and then stay at ~2 MB (with 4,096 the cache kept growing for minutes in the soak)."""

    def __init__(self, size: int = PARSED_CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[bytes, ConflictingValue] = OrderedDict()

    def parse(self, raw: bytes | str) -> ConflictingValue:
        key = raw.encode() if isinstance(raw, str) else raw
        found = self._items.get(key)
        if found is None:
            found = ConflictingValue.model_validate_json(key)
            self.remember(key, found)
        else:
            self._items.move_to_end(key)
        return found

    def dump(self, item: ConflictingValue) -> str:
        text = item.model_dump_json()
        self.remember(text.encode(), item)
        return text

    def remember(self, key: bytes, item: ConflictingValue) -> None:
        self._items[key] = item
        if len(self._items) > self.size:
            self._items.popitem(last=False)


def utc_now() -> datetime:
    return datetime.now(UTC)


def _decode(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


def _unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _family_hash(
    flat: Any, parse: Callable[[bytes | str], ConflictingValue] = ConflictingValue.model_validate_json
) -> dict[str, ConflictingValue]:
    """A family hash as HGETALL gives it: a flat [field, value, ...] list (or a dict, RESP3)."""
    pairs = flat.items() if isinstance(flat, dict) else zip(flat[::2], flat[1::2], strict=True)
    return {_decode(key): parse(value) for key, value in pairs}


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
        self._figures = FigureCache()
        self._values = _Parsed()

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
        members: dict[str, list[str]] = {}  # family -> the batch's figure keys in it
        for key in figure_keys:
            members.setdefault(family_of(key), []).append(key)
        families = list(members)
        claim_ids = _unique([claim.claim_id for claim in tracked])
        records = [keys.figure(key) for key in figure_keys]
        lists = [keys.corroborations(key) for key in figure_keys]
        watched = records + [keys.family_values(f) for f in families]
        own_fields: list[str | int] = []  # per family: how many of the batch's keys it has, and those
        for family in families:
            own_fields += [len(members[family]), *members[family]]
        for attempt in range(MAX_ATTEMPTS):
            async with self.client.pipeline(transaction=True) as pipe:
                try:
                    await pipe.watch(*watched)
                    raw_figures, raw_lists, raw_own, raw_applied = await pipe.eval(
                        READ_SCRIPT,
                        len(watched) + len(lists) + 1,
                        *records,
                        *lists,
                        *watched[len(records) :],
                        keys.applied,
                        len(figure_keys),
                        len(families),
                        "".join("0" if key in self._figures else "1" for key in figure_keys),
                        *own_fields,
                        *claim_ids,
                    )
                    figures = await self._figures_read(pipe, figure_keys, raw_figures, raw_lists)
                    family_values = await self._whole_families(pipe, tracked, figures)
                    for family, own in zip(families, raw_own, strict=True):
                        if family not in family_values:  # the batch's own entries are enough there
                            family_values[family] = {
                                key: self._values.parse(raw)
                                for key, raw in zip(members[family], own, strict=True)
                                if raw is not None
                            }
                    batch = decide_batch(
                        claims,
                        figures=figures,
                        family_values=family_values,
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
                    await asyncio.sleep(random.uniform(0, 0.002 * attempt))  # de-synchronise rivals
                    continue
        # Contention, not a bad claim: a WatchError is a RedisError, which the claims loop treats as
        # transient (it backs off and reads the poll again) instead of dead-lettering good claims.
        raise WatchError(f"could not apply {len(claims)} claims after {MAX_ATTEMPTS} attempts")

    async def _whole_families(
        self, pipe: Any, claims: Sequence[Claim], figures: Mapping[str, Figure | None]
    ) -> dict[str, dict[str, ConflictingValue]]:
        """The whole value hashes of the families in which a claim may set a new value (one round
        trip under the same WATCH, none when no claim can)."""
        needed = sorted(families_that_may_change(claims, figures))
        if not needed:
            return {}
        replies = await pipe.eval(FAMILIES_SCRIPT, len(needed), *(self.keys.family_values(f) for f in needed))
        return {
            family: _family_hash(flat, self._values.parse)
            for family, flat in zip(needed, replies, strict=True)
        }

    async def _figures_read(
        self, pipe: Any, figure_keys: list[str], raw_figures: list[Any], raw_lists: list[Any]
    ) -> dict[str, Figure | None]:
        """The figures as read: from the cache where the shell is the cached one, else parsed
        with their lists (read now, under the same WATCH, where the read script was told the
        figure was cached but another instance has written it since)."""
        figures: dict[str, Figure | None] = {}
        for key, raw, entries in zip(figure_keys, raw_figures, raw_lists, strict=True):
            if not raw:
                figures[key] = None
            elif isinstance(entries, list):
                figures[key] = self._figures.parse(key, raw, entries)
            else:
                cached = self._figures.lookup(key, raw)
                if cached is None:
                    entries = await pipe.lrange(self.keys.corroborations(key), 0, -1)
                    cached = self._figures.parse(key, raw, entries)
                figures[key] = cached
        return figures

    def _queue_writes(self, pipe: Any, batch: BatchDecision) -> None:
        """One EVAL of WRITE_SCRIPT inside MULTI: a single queued command whatever the batch holds."""
        keys = self.keys
        families = batch.family_values()
        args: list[str | int | bytes] = [
            self.feed_maxlen,
            len(batch.figures),
            len(families),
            len(batch.applied),
            len(batch.alerts),
        ]
        for key, figure in batch.figures.items():
            shell, change = self._figures.dump(figure)
            args += [key, shell, f"{int(change.replace)} {change.drop} {len(change.appended)}"]
            args += change.appended
        for values in families.values():
            args.append(len(values))
            for key, value in values.items():
                args += [key, self._values.dump(value)]
        args += batch.applied
        for alert in batch.alerts:
            args += [alert.alert_id, alert.figure_key, alert.model_dump_json()]
        script_keys = [
            keys.figures,
            keys.applied,
            keys.feed,
            *(keys.figure(key) for key in batch.figures),
            *(keys.corroborations(key) for key in batch.figures),
            *(keys.family_values(family) for family in families),
        ]
        pipe.eval(WRITE_SCRIPT, len(script_keys), *script_keys, *args)

    async def get(self, figure_key: str, *, with_conflicts: bool = True) -> Figure | None:
        (figure,) = await self._read([figure_key])
        if figure is None or not with_conflicts:
            return figure
        (with_them,) = await self._with_conflicts([figure])
        return with_them

    async def _read(self, figure_keys: Sequence[str]) -> list[Figure | None]:
        """The figures under `figure_keys`, shells and lists read in one MULTI (a consistent view)."""
        if not figure_keys:
            return []
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.mget([self.keys.figure(key) for key in figure_keys])
            for key in figure_keys:
                pipe.lrange(self.keys.corroborations(key), 0, -1)
            shells, *lists = await pipe.execute()
        return [
            assemble(shell, entries) if shell else None for shell, entries in zip(shells, lists, strict=True)
        ]

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
        figures = [figure for figure in await self._read(members) if figure is not None]
        wanted = {"subject": subject, "metric": metric, "unit": unit, "source": source}
        selected = [
            figure
            for figure in figures
            if all(value is None or getattr(figure, name) == value for name, value in wanted.items())
        ]
        return await self._with_conflicts(selected)
