"""The offline commands: `claimwatch extract` and `claimwatch eval`, and how bad input is reported."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from claimwatch.cli import INGEST_BATCH, INGEST_BATCH_BYTES, app, request_batches
from claimwatch_schemas import Article

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_b4aa9eae918a7afd.txt"


def test_extract_prints_one_claim_per_line_with_the_article_id_of_a_json_article(tmp_path: Path) -> None:
    article = tmp_path / "a.json"
    article.write_text(
        json.dumps({"id": "my-id", "text": SEED.read_text(encoding="utf-8")}), encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["extract", str(article)])
    assert result.exit_code == 0, result.output
    claims = [json.loads(line) for line in result.stdout.splitlines()]
    assert {claim["article_id"] for claim in claims} == {"my-id"}
    assert [claim["value"] for claim in claims] == [7, 1, 1150, 600000, 853030, 10000, 20000, 1000, 12000]


def test_extract_reads_jsonl_from_stdin() -> None:
    lines = "\n".join(
        json.dumps(
            {"id": f"s{i}", "language": "en", "text": f"At least {n} soldiers were killed, the army said."}
        )
        for i, n in enumerate((12, 40))
    )
    result = CliRunner().invoke(app, ["extract", "-"], input=lines)
    assert result.exit_code == 0, result.output
    assert [(c["article_id"], c["value"]) for c in map(json.loads, result.stdout.splitlines())] == [
        ("s0", 12),
        ("s1", 40),
    ]


def test_extract_names_the_bad_line_of_a_jsonl_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine, 12 soldiers"}\n{"text": ""}\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:2/text" in result.output


def test_eval_scores_the_seed_gold() -> None:
    result = CliRunner().invoke(app, ["eval", str(REPO / "tests" / "data" / "seeds.gold.jsonl")])
    assert result.exit_code == 0, result.output
    recall = next(line for line in result.stdout.splitlines() if line.startswith("recall"))
    assert recall.split() == ["recall", "1.000", "15/15"]


def test_request_batches_stay_under_the_body_limit_and_the_count() -> None:
    big = [Article(id=f"big-{n}", text="x" * 600_000) for n in range(3)]
    small = [Article(id=f"s-{n}", text="Sieben Angriffe.") for n in range(INGEST_BATCH + 1)]
    batches = request_batches(big + small)
    sizes = [len(json.dumps(batch).encode()) for batch in batches]
    assert [len(batch) for batch in batches] == [1, 1, 1 + 499, 2]
    assert max(sizes) <= INGEST_BATCH_BYTES
    assert [item["id"] for batch in batches for item in batch] == [a.id for a in big + small]
