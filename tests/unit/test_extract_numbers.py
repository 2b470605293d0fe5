"""Numbers in both locales, number words, vague quantities and ranges."""

from __future__ import annotations

import pytest
from text_to_num import text2num

from claimwatch_extract.lexicons import Lang
from claimwatch_extract.numbers import find_numbers, parse_english_words, parse_german_words


@pytest.mark.parametrize(
    ("text", "lang", "value", "value_max", "vague"),
    [
        ("600.000 Soldaten", "de", 600_000, None, False),
        ("600,000 soldiers", "en", 600_000, None, False),
        ("1150 Soldaten", "de", 1150, None, False),
        ("853.030 Soldaten", "de", 853_030, None, False),
        ("1,5 Millionen Menschen", "de", 1_500_000, None, False),
        ("2.3 million rounds", "en", 2_300_000, None, False),
        ("5,97 Milliarden Euro", "de", 5_970_000_000, None, False),
        ("3 Mio. Euro", "de", 3_000_000, None, False),
        ("4 Mrd. Dollar", "de", 4_000_000_000, None, False),
        ("$5bn in aid", "en", 5_000_000_000, None, False),
        ("10k troops", "en", 10_000, None, False),
        ("sieben Angriffe", "de", 7, None, False),
        ("zwölftausend Soldaten", "de", 12_000, None, False),
        ("dreiundzwanzig Panzer", "de", 23, None, False),
        ("seven attacks", "en", 7, None, False),
        ("twenty-five tanks", "en", 25, None, False),
        ("a dozen tanks", "en", 12, None, False),
        ("ein Dutzend Panzer", "de", 12, None, False),
        ("Tausende Soldaten", "de", 1000, None, True),
        ("Zehntausende Menschen", "de", 10_000, None, True),
        ("Hunderte Panzer", "de", 100, None, True),
        ("Dutzende Verletzte", "de", 12, None, True),
        ("Millionen Schuss Munition", "de", 1_000_000, None, True),
        ("thousands of people", "en", 1000, None, True),
        ("tens of thousands of people", "en", 10_000, None, True),
        ("hundreds of tanks", "en", 100, None, True),
        ("several hundred soldiers", "en", 100, None, True),
        ("zwischen 10.000 und 12.000 Soldaten", "de", 10_000, 12_000, False),
        ("10,000-12,000 troops", "en", 10_000, 12_000, False),
        ("zwei- bis dreitausend Einwohner", "de", 2000, 3000, False),
        ("five or six hundred soldiers", "en", 500, 600, False),
        ("between 2,000 and 3,000 residents", "en", 2000, 3000, False),
        ("10 to 12 million people", "en", 10_000_000, 12_000_000, False),
        ("50 150 russische Soldaten", "de", 50_150, None, False),
        ("some 25 000 soldiers", "en", 25_000, None, False),
        ("über 172'000 Tote", "de", 172_000, None, False),
        ("146’000 bis 211’000 Soldaten", "de", 146_000, 211_000, False),
        ("1 250 000 Flüchtlinge", "de", 1_250_000, None, False),
    ],
)
def test_number_values(text: str, lang: Lang, value: float, value_max: float | None, vague: bool) -> None:
    found = find_numbers(text, lang)
    assert len(found) == 1, found
    n = found[0]
    assert (n.value, n.value_max, n.vague) == (value, value_max, vague)
    assert text[n.start : n.end].strip()


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("F-16 und Su-34", "de"),
        ("a MiG-29 and an S-400", "en"),
        ("am 12.02.2025 um 12:30", "de"),
        ("the 3rd brigade", "en"),
    ],
)
def test_no_number_inside_model_names_times_or_dates(text: str, lang: Lang) -> None:
    assert find_numbers(text, lang) == []


def test_the_language_decides_what_a_separator_means() -> None:
    assert find_numbers("1.150 Soldaten", "de")[0].value == 1150
    assert find_numbers("1.150 soldiers", "en")[0].value == 1.15


GERMAN_WORDS = [
    "sieben",
    "zwölf",
    "zwölftausend",
    "dreiundzwanzig",
    "zweihundertfünfzigtausend",
    "hundert",
    "neunzehn",
]
ENGLISH_WORDS = ["seven", "twelve", "twenty-five", "three hundred", "five thousand", "ninety-nine"]


@pytest.mark.parametrize("word", GERMAN_WORDS)
def test_own_german_parser_agrees_with_text2num(word: str) -> None:
    parsed = parse_german_words(word)
    assert parsed is not None
    assert parsed[0] == text2num(word, "de")


@pytest.mark.parametrize("word", ENGLISH_WORDS)
def test_own_english_parser_agrees_with_text2num(word: str) -> None:
    parsed = parse_english_words(word)
    assert parsed is not None
    assert parsed[0] == text2num(word, "en")


def test_own_parser_reads_what_text2num_rejects() -> None:
    for word, lang in (("a dozen", "en"), ("einen", "de")):
        with pytest.raises(ValueError, match="invalid literal"):
            text2num(word, lang)
    assert parse_english_words("a dozen") == (12, 12)
    assert parse_german_words("einen") == (1, 1)


def test_a_space_groups_thousands_only_before_exactly_three_digits() -> None:
    assert [m.value for m in find_numbers("Nach 195 Tagen seien 12 1000 gemeldet", "de")] == [195, 12, 1000]
    assert [m.value for m in find_numbers("from 2022 150 soldiers", "en")] == [2022, 150]
    assert [m.value for m in find_numbers("rund 7 500,5 Tonnen", "de")] == [7, 500.5]
