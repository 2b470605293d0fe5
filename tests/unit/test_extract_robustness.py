"""Language outcome, lexicon validation, and properties that hold for any text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimwatch_extract import lexicons as lexicon_module
from claimwatch_extract.extractor import extract_article, extract_claims
from claimwatch_extract.language import detect_language
from claimwatch_extract.lexicons import LexiconError, UnitEntry
from claimwatch_schemas import Article

GERMAN = (
    "Russland hat an nur einem Tag mindestens 1150 Soldaten verloren, teilte der ukrainische Generalstab mit."
)
ENGLISH = "Russia lost at least 1,150 soldiers in a single day, Ukraine's General Staff said on Tuesday."
FRENCH = "La Russie a perdu au moins 1150 soldats en une seule journée, selon l'état-major ukrainien."


def test_language_is_detected_when_absent() -> None:
    assert extract_article(Article(text=GERMAN)).language == "de"
    assert extract_article(Article(text=ENGLISH)).language == "en"
    assert extract_article(Article(text=GERMAN)).claims[0].value == 1150


def test_other_languages_are_unsupported_and_give_no_claims() -> None:
    result = extract_article(Article(text=FRENCH))
    assert result.outcome == "unsupported_language"
    assert result.claims == []
    assert result.language == "fr"


def test_text_without_words_is_unsupported() -> None:
    assert detect_language("12345 67") is None
    assert extract_article(Article(text="12345 67")).outcome == "unsupported_language"


def test_given_language_is_trusted() -> None:
    assert extract_article(Article(text=ENGLISH, language="en")).outcome == "ok"


def test_bad_lexicon_entry_names_file_and_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lexicon_module, "_read", lambda name: {"units": [{"unit": "Bad Unit!", "de": []}]})
    with pytest.raises(LexiconError, match=r"units\.yaml, units\[0\]"):
        lexicon_module._entries("units.yaml", "units", UnitEntry)


def test_bad_regex_in_lexicon_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        lexicon_module, "_read", lambda name: {"units": [{"unit": "tanks", "de": ["(unclosed"]}]}
    )
    with pytest.raises(LexiconError, match="bad regex"):
        lexicon_module._entries("units.yaml", "units", UnitEntry)


def test_lexicons_are_packaged_and_valid() -> None:
    lex = lexicon_module.lexicons()
    assert lex is lexicon_module.lexicons()  # compiled once
    assert {u.unit for u in lex.units} >= {"soldiers", "tanks", "countries", "usd", "eur"}


_NEWSY = st.lists(
    st.sampled_from(
        [
            "mindestens",
            "über",
            "rund",
            "1.150",
            "600,000",
            "zwölftausend",
            "Tausende",
            "Soldaten",
            "Panzer",
            "verloren",
            "getötet",
            "laut",
            "sagte",
            "Rutte",
            "NATO",
            "russischen",
            "Kiew",
            "an nur einem Tag",
            "„",
            "“",
            ".",
            ",",
            "\n",
            "between",
            "and",
            "10-12",
            "tanks",
            "killed",
            "said",
            "of the",
            "2014",
            "F-16",
            "Leopard 2",
            "zwei-",
            "bis",
            "dreitausend",
            "$5bn",
            "%",
            "Zahl der Toten",
            "auf",
            "46",
        ]
    ),
    min_size=1,
    max_size=60,
).map(" ".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.text(min_size=1, max_size=400), _NEWSY), lang=st.sampled_from(["de", "en"]))
def test_never_raises_and_spans_reproduce(text: str, lang: str) -> None:
    if not text.strip() or "\x00" in text:
        return
    # extract_claims, not extract_article: the latter would hide a crash behind its safety net
    for claim in extract_claims(text, "de" if lang == "de" else "en", "a", None):
        assert 0 <= claim.evidence.start < claim.evidence.end <= len(text)
        phrase = text[claim.evidence.start : claim.evidence.end]
        assert phrase.strip() == phrase
        assert phrase in claim.evidence.text
        assert claim.evidence.text in text
