"""Cheap tests before the regex searches around a figure must never rule out a match."""

from __future__ import annotations

import random

import pytest

from claimwatch_extract.extractor import _LINK_LAST_WORD, _LINK_TO_NUMBER, _may_end_with
from claimwatch_extract.lexicons import Lang

# Words of the patterns, in several spellings, and words and characters around them: 'ſ' and
# 'ı' match 's' and 'i' case-insensitively, the Kelvin sign 'k'.
_WORDS = [
    "auf", "bei", "als", "über", "rund", "etwa", "knapp", "fast", "mindestens", "mehr",
    "übersteigt", "überschritten", "erreichte", "erreicht", "stieg", "steigt", "liegt", "lag",
    "at", "pass", "passes", "passed", "reach", "reached", "to", "tops", "topped", "exceeded",
    "surpassed", "hit", "hits", "than", "over", "about", "around", "some", "nearly", "almost",
    "least", "more", "rose", "risen", "climbed", "stands", "stood", "the", "toll", "Verluste",
    "casualties", "Zahl", "die", "x", "paſſed", "tıps", "\u212aNAPP", "Über", "ÜBER", "at,", "(at",
    "-", "auf-", "Seoul", "puts", "auf mehr als", "bei mindestens", "at least", "at more than",
    "stieg auf rund",
]  # fmt: skip
_GAPS = [" ", "  ", "\n", "\u00a0", " \t", ", ", ""]


def _texts(seed: str, count: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randrange(1, 9)):
            word = rng.choice(_WORDS)
            parts.append(rng.choice([word, word.upper(), word.capitalize()]))
            parts.append(rng.choice(_GAPS))
        texts.append("".join(parts) + "42")
    return texts


@pytest.mark.parametrize("lang", ["de", "en"])
def test_link_to_number_is_searched_wherever_it_can_match(lang: Lang) -> None:
    ends, stems = _LINK_LAST_WORD[lang]
    rng = random.Random(lang)
    found = 0
    for text in _texts(lang, 6000):
        hi = len(text) - 2
        for lo in (0, rng.randrange(hi + 1)):
            match = _LINK_TO_NUMBER[lang].search(text, lo, hi)
            if match is not None:
                found += 1
                assert _may_end_with(text, lo, hi, ends, stems), (text, lo)
    assert found > 300  # the texts hold many matches, not only misses
