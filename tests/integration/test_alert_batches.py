"""Batches of claims in a real Redis: one transaction per batch, replays, WatchError retries with a
second real client, bounded figure records, batched dispatch from the change feed."""

from __future__ import annotations

import asyncio
import json
import random
import threading
from datetime import UTC, datetime

import pytest
import redis.asyncio as aioredis

from claimwatch_alert import feed
from claimwatch_alert.feed import Dispatcher
from claimwatch_alert.keys import Keys
from claimwatch_alert.rules import Limits, Outcome, decide
from claimwatch_alert.state import FigureStore
from claimwatch_schemas import Alert, AlertKind, Claim
from tests.integration.test_alert_state import seed_one, seed_two, snapshot
from tests.integration.test_alert_support import NATO_KEY, eventually, make_claim

pytestmark = pytest.mark.integration

NOW = datetime(2024, 12, 1, tzinfo=UTC)
KREMLIN_KEY = "RU/killed_or_wounded/soldiers/total/kremlin"


def fixed_clock() -> datetime:
    return NOW


def scenario() -> list[Claim]:
    return [
        *seed_one(),
        *seed_two(),
        make_claim("kremlin-1", 450_000, source="Kremlin", day=22),
        make_claim("nato-later", 700_000, day=25),
        make_claim("nato-older", 500_000, day=5),
    ]


def kinds(store_alerts: list[feed.FeedEntry]) -> list[tuple[str, str]]:
    return [(entry.alert.kind.value, entry.alert.figure_key) for entry in store_alerts]


async def test_a_batch_gives_the_state_and_alerts_of_its_claims_applied_one_by_one(
    redis_client: aioredis.Redis,
) -> None:
    one_by_one = FigureStore(redis_client, Keys("one:"), clock=fixed_clock)
    batched = FigureStore(redis_client, Keys("batch:"), clock=fixed_clock)
    claims = scenario()

    singles = [await one_by_one.apply(claim) for claim in claims]
    together = await batched.apply_batch(claims)

    assert [d.outcome for d in together] == [d.outcome for d in singles]
    assert [[a.alert_id for a in d.alerts] for d in together] == [
        [a.alert_id for a in d.alerts] for d in singles
    ]
    for key in (NATO_KEY, KREMLIN_KEY, "KP/deployed/soldiers/total/suedkoreanischer_geheimdienst"):
        assert await batched.get(key) == await one_by_one.get(key)
    feed_one = await feed.read_range(redis_client, Keys("one:"))
    feed_batch = await feed.read_range(redis_client, Keys("batch:"))
    assert [e.alert for e in feed_batch] == [e.alert for e in feed_one]
    assert kinds(feed_batch) == [
        ("new", NATO_KEY),
        ("new", "RU/lost/soldiers/total/unattributed"),
        ("new", "KP/deployed/soldiers/total/suedkoreanischer_geheimdienst"),
        ("new", KREMLIN_KEY),
        ("conflict", KREMLIN_KEY),
        ("changed", NATO_KEY),
        ("conflict", NATO_KEY),
    ]


async def test_replaying_in_any_batches_and_any_order_changes_nothing(redis_client: aioredis.Redis) -> None:
    store = FigureStore(redis_client)
    claims = scenario()
    await store.apply_batch(claims)
    before = await snapshot(redis_client)
    emitted_before = len(await feed.read_range(redis_client, Keys()))

    shuffler = random.Random(7)
    for size in (1, 3, len(claims), 2 * len(claims)):
        replay = shuffler.sample(claims * 2, 2 * len(claims))
        for start in range(0, len(replay), size):
            decisions = await store.apply_batch(replay[start : start + size])
            assert {d.outcome for d in decisions} <= {Outcome.DUPLICATE, Outcome.UNTRACKED}
            assert [a for d in decisions for a in d.alerts] == []

    assert await snapshot(redis_client) == before
    assert len(await feed.read_range(redis_client, Keys())) == emitted_before == 7


