"""Cheap tests before the regex searches around a figure must never rule out a match."""

from __future__ import annotations

import random
import re

import pytest

from claimwatch_extract import extractor as ex

# Characters that match ASCII letters case-insensitively ('ſ' 's', 'ı' 'i', the Kelvin sign
# 'k'), umlauts, punctuation and words found in no pattern.
_OTHERS = ["paſſed", "tıps", "\u212aNAPP", "Über", "ÜBER", "x", "-", "(", ",", ":", "Seoul", "Zahl"]
_GAPS = [" ", "  ", "\n", "\u00a0", " \t", ", ", ""]

# (pattern, last words, stems, white space needed at the end)
_CASES: list[tuple[str, re.Pattern[str], tuple[str, ...], tuple[str, ...], bool]] = [
    ("link de", ex._LINK_TO_NUMBER["de"], *ex._LINK_LAST_WORD["de"], True),
    ("link en", ex._LINK_TO_NUMBER["en"], *ex._LINK_LAST_WORD["en"], True),
    ("compared de", ex._COMPARED_WITH["de"], ex._COMPARED_LAST_WORD["de"], (), True),
    ("compared en", ex._COMPARED_WITH["en"], ex._COMPARED_LAST_WORD["en"], (), True),
    ("total to", ex._TOTAL_TO, ("to", "auf"), (), True),
    ("another", ex._ANOTHER, ex._ANOTHER_LAST_WORD, ("zusätzlich",), True),
    ("population", ex._POPULATION_OF, ex._POPULATION_LAST_WORD, (), True),
    ("toll de", ex._TOLL["de"], ex._TOLL_LAST_WORD["de"], (), False),
    ("toll en", ex._TOLL["en"], ex._TOLL_LAST_WORD["en"], (), False),
    ("verb de", ex._VERB_BEFORE["de"], ex._VERB_LAST_WORD["de"], (), True),
    ("verb en", ex._VERB_BEFORE["en"], ex._VERB_LAST_WORD["en"], (), True),
    ("anaphor", ex._FIGURE_ANAPHOR, ex._ANAPHOR_LAST_WORD, (), True),
]


def _vocabulary(pattern: re.Pattern[str], ends: tuple[str, ...], stems: tuple[str, ...]) -> list[str]:
    """The pattern's words and phrases (and bits of them), its last words, stems with endings, and
    others."""
    words = set(re.findall(r"[^\W\d_]{2,}", pattern.pattern)) | set(ends) | {s + "en" for s in stems}
    phrases = re.findall(r"[^\W\d_]+(?:\\s\+[^\W\d_]+)+", pattern.pattern)  # 'more\s+than'
    words |= {p.replace("\\s+", " ") for p in phrases}
    words |= {w[:-1] for w in words if len(w) > 3}
    return sorted(words) + _OTHERS


@pytest.mark.parametrize(("name", "pattern", "ends", "stems", "space"), _CASES, ids=[c[0] for c in _CASES])
def test_a_search_is_made_wherever_it_can_match(
    name: str, pattern: re.Pattern[str], ends: tuple[str, ...], stems: tuple[str, ...], space: bool
) -> None:
    words = _vocabulary(pattern, ends, stems)
    rng = random.Random(name)
    found = 0
    for _ in range(20_000):
        parts = []
        for _ in range(rng.randrange(1, 7)):
            word = rng.choice(words)
            parts += [rng.choice([word, word.upper(), word.capitalize()]), rng.choice(_GAPS)]
        if rng.random() < 0.5:  # end in a last word, as a match does
            parts += [rng.choice(ends), rng.choice(_GAPS)]
        text = "".join(parts) + "42"
        hi = len(text) - 2
        for lo in (0, rng.randrange(hi + 1)):
            if pattern.search(text, lo, hi) is not None:
                found += 1
                assert ex._may_end_with(text, lo, hi, ends, stems, space), (text, lo)
    assert found > 80  # the texts hold many matches, not only misses
