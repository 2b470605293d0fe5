"""Bad input at every door, against the real running services.

- HTTP ingest: each bad body gets a 4xx RFC 9457 problem naming the field and the reason, and
  nothing reaches `articles`;
- HTTP alert API: each bad subscription (or silence) gets a 422 problem naming the field; nothing
  is stored;
- straight onto `articles` and `claims` (producers of one's own, bypassing ingest): each bad record
  lands in the dead-letter topic with its original key and bytes and `claimwatch-error` /
  `claimwatch-error-reason` headers, the offsets are committed, and the valid records around it
  are processed as usual;
- none of it makes a service exit, hang (it still answers /healthz) or grow without bound.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import httpx
import pytest
import redis.asyncio as aioredis

from claimwatch.reading import read_records
from claimwatch_alert.keys import Keys
from claimwatch_extract.extractor import extract_article
from claimwatch_schemas import Article, ConnectionSettings
from tests.integration.kafka_support import (
    produce_raw,
    rss_bytes,
    wait_all_committed,
    wait_healthy,
)
from tests.integration.services import running_services
from tests.integration.test_alert_support import eventually, make_claim

pytestmark = pytest.mark.integration

DE = (
    "Russland hat an nur einem Tag mindestens 1150 Soldaten verloren, teilte der ukrainische Generalstab mit."
)
EN = "More than 700,000 Russian soldiers have been killed or wounded, NATO Secretary General Mark Rutte said."
FR = "La Russie a perdu au moins 1150 soldats en une seule journée, selon l'état-major ukrainien."
HTML = "<!DOCTYPE html><html><body><p>Russland hat 1150 Soldaten verloren.</p></body></html>"
GARBAGE = bytes(range(256)) * 4
MAX_BODY = 1_114_112
MAX_TEXT = 1_048_576


@dataclass(frozen=True)
class HttpCase:
    name: str
    body: bytes
    content_type: str
    status: int
    field: str
    reason: str  # a part of the reason given for `field`


def _json(value: object) -> bytes:
    return json.dumps(value).encode()


INGEST_CASES = [
    HttpCase("invalid JSON", b'{"text": "Russland', "application/json", 422, "body", "Unterminated string"),
    HttpCase("JSON string", b'"just a string"', "application/json", 422, "body", "expected a JSON object"),
    HttpCase("JSON number", b"42", "application/json", 422, "body", "expected a JSON object"),
    HttpCase(
        "unknown field", _json({"text": DE, "colour": "red"}), "application/json", 422, "colour", "Extra"
    ),
    HttpCase("wrong type", _json({"text": 1150}), "application/json", 422, "text", "valid string"),
    HttpCase("missing text", _json({"title": "no text"}), "application/json", 422, "text", "Field required"),
    HttpCase("empty text", _json({"text": ""}), "application/json", 422, "text", "at least 1 character"),
    HttpCase("blank text", _json({"text": " \n\t "}), "application/json", 422, "text", "empty"),
    HttpCase(
        "text over the limit",
        _json({"text": "a" * (MAX_TEXT + 1)}),
        "application/json",
        422,
        "text",
        f"at most {MAX_TEXT} characters",
    ),
    HttpCase(
        "body over the limit", b"x" * (MAX_BODY + 1), "text/plain", 413, "body", f"larger than {MAX_BODY}"
    ),
    HttpCase("not UTF-8", b'{"text": "Russland \xff\xfe verlor"}', "application/json", 422, "body", "UTF-8"),
    HttpCase("binary garbage as JSON", GARBAGE, "application/json", 422, "body", "not valid UTF-8"),
    HttpCase("binary garbage", GARBAGE, "application/octet-stream", 415, "content-type", "application/json"),
    HttpCase(
        "huge JSON array", _json([{"text": DE}] * 1001), "application/json", 413, "body", "at most 1000"
    ),
    HttpCase(
        "array with one bad item",
        _json([{"text": DE}] * 17 + [{"text": ""}]),
        "application/json",
        422,
        "17/text",
        "at least 1 character",
    ),
    HttpCase("empty array", b"[]", "application/json", 422, "body", "no article"),
    HttpCase("deeply nested JSON", b"[" * 100_000 + b"]" * 100_000, "application/json", 422, "body", ""),
    HttpCase("HTML", _json({"text": HTML}), "application/json", 422, "text", "HTML"),
    HttpCase("HTML as text/plain", HTML.encode(), "text/plain", 422, "text", "HTML"),
    HttpCase(
        "unsupported language", _json({"text": FR}), "application/json", 422, "text", "'fr' is not supported"
    ),
    HttpCase(
        "unsupported language given",
        _json({"text": DE, "language": "fr"}),
        "application/json",
        422,
        "language",
        "'de' or 'en'",
    ),
    HttpCase("bad id", _json({"id": "has spaces", "text": DE}), "application/json", 422, "id", "pattern"),
]


def check_problem(response: httpx.Response, status: int, field: str, reason: str) -> str | None:
    """What is wrong with `response` as the problem answer expected, or None."""
    if response.status_code != status:
        return f"status {response.status_code}, wanted {status}: {response.text[:300]}"
    if response.headers.get("content-type") != "application/problem+json":
        return f"content-type {response.headers.get('content-type')}"
    problem = response.json()
    if problem.get("status") != status or not problem.get("title") or "detail" not in problem:
        return f"not a problem document: {problem}"
    reasons = {error["field"]: error["reason"] for error in problem.get("errors", [])}
    if field not in reasons:
        return f"field {field!r} not named: {problem}"
    if reason not in reasons[field]:
        return f"reason of {field!r} is {reasons[field]!r}, wanted it to say {reason!r}"
    return None


async def test_ingest_refuses_every_bad_body_with_a_problem_and_publishes_nothing(
    settings: ConnectionSettings,
) -> None:
    with running_services(settings, "ingest") as services:
        url = f"http://127.0.0.1:{services.env['CLAIMWATCH_INGEST_PORT']}"
        await wait_healthy(f"{url}/healthz")
        pid = services.processes["ingest"].pid
        failures: dict[str, str] = {}
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            for case in INGEST_CASES:
                response = await client.post(
                    "/articles", content=case.body, headers={"content-type": case.content_type}
                )
                wrong = check_problem(response, case.status, case.field, case.reason)
                if wrong:
                    failures[case.name] = wrong

            # a duplicate: the first push is accepted, the same again and a reused id are refused
            first = await client.post("/articles", json={"id": "dup-1", "text": DE})
            assert first.status_code == 202, first.text
            again = await client.post("/articles", json={"id": "dup-1", "text": DE})
            failures["duplicate"] = check_problem(again, 409, "id", "accepted before") or ""
            reused = await client.post("/articles", json={"id": "dup-1", "text": EN})
            failures["reused id"] = check_problem(reused, 409, "0/id", "another text") or ""
            failures = {name: why for name, why in failures.items() if why}

            # nothing grows without bound: the same bad bodies again and again
            baseline = rss_bytes(pid)
            for _ in range(5):
                for case in INGEST_CASES:
                    await client.post(
                        "/articles", content=case.body, headers={"content-type": case.content_type}
                    )
            grown = rss_bytes(pid) - baseline
            assert (await client.get("/healthz")).status_code == 200
        assert services.exited() == {}

    assert failures == {}
    published = await read_records(
        settings.kafka_bootstrap, settings.topic_articles, at_least=1, quiet_seconds=2
    )
    assert [(r.key, json.loads(r.value)["text"]) for r in published] == [(b"dup-1", DE)]
    assert grown < 64 * 1024 * 1024, f"ingest grew by {grown / 1e6:.0f} MB over five rounds of bad input"


GOOD_SUBSCRIPTION = {"webhook": "https://93.184.216.34/hook", "secret": "a-long-secret"}

ALERT_CASES = [
    HttpCase("invalid JSON", b'{"webhook": ', "application/json", 422, "body", "JSON"),
    HttpCase("not an object", b"[1, 2]", "application/json", 422, "body", "valid dictionary"),
    HttpCase(
        "missing webhook", _json({"secret": "a-long-secret"}), "application/json", 422, "webhook", "required"
    ),
    HttpCase(
        "missing secret",
        _json({"webhook": "https://93.184.216.34/h"}),
        "application/json",
        422,
        "secret",
        "required",
    ),
    HttpCase(
        "webhook not a URL",
        _json({**GOOD_SUBSCRIPTION, "webhook": "not a url"}),
        "application/json",
        422,
        "webhook",
        "URL",
    ),
    HttpCase(
        "webhook not http",
        _json({**GOOD_SUBSCRIPTION, "webhook": "file:///etc/passwd"}),
        "application/json",
        422,
        "webhook",
        "scheme",
    ),
    HttpCase(
        "short secret",
        _json({**GOOD_SUBSCRIPTION, "secret": "short"}),
        "application/json",
        422,
        "secret",
        "at least 8",
    ),
    HttpCase(
        "unknown field",
        _json({**GOOD_SUBSCRIPTION, "colour": "red"}),
        "application/json",
        422,
        "colour",
        "Extra",
    ),
    HttpCase(
        "bad kind",
        _json({**GOOD_SUBSCRIPTION, "kinds": ["sometimes"]}),
        "application/json",
        422,
        "kinds/0",
        "'new'",
    ),
    HttpCase(
        "negative threshold",
        _json({**GOOD_SUBSCRIPTION, "min_abs_change": -1}),
        "application/json",
        422,
        "min_abs_change",
        "greater than or equal to 0",
    ),
    HttpCase(
        "wrong type",
        _json({**GOOD_SUBSCRIPTION, "min_rel_change": "much"}),
        "application/json",
        422,
        "min_rel_change",
        "valid number",
    ),
    HttpCase(
        "loopback webhook",
        _json({**GOOD_SUBSCRIPTION, "webhook": "http://127.0.0.1:8082/x"}),
        "application/json",
        422,
        "webhook",
        "loopback",
    ),
    HttpCase(
        "metadata webhook",
        _json({**GOOD_SUBSCRIPTION, "webhook": "http://169.254.169.254/latest"}),
        "application/json",
        422,
        "webhook",
        "link-local",
    ),
    HttpCase("binary garbage", GARBAGE, "application/json", 422, "body", "JSON"),
]


async def test_alert_api_refuses_bad_subscriptions_and_silences_with_problems(
    settings: ConnectionSettings,
) -> None:
    with running_services(settings, "alert") as services:
        url = f"http://127.0.0.1:{services.env['CLAIMWATCH_ALERT_PORT']}"
        await wait_healthy(f"{url}/healthz")
        failures: dict[str, str] = {}
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            for case in ALERT_CASES:
                response = await client.post(
                    "/subscriptions", content=case.body, headers={"content-type": case.content_type}
                )
                wrong = check_problem(response, case.status, case.field, case.reason)
                if wrong:
                    failures[case.name] = wrong
            silence = await client.post("/silences", json={"ends_at": "tomorrow", "subject": 5})
            failures["silence"] = check_problem(silence, 422, "ends_at", "datetime") or ""
            missing = await client.get("/subscriptions/sub-nope")
            failures["unknown id"] = (
                ""
                if missing.status_code == 404
                and missing.headers["content-type"] == "application/problem+json"
                else f"{missing.status_code} {missing.headers.get('content-type')}"
            )
            failures = {name: why for name, why in failures.items() if why}
            assert (await client.get("/subscriptions")).json() == []
            assert (await client.get("/silences")).json() == []
            assert (await client.get("/healthz")).status_code == 200
        assert services.exited() == {}
    assert failures == {}


GOOD_DE = _json({"id": "good-de", "language": "de", "text": DE})
GOOD_EN = _json({"id": "good-en", "text": EN})

BAD_ARTICLES: list[tuple[bytes, bytes | None, str, str]] = [
    # key, value, claimwatch-error, a part of claimwatch-error-reason
    (b"invalid-json", b'{"text": "Russland', "invalid_article", "Invalid JSON"),
    (b"wrong-shape", b'["not", "an", "article"]', "invalid_article", "object"),
    (b"missing-text", _json({"title": "no text"}), "invalid_article", "text: Field required"),
    (b"empty-text", _json({"text": ""}), "invalid_article", "text: String should have at least 1 character"),
    (
        b"too-long",
        _json({"text": "a" * (MAX_TEXT + 1)}),
        "invalid_article",
        "text: String should have at most",
    ),
    (b"not-utf8", b'{"text": "Russland \xff\xfe verlor 1150 Soldaten"}', "invalid_article", "unicode"),
    (b"garbage", GARBAGE, "invalid_article", "Invalid JSON"),
    (b"huge-array", _json([{"text": DE}] * 20_000), "invalid_article", "object"),
    (b"html", _json({"text": HTML}), "invalid_article", "HTML"),
    (b"french", _json({"id": "french", "text": FR}), "unsupported_language", "french"),
    (b"no-value", None, "invalid_article", "body"),
]

BAD_CLAIMS: list[tuple[bytes, bytes | None, str]] = [
    (b"c-invalid-json", b'{"claim_id": ', "Invalid JSON"),
    (b"c-wrong-shape", b"[1, 2, 3]", "Input should be an object"),
    (b"c-missing", _json({"claim_id": "c-1"}), "Field required"),
    (
        b"c-unknown",
        make_claim("x", 5).model_dump_json().replace('"value":', '"colour":1,"value":').encode(),
        "colour: Extra inputs",
    ),
    (
        b"c-wrong-type",
        make_claim("x", 5).model_dump_json().replace('"value":5.0', '"value":"five"').encode(),
        "value: Input should be a valid number",
    ),
    (
        b"c-nan",
        make_claim("x", 5).model_dump_json().replace('"value":5.0', '"value":NaN').encode(),
        "value: nan is not a finite number",
    ),
    (b"c-garbage", GARBAGE, "Invalid JSON"),
    (b"c-empty", None, "empty record"),
]


async def test_bad_records_on_the_topics_are_dead_lettered_and_the_good_ones_around_them_flow(
    settings: ConnectionSettings, redis_client: aioredis.Redis
) -> None:
    bootstrap = settings.kafka_bootstrap
    group = f"alert-{settings.topic_claims}"
    articles = [(b"good-de", GOOD_DE), *((k, v) for k, v, _, _ in BAD_ARTICLES), (b"good-en", GOOD_EN)]
    articles.append((b"good-en", GOOD_EN))  # a duplicate: processed again (at least once), applied once
    first_claim = make_claim("direct-1", 600_000, day=1, subject="KP", metric="deployed", source="Pentagon")
    second_claim = make_claim(
        "direct-2", 650_000, day=2, start=40, subject="KP", metric="deployed", source="Pentagon"
    )
    claims = [
        (first_claim.figure_key.encode(), first_claim.model_dump_json().encode()),
        *((k, v) for k, v, _ in BAD_CLAIMS),
        (second_claim.figure_key.encode(), second_claim.model_dump_json().encode()),
    ]
    # one partition each, so "around" is an order: the good records come before and after the bad
    await produce_raw(bootstrap, settings.topic_articles, articles, partition=0)
    await produce_raw(bootstrap, settings.topic_claims, claims, partition=1)
    with running_services(settings, "alert", "extract", CLAIMWATCH_ALERT_GROUP=group) as services:
        extract_group = services.env["CLAIMWATCH_EXTRACT_APP_ID"]
        dead_articles = await read_records(
            bootstrap, settings.topic_articles_dlq, at_least=len(BAD_ARTICLES), within=90
        )
        dead_claims = await read_records(bootstrap, settings.topic_claims_dlq, at_least=len(BAD_CLAIMS))
        await wait_all_committed(bootstrap, extract_group, settings.topic_articles)
        await wait_all_committed(bootstrap, group, settings.topic_claims)
        article_keys = {
            claim.figure_key
            for raw in (GOOD_DE, GOOD_EN)
            for claim in extract_article(Article.model_validate_json(raw)).claims
            if claim.tracked
        }
        figures = await eventually(lambda: _figures(redis_client, first_claim.figure_key, article_keys))
        for port in ("CLAIMWATCH_ALERT_PORT", "CLAIMWATCH_EXTRACT_WEB_PORT"):
            await wait_healthy(f"http://127.0.0.1:{services.env[port]}/healthz", within=10)
        assert services.exited() == {}
        out = await read_records(bootstrap, settings.topic_claims, at_least=len(claims) + 3)

    assert sorted((r.key, r.value) for r in dead_articles) == sorted(
        (k, v or b"") for k, v, _, _ in BAD_ARTICLES
    )
    wrong_headers = {}
    for record in dead_articles:
        headers = dict(record.headers)
        expected = next(case for case in BAD_ARTICLES if case[0] == record.key)
        if headers.get("claimwatch-error") != expected[2].encode() or expected[3].encode() not in headers.get(
            "claimwatch-error-reason", b""
        ):
            wrong_headers[record.key] = headers
    assert wrong_headers == {}

    assert sorted((r.key, r.value) for r in dead_claims) == sorted((k, v or b"") for k, v, _ in BAD_CLAIMS)
    for record in dead_claims:
        headers = dict(record.headers)
        expected = next(case for case in BAD_CLAIMS if case[0] == record.key)
        assert headers["claimwatch-error"] == b"invalid_claim"
        assert expected[2] in headers["claimwatch-error-reason"].decode(), headers

    bad_keys = {key for key, _, _ in BAD_CLAIMS}
    extracted = [json.loads(r.value) for r in out if r.key not in bad_keys and b"direct-" not in r.value]
    by_article = {c["article_id"] for c in extracted}
    assert {"good-de", "good-en"} <= by_article
    assert figures[first_claim.figure_key] == 650_000  # the direct claims, around the bad ones
    assert article_keys <= set(figures)  # the good articles around the bad ones
    assert len([c for c in extracted if c.get("article_id") == "good-en"]) == 2  # the duplicate, twice
    feed = await redis_client.xrange(Keys().feed)
    en_key = next(k for k in article_keys if k.startswith("RU/killed_or_wounded"))
    en_alerts = [json.loads(f[b"alert"]) for _, f in feed if json.loads(f[b"alert"])["figure_key"] == en_key]
    assert [a["kind"] for a in en_alerts] == ["new"]  # the duplicate article applied once


async def _figures(
    client: aioredis.Redis, direct_key: str, article_keys: set[str]
) -> dict[str, float] | None:
    keys = Keys()
    members = [m.decode() for m in await client.smembers(keys.figures)]
    values = await client.mget([keys.figure(m) for m in members]) if members else []
    figures = {m: json.loads(v)["value"] for m, v in zip(members, values, strict=True) if v}
    done = figures.get(direct_key) == 650_000 and article_keys <= set(figures)
    return figures if done else None
