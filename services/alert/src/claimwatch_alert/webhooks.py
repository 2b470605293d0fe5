"""Webhook delivery: signed JSON POSTs, retried with backoff, dead-lettered after the last try.

Each delivery is `POST <webhook>` with the Alert as JSON body and the headers

    Content-Type: application/json
    Claimwatch-Signature: sha256=<hex HMAC-SHA256 of the raw body under the subscription's secret>
    Claimwatch-Idempotency-Key: <alert_id>      (the same on every retry and redelivery)
    Claimwatch-Subscription: <subscription id>
    Claimwatch-Attempt: <1-based try number>

A 2xx answer is success. Connection errors, timeouts, 408, 429 and 5xx are retried; other 4xx are
final. Retries wait `backoff * 2**(try-1)` capped at `backoff_max`, half of it fixed and half
random ("equal jitter", so a flapping receiver is not hit by all senders at once and the wait still
grows). The loop is our own rather than tenacity's: it is a dozen lines, must stay cancellable
on shutdown, and records the try number in a header.

A delivery that fails for good is parked in the dead-letter stream with the alert, the
subscription id and the last error; `redeliver` tries it once more and deletes it on success.
Successful deliveries are remembered per subscription, so a feed entry re-read after a crash is
not posted again to subscriptions that already have it.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import redis.asyncio as aioredis

from claimwatch_alert import streams
from claimwatch_alert.feed import FeedEntry
from claimwatch_alert.keys import Keys
from claimwatch_alert.settings import AlertSettings
from claimwatch_alert.subscriptions import Subscription, SubscriptionStore, recipients
from claimwatch_alert.targets import TargetRefusedError
from claimwatch_schemas import Alert

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "Claimwatch-Signature"
IDEMPOTENCY_HEADER = "Claimwatch-Idempotency-Key"
SUBSCRIPTION_HEADER = "Claimwatch-Subscription"
ATTEMPT_HEADER = "Claimwatch-Attempt"
RETRYABLE_STATUS = frozenset({408, 425, 429})


def sign(secret: str, body: bytes) -> str:
    """The value of the signature header for `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str) -> bool:
    """For receivers: does `header` sign `body` under `secret`?"""
    return hmac.compare_digest(sign(secret, body), header)


def backoff_delay(attempt: int, base: float, cap: float, rand: random.Random | None = None) -> float:
    """Wait before try `attempt + 1` (attempt >= 1): equal jitter over an exponential step."""
    step = min(cap, base * 2.0 ** (attempt - 1))
    jitter: float = (rand or random).uniform(0, step / 2)
    return step / 2 + jitter


class DeliveryError(Exception):
    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


@dataclass(frozen=True)
class DeadLetter:
    id: str
    subscription_id: str
    alert: Alert
    error: str
    attempts: int
    failed_at: str


class WebhookDispatcher:
    """The `deliver` of the webhook feed dispatcher: sends one alert to every subscription that wants it."""

    def __init__(
        self,
        client: aioredis.Redis,
        keys: Keys,
        subscriptions: SubscriptionStore,
        http: httpx.AsyncClient,
        settings: AlertSettings,
    ) -> None:
        self.client = client
        self.keys = keys
        self.subscriptions = subscriptions
        self.http = http
        self.attempts = settings.alert_webhook_attempts
        self.backoff = settings.alert_webhook_backoff
        self.backoff_max = settings.alert_webhook_backoff_max

    async def __call__(self, alert: Alert) -> None:
        await self._deliver_all([alert])

    async def many(self, entries: list[FeedEntry]) -> None:
        """Delivers the entries' alerts in order, each to every subscription that wants it;
        subscriptions and silences are read once for the batch (a feed read), not once per alert,
        and without subscriptions no alert is parsed."""
        await self._deliver_all(entry.alert for entry in entries)  # parsed one by one, when iterated

    async def _deliver_all(self, alerts: Iterable[Alert]) -> None:
        now = datetime.now(UTC)
        subscriptions = await self.subscriptions.all()
        silences = await self.subscriptions.silences(now)
        if not subscriptions:
            return
        for alert in alerts:
            now = datetime.now(UTC)
            targets = recipients(alert, subscriptions, silences, now)
            await asyncio.gather(*(self._deliver_once(subscription, alert) for subscription in targets))

    async def _deliver_once(self, subscription: Subscription, alert: Alert) -> None:
        marker = f"{subscription.id}:{alert.alert_id}"
        if await self.client.sismember(self.keys.delivered, marker):
            return
        error = await self._with_retries(subscription, alert)
        if error is None:
            await self.client.sadd(self.keys.delivered, marker)
            return
        log.warning(
            "webhook delivery of %s to subscription %s failed for good: %s",
            alert.alert_id,
            subscription.id,
            error.reason,
        )
        await self.client.xadd(
            self.keys.deadletter,
            {
                "subscription_id": subscription.id,
                "alert": alert.model_dump_json(),
                "error": error.reason,
                "attempts": str(self.attempts),
                "failed_at": datetime.now(UTC).isoformat(),
            },
        )

    async def _with_retries(self, subscription: Subscription, alert: Alert) -> DeliveryError | None:
        last: DeliveryError | None = None
        for attempt in range(1, self.attempts + 1):
            try:
                await self.post(subscription, alert, attempt)
                return None
            except DeliveryError as failure:
                last = failure
                log.info(
                    "webhook %s try %d/%d for %s failed: %s",
                    subscription.id,
                    attempt,
                    self.attempts,
                    alert.alert_id,
                    failure.reason,
                )
                if not failure.retryable:
                    break
            if attempt < self.attempts:
                await asyncio.sleep(backoff_delay(attempt, self.backoff, self.backoff_max))
        return last

    async def post(self, subscription: Subscription, alert: Alert, attempt: int = 1) -> None:
        body = alert.model_dump_json().encode()
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(subscription.secret, body),
            IDEMPOTENCY_HEADER: alert.alert_id,
            SUBSCRIPTION_HEADER: subscription.id,
            ATTEMPT_HEADER: str(attempt),
        }
        try:
            response = await self.http.post(str(subscription.webhook), content=body, headers=headers)
        except TargetRefusedError as refused:
            raise DeliveryError(f"refused target: {refused}", retryable=False) from refused
        except httpx.HTTPError as error:
            raise DeliveryError(f"{type(error).__name__}: {error}", retryable=True) from error
        if response.is_success:
            return
        status = response.status_code
        raise DeliveryError(f"HTTP {status}", retryable=status >= 500 or status in RETRYABLE_STATUS)

    async def dead_letters(self) -> list[DeadLetter]:
        return await read_dead_letters(self.client, self.keys)

    async def redeliver(self, dead_letter_id: str) -> DeadLetter | None:
        """Try a parked delivery once more; on success it leaves the dead-letter stream.

        Returns the dead letter, or None when there is none with that id. Raises DeliveryError
        (and keeps it parked) when the receiver still fails, LookupError when its subscription is gone.
        """
        found = streams.rows(
            await self.client.xrange(self.keys.deadletter, min=dead_letter_id, max=dead_letter_id)
        )
        if not found:
            return None
        letter = _dead_letter(*found[0])
        subscription = await self.subscriptions.get(letter.subscription_id)
        if subscription is None:
            raise LookupError(f"subscription {letter.subscription_id} no longer exists")
        await self.post(subscription, letter.alert, letter.attempts + 1)
        await self.client.sadd(self.keys.delivered, f"{subscription.id}:{letter.alert.alert_id}")
        await self.client.xdel(self.keys.deadletter, letter.id)
        return letter


async def read_dead_letters(client: aioredis.Redis, keys: Keys) -> list[DeadLetter]:
    reply = await client.xrange(keys.deadletter)
    return [_dead_letter(entry_id, fields) for entry_id, fields in streams.rows(reply)]


def _dead_letter(entry_id: str, fields: dict[str, str]) -> DeadLetter:
    return DeadLetter(
        id=entry_id,
        subscription_id=fields["subscription_id"],
        alert=Alert.model_validate_json(fields["alert"]),
        error=fields["error"],
        attempts=int(fields["attempts"]),
        failed_at=fields["failed_at"],
    )
