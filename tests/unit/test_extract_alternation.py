"""`Alternation` gives exactly what its whole pattern gives, at every position and in every range."""

from __future__ import annotations

import random
import re

import pytest

from claimwatch_extract.alternation import (
    _RUN,
    Alternation,
    _Entry,
    _Needle,
    _NeedleRuns,
    _run_end,
    _shortest,
    _spellings,
    _starts,
    _tail_char,
    _Try,
    folds_plainly,
)
from claimwatch_extract.attribution import _ANAPHOR
from claimwatch_extract.lexicons import LANGS, lexicons
from claimwatch_extract.numbers import _NUMBER_RE

TEXT = (
    "Laut dem ukrainischen Generalstab hat Russland seit Kriegsbeginn rund 600.000 Soldaten verloren. "
    "Die UN-Flüchtlingshilfe meldet 6,2 Millionen Flüchtlinge; nach UN-Angaben sind es mehr. "
    "Ukraine's General Staff said 1,150 Russian soldiers were killed or wounded, the U.N. said. "
    "Kiew beziffert die Verluste auf 42 Panzer, -hilfe und Nato-Zahlen; the White House and NATO agreed. "
    "Selenskyjs Büro, Zelensky's office, Bundesinnenministeriums, the Kremlin: 3 Drohnen abgeschossen. "
) * 3


def _spans(matches: object) -> list[tuple[int, int, str | None]]:
    return [(m.start(), m.end(), m.lastgroup) for m in matches]  # type: ignore[attr-defined]


def _lexicon_alternations() -> list[Alternation]:
    lex = lexicons()
    out = [lex.named_source_re, lex.place_re]
    for lang in LANGS:
        out += [lex.unit_re[lang], lex.metric_re[lang], lex.country_re[lang], lex.country_name_re[lang]]
        out += [lex.body_re[lang], lex.period_re[lang]]
    return out


@pytest.mark.parametrize("index", range(14))
def test_lexicon_alternations_match_their_whole_pattern(index: int) -> None:
    alternation = _lexicon_alternations()[index]
    whole = alternation.pattern
    assert _spans(alternation.finditer(TEXT)) == _spans(whole.finditer(TEXT))
    rng = random.Random(index)
    for _ in range(200):
        lo = rng.randrange(len(TEXT))
        hi = rng.randrange(lo, len(TEXT) + 1)
        assert _spans(alternation.finditer(TEXT, lo, hi)) == _spans(whole.finditer(TEXT, lo, hi))
        a, b = alternation.match(TEXT, lo, hi), whole.match(TEXT, lo, hi)
        assert (a and (a.span(), a.lastgroup)) == (b and (b.span(), b.lastgroup))


def test_first_characters_follow_case_folding_and_optional_parts() -> None:
    alternation = Alternation(
        [r"(?P<a>(?:Wolodymyr )?Selenskyj)", r"(?P<b>[\w-]*hilfe)", r"(?P<c>kelvin)"],
        lead=r"(?<![\w-])",
        flags=re.IGNORECASE,
    )
    text = "Wolodymyr Selenskyj, selenskyj; -hilfe und Nothilfe, \u212aelvin " * 40
    assert _spans(alternation.finditer(text)) == _spans(alternation.pattern.finditer(text))
    assert len(list(alternation.finditer(text))) == 5 * 40


def test_entries_without_known_first_characters_are_tried_everywhere() -> None:
    alternation = Alternation([r"(?P<a>.x)", r"(?P<b>(?i:y)z)"], lead=r"(?<![\w])")
    text = "ax bx Yz yz " * 50
    assert _spans(alternation.finditer(text)) == _spans(alternation.pattern.finditer(text))


@pytest.mark.parametrize("index", range(14))
def test_short_texts_match_their_whole_pattern(index: int) -> None:
    alternation = _lexicon_alternations()[index]
    whole = alternation.pattern
    rng = random.Random(100 + index)
    for _ in range(300):
        lo = rng.randrange(len(TEXT))
        short = TEXT[lo : lo + rng.randrange(1, 120)]  # a new string: not the indexed text
        assert _spans(alternation.finditer(short)) == _spans(whole.finditer(short))
        a, b = alternation.search(short), whole.search(short)
        assert (a and (a.span(), a.lastgroup)) == (b and (b.span(), b.lastgroup))
        a, b = alternation.fullmatch(short), whole.fullmatch(short)
        assert (a and (a.span(), a.lastgroup)) == (b and (b.span(), b.lastgroup))


def test_fullmatch_of_every_entry_is_the_whole_pattern_s() -> None:
    lex = lexicons()
    names = [n for place in lex.places for n in place.names] + ["Ukraine", "Ukraine's", "NATO", "Kiew", "x"]
    for alternation in _lexicon_alternations():
        for name in names:
            a, b = alternation.fullmatch(name), alternation.pattern.fullmatch(name)
            assert (a and (a.span(), a.lastgroup)) == (b and (b.span(), b.lastgroup))


