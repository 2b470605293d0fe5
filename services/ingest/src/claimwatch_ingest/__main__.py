"""`python -m claimwatch_ingest`: the ingest HTTP API publishing to Kafka."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import redis.asyncio as aioredis
import uvicorn
from fastapi import FastAPI

from claimwatch_ingest.app import create_app
from claimwatch_ingest.publisher import KafkaArticlePublisher
from claimwatch_ingest.seen import RedisSeenArticles
from claimwatch_ingest.settings import IngestSettings

log = logging.getLogger("claimwatch.ingest")


def build_app(settings: IngestSettings) -> FastAPI:
    publisher = KafkaArticlePublisher(settings.kafka_bootstrap, settings.topic_articles)
    redis_client = aioredis.Redis.from_url(settings.redis_url)
    app = create_app(publisher, settings, RedisSeenArticles(redis_client))

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # The API answers (503) while the broker is away; the producer connects when it can.
        connecting = asyncio.create_task(publisher.connect_forever())
        try:
            yield
        finally:
            connecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await connecting
            await publisher.stop()
            await redis_client.aclose()

    app.router.lifespan_context = lifespan
    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = IngestSettings()
    config = uvicorn.Config(
        build_app(settings), host=settings.ingest_host, port=settings.ingest_port, log_level="info"
    )
    asyncio.run(uvicorn.Server(config).serve())


if __name__ == "__main__":
    main()
