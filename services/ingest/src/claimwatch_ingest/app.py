"""The ingest HTTP API: validate articles, publish them, answer with their ids."""

from __future__ import annotations

import asyncio
import hmac
import logging

import redis.asyncio as aioredis
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from claimwatch_extract.language import SUPPORTED, detect_language
from claimwatch_ingest.parsing import ArticleInputError, Problem, articles_from_body
from claimwatch_ingest.problems import problem_response
from claimwatch_ingest.publisher import ArticlePublisher, PublishError
from claimwatch_ingest.seen import InMemorySeenArticles, Seen, SeenArticles, SeenUnavailableError
from claimwatch_ingest.settings import IngestSettings
from claimwatch_schemas import Article

log = logging.getLogger("claimwatch.ingest")

HEALTH_TIMEOUT = 3.0
# A single article up to this size is parsed on the event loop: a 4 kB article takes well under
# a millisecond, less than the hand-off to a worker thread and back costs. Arrays go to the
# thread whatever their size: 1,000 short articles are under 64 kB and take ~90 ms.
INLINE_PARSE_BYTES = 64 * 1024


def parse_inline(body: bytes) -> bool:
    """Whether a body is small enough, and one article (not a JSON array), to parse on the loop."""
    return len(body) <= INLINE_PARSE_BYTES and not body.lstrip().startswith(b"[")


class BodyTooLargeError(Exception):
    pass


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLargeError
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLargeError
        chunks.append(chunk)
    return b"".join(chunks)


def with_language(articles: list[Article]) -> list[Article]:
    """Articles with their language filled in; any we cannot read is refused, naming it."""
    problems: list[Problem] = []
    checked: list[Article] = []
    for index, article in enumerate(articles):
        language = article.language or detect_language(article.text)
        if language not in SUPPORTED:
            where = f"{index}/text" if len(articles) > 1 else "text"
            problems.append(
                Problem(where, f"language {language or 'unknown'!r} is not supported ({'/'.join(SUPPORTED)})")
            )
            continue
        checked.append(article if article.language else article.model_copy(update={"language": language}))
    if problems:
        raise ArticleInputError("Unsupported language", problems)
    return checked


def parse_and_detect(body: bytes, content_type: str, max_batch: int) -> list[Article]:
    return with_language(articles_from_body(body, content_type, max_batch))


def bearer_matches(request: Request, token: str) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def create_app(
    publisher: ArticlePublisher,
    settings: IngestSettings | None = None,
    seen: SeenArticles | None = None,
    redis_client: aioredis.Redis | None = None,
) -> FastAPI:
    """The ASGI app; `publisher` is where accepted articles go (Kafka in production, a fake in tests),
    `seen` remembers accepted articles so duplicates are answered instead of published again;
    `redis_client`, when given, is checked by /healthz."""
    conf = settings or IngestSettings()
    remembered = seen or InMemorySeenArticles()
    app = FastAPI(title="claimwatch ingest", version="0.1.0")

    @app.post("/articles", status_code=202)
    async def post_articles(request: Request) -> Response:
        if conf.api_token is not None and not bearer_matches(request, conf.api_token.get_secret_value()):
            return problem_response(
                401,
                "Unauthorized",
                "a valid bearer token is required",
                headers={"WWW-Authenticate": "Bearer"},
            )
        try:
            body = await read_body(request, conf.max_body_bytes)
        except BodyTooLargeError:
            return problem_response(
                413,
                "Body too large",
                f"the request body exceeds {conf.max_body_bytes} bytes",
                [Problem("body", f"larger than {conf.max_body_bytes} bytes")],
            )
        try:
            content_type = request.headers.get("content-type", "")
            if parse_inline(body):
                articles = parse_and_detect(body, content_type, conf.max_batch)
            else:
                # Parsing up to a thousand articles and detecting their languages is CPU work: off
                # the event loop, so /healthz and other requests keep answering meanwhile.
                articles = await asyncio.to_thread(parse_and_detect, body, content_type, conf.max_batch)
        except ArticleInputError as error:
            status = {"Unsupported media type": 415, "Batch too large": 413}.get(error.title, 422)
            return problem_response(status, error.title, str(error), error.problems)
        try:
            return await publish_new(articles)
        except SeenUnavailableError as error:
            log.warning("the store of accepted ids does not answer (%s); answering 503", error)
            return problem_response(
                503, "Store unavailable", f"nothing was accepted: {error}", headers={"Retry-After": "5"}
            )

    async def publish_new(articles: list[Article]) -> Response:
        fresh: list[Article] = []
        published = False
        try:
            response = await reserve_and_publish(articles, fresh)
            published = response.status_code == 202
            return response
        finally:
            if not published:
                # Whatever stopped us (a refusal, the broker, Redis, a cancelled request), the
                # reservations of articles that were not published must not turn a retry into
                # a "duplicate": free them, best effort.
                await release_all(fresh)

    async def release_all(articles: list[Article]) -> None:
        for article in articles:
            try:
                await remembered.release(article)
            except SeenUnavailableError as error:
                log.warning("could not free the reservation of %s: %s", article.id, error)

    async def reserve_and_publish(articles: list[Article], fresh: list[Article]) -> Response:
        duplicates: list[str] = []
        conflicts: list[Problem] = []
        for index, article in enumerate(articles):
            outcome = await remembered.reserve(article)
            if outcome is Seen.NEW:
                fresh.append(article)
            elif outcome is Seen.DUPLICATE:
                duplicates.append(str(article.id))
            else:
                conflicts.append(Problem(f"{index}/id", f"id {article.id!r} was used for another text"))
        if conflicts:
            return problem_response(409, "Article id conflict", "nothing was published", conflicts)
        if not fresh:
            return problem_response(
                409,
                "Duplicate article",
                "every article was accepted before; nothing was published again",
                [Problem("id", f"{article_id} was accepted before") for article_id in duplicates],
            )
        try:
            await publisher.publish(fresh)
        except PublishError as error:
            log.warning("could not publish (%s); answering 503", error)
            return problem_response(
                503, "Broker unavailable", f"nothing was accepted: {error}", headers={"Retry-After": "5"}
            )
        return JSONResponse(
            {"accepted": len(fresh), "ids": [article.id for article in fresh], "duplicates": duplicates},
            status_code=202,
        )

    @app.get("/healthz")
    async def healthz() -> Response:
        checks = {"broker": "ok" if await publisher.healthy() else "unreachable"}
        if redis_client is not None:
            try:
                await asyncio.wait_for(redis_client.ping(), HEALTH_TIMEOUT)
                checks["redis"] = "ok"
            except Exception as error:  # a timeout, a refused connection, a protocol error: all unhealthy
                checks["redis"] = f"unreachable: {type(error).__name__}"
        if all(value == "ok" for value in checks.values()):
            return JSONResponse({"status": "ok", **checks})
        return JSONResponse({"status": "unavailable", **checks}, status_code=503)

    return app