def test_match_keyed_by_the_word_rules_out_compound_branches_exactly() -> None:
    # Entries whose branches need a literal inside the word ('[\w-]*panzer'), beside branches
    # that do not; the pattern tried at a word holds only the entries the word can match.
    alternation = Alternation(
        [
            r"(?P<a>(?:gepanzert\w* Fahrzeug\w*)(?![\w])|(?:[\w-]*schützenpanzer\w*)(?![\w]))",
            r"(?P<b>(?:[\w-]*panzer(?:n|s)?\b)(?![\w])|(?:[\w-]*(?:kampf|transport)fahrzeug\w*)(?![\w]))",
            r"(?P<c>(?:Soldat\w*)(?![\w]))",
            r"(?P<d>(?:[\w-]*ſtern))",
        ],
        flags=re.IGNORECASE,
    )
    assert alternation._by_run is not None
    text = (
        "14 Schützenpanzer, 3 SCHÜTZENPANZERN, gepanzerte Fahrzeuge, Kampfpanzer und Panzern; "
        "Transportfahrzeuge, Bradley-Schützenpanzer, 200 Soldaten, -panzer, Panzerfaust, "
        "Morgenstern, MORGENSTERN, Leopard-2-Kampfpanzer, panzerschützen, Soldat ſchützenpanzer."
    )
    for pos in range(len(text) + 1):
        for endpos in (len(text), pos + 5, pos + 12):
            a, b = alternation.match(text, pos, endpos), alternation.pattern.match(text, pos, endpos)
            assert (a and (a.span(), a.lastgroup)) == (b and (b.span(), b.lastgroup)), (pos, endpos)
    at_soldaten = alternation._pattern_for_run("Soldaten")
    at_kampfpanzer = alternation._pattern_for_run("Kampfpanzer")
    assert at_soldaten is not None
    assert at_kampfpanzer is not None
    assert "P<a>" not in at_soldaten.pattern  # no 'sch' in 'Soldaten'
    assert "P<b>" not in at_soldaten.pattern
    assert "P<c>" in at_soldaten.pattern
    assert "P<b>" in at_kampfpanzer.pattern
    assert "P<a>" not in at_kampfpanzer.pattern


def test_scans_rule_out_compound_branches_by_the_literals_in_the_run() -> None:
    # A scan tries a compound branch ('[\w-]*hilfe') only where the run holds its literal ('hil'),
    # found by its spellings in a text that folds plainly and by the pattern in one that does not.
    alternation = Alternation(
        [
            r"(?P<a>(?:[\w-]*hilfe\w*)(?![\w])|(?:Unterstützung\w*)(?![\w]))",
            r"(?P<b>(?:[\w-]*panzer)(?![\w])|(?:[\w-]+-Kämpfer\w*)(?![\w]))",
            r"(?P<c>(?:Soldat\w*)(?![\w]))",
        ],
        lead=r"(?<![\w-])",
        flags=re.IGNORECASE,
    )
    text = (
        "Militärhilfe, MILITÄR-HILFE und Nothilfen; hilhilfe, Hil-fe, Unterstützung für Soldaten. "
        "Kampfpanzer, Schützen-PANZER, Panzerhaubitze und IS-Kämpfer; hilfreich, -hilfe, x-Kämpfer. "
    ) * 5
    assert len(text) >= 400  # long enough to be indexed
    assert alternation._by_key_plain is not None
    for sample in (text, text.replace("Nothilfen", "Notſhilfen")):
        assert folds_plainly(sample) == (sample == text)
        expected = _spans(alternation.pattern.finditer(sample))
        assert _spans(alternation.finditer(sample)) == expected
        for lo in range(0, len(sample), 7):
            assert _spans(alternation.finditer(sample, lo, lo + 60)) == _spans(
                alternation.pattern.finditer(sample, lo, lo + 60)
            )
    assert [m.lastgroup for m in alternation.finditer(text)][:8] == ["a", "a", "a", "a", "a", "c", "b", "b"]


