"""Cheap tests before the regex searches around a figure must never rule out a match."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import pytest

from claimwatch_extract import extractor as ex
from claimwatch_extract.alternation import Alternation

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


# `_is_trap`'s former search for a model's name before a number.
_MODEL_PREFIX = re.compile(
    r"(?:Leopard|Challenger|Patriot|Iris-T|IRIS-T|Marder|Gepard|Typ|Type|Modell|Model|Version|Block|Phase|"
    r"Stufe|Nummer|Nr\.|No\.|Seite|Seiten|page|pages|p\.|S\.|Kapitel|chapter|Artikel|Article|Paragraf|"
    r"Paragraph|Absatz|Resolution|Flight|Flug|Gate|Apollo|Windows|COVID|Covid|Corona|Mark|Mk\.|Storm|"
    r"Shadow|Punkt|Point|Level|Stufe|Runde|round|Folge|Episode|Staffel|Season|Teil|Part|Platz|Rang|"
    r"Zimmer|Room|Gleis|Linie|Line|Route|Highway|Autobahn|A|B|M|T|Tu|Su|MiG|Ka|Mi|Kh|S|BM|TOS|Bayraktar|"
    r"Geran|Schahed|Shahed|Lancet|Storm Shadow|ATACMS|HIMARS|KN|Hwasong|Kinschal|Kinzhal|Zirkon|Iskander|"
    r"Tornado|Taurus|Gripen|Nummer|Kalibr|Onyx|Oniks|P|Ch|X|Kh|Jak|Yak|An|Il|Tupolew|Sukhoi|Suchoi)\s*$"
)


def test_model_prefixes_are_what_the_former_search_found() -> None:
    rng = random.Random(7)
    words = [*ex._MODEL_PREFIXES, "Leo", "Nr", "a", "s.", "Storm  Shadow", "iris-t", "Xa", "x"]
    found = 0
    for _ in range(20_000):
        before = "".join(rng.choice(words) + rng.choice(_GAPS) for _ in range(rng.randrange(1, 4)))[-20:]
        expected = _MODEL_PREFIX.search(before) is not None
        assert ex._ends_with_model_prefix(before.rstrip()) == expected, before
        found += expected
    assert found > 5000


def _pieces(pattern: re.Pattern[str]) -> list[str]:
    """Words and other characters of a pattern's text, in several spellings."""
    words = re.findall(r"[^\W\d_]+|[^\w\s\\()|?:*+]", pattern.pattern)
    return [*words, *(w.upper() for w in words), *(w.lower() for w in words), *_OTHERS, "ſ", "ı", "é"]


def _first_in(chars: frozenset[str]) -> Callable[[str], bool]:
    return lambda after: ex._first_after_space(after, 0, len(after)) in chars


def test_first_characters_rule_out_only_what_cannot_match() -> None:
    rng = random.Random(8)
    cases = [  # (pattern, test, phrases of it)
        (
            ex._AFTER_TRAP,
            ex._may_be_after_trap,
            ["per cent", "years old", "Jahre alt", "a.m.", "o'clock", "jährig", "Jährige", ". Mai 2024"],
        ),
        (ex._CURRENCY_AFTER, _first_in(ex._CURRENCY_AFTER_FIRST), ["US-Dollar"]),
        (
            ex._OF_THE,
            _first_in(ex._PARTITIVE_FIRST),
            ["of the x", "OF THESE x", "of them were x", "von den x"],
        ),
        (ex._VAGUE_OF, _first_in(ex._PARTITIVE_FIRST), ["von Menschen", "von Ärzten"]),
    ]
    for pattern, may_match, phrases in cases:
        pieces = _pieces(pattern) + phrases * 20
        found = 0
        for _ in range(20_000):
            after = "".join(
                rng.choice([*_GAPS, "-", "."]) + rng.choice(pieces) for _ in range(rng.randrange(0, 4))
            )
            after = after[: rng.randrange(len(after) + 1)] if rng.random() < 0.2 else after
            if pattern.match(after) is not None:
                found += 1
                assert may_match(after), (pattern.pattern, after)
        assert found > 300, pattern.pattern


def test_a_class_of_a_letters_two_cases_is_a_needle_literal() -> None:
    # Case-insensitively, '[Ss]oldat' needs what 'soldat' does in the word: 's', 'S' or 'ſ'.
    alternation = Alternation(
        [
            r"(?P<a>(?:[\w-]*[Ss]oldat(?:en)?\b)(?![\w]))",
            r"(?P<b>(?:[\w-]*[Tt]anker\b)(?![\w])|(?:[\w-]*[sS]chiff\w*)(?![\w]))",
            r"(?P<c>(?:Menschen\b)(?![\w]))",
        ],
        flags=re.IGNORECASE,
    )
    text = (
        "12 Soldaten, 3 SOLDATEN, Berufssoldaten und Zeitſoldaten; Öltanker, TANKER, Tankern, "
        "Kriegsschiffe, KRIEGSSCHIFF, Kriegsſchiff, Menschen, Soldat-Tanker, -soldat, Sold, Schi."
    )
    for pos in range(len(text) + 1):
        for endpos in (len(text), pos + 5, pos + 12):
            a, b = alternation.match(text, pos, endpos), alternation.pattern.match(text, pos, endpos)
            assert (a and (a.span(), a.lastgroup)) == (b and (b.span(), b.lastgroup)), (pos, endpos)
    at_menschen = alternation._pattern_for_run("Menschen")
    assert at_menschen is not None
    assert "P<a>" not in at_menschen.pattern
    assert "P<b>" in at_menschen.pattern  # 'sch'
    assert alternation._pattern_for_run("Mitglieder") is None
    at_soldaten = alternation._pattern_for_run("Zeitſoldaten")
    assert at_soldaten is not None
    assert "P<a>" in at_soldaten.pattern


