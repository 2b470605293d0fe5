"""Article-wide scans that skip text must find what a scan of the whole text finds."""

from __future__ import annotations

import pytest

from claimwatch_extract.extractor import _adjective_runs, _scan_countries
from claimwatch_extract.lexicons import lexicons

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
