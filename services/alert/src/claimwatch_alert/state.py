"""Figure state in Redis: applying a claim is one optimistic transaction.

Why WATCH/MULTI and not a Lua script: the change rules live once, in Python (`rules.decide`), where
they are unit-tested; a Lua script would have to re-implement them. The transaction is:

1. WATCH the figure key and its family set (the figures of the other sources on the same quantity),
   then the sibling figures found in it;
2. read the figure, the siblings and whether the claim id is in the applied set;
3. decide with the pure core;
4. MULTI: SET the figure, SADD it to the index and its family, SADD the claim id to the applied
   set, XADD every alert to the change feed; EXEC.

EXEC fails with WatchError when any watched key changed in between (another instance, or a
concurrent apply), and the step is retried from the start. A claim id always maps to the same
figure key, so two appliers of the same claim both touch the watched figure key, and only one of
them records it: replaying claims any number of times, in any order, writes and emits nothing new.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

import redis.asyncio as aioredis
from redis.exceptions import WatchError

from claimwatch_alert.keys import Keys
from claimwatch_alert.rules import Decision, Outcome, conflicts_with, decide, family_of
from claimwatch_schemas import Claim, Figure

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 50


def utc_now() -> datetime:
    return datetime.now(UTC)


def _decode(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


class FigureStore:
    """Reads and writes figures and the change feed in one Redis database."""

    def __init__(
        self,
        client: aioredis.Redis,
        keys: Keys | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
        feed_maxlen: int = 1_000_000,
    ) -> None:
        self.client = client
        self.keys = keys or Keys()
        self.clock = clock
        self.feed_maxlen = feed_maxlen

    async def apply(self, claim: Claim) -> Decision:
        """Apply one claim atomically; returns what happened (alerts already in the feed)."""
        if not claim.tracked:
            return Decision(Outcome.UNTRACKED)
        keys = self.keys
        figure_key = keys.figure(claim.figure_key)
        family_key = keys.family(family_of(claim.figure_key))
        for _attempt in range(MAX_ATTEMPTS):
            async with self.client.pipeline(transaction=True) as pipe:
                try:
                    await pipe.watch(figure_key, family_key)
                    members = sorted(_decode(m) for m in await pipe.smembers(family_key))
                    sibling_keys = [keys.figure(m) for m in members if m != claim.figure_key]
                    if sibling_keys:
                        await pipe.watch(*sibling_keys)
                    raw_figure = await pipe.get(figure_key)
                    raw_siblings = await pipe.mget(sibling_keys) if sibling_keys else []
                    applied = bool(await pipe.sismember(keys.applied, claim.claim_id))
                    figure = Figure.model_validate_json(raw_figure) if raw_figure else None
                    siblings = [Figure.model_validate_json(raw) for raw in raw_siblings if raw]
                    decision = decide(
                        figure, claim, already_applied=applied, siblings=siblings, now=self.clock()
                    )
                    if not decision.writes:
                        return decision  # leaving the pipeline context resets it, which unwatches
                    assert decision.figure is not None
                    pipe.multi()  # type: ignore[no-untyped-call]  # redis-py leaves Pipeline.multi unannotated
                    pipe.set(figure_key, decision.figure.model_dump_json())
                    pipe.sadd(keys.figures, claim.figure_key)
                    pipe.sadd(family_key, claim.figure_key)
                    pipe.sadd(keys.applied, claim.claim_id)
                    for alert in decision.alerts:
                        pipe.xadd(
                            keys.feed,
                            {"alert": alert.model_dump_json(), "alert_id": alert.alert_id},
                            maxlen=self.feed_maxlen,
                            approximate=True,
                        )
                    await pipe.execute()
                    return decision
                except WatchError:
                    log.debug("figure %s changed during apply; retrying", claim.figure_key)
                    continue
        raise RuntimeError(f"could not apply claim {claim.claim_id} after {MAX_ATTEMPTS} attempts")

    async def get(self, figure_key: str, *, with_conflicts: bool = True) -> Figure | None:
        raw = await self.client.get(self.keys.figure(figure_key))
        if raw is None:
            return None
        figure = Figure.model_validate_json(raw)
        if not with_conflicts:
            return figure
        return await self._with_conflicts(figure)

    async def _with_conflicts(self, figure: Figure) -> Figure:
        members = await self.client.smembers(self.keys.family(family_of(figure.figure_key)))
        others = [_decode(m) for m in members if _decode(m) != figure.figure_key]
        if not others:
            return figure
        raws = await self.client.mget([self.keys.figure(k) for k in others])
        siblings = [Figure.model_validate_json(raw) for raw in raws if raw]
        return figure.model_copy(update={"conflicts": conflicts_with(figure, siblings)})

    async def list(
        self,
        *,
        subject: str | None = None,
        metric: str | None = None,
        unit: str | None = None,
        source: str | None = None,
    ) -> list[Figure]:
        """All figures (without history), sorted by key, filtered by exact field values."""
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
        return [await self._with_conflicts(figure) for figure in selected]
