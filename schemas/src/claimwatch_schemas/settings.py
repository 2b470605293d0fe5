"""Connection settings every service shares, read from CLAIMWATCH_* environment variables, and the
one place that turns them into client options (Kafka SASL/TLS, Redis AUTH/TLS, timeouts)."""

from __future__ import annotations

import ssl
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

KafkaSecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
KafkaSaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]
KafkaCompression = Literal["none", "gzip", "snappy", "lz4", "zstd"]


class ConnectionSettings(BaseSettings):
    """Where Kafka and Redis are, how to authenticate to them, and which topics the pipeline uses."""

    model_config = SettingsConfigDict(env_prefix="CLAIMWATCH_", extra="ignore")

    kafka_bootstrap: str = Field(default="127.0.0.1:19092", description="Kafka bootstrap servers.")
    redis_url: str = Field(
        default="redis://127.0.0.1:16379/0",
        description="Redis URL of the figure state; `rediss://user:password@host:port/db` for AUTH and TLS.",
    )
    topic_articles: str = "articles"
    topic_claims: str = "claims"
    topic_alerts: str = "alerts"
    topic_articles_dlq: str = "articles.dlq"
    topic_claims_dlq: str = "claims.dlq"
    partitions: int = Field(default=3, ge=1, description="Partitions of the topics claimwatch creates.")
    api_token: SecretStr | None = Field(
        default=None, description="Bearer token the HTTP APIs require when set (compared in constant time)."
    )
    kafka_security_protocol: KafkaSecurityProtocol = "PLAINTEXT"
    kafka_sasl_mechanism: KafkaSaslMechanism | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: str | None = Field(default=None, description="CA bundle that signs the brokers' certs.")
    kafka_ssl_certfile: str | None = Field(default=None, description="Client certificate (mutual TLS).")
    kafka_ssl_keyfile: str | None = Field(default=None, description="Key of the client certificate.")
    kafka_compression: KafkaCompression = Field(
        default="zstd",
        description="Codec of the record batches the services produce (consumers read any codec).",
    )
    redis_ssl_ca_certs: str | None = Field(default=None, description="CA bundle for `rediss://` URLs.")
    redis_socket_timeout: float = Field(
        default=5.0, gt=0, description="Seconds a Redis command may take before it counts as failed."
    )

    def all_topics(self) -> list[str]:
        return [
            self.topic_articles,
            self.topic_claims,
            self.topic_alerts,
            self.topic_articles_dlq,
            self.topic_claims_dlq,
        ]


def kafka_ssl_context(settings: ConnectionSettings) -> ssl.SSLContext | None:
    """The TLS context of the Kafka clients: None unless the protocol is SSL or SASL_SSL."""
    if settings.kafka_security_protocol not in ("SSL", "SASL_SSL"):
        return None
    context = ssl.create_default_context(cafile=settings.kafka_ssl_cafile)
    if settings.kafka_ssl_certfile:
        context.load_cert_chain(settings.kafka_ssl_certfile, settings.kafka_ssl_keyfile)
    return context


def kafka_client_options(settings: ConnectionSettings) -> dict[str, Any]:
    """Keyword arguments of every aiokafka client (producer, consumer, admin): bootstrap, SASL, TLS.

    Faust takes the same settings as `broker_credentials` (claimwatch_extract.settings).
    """
    options: dict[str, Any] = {
        "bootstrap_servers": settings.kafka_bootstrap,
        "security_protocol": settings.kafka_security_protocol,
    }
    context = kafka_ssl_context(settings)
    if context is not None:
        options["ssl_context"] = context
    if settings.kafka_security_protocol.startswith("SASL_"):
        options["sasl_mechanism"] = settings.kafka_sasl_mechanism or "PLAIN"
        options["sasl_plain_username"] = settings.kafka_sasl_username
        options["sasl_plain_password"] = (
            settings.kafka_sasl_password.get_secret_value() if settings.kafka_sasl_password else None
        )
    return options


def kafka_compression_type(settings: ConnectionSettings) -> str | None:
    """aiokafka's (and Faust's) `compression_type` for the configured codec: None for none."""
    return None if settings.kafka_compression == "none" else settings.kafka_compression


def kafka_producer_options(settings: ConnectionSettings) -> dict[str, Any]:
    """`kafka_client_options` and the compression of every producer the services run."""
    return {**kafka_client_options(settings), "compression_type": kafka_compression_type(settings)}


def redis_client_options(settings: ConnectionSettings) -> dict[str, Any]:
    """Keyword arguments of `redis.asyncio.Redis.from_url(settings.redis_url, ...)`.

    User and password come in the URL (`rediss://user:pass@host:port/db`); the timeouts make a
    hung server an error (that the services retry) instead of a command that waits forever.
    """
    options: dict[str, Any] = {
        "socket_timeout": settings.redis_socket_timeout,
        "socket_connect_timeout": settings.redis_socket_timeout,
        "health_check_interval": 15,
    }
    if urlsplit(settings.redis_url).scheme == "rediss":
        options["ssl_cert_reqs"] = "required"
        if settings.redis_ssl_ca_certs:
            options["ssl_ca_certs"] = settings.redis_ssl_ca_certs
    return options


LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


def exposure_problem(host: str, api_token: SecretStr | None) -> str | None:
    """Why an HTTP API may not bind `host`, or None: beyond loopback only with a bearer token."""
    if host in LOOPBACK_HOSTS or host.startswith("127."):
        return None
    if api_token is None or not api_token.get_secret_value().strip():
        return (
            f"refusing to listen on {host} without CLAIMWATCH_API_TOKEN: anyone who can reach it could "
            "push articles and read figures; set a token or bind 127.0.0.1"
        )
    return None


def redact_url(url: str) -> str:
    """`url` fit for a log line: a password in it becomes `***`, query and fragment are dropped."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:***@{host}" if ":" in userinfo else f"***@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
