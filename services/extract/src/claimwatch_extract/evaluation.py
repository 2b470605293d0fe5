"""Scoring extraction against a gold file, as spec/claims.md describes.

A gold figure is found when a claim has the same `value` and `value_max` and its evidence span
overlaps the gold `evidence` string located in the article text; each claim can find at most one
gold figure. Then `qualifier` (or one of `alt_qualifiers`), `unit`, `metric`, `subject`,
`source` and `period` are compared field by field over the found figures (`source` ignoring
case and spacing).

Recall = found gold figures / gold figures. Precision = claims that found a gold figure / all
claims. Untracked claims count like tracked ones on both sides: the gold lists plain counts
too ("32 NATO-Staaten", tracked false), so an untracked claim that the gold does not list is a
false positive, and a listed one that we miss lowers recall. `tracked_precision` gives the
precision over tracked claims alone, which is what the alert service sees.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from claimwatch_schemas import Article, Claim

from .extractor import extract_article

FIELDS = ("qualifier", "unit", "metric", "subject", "source", "period")


@dataclass
class FieldScore:
    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0


@dataclass
class EvalReport:
    articles: int = 0
    gold_figures: int = 0
    found: int = 0
    claims: int = 0
    matched_claims: int = 0
    tracked_claims: int = 0
    matched_tracked_claims: int = 0
    fields: dict[str, FieldScore] = field(default_factory=lambda: {f: FieldScore() for f in FIELDS})
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)
    field_errors: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.gold_figures if self.gold_figures else 1.0

    @property
    def precision(self) -> float:
        return self.matched_claims / self.claims if self.claims else 1.0

    @property
    def tracked_precision(self) -> float:
        return self.matched_tracked_claims / self.tracked_claims if self.tracked_claims else 1.0


def _spans(text: str, evidence: str) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in re.finditer(re.escape(evidence), text)]
    if spans:
        return spans
    loose = r"\s+".join(re.escape(w) for w in evidence.split())
    return [(m.start(), m.end()) for m in re.finditer(loose, text, re.IGNORECASE)]


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    return value


def _field_ok(name: str, claim: Claim, gold: dict[str, Any]) -> bool:
    if name == "qualifier":
        accepted = {gold.get("qualifier"), *(gold.get("alt_qualifiers") or [])}
        return claim.qualifier.value in accepted
    return bool(_norm(getattr(claim, name)) == _norm(gold.get(name)))


def _describe(claim: Claim, text: str) -> str:
    phrase = text[claim.evidence.start : claim.evidence.end]
    return f"{claim.value:g} {claim.unit}/{claim.metric} {phrase!r}"


def score_article(
    report: EvalReport, name: str, text: str, claims: list[Claim], gold: list[dict[str, Any]]
) -> None:
    """Add one article's result to `report`."""
    report.articles += 1
    report.claims += len(claims)
    report.tracked_claims += sum(1 for c in claims if c.tracked)
    used: set[int] = set()
    for fig in gold:
        report.gold_figures += 1
        spans = _spans(text, str(fig["evidence"]))
        candidates = [
            (i, c)
            for i, c in enumerate(claims)
            if i not in used
            and _same(c.value, fig.get("value"))
            and _same(c.value_max, fig.get("value_max"))
            and any(c.evidence.start < e and s < c.evidence.end for s, e in spans)
        ]
        if not candidates:
            where = "" if spans else " (evidence not in text)"
            report.misses.append(
                f"{name}: {fig.get('value')} {fig.get('unit')}/{fig.get('metric')} {fig['evidence']!r}{where}"
            )
            continue
        index, claim = max(candidates, key=lambda ic: sum(_field_ok(f, ic[1], fig) for f in FIELDS))
        used.add(index)
        report.found += 1
        report.matched_claims += 1
        report.matched_tracked_claims += int(claim.tracked)
        for f in FIELDS:
            ok = _field_ok(f, claim, fig)
            report.fields[f].total += 1
            report.fields[f].correct += int(ok)
            if not ok:
                report.field_errors.append(
                    f"{name}: {f} {getattr(claim, f)!r} != gold {fig.get(f)!r} in {fig['evidence']!r}"
                )
    for i, c in enumerate(claims):
        if i not in used:
            report.false_positives.append(f"{name}: {_describe(c, text)}")


def _resolve(article: str, gold_path: Path) -> Path:
    candidates = [gold_path.parent.parent / article, gold_path.parent / article]
    for parent in gold_path.resolve().parents:
        candidates.append(parent / article)
    candidates.append(Path.cwd() / article)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"gold article {article!r} not found next to {gold_path}")


def _records(path: Path) -> Iterable[dict[str, Any]]:
    for line_no, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{line_no}: not JSON: {exc}") from exc


def evaluate_gold_file(path: Path) -> EvalReport:
    """Extract every article a gold file names and score the claims against its figures."""
    report = EvalReport()
    for record in _records(path):
        article_path = _resolve(str(record["article"]), path)
        text = article_path.read_text("utf-8")
        published = record.get("published")
        article = Article(
            text=text,
            language=record.get("lang"),
            published_at=date.fromisoformat(published) if published else None,
        )
        claims = extract_article(article).claims
        score_article(report, str(record["article"]), text, claims, list(record.get("figures", [])))
    return report


def format_report(report: EvalReport) -> str:
    """A plain-text table of the scores, then what was missed and what was wrong."""
    lines = [
        f"articles          {report.articles}",
        f"gold figures      {report.gold_figures}",
        f"claims            {report.claims} ({report.tracked_claims} tracked)",
        "",
        f"{'measure':<18}{'score':>8}{'count':>12}",
        f"{'recall':<18}{report.recall:>8.3f}{f'{report.found}/{report.gold_figures}':>12}",
        f"{'precision':<18}{report.precision:>8.3f}{f'{report.matched_claims}/{report.claims}':>12}",
        f"{'precision tracked':<18}{report.tracked_precision:>8.3f}"
        f"{f'{report.matched_tracked_claims}/{report.tracked_claims}':>12}",
    ]
    for name, score in report.fields.items():
        lines.append(f"{name:<18}{score.accuracy:>8.3f}{f'{score.correct}/{score.total}':>12}")
    for title, items in (
        ("missed", report.misses),
        ("false positives", report.false_positives),
        ("wrong fields", report.field_errors),
    ):
        if items:
            lines += ["", f"{title}:"] + [f"  {item}" for item in items]
    return "\n".join(lines)


__all__ = ["EvalReport", "evaluate_gold_file", "format_report"]
