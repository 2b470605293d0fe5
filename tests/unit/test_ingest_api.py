"""The ingest HTTP API with a fake publisher: what is accepted, what is refused and why."""

from __future__ import annotations

import json

import httpx
import pytest

from claimwatch_ingest.app import create_app
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


def client_for(publisher: FakePublisher, **settings: int) -> httpx.AsyncClient:
    app = create_app(publisher, IngestSettings(**settings))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ingest")


async def test_one_json_article_is_published_with_its_given_id() -> None:
    publisher = FakePublisher()
    async with client_for(publisher) as client:
        response = await client.post("/articles", json={"id": "a-1", "text": "Mehr als 600.000 Soldaten."})
    assert response.status_code == 202
    assert response.json() == {"accepted": 1, "ids": ["a-1"]}
    assert [(a.id, a.text) for a in publisher.published] == [("a-1", "Mehr als 600.000 Soldaten.")]


async def test_plain_text_gets_the_id_of_its_normalised_text_twice_the_same() -> None:
    publisher = FakePublisher()
    async with client_for(publisher) as client:
        first = await client.post(
            "/articles", content="Sieben Angriffe.\r\n", headers={"content-type": "text/plain"}
        )
        second = await client.post(
            "/articles", content="  Sieben Angriffe.\n", headers={"content-type": "text/plain"}
        )
    expected = article_id_for("Sieben Angriffe.")
    assert first.json()["ids"] == [expected]
    assert second.json()["ids"] == [expected]
    assert expected.startswith("sha256-")


async def test_array_is_published_in_order() -> None:
    publisher = FakePublisher()
    async with client_for(publisher) as client:
        response = await client.post(
            "/articles", json=[{"id": "x", "text": "a"}, {"text": "b", "language": "en"}]
        )
    assert response.status_code == 202
    assert response.json()["ids"] == ["x", article_id_for("b")]
    assert [a.language for a in publisher.published] == [None, "en"]


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
        response = await client.post("/articles", json=[{"text": str(i)} for i in range(3)])
    assert response.status_code == 413
    assert json.loads(response.text)["errors"][0]["reason"] == "3 articles, at most 2 per request"


async def test_broker_down_answers_503_with_retry_after() -> None:
    async with client_for(FakePublisher(fail=True)) as client:
        response = await client.post("/articles", json={"text": "x"})
        health = await client.get("/healthz")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert health.status_code == 503