async def test_a_batch_retries_on_watch_error_when_another_client_wrote_between_read_and_exec(
    redis_client: aioredis.Redis, redis_url: str
) -> None:
    """The other writer is a second, real client (own connection, own event loop in a thread),
    applying a claim of the same figure exactly between this batch's read and its EXEC."""
    other_claim = make_claim("other-instance", 600_000, day=3)

    def other_instance_applies() -> None:
        async def apply() -> None:
            client = aioredis.Redis.from_url(redis_url)
            try:
                await FigureStore(client).apply(other_claim)
            finally:
                await client.aclose()

        thread = threading.Thread(target=lambda: asyncio.run(apply()))
        thread.start()
        thread.join()

    reads: list[int] = []

    def clock() -> datetime:  # called once per attempt, after the reads, before MULTI/EXEC
        reads.append(1)
        if len(reads) == 1:
            other_instance_applies()
        return NOW

    store = FigureStore(redis_client, clock=clock)
    first = make_claim("a1", 600_000, day=1)
    later = make_claim("a2", 700_000, day=5)
    decisions = await store.apply_batch([first, later])

    assert len(reads) == 2  # the first attempt failed with WatchError, the second went through
    # The other instance made the figure; on the retry this batch saw it.
    assert [d.outcome for d in decisions] == [Outcome.CORROBORATION, Outcome.CHANGED]
    entries = await feed.read_range(redis_client, Keys())
    assert [(e.alert.kind, e.alert.claim_id) for e in entries] == [
        (AlertKind.NEW, other_claim.claim_id),
        (AlertKind.CHANGED, later.claim_id),
    ]
    figure = await store.get(NATO_KEY)
    assert figure is not None
    assert (figure.value, figure.reported_by, figure.history_count) == (700_000, ["a2"], 2)
    assert [(h.value, h.reported_by) for h in figure.history] == [
        (600_000, ["other-instance", "a1"]),
        (700_000, ["a2"]),
    ]
    assert await redis_client.smembers(Keys().applied) == {
        c.claim_id.encode() for c in (other_claim, first, later)
    }


async def test_two_clients_applying_the_same_batches_concurrently_record_each_claim_once(
    redis_client: aioredis.Redis, redis_url: str
) -> None:
    claims = [make_claim(f"art-{i}", 600_000 + (i % 3) * 1000, day=1 + i, start=i) for i in range(12)]
    claims += [make_claim(f"k-{i}", 400_000 + i, source="Kremlin", day=1 + i, start=i) for i in range(6)]
    second = aioredis.Redis.from_url(redis_url)
    try:
        stores = [FigureStore(redis_client), FigureStore(second)]
        orders = [claims, list(reversed(claims))]
        results = await asyncio.gather(
            *(
                store.apply_batch(order[start : start + 4])
                for store, order in zip(stores, orders, strict=True)
                for start in range(0, len(claims), 4)
            )
        )
    finally:
        await second.aclose()
    decisions = [d for batch in results for d in batch]
    assert sum(d.outcome is Outcome.DUPLICATE for d in decisions) == len(claims)
    alerts = [a for d in decisions for a in d.alerts]
    entries = await feed.read_range(redis_client, Keys())
    assert sorted(e.alert.alert_id for e in entries) == sorted(a.alert_id for a in alerts)
    assert len({e.alert.alert_id for e in entries}) == len(entries)
    assert len(await redis_client.smembers(Keys().applied)) == len(claims)
    nato = await FigureStore(redis_client).get(NATO_KEY)
    assert nato is not None
    assert nato.value == 600_000 + (11 % 3) * 1000  # the one published last


async def test_a_figure_repeated_hundreds_of_times_keeps_a_bounded_record(
    redis_client: aioredis.Redis,
) -> None:
    store = FigureStore(redis_client, limits=Limits(corroborations=10, reporters=5, history=4))
    await store.apply(make_claim("first", 600_000, day=1))
    sizes = []
    for round_ in range(3):
        repeats = [make_claim(f"r{round_}-{i:03d}", 600_000, day=2) for i in range(100)]
        await store.apply_batch(repeats)
        sizes.append(await redis_client.strlen(Keys().figure(NATO_KEY)))
    for day in range(3, 9):
        await store.apply(make_claim(f"v{day}", 600_000 + day, day=day))

    figure = await store.get(NATO_KEY)
    assert figure is not None
    assert sizes[0] == sizes[1] == sizes[2]  # same-length ids: the record did not grow
    assert (figure.value, figure.corroboration_count, figure.reported_by) == (600_008, 1, ["v8"])
    assert [h.value for h in figure.history] == [600_005, 600_006, 600_007, 600_008]
    assert figure.history_count == 7

    store_600k = FigureStore(redis_client, Keys("other:"), limits=Limits(corroborations=10, reporters=5))
    await store_600k.apply(make_claim("first", 600_000, day=1))
    await store_600k.apply_batch([make_claim(f"r-{i:03d}", 600_000, day=2) for i in range(300)])
    kept = await store_600k.get(NATO_KEY)
    assert kept is not None
    assert [c.article_id for c in kept.corroborations] == ["first", *(f"r-{i:03d}" for i in range(291, 300))]
    assert (kept.corroboration_count, kept.reported_by_count) == (301, 301)
    assert kept.reported_by == ["first", "r-296", "r-297", "r-298", "r-299"]
    assert [(h.value, h.reported_by_count, h.evidence) for h in kept.history] == [
        (600_000, 301, "first: 600000")
    ]
    stored = await redis_client.lrange(Keys("other:").corroborations(NATO_KEY), 0, -1)
    assert stored == [c.model_dump_json().encode() for c in kept.corroborations]
    shell = json.loads(await redis_client.get(Keys("other:").figure(NATO_KEY)) or b"{}")
    assert ("corroborations" in shell, shell["corroboration_count"]) == (False, 301)


