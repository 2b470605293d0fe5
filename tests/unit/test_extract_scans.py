"""Article-wide scans that skip text must find what a scan of the whole text finds."""

from __future__ import annotations

import random
import re

import pytest

from claimwatch_extract.attribution import (
    _ANAPHOR,
    _NAME_TOKEN,
    _OWN,
    _OWN_NEEDED,
    _PERSON,
    _REPORTED_SPEECH_WORDS,
    Attributor,
    _article_at_end,
    _full_name_before,
    _full_name_in,
    _name_run_end,
    _name_run_start,
    _place_prep_before,
    _words_at_end,
    word_alternatives,
)
from claimwatch_extract.extractor import (
    _CONTINUES_WORDS,
    _adjective_runs,
    _Context,
    _qualifier_search,
    _scan_countries,
)
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


def test_article_and_words_at_the_end_are_what_their_patterns_find() -> None:
    # `_article_at_end` and `_words_at_end` walk back from the end instead of searching
    article_at_end = re.compile(r"(?<![\w])(?:der|die|das|dem|den|des|ein|eine|einem|einer|the|a|an)\s+$")
    words_at_end = re.compile(r"(?:[\w.-]+[ \t]+){1,3}$")
    rng = random.Random(7)
    pieces = ["der", "Der", "die", "the", "a", "an", "eine", "einer", "xa", "_", "ä", "2", ".", "-", ","]
    pieces += ["Kiew", " ", "  ", "\t", "\n", "\u00a0", "\u2009", "\x1c", "’"]
    found = [0, 0]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 9)))
        lo = rng.randrange(len(text) + 1)
        hi = rng.randrange(lo, len(text) + 1)
        expected = article_at_end.search(text[lo:hi]) is not None
        assert _article_at_end(text, lo, hi) == expected, (text, lo, hi)
        m = words_at_end.search(text[lo:hi])
        assert _words_at_end(text, lo, hi) == (m.group(0).split()[::-1] if m else []), (text, lo, hi)
        found[0] += expected
        found[1] += m is not None
    assert min(found) > 200  # the texts end in articles and words often, not only in other things


_ALL_CHARACTERS = "".join(map(chr, range(0x110000)))


def test_own_is_only_searched_where_its_letters_stand() -> None:
    # `_OWN_NEEDED` spells the letters of a literal of `_OWN` by the characters that match them
    # case-insensitively: every character of Unicode that does is in its class, and no other.
    for lang, literal in (("de", "genenangaben"), ("en", "itsown")):
        classes = re.findall(r"\[([^]]+)\]", _OWN_NEEDED[lang].pattern)
        assert "".join(c[0] for c in classes) == literal
        for letters in classes:
            matching = set(re.findall(letters[0], _ALL_CHARACTERS, re.IGNORECASE))
            assert matching == set(letters), (lang, letters)
    rng = random.Random(11)
    phrases = ["nach eigenen Angaben", "eigenen Angaben zufolge", "according to its own", "by its own count"]
    phrases += ["its", "own", "x", "genen"]
    found = 0
    for _ in range(5000):
        words = " ".join(rng.choices(phrases, k=rng.randrange(1, 4))).split()
        words = [rng.choice([w, w.upper(), w.title()]) for w in words]
        text = "".join(w + rng.choice([" ", "\n", "  ", "\u00a0"]) for w in words)
        text = text.replace("i", rng.choice("iıİ")).replace("s", rng.choice("sſS"))
        lo = rng.randrange(len(text) // 3 + 1)
        hi = rng.randrange(lo, len(text) + 1)
        for lang in ("de", "en"):
            if _OWN[lang].search(text, lo, hi):
                found += 1
                assert _OWN_NEEDED[lang].search(text, lo, hi), (text, lo, hi)
    assert found > 200


def test_adjectives_before_a_body_are_what_the_search_of_the_window_finds() -> None:
    # what `_adjective_before` finds in a window's last word is remembered by the word's text
    attributor = Attributor(lexicons())
    rng = random.Random(3)
    pieces = ["ukrainischen", "Russische", "US-amerikanischer", "pro-russischen", "deutsch", "isch"]
    pieces += [" ", "  ", "\n", "-", "x", "Armee", "ſ", "Generalstab", "ÜKRAINISCHE"]
    found = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12)))
        spaces = [i + 1 for i, ch in enumerate(text) if ch.isspace()]
        start = rng.choice(spaces) if spaces and rng.random() < 0.8 else rng.randrange(len(text) + 1)
        m = attributor._de_adj_before.search(text, max(0, start - 40), start)
        assert attributor._adjective_before(text, start) == (m and (m.group("adj"), m.start())), (text, start)
        found += m is not None
    assert found > 300


