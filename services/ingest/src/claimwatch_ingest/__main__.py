"""`python -m claimwatch_ingest`: the ingest HTTP API publishing to Kafka."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import redis.asyncio as aioredis
import uvicorn
import uvloop
from fastapi import FastAPI

from claimwatch_ingest.app import create_app
from claimwatch_ingest.publisher import KafkaArticlePublisher
from claimwatch_ingest.seen import RedisSeenArticles
from claimwatch_ingest.settings import IngestSettings
from claimwatch_schemas.runtime import tune_garbage_collector
from claimwatch_schemas.settings import (
    exposure_problem,
    kafka_producer_options,
    redact_url,
    redis_client_options,
)

log = logging.getLogger("claimwatch.ingest")


def build_app(settings: IngestSettings) -> FastAPI:
    publisher = KafkaArticlePublisher(
        settings.kafka_bootstrap, settings.topic_articles, **kafka_producer_options(settings)
    )
    redis_client = aioredis.Redis.from_url(settings.redis_url, **redis_client_options(settings))
    app = create_app(
        publisher,
        settings,
        RedisSeenArticles(redis_client, ttl_seconds=settings.ingest_remember_days * 86_400),
        redis_client,
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # The API answers (503) while the broker is away; the producer connects when it can.
        log.info(
            "publishing to %s on %s; ids in %s",
            settings.topic_articles,
            settings.kafka_bootstrap,
            redact_url(settings.redis_url),
        )
        background = [
            asyncio.create_task(publisher.connect_forever()),
            asyncio.create_task(publisher.watch_health()),
        ]
        try:
            yield
        finally:
            for task in background:
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)
            await publisher.stop()
            await redis_client.aclose()

    app.router.lifespan_context = lifespan
    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = IngestSettings()
    problem = exposure_problem(settings.ingest_host, settings.api_token)
    if problem is not None:
        log.error("%s", problem)
        raise SystemExit(2)
    config = uvicorn.Config(
        build_app(settings), host=settings.ingest_host, port=settings.ingest_port, log_level="info"
    )
    tune_garbage_collector()
    uvloop.run(uvicorn.Server(config).serve())


if __name__ == "__main__":
    main()
