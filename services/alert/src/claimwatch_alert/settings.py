"""Settings of the alert service, read from CLAIMWATCH_* environment variables."""

from __future__ import annotations

from pydantic import Field

from claimwatch_schemas import ConnectionSettings


class AlertSettings(ConnectionSettings):
    """Connection settings plus the alert service's own (all CLAIMWATCH_ALERT_*)."""

    alert_host: str = Field(default="127.0.0.1", description="Address the HTTP API binds to.")
    alert_port: int = Field(default=8082, description="Port of the HTTP API.")
    alert_group: str = Field(default="claimwatch-alert", description="Kafka consumer group reading claims.")
    alert_instance: str = Field(
        default="alert-0",
        description="Consumer name in the change feed's consumer groups; stable per instance.",
    )
    alert_redis_prefix: str = Field(default="claimwatch:", description="Prefix of every Redis key.")
    alert_feed_maxlen: int = Field(
        default=1_000_000, description="Approximate cap of the change feed stream."
    )
    alert_figure_corroborations: int = Field(
        default=50, ge=1, description="Corroborating claims a figure keeps (the first and the latest)."
    )
    alert_figure_reporters: int = Field(
        default=20, ge=1, description="Article ids kept per value of a figure (the first and the latest)."
    )
    alert_figure_history: int = Field(
        default=50, ge=1, description="Distinct values a figure's history keeps (the oldest dropped)."
    )
    alert_webhook_attempts: int = Field(default=6, ge=1, description="Tries per webhook delivery.")
    alert_webhook_backoff: float = Field(default=1.0, gt=0, description="First retry delay in seconds.")
    alert_webhook_backoff_max: float = Field(default=60.0, gt=0, description="Cap of a retry delay.")
    alert_webhook_timeout: float = Field(default=10.0, gt=0, description="Timeout of one webhook POST.")
    alert_webhook_allow_private: bool = Field(
        default=False,
        description="Allow webhooks to loopback, private and link-local addresses (off: no SSRF).",
    )
    alert_session_timeout_ms: int = Field(default=10_000, description="Kafka consumer session timeout.")
    alert_poll_records: int = Field(
        default=500,
        ge=1,
        description="Most claims records one poll takes, applied as one Redis transaction: a figure "
        "several claims of a poll state is written once.",
    )
    alert_claim_idle_ms: int = Field(
        default=60_000, description="Feed entries pending this long at another consumer are taken over."
    )
    alert_crash_before_state: bool = Field(
        default=False,
        description="Test hook: exit abruptly when the first poll's claims are about to be applied.",
    )
    alert_crash_after_state: bool = Field(
        default=False,
        description="Test hook: apply claims but start no dispatcher (as if killed after the state step).",
    )


class AlertClientSettings(ConnectionSettings):
    """What the `claimwatch` alert commands need: Redis (reading state) and the alert service's URL."""

    alert_url: str = Field(
        default="http://127.0.0.1:8082", description="Base URL of the alert service's API."
    )
    alert_redis_prefix: str = Field(default="claimwatch:", description="Prefix of every Redis key.")
