"""Articles for the end-to-end runs: corpus articles, each led by a sentence with a figure of its own.

Each leading sentence names a made-up spokesperson whose surname encodes the article's number,
so its claim has a figure key no other article has and the alert service must answer it with a
`new` alert: that alert is where an article's end-to-end latency ends.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.corpus import Corpus
from claimwatch_extract.extractor import extract_article
from claimwatch_extract.lexicons import lexicons
from claimwatch_schemas import Article

_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "be", "du"]
_FIRST = {"de": "Jonas", "en": "Oliver"}


# Subjects, counted things, what happened and the period vary with the article number, so the
# figures spread over many families (subject/metric/unit/period): one family holding every
# article's figure would make each apply read all of them, which no real news stream does. The
# subjects are the countries of the lexicon whose German adjective is a plain word (~70), so a
# 10-minute soak at 50/s (30,000 articles) puts ~50 figures in a family, not ~300 as with the
# first 12 of them.
def _parties() -> list[tuple[str, str]]:
    return [
        (f"{c.adjective_de}e", c.demonyms_en[0])
        for c in lexicons().countries.values()
        if c.adjective_de.isalpha() and c.demonyms_en
    ]


_PARTIES = _parties()
_UNITS = [("Soldaten", "soldiers"), ("Zivilisten", "civilians")]
_EVENTS = [("getötet", "killed"), ("verwundet", "wounded")]
_PERIODS = [("", ""), ("an einem Tag ", " in a single day")]


def surname(n: int) -> str:
    """A letters-only surname unique to n (digits would be cut from a person's name)."""
    return "".join(_SYLLABLES[int(d)] for d in f"{n:06d}").capitalize()


def lead_sentence(lang: str, n: int) -> str:
    value = 1000 + (n * 37) % 90000
    name = f"{_FIRST[lang]} {surname(n)}"
    party = _PARTIES[n % len(_PARTIES)]
    unit = _UNITS[(n // len(_PARTIES)) % len(_UNITS)]
    event = _EVENTS[(n // (len(_PARTIES) * 2)) % len(_EVENTS)]
    period = _PERIODS[(n // (len(_PARTIES) * 4)) % len(_PERIODS)]
    if lang == "de":
        number = f"{value:,}".replace(",", ".")
        return f"Nach Angaben von Sprecher {name} wurden {period[0]}{number} {party[0]} {unit[0]} {event[0]}."
    return f"According to spokesman {name}, {value:,} {party[1]} {unit[1]} were {event[1]}{period[1]}."


def own_key(lang: str, n: int) -> str | None:
    """The figure key the lead sentence alone yields (its tracked claim naming the spokesperson)."""
    article = Article(id=f"lead-{n}", text=lead_sentence(lang, n))
    name = f"{_FIRST[lang]}_{surname(n)}".lower()
    for claim in extract_article(article).claims:
        if claim.tracked and claim.figure_key.endswith("/" + name):
            return claim.figure_key
    return None


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
        key = own_key(lang, n) or f"(lead sentence {n} yields no tracked figure)"
        out.append(Synthetic(Article(id=f"e2e-{run}-{n:06d}", text=text), key))
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
