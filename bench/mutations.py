"""Extraction output over mutated texts: `python -m bench.mutations OUT.jsonl [--seed S] [--count N]`.

`bench.snapshot` pins the output on the corpus; a speed-up that takes a shortcut (a `str.find`
before a regex, a walk back instead of a search) can still differ on text the corpus does not
hold. This writes one JSON line per generated text: sentences and passages of the corpus shuffled
and mixed across languages, with characters inserted, deleted and case-swapped (letters that fold
oddly under re.IGNORECASE: 'ſ', 'ı', 'İ', the Kelvin sign; no-break and thin spaces, dashes,
quotes), some texts upper- or lower-cased whole. Two builds that give the same seed and count
byte-identical files extract the same on all of them (`cmp` the files).
"""

from __future__ import annotations

import argparse
import json
import random
import re
from datetime import date
from pathlib import Path

from bench.corpus import LANGS, passages
from claimwatch_extract.extractor import extract_article
from claimwatch_schemas import Article

_ODD = ["ſ", "ı", "İ", "\u212a", "ß", "ẞ", "\u00a0", "\u2009", "–", "—", "„", "“", "”", "’", "'", "\t", "-"]
_ODD += ["  ", "\n", "\n\n", "…", "K", "k", "0", "9", ".", ",", ":", "(", ")"]
_SENTENCE_END = re.compile(r"(?<=[.!?]) ")


def _mutated(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.choice([0, 1, 3, 10, 30])):
        i = rng.randrange(len(chars) + 1)
        op = rng.random()
        if op < 0.4:
            chars.insert(i, rng.choice(_ODD))
        elif i < len(chars) and op < 0.7:
            del chars[i]
        elif i < len(chars):
            chars[i] = chars[i].swapcase()
    out = "".join(chars)
    whole = rng.random()
    if whole < 0.05:
        return out.upper()
    if whole < 0.10:
        return out.lower()
    if whole < 0.15:
        return out.replace("s", "ſ")
    if whole < 0.20:
        return out.replace(" ", "\u00a0")
    return out


def texts(seed: int, count: int) -> list[tuple[str, str | None]]:
    """`count` generated texts with the language each one is given (None: detected)."""
    rng = random.Random(seed)
    paras = {lang: passages(lang) for lang in LANGS}
    sentences = {
        lang: [s for p in paras[lang] for s in _SENTENCE_END.split(p) if s.strip()] for lang in LANGS
    }
    out: list[tuple[str, str | None]] = []
    while len(out) < count:
        lang = rng.choice(LANGS)
        mode = rng.random()
        if mode < 0.4:
            text = " ".join(rng.choice(sentences[lang]) for _ in range(rng.randint(1, 40)))
        elif mode < 0.7:
            text = "\n\n".join(rng.choice(paras[lang]) for _ in range(rng.randint(1, 8)))
        else:
            text = " ".join(rng.choice(sentences[rng.choice(LANGS)]) for _ in range(rng.randint(1, 30)))
        text = _mutated(text, rng)
        if text.strip():
            out.append((text, rng.choice([None, "de", "en"])))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    claims = 0
    with args.out.open("w", encoding="utf-8") as fh:
        for number, (text, language) in enumerate(texts(args.seed, args.count)):
            article = Article(text=text, language=language, published_at=date(2025, 2, 12))
            extraction = extract_article(article)
            claims += len(extraction.claims)
            line = {
                "n": number,
                "outcome": extraction.outcome,
                "claims": [claim.model_dump(mode="json") for claim in extraction.claims],
            }
            fh.write(json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"{args.count} texts (seed {args.seed}), {claims} claims -> {args.out}")


if __name__ == "__main__":
    main()
