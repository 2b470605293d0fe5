"""`claimwatch ingest --kafka`: files straight onto the articles topic, keyed by article id."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from claimwatch.cli import app
from claimwatch.reading import read_records
from claimwatch_schemas import ConnectionSettings, article_id_for
from tests.integration.services import running_services

TEXT = "Russland hat an nur einem Tag mindestens 1150 Soldaten verloren."


def test_ingest_to_kafka_publishes_txt_json_and_jsonl(settings: ConnectionSettings, tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "two.json").write_text(json.dumps([{"id": "j1", "text": TEXT + " 1"}]), encoding="utf-8")
    (tmp_path / "three.jsonl").write_text(
        json.dumps({"id": "l1", "text": TEXT + " 2"}) + "\n" + json.dumps({"id": "l2", "text": TEXT + " 3"}),
        encoding="utf-8",
    )
    paths = [str(tmp_path / name) for name in ("one.txt", "two.json", "three.jsonl")]
    result = CliRunner().invoke(
        app, ["ingest", "--kafka", settings.kafka_bootstrap, "--topic", settings.topic_articles, *paths]
    )
    assert result.exit_code == 0, result.output
    expected_ids = [article_id_for(TEXT), "j1", "l1", "l2"]
    assert result.stdout.split() == expected_ids

    records = asyncio.run(read_records(settings.kafka_bootstrap, settings.topic_articles, at_least=4))
    assert sorted(r.key.decode() for r in records) == sorted(expected_ids)
    assert {r.key.decode(): json.loads(r.value)["text"] for r in records}["l2"] == TEXT + " 3"


def test_ingest_through_the_api_sends_the_token_and_names_duplicates(
    settings: ConnectionSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.jsonl").write_text(
        "\n".join(json.dumps({"id": f"api-{n}", "text": f"{TEXT} {n}"}) for n in range(3)), encoding="utf-8"
    )
    with running_services(settings, "ingest", CLAIMWATCH_API_TOKEN="t0ken-for-the-test") as services:
        url = f"http://127.0.0.1:{services.env['CLAIMWATCH_INGEST_PORT']}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            time.sleep(0.2)
        runner = CliRunner()
        refused = runner.invoke(app, ["ingest", "--api", url, str(tmp_path / "a.jsonl")])
        monkeypatch.setenv("CLAIMWATCH_API_TOKEN", "t0ken-for-the-test")
        first = runner.invoke(app, ["ingest", "--api", url, str(tmp_path / "a.jsonl")])
        again = runner.invoke(app, ["ingest", "--api", url, str(tmp_path / "a.jsonl")])
    assert refused.exit_code == 1
    assert "401" in refused.output
    assert (first.exit_code, first.stdout.split()) == (0, ["api-0", "api-1", "api-2"])
    assert again.exit_code == 0
    assert again.stdout == ""
    assert "api-1: accepted before, not published again" in again.output
