"""Access control: loopback by default, `up --public` only with a token, no SSRF through webhooks
(at subscribe time and at delivery time), secrets never in logs, Redis AUTH passed through."""

from __future__ import annotations

import hmac
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import redis.asyncio as aioredis
from typer.testing import CliRunner

from claimwatch.cli import app as cli_app
from claimwatch.embedded import free_port, start_redis
from claimwatch_alert.keys import Keys
from claimwatch_alert.subscriptions import Subscription
from claimwatch_schemas import ConnectionSettings
from tests.integration.kafka_support import produce_raw, wait_healthy
from tests.integration.services import running_services, service_env
from tests.integration.test_alert_support import NATO_KEY, WebhookReceiver, eventually, make_claim

pytestmark = pytest.mark.integration

TOKEN = "api-token-Zq81xLw0"
REDIS_PASSWORD = "redis-pass-Hk27vB"
WEBHOOK_SECRET = "webhook-secret-Pn55cT"
QUERY_SECRET = "query-secret-Wr90dF"
SECRETS = (TOKEN, REDIS_PASSWORD, WEBHOOK_SECRET, QUERY_SECRET)


def test_up_public_without_a_token_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLAIMWATCH_API_TOKEN", raising=False)
    result = CliRunner().invoke(cli_app, ["up", "--public"])
    assert result.exit_code == 2
    assert "--public needs CLAIMWATCH_API_TOKEN" in result.output


@pytest.mark.parametrize("service", ["ingest", "alert"])
def test_a_service_refuses_to_listen_beyond_loopback_without_a_token(
    settings: ConnectionSettings, service: str
) -> None:
    env = service_env(settings, **{f"CLAIMWATCH_{service.upper()}_HOST": "0.0.0.0"})
    env.pop("CLAIMWATCH_API_TOKEN", None)
    done = subprocess.run(
        [sys.executable, "-m", f"claimwatch_{service}"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "refusing to listen on 0.0.0.0 without CLAIMWATCH_API_TOKEN" in done.stderr


def listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net/tcp) listening on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


@pytest.fixture
def redis_with_password(tmp_path: Path) -> Iterator[str]:
    """A Redis server of this test's own that wants a password (AUTH), as a URL with it."""
    port = free_port()
    process = start_redis(port, tmp_path, "--requirepass", REDIS_PASSWORD)
    try:
        yield f"redis://:{REDIS_PASSWORD}@127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
async def redis_client_auth(redis_with_password: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(redis_with_password)
    yield client
    await client.aclose()


async def test_secrets_stay_out_of_logs_and_apis_listen_on_loopback(
    settings: ConnectionSettings, redis_with_password: str, redis_client_auth: aioredis.Redis
) -> None:
    """Token, Redis password, webhook secret and a secret in the webhook's query string, used for
    real (the services talk to a Redis that wants AUTH, deliver a signed webhook), appear in no log."""
    conf = settings.model_copy(update={"redis_url": redis_with_password})
    auth = {"Authorization": f"Bearer {TOKEN}"}
    async with WebhookReceiver() as receiver:
        with running_services(
            conf,
            "alert",
            "ingest",
            CLAIMWATCH_API_TOKEN=TOKEN,
            CLAIMWATCH_ALERT_WEBHOOK_ALLOW_PRIVATE="true",
            CLAIMWATCH_ALERT_GROUP=f"alert-{settings.topic_claims}",
        ) as services:
            ingest = f"http://127.0.0.1:{services.env['CLAIMWATCH_INGEST_PORT']}"
            alert = f"http://127.0.0.1:{services.env['CLAIMWATCH_ALERT_PORT']}"
            await wait_healthy(f"{ingest}/healthz")
            await wait_healthy(f"{alert}/healthz")
            for port in ("CLAIMWATCH_INGEST_PORT", "CLAIMWATCH_ALERT_PORT"):
                assert listening_addresses(int(services.env[port])) == {"0100007F"}  # 127.0.0.1 only
            async with httpx.AsyncClient(timeout=10) as client:
                refused = await client.post(
                    f"{alert}/subscriptions", json={"webhook": receiver.url, "secret": "x" * 8}
                )
                assert refused.status_code == 401
                assert refused.headers["content-type"] == "application/problem+json"
                wrong = {"Authorization": f"Bearer {TOKEN}x"}
                assert (await client.get(f"{alert}/figures", headers=wrong)).status_code == 401
                hook = f"{receiver.url}?token={QUERY_SECRET}"
                created = await client.post(
                    f"{alert}/subscriptions", json={"webhook": hook, "secret": WEBHOOK_SECRET}, headers=auth
                )
                assert created.status_code == 201, created.text
                assert WEBHOOK_SECRET not in created.text
                assert WEBHOOK_SECRET not in (await client.get(f"{alert}/subscriptions", headers=auth)).text
                posted = await client.post(
                    f"{ingest}/articles", json={"text": "Russia lost at least 1,150 soldiers."}, headers=auth
                )
                assert posted.status_code == 202, posted.text
                assert (await client.post(f"{ingest}/articles", json={"text": "x"})).status_code == 401
            claim = make_claim("secret-test", 600_000)
            await produce_raw(
                settings.kafka_bootstrap, settings.topic_claims, [(b"k", claim.model_dump_json().encode())]
            )
            await eventually(lambda: _delivered(receiver))
            assert await redis_client_auth.exists(Keys().figure(NATO_KEY))
        logs = services.out.getvalue()  # type: ignore[attr-defined]  # running_services logs to a StringIO

    signature = receiver.requests[0].headers["claimwatch-signature"]
    expected = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), receiver.requests[0].body, "sha256").hexdigest()
    assert signature == expected  # the secret was used, not just stored
    assert "subscription sub-" in logs
    assert "created for" in logs
    leaked = [secret for secret in SECRETS if secret in logs]
    assert leaked == [], f"secrets in the service logs: {leaked}"


