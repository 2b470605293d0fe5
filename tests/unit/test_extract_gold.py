"""The extractor against the seed gold and the dev corpus gold, with the issue's targets."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimwatch_extract.evaluation import evaluate_gold_file, format_report

DATA = Path(__file__).resolve().parents[1] / "data"


def test_seeds_gold_every_figure_and_field_right() -> None:
    report = evaluate_gold_file(DATA / "seeds.gold.jsonl")
    text = format_report(report)
    assert report.recall == 1.0, text
    assert report.tracked_precision == 1.0, text
    assert report.precision == 1.0, text
    for name, score in report.fields.items():
        assert score.accuracy == 1.0, f"{name}\n{text}"


def test_devcorpus_gold_meets_targets() -> None:
    gold = DATA / "devcorpus.gold.jsonl"
    if not gold.exists():
        pytest.skip("dev corpus not written yet")
    report = evaluate_gold_file(gold)
    text = format_report(report)
    assert report.articles >= 60, text
    assert report.recall >= 0.95, text
    assert report.precision >= 0.95, text
    for name, score in report.fields.items():
        assert score.accuracy >= 0.9, f"{name}\n{text}"


def test_format_report_is_a_table() -> None:
    text = format_report(evaluate_gold_file(DATA / "seeds.gold.jsonl"))
    assert "recall" in text
    assert "precision" in text
    assert "qualifier" in text


def test_heldout_gold_does_not_regress() -> None:
    """The held-out news corpus (written before tuning): floors at the numbers reached so far."""
    gold = DATA / "heldout.gold.jsonl"
    report = evaluate_gold_file(gold)
    text = format_report(report)
    assert report.articles >= 44, text
    assert report.recall >= 0.95, text
    assert report.precision >= 0.98, text
    floors = {  # 44 articles since blind6b (measured before tuning: recall 0.80, precision 0.96) joined
        "qualifier": 0.98,
        "unit": 0.97,
        "metric": 0.78,
        "subject": 0.705,
        "source": 0.675,
        "period": 0.915,
    }
    for name, score in report.fields.items():
        assert score.accuracy >= floors[name], f"{name}\n{text}"
