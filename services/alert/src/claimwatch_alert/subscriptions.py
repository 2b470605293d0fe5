"""Subscriptions and silences: who gets which alert. Matching is pure; the store is a Redis hash.

A subscription's filters are all optional and all must hold: `figure_key` is a glob
(`fnmatch`, case-sensitive, `*` also matches `/`), the other fields compare exactly; `kinds`
lists the alert kinds wanted (default: all). `min_abs_change` and `min_rel_change` hold back
`changed` alerts whose |delta| or |relative change| is below them. A silence has the same
filters plus an expiry (`ends_at`); while it runs, matching alerts go to no webhook.
"""

from __future__ import annotations

import fnmatch
import secrets
from datetime import UTC, datetime

import redis.asyncio as aioredis
from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from claimwatch_alert.keys import Keys
from claimwatch_schemas import Alert, AlertKind


class Matchers(BaseModel):
    model_config = ConfigDict(extra="forbid")

    figure_key: str | None = Field(
        default=None, description="Glob on the figure key, e.g. 'RU/*/soldiers/*'."
    )
    subject: str | None = None
    metric: str | None = None
    unit: str | None = None
    source: str | None = None
    location: str | None = None
    kinds: list[AlertKind] | None = Field(default=None, description="Alert kinds wanted; all when absent.")

    def matches(self, alert: Alert) -> bool:
        if self.figure_key is not None and not fnmatch.fnmatchcase(alert.figure_key, self.figure_key):
            return False
        if self.kinds is not None and alert.kind not in self.kinds:
            return False
        location = alert.location if alert.location is not None else alert.claim.location
        actual = {
            "subject": alert.subject,
            "metric": alert.metric,
            "unit": alert.unit,
            "source": alert.source,
            "location": location,
        }
        return all(
            wanted is None or actual[name] == wanted
            for name, wanted in (
                ("subject", self.subject),
                ("metric", self.metric),
                ("unit", self.unit),
                ("source", self.source),
                ("location", self.location),
            )
        )


class SubscriptionIn(Matchers):
    """What a caller posts to create a subscription."""

    webhook: HttpUrl
    secret: str = Field(
        min_length=8, description="HMAC-SHA256 key of the signature header; never shown again."
    )
    min_abs_change: float | None = Field(default=None, ge=0)
    min_rel_change: float | None = Field(default=None, ge=0, description="0.1 = 10 %.")

    def big_enough(self, alert: Alert) -> bool:
        if alert.kind is not AlertKind.CHANGED:
            return True
        if self.min_abs_change is not None and (
            alert.delta is None or abs(alert.delta) < self.min_abs_change
        ):
            return False
        return not (
            self.min_rel_change is not None
            and (alert.relative_change is None or abs(alert.relative_change) < self.min_rel_change)
        )

    def wants(self, alert: Alert) -> bool:
        return self.matches(alert) and self.big_enough(alert)


class Subscription(SubscriptionIn):
    id: str
    created_at: datetime

    def public(self) -> SubscriptionOut:
        return SubscriptionOut.model_validate(self.model_dump(exclude={"secret"}))


class SubscriptionOut(Matchers):
    """A subscription as shown: everything but the secret."""

    id: str
    webhook: HttpUrl
    min_abs_change: float | None = None
    min_rel_change: float | None = None
    created_at: datetime


class SilenceIn(Matchers):
    ends_at: datetime = Field(description="The silence holds until then (UTC when no zone is given).")
    comment: str | None = Field(default=None, max_length=500)


class Silence(SilenceIn):
    id: str
    created_at: datetime

    def active(self, now: datetime) -> bool:
        ends_at = self.ends_at if self.ends_at.tzinfo else self.ends_at.replace(tzinfo=UTC)
        return now < ends_at

    def silences(self, alert: Alert, now: datetime) -> bool:
        return self.active(now) and self.matches(alert)


def recipients(
    alert: Alert, subscriptions: list[Subscription], silences: list[Silence], now: datetime
) -> list[Subscription]:
    """The subscriptions an alert goes to: wanted by the filters and thresholds, silenced by none."""
    if any(silence.silences(alert, now) for silence in silences):
        return []
    return [subscription for subscription in subscriptions if subscription.wants(alert)]


def _new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(8)}"


class SubscriptionStore:
    def __init__(self, client: aioredis.Redis, keys: Keys) -> None:
        self.client = client
        self.keys = keys

    async def add(self, request: SubscriptionIn, now: datetime) -> Subscription:
        subscription = Subscription(**request.model_dump(), id=_new_id("sub"), created_at=now)
        await self.client.hset(self.keys.subscriptions, subscription.id, subscription.model_dump_json())
        return subscription

    async def all(self) -> list[Subscription]:
        raw = await self.client.hgetall(self.keys.subscriptions)
        return sorted((Subscription.model_validate_json(v) for v in raw.values()), key=lambda s: s.created_at)

    async def get(self, subscription_id: str) -> Subscription | None:
        raw = await self.client.hget(self.keys.subscriptions, subscription_id)
        return Subscription.model_validate_json(raw) if raw else None

    async def remove(self, subscription_id: str) -> bool:
        return bool(await self.client.hdel(self.keys.subscriptions, subscription_id))

    async def add_silence(self, request: SilenceIn, now: datetime) -> Silence:
        silence = Silence(**request.model_dump(), id=_new_id("sil"), created_at=now)
        await self.client.hset(self.keys.silences, silence.id, silence.model_dump_json())
        return silence

    async def silences(self, now: datetime) -> list[Silence]:
        """Running silences; expired ones are deleted on the way."""
        raw = await self.client.hgetall(self.keys.silences)
        running: list[Silence] = []
        for silence_id, value in raw.items():
            silence = Silence.model_validate_json(value)
            if silence.active(now):
                running.append(silence)
            else:
                await self.client.hdel(self.keys.silences, silence_id)
        return sorted(running, key=lambda s: s.created_at)

    async def remove_silence(self, silence_id: str) -> bool:
        return bool(await self.client.hdel(self.keys.silences, silence_id))