def test_needle_runs_cover_the_positions_whose_run_holds_a_literal() -> None:
    assert _spellings("hil") == ["HIL", "HIl", "HiL", "Hil", "hIL", "hIl", "hiL", "hil"]
    assert _spellings("-2a") == ["-2A", "-2a"]
    assert _spellings("ähn") is None
    assert _Needle(["hil", "-kä"], re.IGNORECASE).spellings is None  # 'ä' has no ASCII spellings
    assert _Needle(["hil", "-kä"], 0).spellings == ["hil", "-kä"]
    needle = _Needle(["hil", "pan"], re.IGNORECASE)
    assert needle.spellings is not None
    assert len(needle.spellings) == 16
    text = "Nothilfe und Xhilhil, a-Panzer; hil"
    runs = _NeedleRuns(text, needle)
    assert runs.hits == [3, 14, 17, 24, 32]
    assert runs.run_starts == [0, 13, 13, 22, 32]
    covered = [p for p in range(len(text)) if _NeedleRuns(text, needle).covers(p)]
    assert covered == [0, 1, 2, 3, *range(13, 18), 22, 23, 24, 32]
    assert needle.hits(text.replace("und", "ſnd")) == runs.hits  # not folding plainly: by the pattern
    assert _Needle(["aaa"], re.IGNORECASE).hits("aAaaB aaa") == [0, 1, 6]


def test_tails_are_the_literal_characters_after_the_key() -> None:
    assert [_tail_char(t, 0) for t in ("a", "ä", "\\.", "\\ ", "\\-", ".", "\\w", "[Ss]", "[^x]")] == [
        *("a", "ä", ".", " ", "-"),
        *(None, None, None, None),
    ]
    assert [_tail_char(t, re.IGNORECASE) for t in ("A", "ä", "[Ss]", "\\.")] == ["a", None, "s", "."]
    assert _shortest({"ab", "abc", "b", "ba", "ca"}) == ["b", "ab", "ca"]
    assert _Entry("Ukrain(?:e|ian)", 0).tails("Ukr") == ["aine", "ainia"]
    assert _Entry(r"Kiew\w*", re.IGNORECASE).tails("kIe") == ["w"]
    assert _Entry(r"Kiew\w*", re.IGNORECASE).tails("Kie") == ["w"]
    assert _Entry(r"Kie\w*", 0).tails("Kie") is None  # a class right after the key
    assert _Entry("Ab", 0).tails("Abc") is None  # nothing after the key
    assert _Entry(r"laut|nach\s+Angaben", re.IGNORECASE).tails("nac") == ["h"]
    # an entry with thousands of ways to begin (number words), grouped by their first classes
    numbers = _NUMBER_RE["en"]
    assert [(k, t.tails) for k in ("sev", "for", "two") if (t := numbers._by_key[k]) is not None] == [
        ("sev", [("en", "EN"), ("eral", "ERAL")]),
        ("for", [("ty", "TY")]),
        ("two", None),
    ]
    tried = _Try(re.compile("Ukrain(?:e|ian)", re.IGNORECASE), [("aine", "AINE"), ("aini", "AINI")])
    text = "in UKRAINE, Ukrainian, ukrAinE, Ukrainisch, Ukra"
    assert [p for p in (3, 12, 23, 31, 44) if tried.rules_out(text, p)] == [31, 44]


def test_scans_rule_out_positions_by_what_follows_the_key() -> None:
    alternation = Alternation(
        ["(?P<a>Ukraine)", "(?P<b>Ukrainian)", r"(?P<c>Kiew\w*)", r"(?P<d>according\s+to)"],
        lead=r"(?<![\w])",
        tail=r"(?![\w])",
        flags=re.IGNORECASE,
    )
    text = (
        "UKRAINE and ukrainian; Ukrainisch, Ukrain. Kiewer Kiew, kiev, according to, ACCORDING\tTO, "
        "accordingly, accord to; Ukraine's UKRAINIANS ukraine-based, Kiew-Ukraine. "
    ) * 4
    assert len(text) >= 400  # long enough to be indexed
    assert alternation._indexed
    tails = {key: tried.tails for key in ("UKR", "acc", "Kie") if (tried := alternation._by_key[key])}
    assert tails == {
        "UKR": [("aine", "AINE"), ("ainia", "AINIA")],
        "acc": [("ordin", "ORDIN")],  # eight characters read in all
        "Kie": [("w", "W")],
    }
    for sample in (text, text.replace("kiev", "\u212aiev")):
        assert folds_plainly(sample) == (sample == text)
        expected = _spans(alternation.pattern.finditer(sample))
        assert _spans(alternation.finditer(sample)) == expected
        assert _spans(alternation.finditer_at(sample, _starts(sample))) == expected
        short = sample[:150]
        assert _spans(alternation.finditer(short)) == _spans(alternation.pattern.finditer(short))
        for pos in range(len(short)):
            a, b = alternation.match(short, pos), alternation.pattern.match(short, pos)
            assert (a and (a.span(), a.lastgroup)) == (b and (b.span(), b.lastgroup)), pos
    assert "".join(str(m.lastgroup) for m in alternation.matches(text)[:10]) == "abccddaaca"


