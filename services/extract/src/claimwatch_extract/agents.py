"""The agent: every `articles` record becomes claims (or one dead letter), published by its sink."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

from claimwatch_extract.app import app, articles_topic, claims_topic, dead_letter_topic
from claimwatch_extract.routing import Routed, route_article

log = logging.getLogger("claimwatch.extract")


async def publish(routed: Routed) -> None:
    """The agent's sink: claims to `claims`, a dead letter to the DLQ.

    Faust awaits a sink before it acknowledges the record, and this waits for the broker's
    acks, so a crash can repeat claims but never lose them.
    """
    pending = []
    if routed.dead_letter is not None:
        letter = routed.dead_letter
        log.warning("dead letter %r: %s", letter.key, letter.headers.get("claimwatch-error-reason"))
        sent = await dead_letter_topic.send(key=letter.key, value=letter.value, headers=letter.headers)
        pending.append(sent)
    for claim in routed.claims:
        pending.append(await claims_topic.send(key=claim.key, value=claim.value))
    await asyncio.gather(*pending)


@app.agent(articles_topic, sink=[publish])
async def extract(stream: Any) -> AsyncIterator[Routed]:
    async for event in stream.events():
        yield route_article(event.key, event.value)
