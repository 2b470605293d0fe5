"""`claimwatch ingest --kafka`: files straight onto the articles topic, keyed by article id."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from typer.testing import CliRunner

from claimwatch.cli import app
from claimwatch.reading import read_records
from claimwatch_schemas import ConnectionSettings, article_id_for

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
