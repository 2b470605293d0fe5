"""Which articles were accepted already, so that a duplicate push is answered, not republished."""

from __future__ import annotations

import hashlib
from enum import StrEnum
from typing import Protocol

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from claimwatch_schemas import Article, normalise_text


class Seen(StrEnum):
    NEW = "new"
    DUPLICATE = "duplicate"
    ID_CONFLICT = "id_conflict"


def text_digest(article: Article) -> str:
    return hashlib.sha256(normalise_text(article.text).encode("utf-8")).hexdigest()


class SeenUnavailableError(RuntimeError):
    """The store of accepted articles cannot be reached."""


class SeenArticles(Protocol):
    async def reserve(self, article: Article) -> Seen:
        """NEW reserves the id for this text; DUPLICATE: same id and text before; ID_CONFLICT: other text."""
        ...

    async def release(self, article: Article) -> None:
        """Frees a reservation whose publish failed, so the article can be pushed again."""
        ...


class InMemorySeenArticles:
    """For one process and tests; forgets everything on restart."""

    def __init__(self) -> None:
        self._digests: dict[str, str] = {}

    async def reserve(self, article: Article) -> Seen:
        assert article.id is not None
        digest = text_digest(article)
        known = self._digests.get(article.id)
        if known is None:
            self._digests[article.id] = digest
            return Seen.NEW
        return Seen.DUPLICATE if known == digest else Seen.ID_CONFLICT

    async def release(self, article: Article) -> None:
        assert article.id is not None
        self._digests.pop(article.id, None)


class RedisSeenArticles:
    """Article id -> text digest in Redis (SET NX), kept for `ttl_seconds`."""

    def __init__(
        self, client: aioredis.Redis, prefix: str = "claimwatch:ingest:article:", ttl_seconds: int = 0
    ) -> None:
        self._client = client
        self._prefix = prefix
        self._ttl = ttl_seconds or None

    async def reserve(self, article: Article) -> Seen:
        assert article.id is not None
        digest = text_digest(article)
        key = self._prefix + article.id
        try:
            if await self._client.set(key, digest, nx=True, ex=self._ttl):
                return Seen.NEW
            known = await self._client.get(key)
        except RedisError as error:
            raise SeenUnavailableError(f"redis: {error}") from error
        known_text = known.decode() if isinstance(known, bytes) else known
        return Seen.DUPLICATE if known_text == digest else Seen.ID_CONFLICT

    async def release(self, article: Article) -> None:
        assert article.id is not None
        try:
            await self._client.delete(self._prefix + article.id)
        except RedisError as error:
            raise SeenUnavailableError(f"redis: {error}") from error