async def _delivered(receiver: WebhookReceiver) -> bool:
    return bool(receiver.requests)


async def test_webhooks_to_internal_addresses_are_refused_at_subscribe_and_at_delivery(
    settings: ConnectionSettings, redis_client: aioredis.Redis
) -> None:
    keys = Keys()
    async with WebhookReceiver() as receiver:
        with running_services(
            settings, "alert", CLAIMWATCH_ALERT_GROUP=f"alert-{settings.topic_claims}"
        ) as services:
            alert = f"http://127.0.0.1:{services.env['CLAIMWATCH_ALERT_PORT']}"
            await wait_healthy(f"{alert}/healthz")
            async with httpx.AsyncClient(timeout=10) as client:
                for target in (
                    receiver.url,
                    receiver.url.replace("127.0.0.1", "localhost"),
                    "http://10.0.0.7/x",
                ):
                    refused = await client.post(
                        f"{alert}/subscriptions", json={"webhook": target, "secret": "s" * 12}
                    )
                    assert refused.status_code == 422, refused.text
                    assert refused.json()["errors"][0]["field"] == "webhook"
            # A name that resolved to a public address when subscribed and to loopback now (DNS
            # rebinding): stored as if it had passed the first check; the delivery must refuse it.
            rebound = Subscription.model_validate(
                {
                    "id": "sub-rebound",
                    "created_at": "2024-11-01T00:00:00Z",
                    "webhook": receiver.url.replace("127.0.0.1", "localhost"),
                    "secret": "s" * 12,
                }
            )
            await redis_client.hset(keys.subscriptions, rebound.id, rebound.model_dump_json())
            claim = make_claim("ssrf", 600_000)
            await produce_raw(
                settings.kafka_bootstrap, settings.topic_claims, [(b"k", claim.model_dump_json().encode())]
            )
            letters = await eventually(lambda: _dead_letters(redis_client, keys))
        assert receiver.requests == []
    reasons = [fields[b"error"].decode() for _, fields in letters]
    assert any("refused target" in reason and "loopback" in reason for reason in reasons), reasons


async def _dead_letters(client: aioredis.Redis, keys: Keys) -> list[tuple[bytes, dict[bytes, bytes]]]:
    entries: list[tuple[bytes, dict[bytes, bytes]]] = await client.xrange(keys.deadletter)
    return entries


def test_bearer_tokens_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """A spy (not a mock of behaviour) on hmac.compare_digest: both APIs' checks go through it."""
    from starlette.requests import Request

    from claimwatch_alert import api as alert_api
    from claimwatch_ingest import app as ingest_api

    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    request = Request({"type": "http", "headers": [(b"authorization", b"Bearer guess")]})
    assert not alert_api.bearer_matches(request, TOKEN)
    assert not ingest_api.bearer_matches(request, TOKEN)
    assert calls == [(b"guess", TOKEN.encode())] * 2
