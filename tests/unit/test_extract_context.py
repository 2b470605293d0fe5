"""Figures read from their passage: elided nouns, delivery context, donors, prices, ranges, periods."""

from __future__ import annotations

import pytest

from claimwatch_extract.extractor import extract_article
from claimwatch_extract.lexicons import Lang
from claimwatch_schemas import Article, Claim


def claims(text: str, lang: Lang) -> list[Claim]:
    return extract_article(Article(text=text, language=lang)).claims


def test_bare_scale_numbers_take_the_people_noun_before() -> None:
    text = (
        "Mehr als zwölf Millionen Menschen sind aus ihren Häusern geflohen. Davon seien rund 8,8 Millionen "
        "innerhalb des Landes vertrieben worden."
    )
    found = claims(text, "de")
    assert [(c.value, c.unit, c.metric) for c in found] == [
        (12_000_000, "people", "displaced"),
        (8_800_000, "people", "displaced"),
    ]
    en = claims("Some 6.7 million refugees are abroad. Of those, around 6.2 million are in Europe.", "en")
    assert [c.value for c in en] == [6_700_000, 6_200_000]
    assert claims("The death toll passes 40,000.", "en")[0].metric == "killed"


def test_drones_and_missiles_without_a_verb_are_launched() -> None:
    found = claims("Russia used a record 267 drones and 35 missiles in the week.", "en")
    assert {(c.unit, c.metric) for c in found} == {("drones", "launched"), ("missiles", "launched")}
    found = claims("In der Nacht: 50 Raketen.", "de")
    assert found[0].metric == "launched"


def test_equipment_and_money_in_a_delivery_passage() -> None:
    text = (
        "Deutschland liefert der Ukraine weitere Waffen. Teil des Pakets sind 18 Kampfpanzer "
        "und 300 Lenkflugkörper. Dafür gibt Berlin rund 8 Milliarden Euro."
    )
    found = claims(text, "de")
    assert [(c.unit, c.metric, c.subject) for c in found] == [
        ("tanks", "supplied", "DE"),
        ("missiles", "supplied", "DE"),
        ("eur", "aid", "DE"),
    ]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Subscribers pay $5 a month.", "en"),
        ("Oil traded at around $90 a barrel.", "en"),
        ("Rufen Sie unter 0471 123456 an.", "de"),
    ],
)
def test_prices_and_phone_numbers_are_no_claims(text: str, lang: Lang) -> None:
    assert claims(text, lang) == []


def test_ranges_with_bis_zu_and_no_range_after_by() -> None:
    (c,) = claims("Schätzungen gehen von 20.000 bis zu 150.000 Toten aus.", "de")
    assert (c.value, c.value_max) == (20_000, 150_000)
    found = claims("The army will grow by 180,000 to 1.5 million soldiers.", "en")
    assert all(c.value_max is None for c in found)


@pytest.mark.parametrize(
    ("text", "lang", "period"),
    [
        ("Innerhalb von zwei Tagen wurden 130 Menschen verwundet.", "de", "P2D"),
        ("In dieser Woche setzte Russland 800 Gleitbomben ein.", "de", "P1W"),
        ("Russia launches about 1,500 drones a month.", "en", "P1M"),
        ("A month ago, 1,500 drones were launched.", "en", None),
    ],
)
def test_periods(text: str, lang: Lang, period: str | None) -> None:
    assert claims(text, lang)[0].period == period


def test_reported_speech_carries_its_source_across_a_long_run_of_sentences_without_figures() -> None:
    # Sentences without figures get their source only when a later one asks: here the last
    # sentence asks the one before, which asks the one before it, 1,500 times over; the chain
    # must not run into Python's recursion limit, and the source is the first sentence's.
    text = (
        "Ein Sprecher des ukrainischen Verteidigungsministeriums sagte am Montag, die Lage sei ernst. "
        + "Die Truppen seien weiter vorgerückt. " * 1500
        + "Dabei seien 40 Soldaten getötet worden."
    )
    found = claims(text, "de")
    assert [(c.value, c.source) for c in found] == [(40.0, "ukrainisches Verteidigungsministerium")]
