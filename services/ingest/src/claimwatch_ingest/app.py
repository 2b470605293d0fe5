"""The ingest HTTP API: validate articles, publish them, answer with their ids."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from claimwatch_ingest.parsing import ArticleInputError, Problem, articles_from_body
from claimwatch_ingest.problems import problem_response
from claimwatch_ingest.publisher import ArticlePublisher, PublishError
from claimwatch_ingest.settings import IngestSettings


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


def create_app(publisher: ArticlePublisher, settings: IngestSettings | None = None) -> FastAPI:
    """The ASGI app; `publisher` is where accepted articles go (Kafka in production, a fake in tests)."""
    conf = settings or IngestSettings()
    app = FastAPI(title="claimwatch ingest", version="0.1.0")

    @app.post("/articles", status_code=202)
    async def post_articles(request: Request) -> Response:
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
            articles = articles_from_body(body, request.headers.get("content-type", ""), conf.max_batch)
        except ArticleInputError as error:
            status = 415 if error.title == "Unsupported media type" else 422
            if error.title == "Batch too large":
                status = 413
            return problem_response(status, error.title, str(error), error.problems)
        try:
            await publisher.publish(articles)
        except PublishError as error:
            return problem_response(
                503, "Broker unavailable", f"nothing was accepted: {error}", headers={"Retry-After": "5"}
            )
        return JSONResponse(
            {"accepted": len(articles), "ids": [article.id for article in articles]}, status_code=202
        )

    @app.get("/healthz")
    async def healthz() -> Response:
        if await publisher.healthy():
            return JSONResponse({"status": "ok"})
        return JSONResponse({"status": "unavailable", "broker": "unreachable"}, status_code=503)

    return app