def test_full_names_found_by_one_pattern_are_those_of_a_pattern_per_surname() -> None:
    rng = random.Random(13)
    names = ["Rutte", "Mark", "Al-Sisi", "O'Brien", "van", "Ñoño", "Müller", "Rutte’s", "", "\x00"]
    words = [*names, "-", "x", "Der", "NATO-Generalsekretär", "1", ",", "Ä", "Ab\x00"]
    found = 0
    for _ in range(20_000):
        chosen = rng.choices(words, k=rng.randrange(1, 7))
        text = "".join(w + rng.choice([" ", " ", "  ", "\n", "\t", "\u00a0", "", "-"]) for w in chosen)
        name = rng.choice([w for w in chosen if w in names] or names)
        lo = rng.randrange(len(text) // 2 + 1)
        hi = rng.randrange(lo, len(text) + 2)
        full = re.compile(rf"\b({_NAME_TOKEN}(?:\s+{_NAME_TOKEN})?)\s+{re.escape(name)}\b")
        expected = full.search(text, lo, hi)
        assert _full_name_in(name, text, lo, hi) == (expected and expected.group(1)), (name, text, lo, hi)
        found += expected is not None
    assert found > 300


@pytest.mark.parametrize("words", [_REPORTED_SPEECH_WORDS, _CONTINUES_WORDS])
def test_words_led_by_their_letter_match_what_a_lookbehind_first_matches(words: list[str]) -> None:
    plain = re.compile(rf"(?<![\w])(?:{'|'.join(words)})(?![\w])")
    led = re.compile(word_alternatives(words))
    rng = random.Random(len(words))
    pieces = [*words[:-1], "seit Jahren habe", "Of those", "Among them", "x", "_", "2", "-", "ä", "Sei"]
    pieces += [" ", "  ", "\n", ",", "."]
    found = 0
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 8)))
        lo = rng.randrange(len(text) + 1)
        hi = rng.randrange(lo, len(text) + 1)
        expected = [m.span() for m in plain.finditer(text, lo, hi)]
        assert [m.span() for m in led.finditer(text, lo, hi)] == expected, (text, lo, hi)
        found += bool(expected)
    assert found > 400


@pytest.mark.parametrize("lang", ["de", "en"])
def test_anaphors_found_in_a_sentence_are_those_its_search_finds(lang: Lang) -> None:
    # `anaphoric` looks up where the anaphors of the whole article start before searching a span
    attributor = Attributor(lexicons())
    rng = random.Random(lang)
    pieces = ["demnach", "sagte er", "Er sagte", "wie sie meinte", "hieß es", "he said", "said they"]
    pieces += ["the ministry said", "the army added", "according to the statement", "sie", "the", "er"]
    pieces += [" ", " ", "  ", ". ", "\n", "x", "Die", "DEMNACH", "Er", "ſagte er"]
    found = 0
    for _ in range(400):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 120)))
        for _ in range(10):
            lo = rng.randrange(len(text) + 1)
            hi = rng.randrange(lo, len(text) + 1)
            expected = _ANAPHOR[lang].search(text, lo, hi) is not None
            assert attributor.anaphoric(text, lo, hi, lang) == expected, (text, lo, hi)
            found += expected
    assert found > 500


def test_a_place_preposition_before_a_name_is_what_its_pattern_finds() -> None:
    place_prep = re.compile(
        r"(?<![\w])(?:in|im|aus|nach|to|for|für|from|of|at|across|into|gegen|against)\s+"
        r"(?:(?:der|die|dem|den|the)\s+)?$"
    )
    rng = random.Random(17)
    words = ["in", "im", "aus", "for", "für", "against", "der", "the", "die", "Der", "In", "xin", "ä", "_"]
    spaces = [" ", " ", "  ", "\n", "\u00a0", "-", ",", ""]
    found = 0
    for _ in range(20_000):
        text = "".join(rng.choice(words) + rng.choice(spaces) for _ in range(rng.randrange(0, 5)))
        hi = rng.randrange(len(text) + 1)
        lo = max(0, hi - rng.randrange(12))
        expected = place_prep.search(text, lo, hi) is not None
        assert _place_prep_before(text, lo, hi) == expected, (text, lo, hi)
        found += expected
    assert found > 500
    # an article is dropped from a name only if it starts with an article's letter (case-insensitively)
    for letter in "det":
        assert set(re.findall(letter, _ALL_CHARACTERS, re.IGNORECASE)) == {letter, letter.upper()}


