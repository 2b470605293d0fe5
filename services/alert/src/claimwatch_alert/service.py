"""The alert service's imperative shell: wires Kafka, Redis, the dispatchers and the HTTP API."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Iterator

import uvicorn
from redis.exceptions import RedisError

from claimwatch_alert.api import create_app
from claimwatch_alert.feed import DeliverBatch, Dispatcher
from claimwatch_alert.kafka_io import (
    KafkaAlertPublisher,
    KafkaDeadLetters,
    consume_claims,
    make_consumer,
    make_producer,
)
from claimwatch_alert.keys import Keys
from claimwatch_alert.redis_connection import redis_client
from claimwatch_alert.retry import TRANSIENT_ERRORS, Backoff, sleep_unless
from claimwatch_alert.rules import Limits
from claimwatch_alert.settings import AlertSettings
from claimwatch_alert.state import FigureStore
from claimwatch_alert.subscriptions import SubscriptionStore
from claimwatch_alert.targets import webhook_client
from claimwatch_alert.webhooks import WebhookDispatcher
from claimwatch_schemas import Claim
from claimwatch_schemas.settings import redact_url, redis_client_options

log = logging.getLogger("claimwatch.alert")

KAFKA_GROUP = "kafka"
SHUTDOWN_GRACE = 5.0
WEBHOOK_GROUP = "webhooks"


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: the service handles SIGTERM/SIGINT itself."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class AlertService:
    def __init__(self, settings: AlertSettings) -> None:
        self.settings = settings
        self.keys = Keys(settings.alert_redis_prefix)
        self.redis = redis_client(settings.redis_url, **redis_client_options(settings))
        self.store = FigureStore(
            self.redis,
            self.keys,
            feed_maxlen=settings.alert_feed_maxlen,
            limits=Limits(
                corroborations=settings.alert_figure_corroborations,
                reporters=settings.alert_figure_reporters,
                history=settings.alert_figure_history,
            ),
        )
        self.subscriptions = SubscriptionStore(self.redis, self.keys)
        self.consumer = make_consumer(settings)
        self.producer = make_producer(settings)
        self.http = webhook_client(
            settings.alert_webhook_timeout, allow_private=settings.alert_webhook_allow_private
        )
        self.webhooks = WebhookDispatcher(self.redis, self.keys, self.subscriptions, self.http, settings)
        self._stop = asyncio.Event()

    async def apply(self, claims: list[Claim]) -> None:
        """Applies the claims of one poll in one transaction (see `FigureStore.apply_batch`)."""
        decisions = await self.store.apply_batch(claims)
        # One line per poll at INFO, one per alert at DEBUG: in a burst a line per alert took ~5 %
        # of the service's CPU, and the alerts themselves are in the feed and on `alerts`.
        kinds = Counter(alert.kind.value for decision in decisions for alert in decision.alerts)
        if kinds:
            log.info(
                "%d claims applied: %s",
                len(claims),
                ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())),
            )
        if log.isEnabledFor(logging.DEBUG):
            for claim, decision in zip(claims, decisions, strict=True):
                for alert in decision.alerts:
                    log.debug(
                        "%s %s = %s (claim %s)",
                        alert.kind.value,
                        alert.figure_key,
                        alert.value,
                        claim.claim_id,
                    )

    def stop(self) -> None:
        self._stop.set()

    async def _connect(self) -> bool:
        """Waits until Redis and the broker answer (backoff, logged); False when stopped meanwhile."""
        backoff = Backoff(cap=10.0)
        started: list[str] = []
        while not self._stop.is_set():
            try:
                await self.redis.ping()
                if "producer" not in started:
                    await self.producer.start()
                    started.append("producer")
                await self.consumer.start()
                return True
            except TRANSIENT_ERRORS as error:
                delay = backoff.next_delay()
                log.warning("cannot reach %s (%s); retrying in %.1fs", _what(error), error, delay)
                await sleep_unless(self._stop, delay)
        return False

    async def run(self) -> None:
        settings = self.settings
        if not await self._connect():
            await self._close()
            return
        log.info(
            "consuming %s (group %s) on %s; state in %s",
            settings.topic_claims,
            settings.alert_group,
            settings.kafka_bootstrap,
            redact_url(settings.redis_url),
        )
        token = settings.api_token.get_secret_value() if settings.api_token else None
        app = create_app(
            self.store,
            self.subscriptions,
            self.webhooks,
            self.redis,
            self.keys,
            self.producer,
            token,
            allow_private_webhooks=settings.alert_webhook_allow_private,
        )
        server = _Server(
            uvicorn.Config(
                app,
                host=settings.alert_host,
                port=settings.alert_port,
                log_level="warning",
                timeout_graceful_shutdown=2,  # open SSE streams would otherwise hold shutdown forever
            )
        )
        stopping = asyncio.Event()
        dead_letters = KafkaDeadLetters(self.producer, settings.topic_claims_dlq)
        tasks = [
            asyncio.create_task(
                consume_claims(
                    self.consumer,
                    self.apply,
                    dead_letters,
                    stopping,
                    max_records=settings.alert_poll_records,
                    crash_before_state=settings.alert_crash_before_state,
                ),
                name="claims",
            )
        ]
        dispatchers: list[Dispatcher] = []
        if settings.alert_crash_after_state:
            log.warning("CLAIMWATCH_ALERT_CRASH_AFTER_STATE is set: no dispatcher runs")
        else:
            publisher = KafkaAlertPublisher(self.producer, settings.topic_alerts)
            dispatchers = [
                self._dispatcher(KAFKA_GROUP, publisher, publisher.many),
                self._dispatcher(WEBHOOK_GROUP, self.webhooks, self.webhooks.many),
            ]
            tasks += [asyncio.create_task(d.run(), name=f"dispatcher-{d.group}") for d in dispatchers]
        tasks.append(asyncio.create_task(server.serve(), name="http"))
        log.info("HTTP API on http://%s:%d", settings.alert_host, settings.alert_port)
        stop_wait = asyncio.create_task(self._stop.wait(), name="stop")
        failed: list[asyncio.Task[None]] = []
        try:
            done, _ = await asyncio.wait([*tasks, stop_wait], return_when=asyncio.FIRST_COMPLETED)
            failed = [task for task in tasks if task in done and not task.cancelled() and task.exception()]
            for task in failed:
                log.error("task %s failed", task.get_name(), exc_info=task.exception())
        finally:
            log.info("stopping")
            stopping.set()
            for dispatcher in dispatchers:
                dispatcher.stop()
            server.should_exit = True
            stop_wait.cancel()
            # Let every loop finish its step (commit offsets, ack entries); cancel what lingers,
            # e.g. a webhook delivery waiting out its backoff (its entry stays pending: redelivered).
            _, lingering = await asyncio.wait(tasks, timeout=SHUTDOWN_GRACE)
            for task in lingering:
                log.warning("task %s did not stop in %.0fs; cancelling it", task.get_name(), SHUTDOWN_GRACE)
                task.cancel()
            await asyncio.wait([*tasks, stop_wait], timeout=SHUTDOWN_GRACE)
            await self._close()
        if failed:
            raise SystemExit(1)

    def _dispatcher(
        self,
        group: str,
        deliver: KafkaAlertPublisher | WebhookDispatcher,
        deliver_batch: DeliverBatch | None = None,
    ) -> Dispatcher:
        return Dispatcher(
            self.redis,
            self.keys,
            group=group,
            consumer=self.settings.alert_instance,
            deliver=deliver,
            deliver_batch=deliver_batch,
            claim_idle_ms=self.settings.alert_claim_idle_ms,
        )

    async def _close(self) -> None:
        with contextlib.suppress(Exception):
            await self.consumer.stop()  # commits nothing on its own: offsets were committed per batch
        with contextlib.suppress(Exception):
            await self.producer.stop()
        await self.http.aclose()
        await self.redis.aclose()
        log.info("stopped")


def _what(error: BaseException) -> str:
    return "redis" if isinstance(error, RedisError) else "the broker"
