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
    _REPORTED_SPEECH,
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
    _ADJECTIVE_HINT,
    _AGENT_PREP,
    _CONTINUES_WORDS,
    _COORD_AFTER_VERB,
    _COORD_LEADS,
    _DATELINE,
    _LOCATION_PREP,
    _RATE_AFTER,
    _RATE_LEADS,
    _RECIPIENT,
    _TOTAL_CUE,
    _TOTAL_CUE_WORDS,
    _TOTAL_TO,
    _VICTIM_PLACE_PREP,
    _adjective_runs,
    _Context,
    _dateline,
    _has_total_cue,
    _match_led,
    _qualifier_search,
    _scan_countries,
    _total_to,
    _WordsBefore,
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


# The patterns `_WordsBefore` replaced, as they were written.
_WORDS_BEFORE = [
    (
        _LOCATION_PREP,
        r"(?<![\w])(?:in|im|nach|aus|bei|auf|gegen|über|into|to|from|near|at|against|on|across|inside|of)\s+"
        r"(?:der\s+|die\s+|den\s+|dem\s+|the\s+|Region\s+|region\s+|Gebiet\s+|Stadt\s+|city\s+of\s+)?$",
    ),
    (
        _VICTIM_PLACE_PREP,
        r"(?<![\w])(?:in|im|auf|on|across|throughout|inside)\s+(?:der\s+|die\s+|den\s+|dem\s+|the\s+)?$",
    ),
    (
        _RECIPIENT,
        r"(?<![\w])(?:to|for|für|an|provided|provide|gave|give|given|giving|pledged|promised|liefert|lieferte|"
        r"schickt|schickte|sent|send|sends|zugesagt|versorgt|unterstützt|helps?|helped)\s+"
        r"(?:the\s+|die\s+|der\s+|den\s+)?$",
    ),
    (_AGENT_PREP, r"(?<![\w])(?:by|von|durch|from|aus)\s+(?:the\s+|der\s+|den\s+|dem\s+)?$"),
]


@pytest.mark.parametrize("index", range(len(_WORDS_BEFORE)))
def test_words_before_a_mention_are_found_where_the_search_of_the_window_finds_them(index: int) -> None:
    words_before, written = _WORDS_BEFORE[index]
    regex = re.compile(written, re.IGNORECASE)
    tails = [" ".join([*before, last]) for last, befores in words_before.tails.items() for before in befores]
    words = [*words_before.heads, *tails]
    rng = random.Random(index)
    pieces = [
        *words,
        *(w.upper() for w in words),
        *(w.title() for w in words),
        *("İn", "ın", "İnto", "ſtadt", "\u212aiew", "Straße", "STRASSE", "FÜR", "Über"),
        *("x", "Ost", "city", "of", "Kiew", "_", "9", "(", ",", "-", "'", "é", "ü"),
        *(" ", " ", " ", "  ", "\n", "\t", "\u00a0", " \n", "\x0b", "\x1c", "\u2003", "\x85"),
    ]
    spaces = [" ", "  ", "\n", "\t", "\u00a0", "\x1f", "\u3000"]
    found = 0
    for _ in range(4000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 9)))
        if rng.random() < 0.5:  # ends as a match would: a head, maybe a tail, white space
            text += rng.choice(["", " ", "(", "x"]) + rng.choice(pieces[: 3 * len(words)])
            text += rng.choice(spaces) + rng.choice(["", *pieces[: 3 * len(words)]]) + rng.choice(spaces)
        for lo in (0, rng.randrange(len(text) + 1), max(0, len(text) - 6)):
            for hi in (len(text), rng.randrange(lo, len(text) + 1)):
                expected = regex.search(text, lo, hi) is not None
                assert (words_before.regex.search(text, lo, hi) is not None) == expected, (text, lo, hi)
                assert words_before.found(text, lo, hi) == expected, (text, lo, hi)
                found += expected
    assert found > 2000  # the windows hold many matches, not only misses


def test_words_before_takes_tails_of_several_words() -> None:
    words_before = _WordsBefore(("from",), ("the city of", "the"))
    assert words_before.found("from the city of ", 0, 17)
    assert words_before.found("x from  the\tcity of\n", 0, 21)
    assert not words_before.found("from city of ", 0, 13)
    assert not words_before.found("xfrom the city of ", 0, 18)
    assert words_before.found("Bfrom the ", 1, 10) is False
    assert words_before.found("(from the ", 1, 10)


