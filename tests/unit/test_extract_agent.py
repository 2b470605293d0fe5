"""The Faust agent, driven with `agent.test_context()` and a collecting sink instead of the broker."""

from __future__ import annotations

import asyncio
import json

import pytest

from claimwatch_extract.agents import extract
from claimwatch_extract.app import settings
from claimwatch_extract.routing import Routed, route_article

ARTICLE = {
    "id": "a-1",
    "language": "de",
    "text": "Russland hat an nur einem Tag mindestens 1150 Soldaten verloren.",
}


async def test_agent_routes_each_record_to_claims_or_a_dead_letter() -> None:
    routed: list[Routed] = []

    async def collect(batch: list[Routed]) -> None:
        routed.extend(batch)

    async with extract.test_context(sink=[collect]) as agent:
        await agent.put(json.dumps(ARTICLE).encode(), key=b"a-1")
        await agent.put(b"{not json", key=b"bad")

    good, bad = routed
    assert [json.loads(claim.value)["value"] for claim in good.claims] == [1150]
    assert [claim.key for claim in good.claims] == [b"RU/lost/soldiers/P1D/unattributed"]
    assert good.dead_letter is None
    assert bad.claims == []
    assert bad.dead_letter is not None
    assert (bad.dead_letter.key, bad.dead_letter.value) == (b"bad", b"{not json")


async def test_records_that_arrive_together_are_published_as_one_batch_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A tick far longer than the three puts take, so none can fall between them.
    monkeypatch.setattr(settings, "extract_batch_wait", 0.5)
    batches: list[list[Routed]] = []

    async def collect(batch: list[Routed]) -> None:
        batches.append(batch)

    async with extract.test_context(sink=[collect]) as agent:
        await agent.put(json.dumps({**ARTICLE, "id": "a-1"}).encode(), key=b"a-1", wait=False)
        await agent.put(b"{not json", key=b"bad", wait=False)
        await agent.put(json.dumps({**ARTICLE, "id": "a-2"}).encode(), key=b"a-2")

    assert [len(batch) for batch in batches] == [3]
    assert [json.loads(routed.claims[0].value)["article_id"] for routed in batches[0] if routed.claims] == [
        "a-1",
        "a-2",
    ]
    assert [routed.dead_letter.key for routed in batches[0] if routed.dead_letter] == [b"bad"]


async def test_records_that_arrive_while_the_worker_waits_out_its_window_form_the_next_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One batch per 0.5 s at most; a-2 and a-3 come 0.1 s apart, after the first batch: twenty
    # ticks of the 5 ms wait lie between them, yet they wait out the window and go together.
    monkeypatch.setattr(settings, "extract_batch_seconds", 0.5)
    monkeypatch.setattr(settings, "extract_batch_wait", 0.005)
    # Load the lexicons first: a first batch that takes longer than the window has no pause.
    route_article(b"warm-up", json.dumps(ARTICLE).encode())
    batches: list[list[str]] = []

    async def collect(batch: list[Routed]) -> None:
        batches.append([json.loads(routed.claims[0].value)["article_id"] for routed in batch])

    async with extract.test_context(sink=[collect]) as agent:
        await agent.put(json.dumps({**ARTICLE, "id": "a-1"}).encode(), key=b"a-1")
        await agent.put(json.dumps({**ARTICLE, "id": "a-2"}).encode(), key=b"a-2", wait=False)
        await asyncio.sleep(0.1)
        await agent.put(json.dumps({**ARTICLE, "id": "a-3"}).encode(), key=b"a-3")

    assert batches == [["a-1"], ["a-2", "a-3"]]
