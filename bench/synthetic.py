"""Articles for the end-to-end runs: corpus articles, each led by a sentence with a figure of its own.

Each leading sentence names a made-up spokesperson whose surname encodes the article's number,
so its claim has a figure key no other article has and the alert service must answer it with a
`new` alert: that alert is where an article's end-to-end latency ends.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.corpus import Corpus
from claimwatch_extract.extractor import extract_article
from claimwatch_schemas import Article

_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "be", "du"]
_FIRST = {"de": "Jonas", "en": "Oliver"}


def surname(n: int) -> str:
    """A letters-only surname unique to n (digits would be cut from a person's name)."""
    return "".join(_SYLLABLES[int(d)] for d in f"{n:06d}").capitalize()


def lead_sentence(lang: str, n: int) -> str:
    value = 1000 + (n * 37) % 90000
    name = f"{_FIRST[lang]} {surname(n)}"
    if lang == "de":
        return f"Nach Angaben von Sprecher {name} wurden {value:,} russische Soldaten getötet.".replace(
            ",", "."
        )
    return f"According to spokesman {name}, {value:,} Russian soldiers were killed."


def expected_key(lang: str, n: int) -> str:
    return f"RU/killed/soldiers/total/{_FIRST[lang].lower()}_{surname(n).lower()}"


@dataclass(frozen=True)
class Synthetic:
    article: Article
    figure_key: str


def synthetic_articles(corpus: Corpus, run: str, first: int, count: int) -> list[Synthetic]:
    """`count` articles numbered from `first`, ids `e2e-<run>-<n>`, bodies cycled from the corpus."""
    out: list[Synthetic] = []
    size = len(corpus.articles)
    for n in range(first, first + count):
        body = corpus.articles[n % size]
        lang = corpus.languages[n % size]
        text = f"{lead_sentence(lang, n)}\n\n{body.text}"
        out.append(Synthetic(Article(id=f"e2e-{run}-{n:06d}", text=text), expected_key(lang, n)))
    return out


def check_synthetic(items: list[Synthetic]) -> list[str]:
    """Problems found by the pure extractor: an article whose own figure is missing or not tracked."""
    problems = []
    for item in items:
        claims = extract_article(item.article).claims
        if not any(c.figure_key == item.figure_key and c.tracked for c in claims):
            keys = sorted({c.figure_key for c in claims})[:5]
            problems.append(f"{item.article.id}: no tracked claim {item.figure_key} (got {keys}...)")
    return problems