def test_needles_hold_hyphens_and_come_from_a_leading_group() -> None:
    # '[\w-]+-Kämpfer' needs '-kä' in the word, '(?:[\w-]*luftwaffen|[\w-]*militär)stützpunkte'
    # 'luf' or 'mil': hyphens are inside the run of word characters and hyphens a needle is
    # looked for in, and a leading group's alternatives are branches of their own.
    alternation = Alternation(
        [
            r"(?P<a>(?:[\w-]+-Kämpfer\w*)(?![\w]))",
            r"(?P<b>(?:(?:[\w-]*[Ll]uftwaffen|[\w-]*[Mm]ilitär)stützpunkte(?:n)?\b)(?![\w]))",
            r"(?P<c>(?:Soldaten\b)(?![\w]))",
        ],
        flags=re.IGNORECASE,
    )
    text = (
        "12 IS-Kämpfer, Hamas-KÄMPFERN, Kämpfer, -Kämpfer, x-kämpferisch; Luftwaffenstützpunkte, "
        "Militärstützpunkten, US-Militärstützpunkte, Stützpunkte, MILITÄRSTÜTZPUNKTE, Soldaten."
    )
    for pos in range(len(text) + 1):
        for endpos in (len(text), pos + 5, pos + 14):
            a, b = alternation.match(text, pos, endpos), alternation.pattern.match(text, pos, endpos)
            assert (a and (a.span(), a.lastgroup)) == (b and (b.span(), b.lastgroup)), (pos, endpos)
    at_soldaten = alternation._pattern_for_run("Soldaten")
    assert at_soldaten is not None
    assert "P<a>" not in at_soldaten.pattern
    assert alternation._pattern_for_run("Eskalation") is None
    at_base = alternation._pattern_for_run("US-Militärstützpunkte")
    assert at_base is not None
    assert "P<b>" in at_base.pattern
    assert "P<a>" not in at_base.pattern


def test_gapped_by_place_is_what_its_searches_find() -> None:
    pieces = [
        "in", "im", "bei", "near", "over", "über", "und", "and", "sowie", "while", "the", "der", "Zamzam",
        "El", "Fasher", "Sumy", "region", "Gebiet", ",", "Region", "5", "12", "x", "ÄGYPTEN", "Ölfeld",
        "UND", "Und", "während", "und in Sumy", ", in Zamzam", "and in El Fasher", "in Kursk region",
        "bei der Ölfeld", "im Zamzam,",
    ]  # fmt: skip
    gaps = [" ", "  ", "\n", ", ", ""]
    rng = random.Random(9)
    found = 0
    for _ in range(20_000):
        head = "".join(rng.choice(pieces) + rng.choice(gaps) for _ in range(rng.randrange(0, 7)))
        tail = "".join(rng.choice(gaps) + rng.choice(pieces) for _ in range(rng.randrange(0, 4)))
        text = head + "26" + tail + "."
        start, end = len(head), len(head) + 2
        lo = rng.randrange(start + 1)
        before = text[max(lo, start - 40) : start]
        expected = ex._PLACE_BEFORE.search(before) is not None or (
            ex._PLACE_AFTER_COORD.search(before) is not None and ex._PLACE_AFTER.match(text, end) is not None
        )
        assert ex._gapped_by_place(text, lo, start, end) == expected, (text, lo)
        found += expected
    assert found > 500


def test_qualifier_after_leads_rule_out_only_what_cannot_match() -> None:
    assert ex._plain_leads(["oder mehr", "und mehr", "+"]) == frozenset("oOuU+")
    assert ex._plain_leads(["plus", "in all"]) is None  # 'İ' and 'ı' match 'i' too
    assert ex._plain_leads(["über"]) is None
    assert ex._plain_leads([" more"]) is None
    lex = ex.lexicons()
    rng = random.Random(9)
    for lang in ("de", "en"):
        pattern, leads = lex.qualifier_after_re[lang], ex._qualifier_after_leads(lex)[lang]
        assert leads is not None
        pieces = [*lex.qualifiers_after[lang], "OR MORE", "Und Mehr", *_OTHERS]
        found = 0
        for _ in range(5_000):
            after = "".join(rng.choice(_GAPS) + rng.choice(pieces) for _ in range(rng.randrange(0, 3)))
            expected = pattern.match(after)
            m = ex._match_led(pattern, leads, after, 0, len(after))
            assert (m and m.span()) == (expected and expected.span()), (lang, after)
            found += expected is not None
        assert found > 500, lang


def test_link_searches_from_the_last_words_find_what_the_whole_search_finds() -> None:
    text = "Die Zahl  der Verluste stieg\tauf  über "
    assert ex._runs_before(text, 0, len(text), 2) == 28  # the tab before 'auf'
    assert ex._runs_before(text, 0, len(text), 9) == 0
    assert ex._runs_before(text, 5, len(text), 9) == 5
    rng = random.Random(10)
    for lang in ("de", "en"):
        pattern = ex._LINK_TO_NUMBER[lang]
        words = [*_vocabulary(pattern, *ex._LINK_LAST_WORD[lang]), "a", "b-c", "d'e", "x,", "(y"]
        found = 0
        for _ in range(20_000):
            text = "".join(rng.choice(_GAPS) + rng.choice(words) for _ in range(rng.randrange(1, 14)))
            text += rng.choice([" ", "  ", "\n", ""])
            lo = rng.randrange(len(text) + 1)
            expected = pattern.search(text, lo, len(text))
            m = pattern.search(text, ex._runs_before(text, lo, len(text), ex._LINK_WORDS), len(text))
            assert (m and m.span()) == (expected and expected.span()), (lang, text, lo)
            found += expected is not None
        assert found > 500, lang
