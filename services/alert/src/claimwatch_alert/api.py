"""The alert service's HTTP API (FastAPI): figures, alerts (list, SSE, dead letters), subscriptions, silences.

Endpoints
    GET    /healthz                          200 when Redis and Kafka answer, else 503
    GET    /figures?subject=&metric=&unit=&source=
    GET    /figures/{figure_key}             with history, corroborations and conflicts
    GET    /alerts?after=&limit=             alerts in the change feed (after an entry id)
    GET    /alerts/stream                    Server-Sent Events; event id = feed entry id; resume with
                                             the `Last-Event-ID` header (or ?last_event_id=); without
                                             either only new alerts, `?last_event_id=0` from the start
    GET    /alerts/failed                    dead-lettered webhook deliveries
    POST   /alerts/failed/{id}/redeliver     try one once more (200 delivered, 502 still failing)
    POST   /subscriptions                    201, the subscription without its secret
    GET    /subscriptions
    GET    /subscriptions/{id}
    DELETE /subscriptions/{id}               204 / 404
    POST   /silences, GET /silences, DELETE /silences/{id}

When CLAIMWATCH_API_TOKEN is set, every endpoint but /healthz needs `Authorization: Bearer <token>`.
Every error is an RFC 9457 `application/problem+json` body; refused input names each field and why
(`errors: [{"field", "reason"}]`).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any

import redis.asyncio as aioredis
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI, Header, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.exceptions import HTTPException as StarletteHTTPException

from claimwatch_alert import feed, streams
from claimwatch_alert.keys import Keys
from claimwatch_alert.problems import problem_response, validation_problems
from claimwatch_alert.state import FigureStore
from claimwatch_alert.subscriptions import (
    Silence,
    SilenceIn,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionStore,
)
from claimwatch_alert.targets import TargetRefusedError, check_url
from claimwatch_alert.webhooks import DeliveryError, WebhookDispatcher
from claimwatch_schemas import Alert, Figure
from claimwatch_schemas.settings import redact_url

log = logging.getLogger(__name__)

HEALTH_TIMEOUT = 3.0


class FeedAlert(BaseModel):
    id: str
    alert: Alert


class DeadLetterOut(BaseModel):
    id: str
    subscription_id: str
    error: str
    attempts: int
    failed_at: str
    alert: Alert


def bearer_matches(request: Request, token: str) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


async def _last_feed_id(client: aioredis.Redis, keys: Keys) -> str:
    last = streams.rows(await client.xrevrange(keys.feed, count=1))
    return last[0][0] if last else "0-0"


def create_app(
    store: FigureStore,
    subscriptions: SubscriptionStore,
    webhooks: WebhookDispatcher,
    redis_client: aioredis.Redis,
    keys: Keys,
    producer: AIOKafkaProducer | None,
    api_token: str | None = None,
    *,
    allow_private_webhooks: bool = False,
) -> FastAPI:
    app = FastAPI(title="claimwatch alert service", version="0.1.0")

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> Response:
        problems = validation_problems(error.errors())
        return problem_response(422, "Invalid request", "; ".join(f"{f}: {r}" for f, r in problems), problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, error: StarletteHTTPException) -> Response:
        title = {404: "Not found", 405: "Method not allowed", 409: "Conflict", 502: "Bad gateway"}
        return problem_response(
            error.status_code,
            title.get(error.status_code, "Error"),
            str(error.detail),
            headers=dict(error.headers or {}),
        )

    @app.middleware("http")
    async def require_token(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if (
            api_token is not None
            and request.url.path != "/healthz"
            and not bearer_matches(request, api_token)
        ):
            return problem_response(
                401, "Unauthorized", "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"}
            )
        return await call_next(request)

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        checks: dict[str, str] = {}
        try:
            await asyncio.wait_for(redis_client.ping(), HEALTH_TIMEOUT)
            checks["redis"] = "ok"
        except Exception as error:
            checks["redis"] = f"error: {type(error).__name__}"
        if producer is None:
            checks["kafka"] = "not configured"
        else:
            try:
                await asyncio.wait_for(producer.client.fetch_all_metadata(), HEALTH_TIMEOUT)
                checks["kafka"] = "ok"
            except Exception as error:
                checks["kafka"] = f"error: {type(error).__name__}"
        healthy = all(value == "ok" for value in checks.values())
        return JSONResponse({"status": "ok" if healthy else "unavailable", **checks}, 200 if healthy else 503)

    @app.get("/figures")
    async def list_figures(
        subject: str | None = None,
        metric: str | None = None,
        unit: str | None = None,
        source: str | None = None,
        history: bool = False,
    ) -> list[Figure]:
        figures = await store.list(subject=subject, metric=metric, unit=unit, source=source)
        if history:
            return figures
        return [figure.model_copy(update={"history": [], "corroborations": []}) for figure in figures]

    @app.get("/figures/{figure_key:path}")
    async def get_figure(figure_key: str) -> Figure:
        figure = await store.get(figure_key)
        if figure is None:
            raise HTTPException(404, f"no figure {figure_key!r}")
        return figure

    @app.get("/alerts")
    async def list_alerts(
        after: str | None = None, limit: Annotated[int, Query(ge=1, le=10_000)] = 1000
    ) -> list[FeedAlert]:
        start = f"({after}" if after else "-"
        entries = await feed.read_range(redis_client, keys, start=start, count=limit)
        return [FeedAlert(id=entry.entry_id, alert=entry.alert) for entry in entries]

    @app.get("/alerts/stream")
    async def stream_alerts(
        request: Request,
        last_event_id_header: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
        last_event_id: str | None = None,
    ) -> EventSourceResponse:
        resume = last_event_id_header or last_event_id
        start = resume if resume else await _last_feed_id(redis_client, keys)

        async def events() -> AsyncIterator[ServerSentEvent]:
            cursor = start
            while not await request.is_disconnected():
                for entry in await feed.read_after(redis_client, keys, cursor, block_ms=1000):
                    cursor = entry.entry_id
                    yield ServerSentEvent(data=entry.alert_json, id=entry.entry_id, event="alert")

        return EventSourceResponse(events(), ping=15)

    @app.get("/alerts/failed")
    async def failed_alerts() -> list[DeadLetterOut]:
        return [DeadLetterOut(**letter.__dict__) for letter in await webhooks.dead_letters()]

    @app.post("/alerts/failed/{dead_letter_id}/redeliver")
    async def redeliver(dead_letter_id: str) -> dict[str, Any]:
        try:
            letter = await webhooks.redeliver(dead_letter_id)
        except LookupError as error:
            raise HTTPException(409, str(error)) from error
        except DeliveryError as failure:
            raise HTTPException(502, f"still failing: {failure.reason}") from failure
        if letter is None:
            raise HTTPException(404, f"no dead letter {dead_letter_id!r}")
        return {
            "redelivered": letter.id,
            "alert_id": letter.alert.alert_id,
            "subscription_id": letter.subscription_id,
        }

    @app.post("/subscriptions", status_code=201, response_model=SubscriptionOut)
    async def subscribe(request: SubscriptionIn) -> Response | SubscriptionOut:
        try:
            await check_url(str(request.webhook), allow_private=allow_private_webhooks)
        except TargetRefusedError as refused:
            reason = f"{refused}; webhooks go to public addresses only"
            return problem_response(422, "Webhook target refused", reason, [("webhook", reason)])
        subscription = await subscriptions.add(request, datetime.now(UTC))
        log.info("subscription %s created for %s", subscription.id, redact_url(str(subscription.webhook)))
        return subscription.public()

    @app.get("/subscriptions")
    async def list_subscriptions() -> list[SubscriptionOut]:
        return [subscription.public() for subscription in await subscriptions.all()]

    @app.get("/subscriptions/{subscription_id}")
    async def get_subscription(subscription_id: str) -> SubscriptionOut:
        subscription = await subscriptions.get(subscription_id)
        if subscription is None:
            raise HTTPException(404, f"no subscription {subscription_id!r}")
        return subscription.public()

    @app.delete("/subscriptions/{subscription_id}", status_code=204)
    async def unsubscribe(subscription_id: str) -> Response:
        if not await subscriptions.remove(subscription_id):
            raise HTTPException(404, f"no subscription {subscription_id!r}")
        return Response(status_code=204)

    @app.post("/silences", status_code=201)
    async def silence(request: SilenceIn) -> Silence:
        return await subscriptions.add_silence(request, datetime.now(UTC))

    @app.get("/silences")
    async def list_silences() -> list[Silence]:
        return await subscriptions.silences(datetime.now(UTC))

    @app.delete("/silences/{silence_id}", status_code=204)
    async def unsilence(silence_id: str) -> Response:
        if not await subscriptions.remove_silence(silence_id):
            raise HTTPException(404, f"no silence {silence_id!r}")
        return Response(status_code=204)

    return app
