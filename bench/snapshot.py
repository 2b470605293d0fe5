"""Reference output of the extraction core: `python -m bench.snapshot OUT.jsonl`.

Runs `extract_article` over every article the gold files name (once with the gold's language,
once detected), every text of the dev corpus and the benchmark corpus, and writes one JSON line
per article (its outcome and claims as `model_dump(mode="json")`, in the extractor's order),
sorted by a name. Two snapshots of the same code are byte-identical; a speed-up must keep them so
(`cmp` the files).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from bench.corpus import DEVCORPUS, ROOT, build_corpus
from claimwatch_extract.extractor import extract_article
from claimwatch_schemas import Article

GOLD = ROOT / "tests" / "data"
# The final blind set (blind11*) stays unseen: its gold is never read, nor are the held-out texts
# being written for it (heldout/*_6*.txt), so no snapshot or speed-up can be tuned on it.
UNSEEN_GOLD = "blind11"
UNSEEN_ARTICLE = "_6"


def _gold_article(article: str, gold: Path) -> Path:
    candidates = [gold.parent.parent / article, gold.parent / article]
    candidates += [parent / article for parent in gold.resolve().parents]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"gold article {article!r} not found next to {gold}")


def _unseen(article: str) -> bool:
    path = Path(article)
    return "heldout" in path.parts and UNSEEN_ARTICLE in path.name


def _gold_articles() -> Iterator[tuple[str, Article]]:
    for gold in sorted(GOLD.glob("*.gold.jsonl")):
        if gold.name.startswith(UNSEEN_GOLD):
            continue
        for line in gold.read_text("utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            if _unseen(str(record["article"])):
                continue
            text = _gold_article(str(record["article"]), gold).read_text("utf-8")
            published = record.get("published")
            when = date.fromisoformat(published) if published else None
            name = f"gold/{gold.name}/{record['article']}"
            yield f"{name}#lang", Article(text=text, language=record.get("lang"), published_at=when)
            yield f"{name}#detect", Article(text=text, published_at=when)


def articles(bench_articles: int) -> Iterator[tuple[str, Article]]:
    """Every article of the snapshot with its name."""
    yield from _gold_articles()
    for path in sorted(DEVCORPUS.glob("*.txt")):
        yield f"devcorpus/{path.name}", Article(text=path.read_text("utf-8"))
    for article in build_corpus(bench_articles).articles:
        yield f"bench/{article.id}", article


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--bench-articles", type=int, default=600)
    args = parser.parse_args()
    lines: dict[str, str] = {}
    for name, article in articles(args.bench_articles):
        result = extract_article(article)
        record = {
            "name": name,
            "language": result.language,
            "outcome": result.outcome,
            "claims": [c.model_dump(mode="json") for c in result.claims],
        }
        lines[name] = json.dumps(record, ensure_ascii=False, sort_keys=True)
    args.out.write_text("".join(lines[k] + "\n" for k in sorted(lines)), "utf-8")
    claims = sum(line.count('"claim_id"') for line in lines.values())
    print(f"{len(lines)} articles, {claims} claims -> {args.out}")


if __name__ == "__main__":
    main()
