"""The benchmark corpus: realistic 3-4 kB articles, built deterministically from the repo's texts.

Passages come from `seeds/*.txt` (paragraphs of real German articles) and the dev corpus
`tests/data/devcorpus/{de,en}_*.txt` (short hand-written news passages). Each benchmark article
is passages of one language, drawn with a fixed seed, joined until it is 3-4 kB of UTF-8.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from claimwatch_schemas import Article

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEVCORPUS = ROOT / "tests" / "data" / "devcorpus"
LANGS = ("de", "en")
MIN_BYTES = 3000
MAX_BYTES = 4000


@dataclass(frozen=True)
class Corpus:
    articles: list[Article]  # no `language` set: the extractor detects it, as for most clients
    languages: list[str]  # the language each article was built in
    passages: dict[str, int]  # passages available per language

    @property
    def total_bytes(self) -> int:
        return sum(len(a.text.encode("utf-8")) for a in self.articles)

    def of_language(self, lang: str) -> list[Article]:
        return [a for a, la in zip(self.articles, self.languages, strict=True) if la == lang]


def passages(lang: str) -> list[str]:
    """Paragraphs of at least 80 characters of one language, in file order."""
    texts: list[str] = []
    if lang == "de":
        texts += [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted(DEVCORPUS.glob(f"{lang}_*.txt"))]
    out: list[str] = []
    for text in texts:
        out += [para.strip() for para in text.splitlines() if len(para.strip()) >= 80]
    return out


def _article_text(pool: list[str], rng: random.Random) -> str:
    target = rng.randint(MIN_BYTES + 200, MAX_BYTES - 200)
    parts: list[str] = []
    size = 0
    order = rng.sample(pool, len(pool))
    while size < target:
        if not order:
            order = rng.sample(pool, len(pool))
        para = order.pop()
        if size + len(para.encode("utf-8")) + 2 > MAX_BYTES and size >= MIN_BYTES:
            break
        if size + len(para.encode("utf-8")) + 2 > MAX_BYTES:
            continue  # too long to fit: try the next one
        parts.append(para)
        size += len(para.encode("utf-8")) + 2
    return "\n\n".join(parts)


def build_corpus(n: int = 600, *, seed: int = 20250212) -> Corpus:
    """`n` articles, half German, half English, each 3-4 kB; the same for the same arguments."""
    rng = random.Random(seed)
    pools = {lang: passages(lang) for lang in LANGS}
    articles: list[Article] = []
    for i in range(n):
        lang = LANGS[i % 2]
        pool = pools[lang]
        if not pool:
            raise RuntimeError(f"no {lang} passages in {SEEDS} or {DEVCORPUS}")
        text = _article_text(pool, rng)
        articles.append(Article(id=f"bench-{i:05d}", text=text))
    languages = [LANGS[i % 2] for i in range(n)]
    return Corpus(articles=articles, languages=languages, passages={la: len(p) for la, p in pools.items()})
