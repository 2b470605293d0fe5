"""The ingest HTTP API with a fake publisher: what is accepted, what is refused and why."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from claimwatch_ingest.app import INLINE_PARSE_BYTES, create_app
from claimwatch_ingest.seen import InMemorySeenArticles, Seen, SeenUnavailableError
from claimwatch_ingest.settings import IngestSettings
from claimwatch_schemas import Article, article_id_for


class FakePublisher:
    """Keeps what it is given; `fail` makes it refuse like an unreachable broker."""

    def __init__(self, fail: bool = False) -> None:
        self.published: list[Article] = []
        self.fail = fail

    async def publish(self, articles: list[Article]) -> None:
        from claimwatch_ingest.publisher import PublishError

        if self.fail:
            raise PublishError("broker down")
        self.published.extend(articles)

    async def healthy(self) -> bool:
        return not self.fail


DE = "Russland hat an nur einem Tag mindestens 1150 Soldaten verloren, sagte ein Sprecher."
EN = "Russia lost at least 1,150 soldiers in a single day, a spokesman said on Tuesday."
FR = "La Russie a perdu au moins 1150 soldats en une seule journée, a déclaré un porte-parole."


def client_for(publisher: FakePublisher, **settings: object) -> httpx.AsyncClient:
    app = create_app(publisher, IngestSettings(**settings))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ingest")


async def test_one_json_article_is_published_with_its_given_id() -> None:
    publisher = FakePublisher()
    async with client_for(publisher) as client:
        response = await client.post("/articles", json={"id": "a-1", "text": DE})
    assert response.status_code == 202
    assert response.json() == {"accepted": 1, "ids": ["a-1"], "duplicates": []}
    assert [(a.id, a.text) for a in publisher.published] == [("a-1", DE)]


async def test_the_same_text_twice_has_the_same_id_and_is_published_once() -> None:
    publisher = FakePublisher()
    async with client_for(publisher) as client:
        first = await client.post("/articles", content=DE + "\r\n", headers={"content-type": "text/plain"})
        second = await client.post(
            "/articles", content="  " + DE + "\n", headers={"content-type": "text/plain"}
        )
    expected = article_id_for(DE)
    assert (first.status_code, first.json()["ids"]) == (202, [expected])
    assert second.status_code == 409
    assert second.json()["errors"] == [{"field": "id", "reason": f"{expected} was accepted before"}]
    assert [a.id for a in publisher.published] == [expected]
    assert expected.startswith("sha256-")


async def test_array_is_published_in_order() -> None:
    publisher = FakePublisher()
    async with client_for(publisher) as client:
        response = await client.post(
            "/articles", json=[{"id": "x", "text": DE}, {"text": "b", "language": "en"}]
        )
    assert response.status_code == 202
    assert response.json()["ids"] == ["x", article_id_for("b")]
    assert [a.language for a in publisher.published] == ["de", "en"]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "field"),
    [
        (b"{not json", "application/json", 422, "body"),
        (b'{"title": "no text"}', "application/json", 422, "text"),
        (b'{"text": "   "}', "application/json", 422, "text"),
        (b'{"text": "x", "language": "fr"}', "application/json", 422, "language"),
        (b'[{"text": "ok"}, {"text": ""}]', "application/json", 422, "1/text"),
        (b"[]", "application/json", 422, "body"),
        (b'"just a string"', "application/json", 422, "body"),
        (b"\xff\xfe\x00garbage", "text/plain", 422, "body"),
        (b"<p>hi</p>", "image/png", 415, "content-type"),
        (b"<!DOCTYPE html><html><body><p>600 Soldaten</p></body></html>", "text/plain", 422, "text"),
        (json.dumps({"text": FR}).encode(), "application/json", 422, "text"),
        (json.dumps([{"text": DE}, {"text": FR}]).encode(), "application/json", 422, "1/text"),
        (b'{"text": "x", "colour": "red"}', "application/json", 422, "colour"),
    ],
)
async def test_bad_input_gets_problem_details_and_publishes_nothing(
    body: bytes, content_type: str, status: int, field: str
) -> None:
    publisher = FakePublisher()
    async with client_for(publisher) as client:
        response = await client.post("/articles", content=body, headers={"content-type": content_type})
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert field in [error["field"] for error in problem["errors"]]
    assert publisher.published == []


async def test_body_over_the_limit_is_refused_with_413() -> None:
    publisher = FakePublisher()
    async with client_for(publisher, max_body_bytes=1000) as client:
        response = await client.post("/articles", content="x" * 1001, headers={"content-type": "text/plain"})
    assert response.status_code == 413
    assert publisher.published == []


async def test_batch_over_the_limit_is_refused_with_413() -> None:
    publisher = FakePublisher()
    async with client_for(publisher, max_batch=2) as client:
        response = await client.post("/articles", json=[{"text": f"{EN} {i}"} for i in range(3)])
    assert response.status_code == 413
    assert json.loads(response.text)["errors"][0]["reason"] == "3 articles, at most 2 per request"


async def test_broker_down_answers_503_with_retry_after() -> None:
    async with client_for(FakePublisher(fail=True)) as client:
        response = await client.post("/articles", json={"text": EN})
        health = await client.get("/healthz")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert health.status_code == 503


async def test_a_batch_publishes_the_new_articles_and_names_the_duplicates() -> None:
    publisher = FakePublisher()
    async with client_for(publisher) as client:
        await client.post("/articles", json={"id": "old", "text": DE})
        response = await client.post("/articles", json=[{"id": "old", "text": DE}, {"id": "new", "text": EN}])
    assert response.status_code == 202
    assert response.json() == {"accepted": 1, "ids": ["new"], "duplicates": ["old"]}
    assert [a.id for a in publisher.published] == ["old", "new"]


async def test_an_id_reused_for_another_text_is_a_conflict_and_publishes_nothing() -> None:
    publisher = FakePublisher()
    async with client_for(publisher) as client:
        await client.post("/articles", json={"id": "a", "text": DE})
        response = await client.post("/articles", json=[{"id": "b", "text": DE}, {"id": "a", "text": EN}])
    assert response.status_code == 409
    assert response.json()["errors"] == [{"field": "1/id", "reason": "id 'a' was used for another text"}]
    assert [a.id for a in publisher.published] == ["a"]


async def test_a_failed_publish_can_be_retried() -> None:
    publisher = FakePublisher(fail=True)
    async with client_for(publisher) as client:
        refused = await client.post("/articles", json={"id": "a", "text": DE})
        publisher.fail = False
        accepted = await client.post("/articles", json={"id": "a", "text": DE})
    assert (refused.status_code, accepted.status_code) == (503, 202)
    assert [a.id for a in publisher.published] == ["a"]


@pytest.mark.parametrize(
    ("authorization", "status"),
    [(None, 401), ("Bearer wrong", 401), ("Basic s3cret", 401), ("Bearer s3cret", 202)],
)
async def test_with_a_token_set_writes_need_the_bearer_token(authorization: str | None, status: int) -> None:
    publisher = FakePublisher()
    headers = {"authorization": authorization} if authorization else {}
    async with client_for(publisher, api_token="s3cret") as client:  # type: ignore[arg-type]
        response = await client.post("/articles", json={"text": DE}, headers=headers)
        health = await client.get("/healthz")
    assert response.status_code == status
    assert len(publisher.published) == (1 if status == 202 else 0)
    assert health.status_code == 200


class FlakySeenArticles(InMemorySeenArticles):
    """Remembers like the real store, but stops answering at the n-th reservation (a Redis hiccup)."""

    def __init__(self, fail_at: int) -> None:
        super().__init__()
        self.calls = 0
        self.fail_at = fail_at

    async def reserve(self, article: Article) -> Seen:
        self.calls += 1
        if self.calls == self.fail_at:
            raise SeenUnavailableError("redis: connection reset")
        return await super().reserve(article)


async def test_a_store_failure_mid_batch_frees_the_reservations_so_a_retry_is_published() -> None:
    publisher = FakePublisher()
    seen = FlakySeenArticles(fail_at=3)
    app = create_app(publisher, IngestSettings(), seen)
    batch = [{"id": f"b{n}", "text": f"{DE} {n}"} for n in range(3)]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ingest") as client:
        refused = await client.post("/articles", json=batch)
        retried = await client.post("/articles", json=batch)
    assert refused.status_code == 503
    assert (retried.status_code, retried.json()["ids"]) == (202, ["b0", "b1", "b2"])
    assert [a.id for a in publisher.published] == ["b0", "b1", "b2"]


async def test_health_answers_while_a_batch_is_being_parsed() -> None:
    # A batch is parsed in a worker thread, however small its body: 300 articles of ~90 bytes
    # (~40 kB, under the size up to which a single article is parsed on the event loop).
    publisher = FakePublisher()
    batch = [{"id": f"b-{i}", "text": f"{EN} ({i})"} for i in range(300)]
    assert len(json.dumps(batch)) < INLINE_PARSE_BYTES
    finished: list[str] = []
    async with client_for(publisher) as client:

        async def post() -> None:
            response = await client.post("/articles", json=batch)
            assert response.status_code == 202
            finished.append("post")

        async def health() -> None:
            await asyncio.sleep(0)  # let the post start first
            response = await client.get("/healthz")
            assert response.status_code == 200
            finished.append("healthz")

        await asyncio.gather(post(), health())
    assert finished == ["healthz", "post"]
    assert len(publisher.published) == 300


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (json.dumps({"id": "big", "text": EN + " " + "Further details follow. " * 3000}), 202),
        ('{"id": "big", "text": "' + "x" * (INLINE_PARSE_BYTES + 10), 422),
    ],
)
async def test_a_single_article_over_the_inline_size_is_parsed_in_the_thread(body: str, status: int) -> None:
    publisher = FakePublisher()
    assert len(body) > INLINE_PARSE_BYTES
    async with client_for(publisher) as client:
        response = await client.post("/articles", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status, response.text
    assert [a.id for a in publisher.published] == (["big"] if status == 202 else [])
