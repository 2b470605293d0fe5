"""Figure state in a real Redis: the seed scenario, replays, concurrency, the change feed."""

from __future__ import annotations

import asyncio
import random

import pytest
import redis.asyncio as aioredis

from claimwatch_alert import feed
from claimwatch_alert.keys import Keys
from claimwatch_alert.rules import Outcome
from claimwatch_alert.state import FigureStore
from claimwatch_schemas import AlertKind, Claim
from tests.integration.test_alert_support import NATO_KEY, make_claim

pytestmark = pytest.mark.integration

KP_KEY = "KP/deployed/soldiers/total/suedkoreanischer_geheimdienst"


def seed_one() -> list[Claim]:
    return [
        make_claim("seed-1", 600_000, day=20),
        make_claim("seed-1", 853_030, metric="lost", source=None, day=20, start=100),
        make_claim(
            "seed-1",
            1000,
            subject="KP",
            metric="deployed",
            source="südkoreanischer Geheimdienst",
            day=20,
            start=200,
        ),
    ]


def seed_two() -> list[Claim]:
    return [
        make_claim("seed-2", 600_000, day=21),
        make_claim("seed-2", 600_000, day=21, start=300),  # the same article says it twice
        make_claim(
            "seed-2",
            32,
            subject=None,
            metric="count",
            unit="countries",
            source=None,
            tracked=False,
            start=400,
        ),
        make_claim(
            "seed-2",
            1000,
            subject="KP",
            metric="deployed",
            source="südkoreanischer Geheimdienst",
            day=21,
            start=500,
        ),
    ]


async def apply_all(store: FigureStore, claims: list[Claim]) -> list[tuple[str, str]]:
    """Applies the claims in order; returns (kind, figure_key) of every alert emitted."""
    emitted: list[tuple[str, str]] = []
    for claim in claims:
        decision = await store.apply(claim)
        emitted += [(alert.kind.value, alert.figure_key) for alert in decision.alerts]
    return emitted


async def snapshot(client: aioredis.Redis) -> dict[bytes, bytes | set[bytes] | dict[bytes, bytes] | int]:
    """Every key's content (figures as JSON; sets as sets; hashes as dicts; lists as lists; the
    stream by length)."""
    state: dict[bytes, bytes | set[bytes] | dict[bytes, bytes] | list[bytes] | int] = {}
    for key in sorted(await client.keys("*")):
        kind = await client.type(key)
        if kind == b"string":
            state[key] = await client.get(key) or b""
        elif kind == b"set":
            state[key] = await client.smembers(key)
        elif kind == b"hash":
            state[key] = await client.hgetall(key)
        elif kind == b"list":
            state[key] = await client.lrange(key, 0, -1)
        else:
            state[key] = await client.xlen(key)
    return state


@pytest.mark.parametrize("seed_order", ["one-two", "two-one"])
async def test_seed_scenario(redis_client: aioredis.Redis, seed_order: str) -> None:
    store = FigureStore(redis_client)
    seeds = seed_one() + seed_two() if seed_order == "one-two" else seed_two() + seed_one()

    emitted = await apply_all(store, seeds)
    assert sorted(emitted) == sorted(
        [("new", NATO_KEY), ("new", "RU/lost/soldiers/total/unattributed"), ("new", KP_KEY)]
    )
    nato = await store.get(NATO_KEY)
    assert nato is not None
    assert (nato.value, nato.qualifier.value, nato.subject, nato.metric, nato.unit) == (
        600_000,
        "more_than",
        "RU",
        "killed_or_wounded",
        "soldiers",
    )
    assert sorted(nato.reported_by) == ["seed-1", "seed-2"]
    assert len(nato.corroborations) == 3
    assert await store.get("any/count/countries/total/unattributed") is None

    later = make_claim("nato-later", 700_000, day=25)
    decision = await store.apply(later)
    assert decision.outcome is Outcome.CHANGED
    (changed,) = decision.alerts
    assert (changed.kind, changed.value, changed.delta) == (AlertKind.CHANGED, 700_000, 100_000)
    assert changed.previous is not None
    assert changed.previous.value == 600_000

    older = make_claim("nato-older", 500_000, day=5)
    assert (await store.apply(older)).alerts == []
    nato = await store.get(NATO_KEY)
    assert nato is not None
    assert nato.value == 700_000
    assert [(h.value, h.article_id) for h in nato.history] == [
        (500_000, "nato-older"),
        (600_000, "seed-1" if seed_order == "one-two" else "seed-2"),
        (700_000, "nato-later"),
    ]

    before = await snapshot(redis_client)
    everything = [*seeds, later, older]
    for replay_order in (
        list(reversed(everything)),
        random.Random(3).sample(everything, len(everything)),
        everything,
    ):
        assert await apply_all(store, replay_order) == []
    assert await snapshot(redis_client) == before

    entries = await feed.read_range(redis_client, Keys())
    assert [(e.alert.kind.value, e.alert.figure_key) for e in entries] == [*emitted, ("changed", NATO_KEY)]


async def test_concurrent_applies_of_the_same_claims_record_each_once(redis_client: aioredis.Redis) -> None:
    store = FigureStore(redis_client)
    claims = [make_claim(f"art-{i}", 600_000 + (i % 3) * 1000, day=1 + i, start=i) for i in range(12)]
    results = await asyncio.gather(*(store.apply(claim) for claim in claims * 4))
    outcomes = [decision.outcome for decision in results]
    assert outcomes.count(Outcome.DUPLICATE) == 36
    assert len(await feed.read_range(redis_client, Keys())) == sum(len(d.alerts) for d in results)
    figure = await store.get(NATO_KEY)
    assert figure is not None
    assert figure.value == 600_000 + (11 % 3) * 1000
    assert len(await redis_client.smembers(Keys().applied)) == 12


async def test_conflict_between_sources_is_alerted_and_shown(redis_client: aioredis.Redis) -> None:
    store = FigureStore(redis_client)
    await store.apply(make_claim("a1", 600_000, day=1))
    decision = await store.apply(make_claim("b1", 450_000, source="Kremlin", day=2))
    assert [alert.kind for alert in decision.alerts] == [AlertKind.NEW, AlertKind.CONFLICT]

    nato = await store.get(NATO_KEY)
    assert nato is not None
    assert [(c.figure_key, c.value) for c in nato.conflicts] == [
        ("RU/killed_or_wounded/soldiers/total/kremlin", 450_000)
    ]
    listed = await store.list(source="Kremlin")
    assert [(f.figure_key, [c.value for c in f.conflicts]) for f in listed] == [
        ("RU/killed_or_wounded/soldiers/total/kremlin", [600_000])
    ]
