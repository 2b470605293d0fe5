"""Article-wide scans that skip text must find what a scan of the whole text finds."""

from __future__ import annotations

import random
import re

import pytest

from claimwatch_extract.attribution import _NAME_TOKEN, _PERSON
from claimwatch_extract.extractor import _adjective_runs, _Context, _qualifier_search, _scan_countries
from claimwatch_extract.lexicons import Lang, lexicons

TEXTS = [
    "Die ukrainische Armee und das russische Militär; pro-russische Kräfte, US-amerikanische Hilfe.",
    "Deutsch-ukrainische Gespräche: die Deutschen, die deutsche Regierung, NATO-europäische Staaten",
    "UKRAINISCHE Truppen, Ukrainisch-Russischer Krieg, israelisch—palästinensisch, am Ende russisch",
    "Nichts davon: Tisch, Fischer, Ischgl, deutschsprachig, Deutschland und Frankreich.",
    "russischen",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_adjectives_found_in_runs_are_those_of_the_whole_text(text: str) -> None:
    lex = lexicons()
    whole = [(m.start(), m.end(), m.lastgroup) for m in lex.adjective_re.finditer(text) if m.lastgroup]
    runs = [
        (m.start(), m.end(), m.lastgroup)
        for lo, hi in _adjective_runs(text, lex)
        for m in lex.adjective_re.finditer(text, lo, hi)
        if m.lastgroup
    ]
    assert runs == whole
    assert whole or not text.startswith(("Die", "Deutsch", "UKRAIN", "russ"))
    names = lex.country_re["de"].finditer(text)
    countries = [(m.start(), m.end(), m.lastgroup) for m in names if m.lastgroup]
    assert _scan_countries(text, "de", lex) == sorted(countries + whole)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_qualifier_search_finds_what_the_search_of_the_window_finds(lang: Lang) -> None:
    lex = lexicons()
    phrases = sorted(lex.qualifiers_before[lang])
    rng = random.Random(lang)
    pieces = [
        *phrases,
        *(p.upper() for p in phrases),
        " ",
        "  ",
        "\n",
        ", ",
        "x",
        "Nahezu",
        "ſ",
        "rund-",
        "über",
    ]
    regex = lex.qualifier_before_re[lang]
    found = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 8))) + " 42"
        ctx = _Context(text, lang, lex, [], [], [], [])
        cursor = len(text) - 3
        for window in (0, max(0, cursor - 40), rng.randrange(cursor + 1)):
            expected = regex.search(text, window, cursor)
            got = _qualifier_search(ctx, window, cursor)
            assert (got and got.span()) == (expected and expected.span()), (text, window)
            found += expected is not None
    assert found > 1000  # the texts hold many matches, not only misses


def test_name_tokens_led_by_their_capital_match_what_a_lookbehind_first_matches() -> None:
    # `_NAME_TOKEN` puts its capital before the lookbehind so that a search can skip to capitals;
    # it must match exactly where the plain form (lookbehind, then capital) does.
    plain = r"(?<![\w-])[A-ZÄÖÜ][a-zäöüßéèáàóòíìúùçñşšžčćł]+(?:[-'’][A-Za-zäöüß]+)*"
    person = _PERSON.pattern.replace(_NAME_TOKEN, "{t}")
    assert person.count("{t}") == 2
    plain_person = re.compile(person.replace("{t}", plain))
    rng = random.Random(5)
    alphabet = "AbÄö-'’ \t\nxZé.van der"
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 24)))
        pos = rng.randrange(len(text))
        expected = [m.span() for m in plain_person.finditer(text, pos)]
        assert [m.span() for m in _PERSON.finditer(text, pos)] == expected, (text, pos)
