"""Where validated articles go: the `articles` topic, behind a small protocol so tests can pass a fake."""

from __future__ import annotations

from typing import Protocol

from aiokafka import AIOKafkaProducer

from claimwatch_schemas import Article


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
        self.topic = topic
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap,
            acks="all",
            # Tansu, the embedded broker, fails InitProducerId; ordering per key still holds
            # because every send is awaited before the next batch.
            enable_idempotence=False,
            max_request_size=4 * 1024 * 1024,
            request_timeout_ms=15_000,
            **producer_options,
        )
        self._started = False

    async def start(self) -> None:
        await self._producer.start()
        self._started = True

    async def stop(self) -> None:
        if self._started:
            await self._producer.stop()
            self._started = False

    async def publish(self, articles: list[Article]) -> None:
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
        try:
            partitions = await self._producer.partitions_for(self.topic)
        except Exception:
            return False
        return bool(partitions)