def test_anaphor_alternations_match_their_whole_pattern() -> None:
    text = (
        "Demnach starben 12 Menschen, sagte er. Den Angaben zufolge, wie sie mitteilte, hieß es; "
        "SIE SCHÄTZTE 300, so die Behörde. Er fügte hinzu: heißt es. Xdemnach, so das Ministerium. "
        "He said 40 were killed, said they; the ministry said, according to the same source. "
        "According to the figures, the spokeswoman added: THEY CLAIMED 7; asaid he, it reported. "
    ) * 3
    assert len(text) >= 400  # long enough to be indexed
    for lang in LANGS:
        alternation, whole = _ANAPHOR[lang], _ANAPHOR[lang].pattern
        assert len(list(whole.finditer(text))) >= 6
        for lo in range(0, len(text), 3):
            for hi in (lo + 25, lo + 90, len(text)):
                a, b = alternation.search(text, lo, hi), whole.search(text, lo, hi)
                assert (a and a.span()) == (b and b.span()), (lang, lo, hi)


def test_starts_are_the_word_starts_and_hyphens() -> None:
    rng = random.Random(7)
    alphabet = "ab- ,.ß\u00e9_9\n\u2013\u00b2\u0663\u0301\U0001d400\U0001f600"
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(30)))
        pos = rng.randrange(len(text) + 1)
        endpos = rng.randrange(pos, len(text) + 2)
        word = [bool(re.match(r"\w", ch)) for ch in text]
        expected = [
            p
            for p in range(pos, min(endpos, len(text)))
            if text[p] == "-" or (word[p] and (p == pos or not word[p - 1]))
        ]
        assert _starts(text, pos, endpos) == expected, (text, pos, endpos)


def test_run_ends_are_where_the_run_pattern_ends() -> None:
    rng = random.Random(8)
    alphabet = "ab- ,.ß\u00e9_9\n\u2013\u00b2\u0663\u0301\U0001d400\U0001f600"
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(30)))
        pos = rng.randrange(len(text) + 1)
        run = _RUN.match(text, pos)
        assert run is not None
        assert _run_end(text, pos) == run.end(), (text, pos)


def test_starts_read_every_character_as_re_reads_a_word_character() -> None:
    every = " ".join(map(chr, range(0x110000)))
    expected = [m.start() for m in re.finditer(r"\w|-", every)]
    assert _starts(every) == expected
    assert len(expected) > 100_000


def test_alternations_registered_in_turn_and_past_the_registry_bound_keep_their_matches() -> None:
    # Candidates of every registered alternation are found in one pass over a text's keys; an
    # alternation first used after that pass, or after the registry started again, must still
    # get its own positions and patterns, and the others theirs.
    from claimwatch_extract import alternation as module

    words = ["Panzer", "Soldat", "Drohne", "Ukraine", "NATO", "Kiew", "Raketen", "Hilfe"]
    alternations = [
        Alternation(
            [rf"(?P<w{i}>{words[i % len(words)]}\w*)", rf"(?P<x{i}>{words[(i + 3) % len(words)]})"],
            lead=r"(?<![\w])",
        )
        for i in range(module._MAX_REGISTERED + 6)
    ]
    first, second = TEXT, TEXT.replace("Kiew", "Kyjiw")
    seen = {0}
    for text in (first, second, first):
        for i in range(len(alternations)):
            for j in sorted(seen | {i}):  # earlier ones again, after each new one joined
                expected = _spans(alternations[j].pattern.finditer(text))
                assert _spans(alternations[j].finditer(text)) == expected, (i, j)
            seen.add(i)
            assert len(module._registered) <= module._MAX_REGISTERED
    assert len(_spans(alternations[0].finditer(first))) == 6  # 'Panzer' and 'Ukraine', 3 times each


def test_candidates_are_found_for_the_first_askers_group_and_then_for_all() -> None:
    from claimwatch_extract import alternation as module

    german = Alternation([r"(?P<a>Panzer\w*)", r"(?P<b>Ukraine)"], lead=r"(?<![\w])", group="de")
    english = Alternation([r"(?P<c>tanks?)", r"(?P<d>Ukraine)"], lead=r"(?<![\w])", group="en")
    shared = Alternation([r"(?P<e>NATO)", r"(?P<f>Kiew)"], lead=r"(?<![\w])")
    text = TEXT.replace("Panzer,", "Panzer, tanks,")
    for alternation in (german, english, shared):  # registered: they join the next text's pass
        alternation.finditer("x" * 400)
    assert _spans(german.finditer(text)) == _spans(german.pattern.finditer(text))
    index = module._last
    assert index is not None
    assert index.text is text
    assert index.candidates is not None
    assert [index.candidates[a._number] is None for a in (german, english, shared)] == [False, True, False]
    for alternation in (english, shared, german):
        assert _spans(alternation.finditer(text)) == _spans(alternation.pattern.finditer(text))
    assert [index.candidates[a._number] is None for a in (german, english, shared)] == [False, False, False]
    assert [len(alternation.matches(text)) for alternation in (german, english, shared)] == [6, 6, 6]