async def test_two_instances_taking_turns_on_a_figure_keep_the_state_of_one(
    redis_client: aioredis.Redis, redis_url: str
) -> None:
    """Each instance caches the figure as it last wrote it; the other's write in between makes
    that copy stale, and the next apply must read the list again instead of trusting it."""
    limits = Limits(corroborations=4, reporters=3)
    claims = [make_claim(f"c-{i}", 600_000 if i < 9 else 650_000, day=1 + i) for i in range(12)]
    claims.insert(5, make_claim("older", 500_000, day=1))
    other = aioredis.Redis.from_url(redis_url)
    try:
        instances = [
            FigureStore(redis_client, limits=limits, clock=fixed_clock),
            FigureStore(other, limits=limits, clock=fixed_clock),
        ]
        for n, claim in enumerate(claims):
            await instances[(n // 2) % 2].apply(claim)  # two in a row each: cached, then stale
    finally:
        await other.aclose()
    alone = FigureStore(redis_client, Keys("alone:"), limits=limits, clock=fixed_clock)
    for claim in claims:
        await alone.apply(claim)

    taken_turns = await FigureStore(redis_client).get(NATO_KEY)
    expected = await alone.get(NATO_KEY)
    assert taken_turns is not None
    assert expected is not None
    assert taken_turns == expected
    assert [c.article_id for c in taken_turns.corroborations] == ["c-9", "c-10", "c-11"]
    corroborated = await FigureStore(redis_client, limits=limits).get(NATO_KEY)
    assert corroborated == expected
    assert await redis_client.lrange(Keys().corroborations(NATO_KEY), 0, -1) == [
        c.model_dump_json().encode() for c in expected.corroborations
    ]


async def test_a_record_stored_whole_before_the_lists_is_read_and_moved_into_a_list(
    redis_client: aioredis.Redis,
) -> None:
    """Records written by an alert service from before the lists hold their corroborations inside."""
    writer = FigureStore(redis_client, Keys("before:"), clock=fixed_clock)
    for i in range(3):
        await writer.apply(make_claim(f"a-{i}", 600_000, day=1 + i))
    before = await writer.get(NATO_KEY, with_conflicts=False)
    assert before is not None
    keys = Keys()
    await redis_client.set(keys.figure(NATO_KEY), before.model_dump_json())
    await redis_client.sadd(keys.figures, NATO_KEY)

    store = FigureStore(redis_client, clock=fixed_clock)
    assert await store.get(NATO_KEY, with_conflicts=False) == before
    assert await store.list() == [before]
    decision = await store.apply(make_claim("a-3", 600_000, day=4))

    assert decision.outcome is Outcome.CORROBORATION
    after = await store.get(NATO_KEY)
    assert after is not None
    assert [c.article_id for c in after.corroborations] == ["a-0", "a-1", "a-2", "a-3"]
    assert after.corroboration_count == 4
    shell = json.loads(await redis_client.get(keys.figure(NATO_KEY)) or b"{}")
    assert "corroborations" not in shell
    assert await redis_client.llen(keys.corroborations(NATO_KEY)) == 4


async def test_dispatcher_delivers_batches_acks_them_and_retries_a_failed_batch(
    redis_client: aioredis.Redis,
) -> None:
    keys = Keys()
    store = FigureStore(redis_client, keys)
    await store.apply_batch([make_claim(f"d{i}", 1000 + i, source=f"speaker {i}", day=1) for i in range(5)])
    expected = [entry.alert.alert_id for entry in await feed.read_range(redis_client, keys)]
    assert len(expected) == 5 + 4  # a new alert each, a conflict from the second on

    batches: list[list[str]] = []
    failures = [RuntimeError("broker down")]

    async def deliver_batch(entries: list[feed.FeedEntry]) -> None:
        batches.append([entry.alert_id for entry in entries])
        if failures:
            raise failures.pop()

    async def deliver(alert: Alert) -> None:
        raise AssertionError("the batch path is used")

    dispatcher = Dispatcher(
        redis_client,
        keys,
        group="kafka",
        consumer="test",
        deliver=deliver,
        deliver_batch=deliver_batch,
        block_ms=100,
        retry_delay=0.01,
        count=4,
    )
    await feed.ensure_group(redis_client, keys, "kafka")
    task = asyncio.create_task(dispatcher.run())
    try:

        async def all_acked() -> bool:
            pending = await redis_client.xpending(keys.feed, "kafka")
            (group,) = await redis_client.xinfo_groups(keys.feed)
            last = await redis_client.xrevrange(keys.feed, count=1)
            return pending["pending"] == 0 and group["last-delivered-id"] == last[0][0]

        await eventually(all_acked, within=10)
    finally:
        dispatcher.stop()
        await asyncio.wait_for(task, 10)
    assert batches == [expected[0:4], expected[0:4], expected[4:8], expected[8:9]]


async def test_feed_entries_carry_the_alert_as_written_and_parse_it_only_when_asked(
    redis_client: aioredis.Redis,
) -> None:
    keys = Keys()
    store = FigureStore(redis_client, keys, clock=fixed_clock)
    (decision,) = await store.apply_batch([make_claim("nato-1", 600_000, day=12)])
    (alert,) = decision.alerts
    (entry,) = await feed.read_range(redis_client, keys)
    assert (entry.stored_alert_id, entry.stored_figure_key) == (alert.alert_id, NATO_KEY)
    assert "alert" not in entry.__dict__  # not parsed by reading
    assert entry.alert_json == alert.model_dump_json()
    assert entry.alert == alert


def test_a_feed_entry_from_before_the_id_and_key_fields_reads_them_from_its_alert() -> None:
    decision = decide(
        None, make_claim("nato-1", 600_000, day=12), already_applied=False, siblings=[], now=NOW
    )
    (alert,) = decision.alerts
    entry = feed.parse_entry("1-0", {"alert": alert.model_dump_json()})
    assert (entry.stored_alert_id, entry.stored_figure_key) == (None, None)
    assert (entry.alert_id, entry.figure_key) == (alert.alert_id, NATO_KEY)


async def _whole_family_reads(client: aioredis.Redis) -> int:
    """HGETALL calls the server ran so far (in scripts too): a family hash read whole."""
    stats = await client.info("commandstats")
    return int(stats.get("cmdstat_hgetall", {}).get("calls", 0))


async def test_only_a_claim_that_may_change_a_value_reads_its_family_hash_whole(
    redis_client: aioredis.Redis,
) -> None:
    store = FigureStore(redis_client, Keys("families:"), clock=fixed_clock)
    await store.apply_batch(
        [make_claim("nato-1", 600_000), make_claim("kremlin-1", 600_000, source="Kremlin")]
    )
    before = await _whole_family_reads(redis_client)

    corroborated = await store.apply_batch(
        [make_claim("nato-2", 600_000, day=3), make_claim("kremlin-2", 600_000, source="Kremlin", day=3)]
    )
    assert [d.outcome for d in corroborated] == [Outcome.CORROBORATION, Outcome.CORROBORATION]
    assert await _whole_family_reads(redis_client) == before

    changed = await store.apply_batch([make_claim("kremlin-3", 450_000, source="Kremlin", day=4)])
    assert [a.kind for d in changed for a in d.alerts] == [AlertKind.CHANGED, AlertKind.CONFLICT]
    assert [(c.figure_key, c.value) for c in changed[0].alerts[1].conflicts] == [(NATO_KEY, 600_000)]
    assert await _whole_family_reads(redis_client) == before + 1
