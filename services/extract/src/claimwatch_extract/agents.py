"""The agent: every `articles` record becomes claims (or one dead letter)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from claimwatch_extract.app import app, articles_topic, claims_topic, dead_letter_topic
from claimwatch_extract.routing import Routed, route_article

log = logging.getLogger("claimwatch.extract")


@app.agent(articles_topic)
async def extract(stream: Any) -> AsyncIterator[Routed]:
    async for event in stream.events():
        routed = route_article(event.key, event.value)
        pending = []
        if routed.dead_letter is not None:
            letter = routed.dead_letter
            log.warning("dead letter %r: %s", letter.key, letter.headers.get("claimwatch-error-reason"))
            pending.append(
                await dead_letter_topic.send(key=letter.key, value=letter.value, headers=letter.headers)
            )
        for claim in routed.claims:
            pending.append(await claims_topic.send(key=claim.key, value=claim.value))
        # The offset is acknowledged when this iteration ends: wait for the broker's acks first,
        # so a crash can repeat claims but never lose them.
        for future in pending:
            await future
        yield routed
