"""`python -m claimwatch_ingest`: the ingest HTTP API publishing to Kafka."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import uvicorn
from fastapi import FastAPI

from claimwatch_ingest.app import create_app
from claimwatch_ingest.publisher import KafkaArticlePublisher
from claimwatch_ingest.settings import IngestSettings

log = logging.getLogger("claimwatch.ingest")


def build_app(settings: IngestSettings) -> FastAPI:
    publisher = KafkaArticlePublisher(settings.kafka_bootstrap, settings.topic_articles)
    app = create_app(publisher, settings)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await publisher.start()
        log.info("publishing to %s on %s", settings.topic_articles, settings.kafka_bootstrap)
        try:
            yield
        finally:
            await publisher.stop()

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
