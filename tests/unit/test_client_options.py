"""One helper turns the settings into every client's options: Kafka SASL/TLS, Redis AUTH/TLS, timeouts."""

from __future__ import annotations

import ssl

import certifi
import pytest
from pydantic import SecretStr

from claimwatch_extract.settings import faust_credentials
from claimwatch_schemas import ConnectionSettings
from claimwatch_schemas.settings import (
    exposure_problem,
    kafka_client_options,
    kafka_producer_options,
    redact_url,
    redis_client_options,
)


def test_plaintext_by_default() -> None:
    options = kafka_client_options(ConnectionSettings(kafka_bootstrap="k1:9092,k2:9092"))
    assert options == {"bootstrap_servers": "k1:9092,k2:9092", "security_protocol": "PLAINTEXT"}
    assert faust_credentials(ConnectionSettings()) is None


def test_producers_compress_with_zstd_unless_told_otherwise() -> None:
    from claimwatch_extract.app import app

    assert kafka_producer_options(ConnectionSettings(kafka_bootstrap="k1:9092")) == {
        "bootstrap_servers": "k1:9092",
        "security_protocol": "PLAINTEXT",
        "compression_type": "zstd",
    }
    assert kafka_producer_options(ConnectionSettings(kafka_compression="none"))["compression_type"] is None
    assert kafka_producer_options(ConnectionSettings(kafka_compression="lz4"))["compression_type"] == "lz4"
    assert app.conf.producer_compression_type == "zstd"  # the extract worker's Faust producer
    with pytest.raises(ValueError, match="kafka_compression"):
        ConnectionSettings(kafka_compression="brotli")  # type: ignore[arg-type]  # the wrong value under test


def test_sasl_ssl_passes_user_password_mechanism_and_a_verifying_context() -> None:
    settings = ConnectionSettings(
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="claimwatch",
        kafka_sasl_password=SecretStr("s3cret-pass"),
        kafka_ssl_cafile=certifi.where(),
    )
    options = kafka_client_options(settings)
    assert {k: v for k, v in options.items() if k != "ssl_context"} == {
        "bootstrap_servers": "127.0.0.1:19092",
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "claimwatch",
        "sasl_plain_password": "s3cret-pass",
    }
    context = options["ssl_context"]
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0  # the CA file was loaded

    credentials = faust_credentials(settings)
    assert (credentials.username, credentials.password, credentials.mechanism.value) == (
        "claimwatch",
        "s3cret-pass",
        "SCRAM-SHA-512",
    )
    assert credentials.protocol.value == "SASL_SSL"
    assert "s3cret-pass" not in repr(credentials)
    assert "s3cret-pass" not in repr(settings)


def test_sasl_plaintext_has_no_tls_and_defaults_to_plain() -> None:
    options = kafka_client_options(
        ConnectionSettings(kafka_security_protocol="SASL_PLAINTEXT", kafka_sasl_username="u")
    )
    assert "ssl_context" not in options
    assert (options["sasl_mechanism"], options["sasl_plain_username"], options["sasl_plain_password"]) == (
        "PLAIN",
        "u",
        None,
    )


def test_ssl_alone_and_a_missing_ca_file_fails_loudly() -> None:
    options = kafka_client_options(ConnectionSettings(kafka_security_protocol="SSL"))
    assert isinstance(options["ssl_context"], ssl.SSLContext)
    assert "sasl_mechanism" not in options
    assert faust_credentials(ConnectionSettings(kafka_security_protocol="SSL")).protocol.value == "SSL"
    with pytest.raises(FileNotFoundError):
        kafka_client_options(
            ConnectionSettings(kafka_security_protocol="SSL", kafka_ssl_cafile="/nonexistent/ca.pem")
        )


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMWATCH_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    monkeypatch.setenv("CLAIMWATCH_KAFKA_SASL_USERNAME", "env-user")
    monkeypatch.setenv("CLAIMWATCH_KAFKA_SASL_PASSWORD", "env-pass")
    monkeypatch.setenv("CLAIMWATCH_REDIS_URL", "rediss://alice:pw@redis.example:6380/2")
    monkeypatch.setenv("CLAIMWATCH_REDIS_SSL_CA_CERTS", "/etc/ca.pem")
    settings = ConnectionSettings()
    assert kafka_client_options(settings)["sasl_plain_password"] == "env-pass"
    assert redis_client_options(settings)["ssl_ca_certs"] == "/etc/ca.pem"


def test_redis_tls_options_only_for_rediss_urls_and_timeouts_always() -> None:
    plain = redis_client_options(ConnectionSettings(redis_ssl_ca_certs="/etc/ca.pem"))
    assert plain == {"socket_timeout": 5.0, "socket_connect_timeout": 5.0, "health_check_interval": 15}
    tls = redis_client_options(
        ConnectionSettings(redis_url="rediss://u:p@h:6380/0", redis_ssl_ca_certs="/etc/ca.pem")
    )
    assert (tls["ssl_cert_reqs"], tls["ssl_ca_certs"]) == ("required", "/etc/ca.pem")


def test_redis_options_build_a_client_with_auth_and_tls() -> None:
    import redis.asyncio as aioredis

    settings = ConnectionSettings(
        redis_url="rediss://alice:pw@127.0.0.1:6380/3", redis_ssl_ca_certs=certifi.where()
    )
    client = aioredis.Redis.from_url(settings.redis_url, **redis_client_options(settings))
    kwargs = client.connection_pool.connection_kwargs
    assert (kwargs["username"], kwargs["password"], kwargs["db"]) == ("alice", "pw", 3)
    assert (kwargs["ssl_ca_certs"], kwargs["ssl_cert_reqs"]) == (certifi.where(), "required")
    assert kwargs["socket_timeout"] == 5.0


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
        ("rediss://alice:pw@redis:6380/1", "rediss://alice:***@redis:6380/1"),
        ("redis://:pw@redis:6379/0", "redis://:***@redis:6379/0"),
        ("redis://token@redis/0", "redis://***@redis/0"),
        ("https://hooks.example/x?token=abc#f", "https://hooks.example/x"),
    ],
)
def test_urls_are_redacted_for_logs(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_binding_beyond_loopback_needs_a_token() -> None:
    assert exposure_problem("127.0.0.1", None) is None
    assert exposure_problem("::1", None) is None
    assert "CLAIMWATCH_API_TOKEN" in (exposure_problem("0.0.0.0", None) or "")
    assert exposure_problem("0.0.0.0", SecretStr(" ")) is not None
    assert exposure_problem("0.0.0.0", SecretStr("t0ken")) is None
