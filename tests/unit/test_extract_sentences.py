"""Sentence splitting: the boundary rules' helpers give what the regexes they replaced gave."""

from __future__ import annotations

import random
import re

from claimwatch_extract.sentences import (
    _BOUNDARY,
    _BOUNDARY_FIRSTS,
    _QUOTE,
    _QUOTE_FIRSTS,
    _matches_at_firsts,
    _word_before,
    quote_spans,
    split_sentences,
)


def test_abbreviations_and_ordinals_do_not_end_a_sentence() -> None:
    text = "Laut Gen. Müller fielen am 12. Februar 300 Soldaten. Die U.S. Army meldet mehr.\nQuelle: UN"
    assert [s.text for s in split_sentences(text)] == [
        "Laut Gen. Müller fielen am 12. Februar 300 Soldaten.",
        "Die U.S. Army meldet mehr.",
        "Quelle: UN",
    ]


def test_word_before_is_what_the_regex_search_finds() -> None:
    # `_word_before` replaced `re.compile(r"([\w.]+)$").search(text, lo, hi)`: the same on random
    # windows of texts made of word characters (Unicode digits and numerics too), dots, spaces,
    # line breaks and punctuation.
    whole = re.compile(r"([\w.]+)$")
    rng = random.Random(7)
    alphabet = "ab.Z_9 \n-ü½٣\t,"
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        lo = rng.randint(0, len(text))
        hi = rng.randint(lo, len(text))
        m = whole.search(text, lo, hi)
        assert _word_before(text, lo, hi) == (m.group(1) if m else "")
    assert _word_before("Gen.\n", 0, 5) == "Gen."
    assert _word_before("rund 3", 0, 6) == "3"
    assert _word_before("rund ", 0, 5) == ""


def test_matches_at_first_characters_are_what_finditer_finds() -> None:
    # Boundaries and quotes are tried only where their first characters are; on random texts of
    # those characters, letters, digits, quotes and white space the matches are finditer's.
    rng = random.Random(11)
    alphabet = ".!?…\n A Ä5a„“”»«\"'’)(‚"
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        for pattern, firsts in ((_BOUNDARY, _BOUNDARY_FIRSTS), (_QUOTE, _QUOTE_FIRSTS)):
            expected = [(m.span(), m.group(0)) for m in pattern.finditer(text)]
            assert [(m.span(), m.group(0)) for m in _matches_at_firsts(pattern, text, firsts)] == expected
    text = 'Er sagte: „Wir kämpfen.“ Dann: »Nein« und "yes" - “so”.\n\nEnde... Aus! Ja?'
    assert quote_spans(text) == [(10, 24), (31, 37), (42, 47), (50, 54)]
    assert [s.text for s in split_sentences(text)] == [
        "Er sagte: „Wir kämpfen.“",
        'Dann: »Nein« und "yes" - “so”.',
        "Ende...",
        "Aus!",
        "Ja?",
    ]