def _country_before_in_window(
    attributor: Attributor, text: str, start: int, lang: Lang
) -> tuple[str, int] | None:
    """`Attributor._country_before` as it searched: in the window as a string of its own."""
    window = text[max(0, start - 40) : start]
    offset = start - len(window)
    if lang == "de":
        adj = attributor._adjective_before(text, start)
        if adj:
            code = attributor.lex.adjective_re.match(adj[0])
            if code and code.lastgroup:
                return code.lastgroup, adj[1]
        prefix = re.search(r"(?P<p>[A-Z]{2,3})-$", window)
        if prefix:
            for c in attributor.lex.countries.values():
                if prefix.group("p") in c.prefix_de:
                    return c.code, offset + prefix.start()
    last: tuple[str, int] | None = None
    for m in attributor.lex.country_re[lang].finditer(window):
        if m.end() >= len(window.rstrip()) - 1 and m.lastgroup:
            last = (m.lastgroup, offset + m.start())
    return last


@pytest.mark.parametrize("lang", ["de", "en"])
def test_countries_before_a_body_are_those_of_its_window(lang: Lang) -> None:
    attributor = Attributor(lexicons())
    rng = random.Random(lang)
    words = ["Russland", "Russlands", "Ukraine", "der Ukraine", "Kiew", "Russia's", "Israel", "Israeli"]
    words += ["U.S.", "ukrainischen", "US", "US-", "NATO-", "Moskau", "Ukrainian", "the", "x", "Xy", "Armee"]
    words += ["ä", "-"]
    spaces = [" ", " ", "  ", "\n", "", "-", ", "]
    found = 0
    for _ in range(1500):  # texts long enough to be indexed (400 characters) and shorter ones
        text = "".join(rng.choice(words) + rng.choice(spaces) for _ in range(rng.randrange(1, 80)))
        capitals = [i + 40 for i in range(1, len(text) - 40) if text[i].isupper() and text[i - 1] != " "]
        for _ in range(10):
            start = rng.choice(capitals) if capitals and rng.random() < 0.2 else rng.randrange(len(text) + 1)
            expected = _country_before_in_window(attributor, text, start, lang)
            assert attributor._country_before(text, start, lang) == expected, (text, start)
            found += expected is not None
    assert found > 1000


def test_full_names_found_from_two_words_back_are_those_of_the_whole_run() -> None:
    # `_full_name_before` searches a run of name characters from the second word before the
    # surname on; the search of the whole run finds the same
    def whole_run(name: str, text: str, seen: int) -> str | None:
        full = re.compile(rf"\b({_NAME_TOKEN}(?:\s+{_NAME_TOKEN})?)\s+{re.escape(name)}\b")
        while seen >= 0:
            end = _name_run_end(text, seen)
            m = full.search(text, _name_run_start(text, seen), end + 1)
            if m is not None:
                return m.group(1)
            seen = text.find(name, end)
        return None

    rng = random.Random(19)
    names = ["Rutte", "Mark", "Al-Sisi", "O'Brien", "Müller", "van"]
    words = [*names, "Der", "NATO-Generalsekretär", "Jens", "x", "Rutteé", "1", "D'Rutte"]
    found = 0
    for _ in range(20_000):
        chosen = rng.choices(words, k=rng.randrange(1, 9))
        text = "".join(w + rng.choice([" ", " ", "  ", "\n", "\u00a0", "", ", ", "-"]) for w in chosen)
        name = rng.choice([w for w in chosen if w in names] or names)
        seen = text.find(name)
        if seen < 0:
            continue
        expected = whole_run(name, text, seen)
        assert _full_name_before(name, text, seen) == expected, (name, text)
        found += expected is not None
    assert found > 2000