def test_cheap_tests_before_searches_agree_with_the_searches() -> None:
    rng = random.Random(11)
    cue_words = [*_TOTAL_CUE_WORDS, "so far", "in total", "seit Kriegsbeginn"]
    pieces = [
        *cue_words,
        *(w.upper() for w in cue_words),
        *(w.title() for w in cue_words),
        *("ſeit", "ſince", "İnsgesamt", "ınsgesamt", "bıslang", "bringing", "Brachte", "erhöhte", "raises"),
        *("to", "TO", "auf", "Auf", "x", "Kiew", "KYIV, Ukraine", "(AP)", "(Reuters)", "(", ")", "—", "-"),
        *(",", "9", "ü", " ", " ", "  ", "\n", "\t", "\u00a0"),
    ]
    seen = {"cue": 0, "to": 0, "dateline": 0}
    for _ in range(6000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 14)))
        if rng.random() < 0.3:
            text += rng.choice(["bringing", "brachte", "raises"]) + " its total to "
        elif rng.random() < 0.3:
            text = (
                rng.choice(["KYIV, Ukraine", "Kiew", "", "(x)"])
                + " (AP) "
                + rng.choice(["—", "-", "–"])
                + " "
                + text
            )
        for lo in (0, rng.randrange(len(text) + 1)):
            for hi in (len(text), rng.randrange(lo, len(text) + 1)):
                cue = _TOTAL_CUE.search(text, lo, hi) is not None
                assert _has_total_cue(text, lo, hi) == cue, (text, lo, hi)
                to = _TOTAL_TO.search(text, lo, hi) is not None
                assert _total_to(text, lo, hi) == to, (text, lo, hi)
                dateline, expected = _dateline(text, lo, hi), _DATELINE.match(text, lo, hi)
                assert (dateline and dateline.span()) == (expected and expected.span()), (text, lo, hi)
                seen["cue"] += cue
                seen["to"] += to
                seen["dateline"] += expected is not None
    assert min(seen.values()) > 300, seen  # many matches, not only misses


def test_hints_of_adjectives_make_the_runs_the_hint_pattern_makes() -> None:
    rng = random.Random(13)
    pieces = [*"aIsScChHdDeEuUtTİıſ-_ 9.\n", "isch", "ISCH", "deutsch", "Deutsch", "DEUTSCH", "iſch", "ısch"]
    pieces += ["İsch", "russisch", "deutſch", "Fischer", "ü", "—", "\u212a"]
    for _ in range(10_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(30)))
        expected: list[tuple[int, int]] = []
        end = -1
        for hint in _ADJECTIVE_HINT.finditer(text):
            if hint.start() < end:
                continue
            start, end = hint.start(), hint.end()
            while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_-"):
                start -= 1
            while end < len(text) and (text[end].isalnum() or text[end] in "_-"):
                end += 1
            expected.append((start, end))
        assert _adjective_runs(text, lexicons()) == expected, text


def test_matches_led_by_their_first_character_are_the_patterns_matches() -> None:
    rng = random.Random(17)
    cases = [
        (
            _RATE_AFTER["de"],
            _RATE_LEADS["de"],
            ["pro", "je", "am", "im", "in der", "jeden", "jede", "Tag", "Woche"],
        ),
        (
            _RATE_AFTER["en"],
            _RATE_LEADS["en"],
            ["a", "per", "each", "every", "a single", "day", "week", "month"],
        ),
        (_COORD_AFTER_VERB, _COORD_LEADS, [",", "and", "und", "sowie", "while", "whereas", "as well as"]),
    ]
    others = ["x", "İm", "ım", "ſowie", "PRO", "Je", "AND", "Tage", "9", ".", "-", " ", "  ", "\n", "\u00a0"]
    matched = 0
    for pattern, leads, words in cases:
        pieces = [*words, *(w.upper() for w in words), *(w.title() for w in words), *others]
        for _ in range(5000):
            text = "".join(rng.choice(pieces) + rng.choice(["", " ", " "]) for _ in range(rng.randrange(6)))
            pos = rng.randrange(len(text) + 1)
            for endpos in (len(text), rng.randrange(pos, len(text) + 1)):
                got, expected = (
                    _match_led(pattern, leads, text, pos, endpos),
                    pattern.match(text, pos, endpos),
                )
                assert (got and got.span()) == (expected and expected.span()), (text, pos, endpos)
                matched += expected is not None
    assert matched > 1000


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


def test_reported_speech_is_what_its_whole_pattern_finds() -> None:
    plain = re.compile(rf"(?<![\w])(?:{'|'.join(_REPORTED_SPEECH_WORDS)})(?![\w])")
    rng = random.Random(12)
    pieces = [*_REPORTED_SPEECH_WORDS[:-1], "seit Jahren habe", "Sei", "seiT", "x", "_", "2", "-", "ä"]
    pieces += [" ", "  ", "\n", ",", ".", "Der Minister", "sagte"]
    found = 0
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 300)))  # indexed past 400
        for _ in range(10):
            lo = rng.randrange(len(text) + 1)
            hi = rng.randrange(lo, len(text) + 1)
            expected = plain.search(text, lo, hi)
            m = _REPORTED_SPEECH.search(text, lo, hi)
            assert (m and m.span()) == (expected and expected.span()), (text, lo, hi)
            found += expected is not None
    assert found > 1000


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
