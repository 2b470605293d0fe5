"""Where validated articles go: the `articles` topic, behind a small protocol so tests can pass a fake."""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from claimwatch_schemas import Article

log = logging.getLogger("claimwatch.ingest")


class PublishError(RuntimeError):
    """The articles could not be handed to the broker."""


class ArticlePublisher(Protocol):
    async def publish(self, articles: list[Article]) -> None: ...

    async def healthy(self) -> bool: ...


def article_record(article: Article) -> tuple[bytes, bytes]:
    """(key, value) of an article's Kafka record: the key is the article id."""
    assert article.id is not None, "articles are published with their id"
    return article.id.encode("utf-8"), article.model_dump_json(exclude_none=True).encode("utf-8")


class KafkaArticlePublisher:
    """Publishes with acks=all and waits for every record's acknowledgement."""

    def __init__(self, bootstrap: str, topic: str, **producer_options: object) -> None:
        """`producer_options` are aiokafka's: pass `kafka_producer_options(settings)` for SASL/TLS
        and compression."""
        self.topic = topic
        self._options: dict[str, object] = {
            "acks": "all",
            # Tansu, the embedded broker, fails InitProducerId; ordering per key still holds
            # because every publish waits for its acknowledgements before answering.
            "enable_idempotence": False,
            "max_request_size": 4 * 1024 * 1024,
            "request_timeout_ms": 15_000,
            **producer_options,
            "bootstrap_servers": bootstrap,
        }
        self._producer: AIOKafkaProducer | None = None
        self._reachable = False

    async def start(self) -> None:
        """Connects; aiokafka wants its producer made inside the running loop."""
        producer = AIOKafkaProducer(**self._options)
        try:
            await producer.start()
        except BaseException:
            await producer.stop()
            raise
        self._producer = producer
        self._reachable = True

    async def connect_forever(self, first_delay: float = 0.5, max_delay: float = 30.0) -> None:
        """Retries `start` with exponential backoff until the broker answers (run as a task)."""
        delay = first_delay
        while self._producer is None:
            try:
                await self.start()
            except KafkaError as error:
                log.warning("broker unreachable (%s); retrying in %.1fs", error, delay)
                await asyncio.sleep(delay)
                delay = min(max_delay, delay * 2)
        log.info("connected to the broker; publishing to %s", self.topic)

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def watch_health(self, every: float = 1.0, deadline: float = 3.0) -> None:
        """Asks the broker for metadata every `every` s (run as a task); logs when it goes and comes back.

        A broker that hangs keeps its TCP connections open, so only a request with a deadline tells;
        while it fails, `publish` refuses at once instead of waiting out the request timeout.
        """
        while True:
            reachable = await self._probe(deadline)
            if reachable != self._reachable and self._producer is not None:
                if reachable:
                    log.info("the broker answers again; publishing to %s", self.topic)
                else:
                    log.warning("the broker does not answer; answering 503 until it does")
            self._reachable = reachable
            await asyncio.sleep(every)

    async def _probe(self, deadline: float) -> bool:
        if self._producer is None:
            return False
        try:
            await asyncio.wait_for(self._producer.client.fetch_all_metadata(), deadline)
        except Exception:  # any failure (timeout, connection, protocol) means: not reachable now
            return False
        return True

    async def publish(self, articles: list[Article]) -> None:
        if self._producer is None:
            raise PublishError("the publisher is not connected to the broker")
        if not self._reachable:
            raise PublishError("the broker does not answer")
        try:
            futures = []
            for article in articles:
                key, value = article_record(article)
                futures.append(await self._producer.send(self.topic, value=value, key=key))
            for future in futures:
                await future
        except Exception as error:  # aiokafka raises many types; the caller needs one
            raise PublishError(f"could not publish to {self.topic}: {error!r}") from error

    async def healthy(self) -> bool:
        """Connected, and the last metadata request (see `watch_health`) was answered."""
        return self._producer is not None and self._reachable
