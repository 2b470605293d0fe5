"""Text in, claims out: the pure entry point of extraction (no Kafka, no network).

Per sentence: find the numbers, keep those that count something (a unit noun after the number
and its adjectives), then read qualifier, metric, subject, location, period and source from the
sentence and its neighbours. Every decision comes from the lexicons, so each claim can be
explained by the words that produced it.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from typing import Any, Final, Literal, TypeVar

from claimwatch_schemas import SCHEMA_VERSION, Article, Claim, Evidence, Qualifier, claim_id_for, figure_key

from .alternation import bisect_left, folds_plainly
from .attribution import WORDISH_PATTERN, Attributor, Source, resolve_person, word_alternatives
from .language import SUPPORTED, detect_language
from .lexicons import LANGS, Compiled, CountryEntry, Lang, PlaceEntry, UnitEntry, lexicons
from .numbers import NumberMention, find_numbers
from .sentences import Sentence, quote_spans, split_sentences

log: Final = logging.getLogger(__name__)

Outcome = Literal["ok", "unsupported_language", "extraction_failed"]


@dataclass(frozen=True)
class Extraction:
    """What extraction made of one article."""

    article_id: str
    language: str | None
    outcome: Outcome
    claims: list[Claim] = field(default_factory=list)


_CASUALTY: Final = frozenset({"killed", "wounded", "killed_or_wounded", "missing", "captured"})
_PERSON_UNITS: Final = frozenset({"soldiers", "people", "civilians", "children"})
_VICTIM_UNITS: Final = frozenset({"people", "civilians", "children"})
_STOP: Final = {
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "den",
            "dem",
            "des",
            "ein",
            "eine",
            "einen",
            "einem",
            "einer",
            "eines",
            "und",
            "oder",
            "sowie",
            "in",
            "im",
            "am",
            "an",
            "auf",
            "aus",
            "bei",
            "mit",
            "nach",
            "von",
            "vom",
            "zu",
            "zur",
            "zum",
            "für",
            "gegen",
            "seit",
            "bis",
            "über",
            "unter",
            "um",
            "ist",
            "sind",
            "war",
            "waren",
            "wurde",
            "wurden",
            "werden",
            "hat",
            "haben",
            "hatte",
            "hatten",
            "sei",
            "seien",
            "soll",
            "sollen",
            "kann",
            "können",
            "als",
            "wie",
            "auch",
            "noch",
            "nur",
            "bereits",
            "schon",
            "nicht",
            "rund",
            "etwa",
            "mehr",
            "weniger",
            "jahr",
            "jahren",
            "prozent",
            "jahre",
            "uhr",
            "mal",
        ]
    ),
    "en": frozenset(
        [
            "the",
            "a",
            "an",
            "and",
            "or",
            "in",
            "on",
            "at",
            "of",
            "to",
            "from",
            "by",
            "for",
            "with",
            "since",
            "until",
            "into",
            "over",
            "under",
            "is",
            "are",
            "was",
            "were",
            "be",
            "been",
            "being",
            "has",
            "have",
            "had",
            "will",
            "would",
            "could",
            "should",
            "may",
            "might",
            "per",
            "than",
            "as",
            "also",
            "only",
            "already",
            "not",
            "who",
            "that",
            "which",
            "percent",
            "per",
            "cent",
            "year",
            "years",
            "old",
            "times",
            "o'clock",
            "pm",
            "am",
            "hours",
            "days",
            "weeks",
            "months",
        ]
    ),
}
_OF_THE: Final = re.compile(
    r"\s*(?:of\s+(?:the|these|those|its|their)|of\s+(?:them|whom)\s+(?:were|are|was)|von\s+den)\s+(?=\S)",
    re.IGNORECASE,
)
_EN_ARTICLE: Final = re.compile(r"(?:^|[\s(\"“])An?\s+$")  # 'A 5,000-strong force': no model 'A 5'
_VAGUE_OF: Final = re.compile(r"\s*von\s+(?=[A-ZÄÖÜ])")  # 'Hunderte von Menschen'
_PARTITIVE_FIRST: Final = frozenset("oOvV")  # what `_OF_THE` and `_VAGUE_OF` match after white space
_HYPHEN_START: Final = re.compile(r"-(?=[^\W\d])")
_PARTICIPLE_UNITS: Final = frozenset(
    {"wounded", "injured", "dead", "killed", "verletzte", "verwundete", "tote"}
)
_CONNECTORS: Final = frozenset({"oder", "und", "or", "and", "bzw.", "sowie", "beziehungsweise"})
_WORD: Final = re.compile(r"[^\W\d_][\w'’.-]*|\d[\w.,-]*")
# Words before a number that name a model, a page, a flight... ('Leopard 2', 'Nr. 5'): a figure is
# no number right after one of them and white space (`str.rstrip` strips what `\s` matches).
_MODEL_PREFIXES: Final = (
    "Leopard", "Challenger", "Patriot", "Iris-T", "IRIS-T", "Marder", "Gepard", "Typ", "Type", "Modell",
    "Model", "Version", "Block", "Phase", "Stufe", "Nummer", "Nr.", "No.", "Seite", "Seiten", "page",
    "pages", "p.", "S.", "Kapitel", "chapter", "Artikel", "Article", "Paragraf", "Paragraph", "Absatz",
    "Resolution", "Flight", "Flug", "Gate", "Apollo", "Windows", "COVID", "Covid", "Corona", "Mark", "Mk.",
    "Storm", "Shadow", "Punkt", "Point", "Level", "Runde", "round", "Folge", "Episode", "Staffel",
    "Season", "Teil", "Part", "Platz", "Rang", "Zimmer", "Room", "Gleis", "Linie", "Line", "Route",
    "Highway", "Autobahn", "A", "B", "M", "T", "Tu", "Su", "MiG", "Ka", "Mi", "Kh", "S", "BM", "TOS",
    "Bayraktar", "Geran", "Schahed", "Shahed", "Lancet", "Storm Shadow", "ATACMS", "HIMARS", "KN",
    "Hwasong", "Kinschal", "Kinzhal", "Zirkon", "Iskander", "Tornado", "Taurus", "Gripen", "Kalibr",
    "Onyx", "Oniks", "P", "Ch", "X", "Jak", "Yak", "An", "Il", "Tupolew", "Sukhoi", "Suchoi",
)  # fmt: skip
# by their last character: `endswith` with a tuple tries each of its items
_MODEL_PREFIXES_BY_LAST: Final = {
    last: tuple(p for p in _MODEL_PREFIXES if p.endswith(last)) for last in {p[-1] for p in _MODEL_PREFIXES}
}
# Hyphenated compounds that still count something: '5,000-strong', '100-Milliarden-Euro-Topf'.
_HYPHEN_UNIT: Final = (
    r"(?:strong|köpfig\w*|Mann\b|Milliarden|Millionen|Mrd|Mio|Euro|Dollar|Pfund|Rubel|Tonnen|billion|million)"
)
_AFTER_TRAP: Final = re.compile(
    r"^(?:\s*(?:%|Prozent|prozentig|percent|per\s*cent|Prozentpunkte|percentage|Jahre\s+alt|years?\s+old|"
    r"Uhr|o'clock|a\.m\.|p\.m\.|am\b|pm\b|Grad|degrees|km/h|Meter|Metern|metres|meters|Kilometer\w*|"
    r"kilometres?|kilometers?|miles?|Meilen|Jahrhundert|century|Jahre\b|Jahren\b|years\b|Tage\b|Tagen\b|"
    r"days\b|Stunden\b|hours\b|Minuten\b|minutes\b|Wochen\b|weeks\b|Monate\w*|months\b)"
    rf"|-(?!{_HYPHEN_UNIT})[^\W\d]|-?[Jj]ährig|\.\s*[A-ZÄÖÜ]\w*\s+\d{{4}})"
)
# What `_AFTER_TRAP` can begin with: its words after white space, and its other branches.
# (its words after white space by their first character, at most three of them)
_AFTER_TRAP_WORD_STARTS: Final = (
    "%", "Pro", "pro", "per", "Jah", "yea", "Uhr", "o'c", "a.m", "p.m", "am", "pm", "Gra", "deg", "km/",
    "Met", "met", "Kil", "kil", "mil", "Mei", "cen", "Tag", "day", "Stu", "hou", "Min", "min", "Woc",
    "wee", "Mon", "mon",
)  # fmt: skip
_AFTER_TRAP_WORD_FIRST: Final = {
    first: tuple(w for w in _AFTER_TRAP_WORD_STARTS if w[0] == first)
    for first in {w[0] for w in _AFTER_TRAP_WORD_STARTS}
}
_AFTER_TRAP_FIRST: Final = "-.Jj"
_TOLL: Final = {
    "de": re.compile(
        r"(?:Zahl\s+der\s+[\w]*-?(?:Toten|Todesopfer|Getöteten|Opfer|Verletzten|Verwundeten|Vermissten|"
        r"Gefallenen|Vertriebenen|Flüchtlinge)|Todeszahl|Opferzahl|Totenzahl|Bilanz|Todesopferzahl)"
        r"\b[^.;]{0,80}?(?:auf|bei|beträgt|betrug|liegt\s+bei|übersteigt|überschreitet|:)\s*$",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"(?:death\s+toll|toll|number\s+of\s+(?:dead|deaths|people\s+killed|injured|wounded|casualties|"
        r"missing|displaced|victims|fatalities|refugees))\b[^.;]{0,80}?(?:to|at|of|reached|is|was|hit|passes|passed|tops|topped|exceeds|exceeded|surpasses|surpassed|:)\s*$",
        re.IGNORECASE,
    ),
}
_VERB_BEFORE: Final = {
    "de": re.compile(
        r"(?:tötete|töteten|verletzte|verletzten|verwundete|verwundeten|entführte|entführten|verschleppte|"
        r"verschleppten)\s+$",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"(?:killing|killed|wounding|wounded|injuring|injured|kills|killed\s+at\s+least|abducting|abducted|"
        r"kidnapping|kidnapped)\s+$",
        re.IGNORECASE,
    ),
}
_PARTITIVE: Final = re.compile(
    r"^\s+(?:(?:out\s+)?of|von|der)\s+(?:the\s+|den\s+|insgesamt\s+|total\s+|all\s+|a\s+total\s+of\s+)?"
    r"(?:(?:etwa|rund|knapp|fast|about|around|some|nearly|almost)\s+)?$",
    re.IGNORECASE,
)
# The last words of the matches of `_TOLL` (no white space needed after them) and `_VERB_BEFORE`.
_TOLL_LAST_WORD: Final[dict[Lang, tuple[str, ...]]] = {
    "de": ("auf", "bei", "beträgt", "betrug", "übersteigt", "überschreitet", ":"),
    "en": (
        "to", "at", "of", "reached", "is", "was", "hit", "passes", "passed", "tops", "topped", "exceeds",
        "exceeded", "surpasses", "surpassed", ":",
    ),
}  # fmt: skip
_VERB_LAST_WORD: Final[dict[Lang, tuple[str, ...]]] = {
    "de": (
        "tötete", "töteten", "verletzte", "verletzten", "verwundete", "verwundeten", "entführte",
        "entführten", "verschleppte", "verschleppten",
    ),
    "en": (
        "killing", "killed", "wounding", "wounded", "injuring", "injured", "kills", "least", "abducting",
        "abducted", "kidnapping", "kidnapped",
    ),
}  # fmt: skip
_ELLIPTIC_VERB: Final = re.compile(
    r"\s*(?:(?:weitere|more|others?|wurden|were|have\s+been|had\s+been|has\s+been|sind|waren|was|are|is|"
    r"seien|ist|currently|also|bereits|already|worden|zudem|remain|remained|still|noch|gelten|galten|als)\s+){0,3}",
    re.IGNORECASE,
)
_ELIDED_AND: Final = re.compile(r"\s+(?:und|oder|bzw\.|sowie)\s")
_PLAIN_AND: Final = re.compile(r"\s+(?:und|and|oder|or)\s+", re.IGNORECASE)
_COORD_GAP: Final = re.compile(
    r"^\s*(?:,|,?\s*(?:und|sowie|and|or|oder|as\s+well\s+as|plus))?\s*(?:,\s*)?$", re.IGNORECASE
)


def _word_char_before(text: str, pos: int) -> bool:
    """Whether a word character precedes `pos` (`re`'s \\w: `str.isalnum()` or '_')."""
    return pos > 0 and (text[pos - 1].isalnum() or text[pos - 1] == "_")


_WORD_RUN: Final = re.compile(r"\w+")


class _WordsBefore:
    r"""`(?<![\w])(?:head|...)\s+(?:tail\s+|...)?$` under re.IGNORECASE, searched in the window that
    ends where a mention begins: whether the window ends with a head word ('in', 'from') and maybe a
    tail ('der', 'the', 'city of') after it. `found` reads the window's last words from the end
    instead of trying the regex at every position (~10,000 instructions a search); a word whose
    letters do not fold plainly goes to the regex. tests/unit/test_extract_scans.py compares them."""

    def __init__(self, heads: tuple[str, ...], tails: tuple[str, ...]) -> None:
        """`heads` and `tails`: lower-case words, a tail maybe several ('city of')."""
        assert all(_WORD_RUN.fullmatch(head) for head in heads)  # what `_head_ends` relies on
        self.heads = heads
        self._head_set = frozenset(heads)
        self.tails: dict[str, list[list[str]]] = {}  # by its last word: the words before it
        for tail in tails:
            words = tail.split()
            self.tails.setdefault(words[-1], []).append(words[:-1])
        tail_alternatives = "|".join(r"\s+".join(t.split()) for t in tails)
        self.regex = re.compile(
            rf"(?<![\w])(?:{'|'.join(heads)})\s+(?:(?:{tail_alternatives})\s+)?$", re.IGNORECASE
        )

    def found(self, text: str, lo: int, hi: int) -> bool:
        """Whether `self.regex.search(text, lo, hi)` finds a match."""
        hi = min(hi, len(text))
        end = _space_start(text, lo, hi)
        if end == hi:
            return False  # `\s+$`: the window ends with white space
        start = _word_start(text, lo, end)
        word = text[start:end]
        if not folds_plainly(word):
            return self.regex.search(text, lo, hi) is not None
        low = word.lower()
        if self._head_ends(text, start, low):
            return True  # no tail
        for before in self.tails.get(low, []):
            w_start = start
            for expected in reversed(before):
                w_end = _space_start(text, lo, w_start)
                w_start = _word_start(text, lo, w_end)
                word = text[w_start:w_end]
                if not folds_plainly(word):
                    return self.regex.search(text, lo, hi) is not None
                if w_start == w_end or word.lower() != expected:
                    break
            else:
                h_end = _space_start(text, lo, w_start)
                h_start = _word_start(text, lo, h_end)
                word = text[h_start:h_end]
                if not folds_plainly(word):
                    return self.regex.search(text, lo, hi) is not None
                if self._head_ends(text, h_start, word.lower()):
                    return True
        return False

    def _head_ends(self, text: str, start: int, low: str) -> bool:
        """Whether the word at `start` (lower-cased: `low`) ends with a head no word character
        precedes: heads are made of word characters, so that head is the whole run of them that
        ends the word (and does not go on before it)."""
        run = len(low)
        while run > 0 and _word_char_before(text, start + run):
            run -= 1
        return low[run:] in self._head_set and not _word_char_before(text, start + run)


# White space as `re`'s \s and `str.isspace()` read it; for ASCII, \t\n\v\f\r, \x1c-\x1f and ' '.
def _word_start(text: str, lo: int, end: int) -> int:
    """Where the run of non-white-space characters that ends at `end` begins (`lo` at the earliest)."""
    start = end
    while start > lo:
        c = ord(text[start - 1])
        if (c == 32 or 9 <= c <= 13 or 28 <= c <= 31) if c < 128 else text[start - 1].isspace():
            break
        start -= 1
    return start


def _space_start(text: str, lo: int, end: int) -> int:
    """Where the run of white space that ends at `end` begins (`lo` at the earliest)."""
    start = end
    while start > lo:
        c = ord(text[start - 1])
        if not ((c == 32 or 9 <= c <= 13 or 28 <= c <= 31) if c < 128 else text[start - 1].isspace()):
            break
        start -= 1
    return start


_RECIPIENT: Final = _WordsBefore(
    (
        *("to", "for", "für", "an", "provided", "provide", "gave", "give", "given", "giving", "pledged"),
        *("promised", "liefert", "lieferte", "schickt", "schickte", "sent", "send", "sends", "zugesagt"),
        *("versorgt", "unterstützt", "help", "helps", "helped"),
    ),
    ("the", "die", "der", "den"),
)
_RATE_AFTER: Final = {
    "de": re.compile(r"\s*(?:pro|je|am|im|in\s+der|jeden|jede)\s+(Tag|Woche|Monat)\b", re.IGNORECASE),
    "en": re.compile(r"\s*(?:a|per|each|every|a\s+single)\s+(day|week|month)\b", re.IGNORECASE),
}
# The characters each pattern above can go on with after its leading white space (every case of
# the first letters of its words under re.IGNORECASE: 'İ' and 'ı' are an 'i').
_RATE_LEADS: Final = {"de": frozenset("pPjJaAiI\u0130\u0131"), "en": frozenset("aApPeE")}
_RATE_PERIOD: Final = {
    "tag": "P1D",
    "day": "P1D",
    "woche": "P1W",
    "week": "P1W",
    "monat": "P1M",
    "month": "P1M",
}
_PRONOUN_PARTITIVE: Final = re.compile(
    r"\s+(?:of\s+them|von\s+ihnen|davon|of\s+those|more|weitere)(?![\w])", re.IGNORECASE
)
_PRICE_AFTER: Final = re.compile(r"\s*(?:(?:a|an|per|each|pro|je)\s+|/\s*)[^\W\d]", re.IGNORECASE)
_YEAR_BEFORE: Final = re.compile(
    r"(?<![\w])(?:seit|since|im|in|bis|until|ab|vor|Jahr|year|Ende|Anfang|Mitte|end|early|late|mid|von|from"
    r"|January|February|March|April|May|June|July|August|September|October|November|December|Januar|Februar|März"
    r"|Juni|Juli|Oktober|Dezember)\s+$",
    re.IGNORECASE,
)
_COUNT_OF: Final = re.compile(r"(?:Zahl|Anzahl|number|total)\s+(?:der|of)\s+", re.IGNORECASE)
_EQUIPMENT: Final = frozenset(
    {
        "tanks",
        "armored_vehicles",
        "artillery_systems",
        "air_defense_systems",
        "aircraft",
        "helicopters",
        "ships",
    }
    | {"rounds"}
)
_AIR_DEFENCE: Final = re.compile(
    r"Luftabwehr|Flugabwehr|air[- ]defen[cs]e|abgeschossen|abgefangen|shot\s+down|intercept", re.IGNORECASE
)
_TOTAL_CUE: Final = re.compile(
    r"(?:seit|since|insgesamt|bislang|bisher|so\s+far|in\s+total|total|overall|seit\s+Kriegsbeginn)\s",
    re.IGNORECASE,
)
# A word each of `_TOTAL_CUE`'s phrases holds ('so far': 'far')
# A word each of `_TOTAL_CUE`'s phrases ends with; a phrase of one word ends it all but 'so far'
_TOTAL_CUE_WORDS: Final = ("seit", "since", "insgesamt", "bislang", "bisher", "far", "total", "overall")


def _has_total_cue(text: str, lo: int, hi: int) -> bool:
    """Whether `_TOTAL_CUE` finds a cue in text[lo:hi]. Where letters fold plainly, read from the
    lower-cased window: a cue is one of its words and white space (the pattern has no word boundary
    before it), but 'far' only after 'so', which the search decides."""
    window = text[lo:hi]
    if not folds_plainly(window):
        return _TOTAL_CUE.search(text, lo, hi) is not None
    low = window.lower()
    for word in _TOTAL_CUE_WORDS:
        at = low.find(word)
        while at >= 0:
            after = at + len(word)
            if after < len(low) and low[after].isspace():
                return word != "far" or _TOTAL_CUE.search(text, lo, hi) is not None
            at = low.find(word, at + 1)
    return False


_LOCATION_PREP: Final = _WordsBefore(
    (
        *("in", "im", "nach", "aus", "bei", "auf", "gegen", "über", "into", "to", "from", "near", "at"),
        *("against", "on", "across", "inside", "of"),
    ),
    ("der", "die", "den", "dem", "the", "region", "gebiet", "stadt", "city of"),
)
_DATELINE: Final = re.compile(r"[^()\n]{0,80}\([\w/ ,.-]{2,40}\)\s*[-–—]\s")


def _dateline(text: str, start: int, end: int) -> re.Match[str] | None:
    """`_DATELINE.match(text, start, end)`, which needs a '(' among the first 81 characters."""
    if text.find("(", start, min(end, start + 81)) < 0:
        return None
    return _DATELINE.match(text, start, end)


_VICTIM_PLACE_PREP: Final = _WordsBefore(
    ("in", "im", "auf", "on", "across", "throughout", "inside"), ("der", "die", "den", "dem", "the")
)
_NOT_MOVED: Final = re.compile(
    r"Einwohner|Bewohner|Bevölkerung|inhabitants|population|residents of", re.IGNORECASE
)
_WEAPON_RATE_UNITS: Final = frozenset({"drones", "missiles", "bombs"})
_CONTINUES_WORDS: Final = [
    r"weitere[nmrs]?", "another", "other", "Davon", "Darunter", r"Of\s+(?:those|them|these)", "Hinzu",
    "Zudem", "Außerdem", r"Among\s+them", "Some", "About", "Around",
]  # fmt: skip
_CONTINUES: Final = re.compile(word_alternatives(_CONTINUES_WORDS))
_AGENT_PREP: Final = _WordsBefore(("by", "von", "durch", "from", "aus"), ("the", "der", "den", "dem"))


@dataclass(init=False)
class _Figure:
    number: NumberMention
    start: int  # evidence start (qualifier included)
    end: int  # evidence end (unit included)
    np_end: int
    unit_index: int | None
    sentence: int
    qualifier: Qualifier | None = None
    metric: str | None = None
    metric_from_noun: bool = False
    subject: str | None = None
    elliptic: bool = False
    antecedent: _Figure | None = None
    by_enemy: bool = False  # "Ukrainian forces destroyed 14 tanks": the tanks are the other side's
    noun_start: int | None = None  # where the counted noun itself begins ...
    noun_end: int | None = None  # ... and ends
    noun: str | None = None  # the counted noun of a plain count outside the unit lexicon
    period: str | None = None

    # Explicit __init__: why, in NumberMention (numbers.py).
    def __init__(
        self,
        number: NumberMention,
        start: int,
        end: int,
        np_end: int,
        unit_index: int | None,
        sentence: int,
        qualifier: Qualifier | None = None,
        metric: str | None = None,
        metric_from_noun: bool = False,
        subject: str | None = None,
        elliptic: bool = False,
        antecedent: _Figure | None = None,
        by_enemy: bool = False,
        noun_start: int | None = None,
        noun_end: int | None = None,
        noun: str | None = None,
        period: str | None = None,
    ) -> None:
        self.number = number
        self.start = start
        self.end = end
        self.np_end = np_end
        self.unit_index = unit_index
        self.sentence = sentence
        self.qualifier = qualifier
        self.metric = metric
        self.metric_from_noun = metric_from_noun
        self.subject = subject
        self.elliptic = elliptic
        self.antecedent = antecedent
        self.by_enemy = by_enemy
        self.noun_start = noun_start
        self.noun_end = noun_end
        self.noun = noun
        self.period = period


@dataclass(frozen=True)
class _Context:
    text: str
    lang: Lang
    lex: Compiled
    sentences: list[Sentence]
    quotes: list[tuple[int, int]]
    country_hits: list[tuple[int, int, str]]
    place_hits: list[tuple[int, int, int]]
    sentence_triggers: dict[int, list[tuple[int, int, int]]] = field(default_factory=dict)
    sentence_metrics: dict[int, frozenset[str]] = field(default_factory=dict)
    sentence_periods: dict[int, str | None] = field(default_factory=dict)

    def triggers_of(self, index: int) -> list[tuple[int, int, int]]:
        """(start, end, metric index) of the metric words of a sentence (found once per sentence)."""
        found = self.sentence_triggers.get(index)
        if found is None:
            sent = self.sentences[index]
            found = [
                (m.start(), m.end(), int(m.lastgroup[1:]))
                for m in self.lex.metric_re[self.lang].matches(self.text, sent.start, sent.end)
                if m.lastgroup
            ]
            self.sentence_triggers[index] = found
        return found

    def metrics_of(self, index: int) -> frozenset[str]:
        """The metrics a sentence's words name (computed once per sentence)."""
        found = self.sentence_metrics.get(index)
        if found is None:
            found = frozenset(self.lex.metrics[i].metric for _s, _e, i in self.triggers_of(index))
            self.sentence_metrics[index] = found
        return found

    def _period_name(self, hit: re.Match[str]) -> str | None:
        return self.lex.periods[int(hit.lastgroup[1:])].period if hit.lastgroup else None

    def period_of(self, index: int) -> str | None:
        """The period the first period phrase of a sentence names (found once per sentence)."""
        if index in self.sentence_periods:
            return self.sentence_periods[index]
        sent = self.sentences[index]
        m = next(
            (
                hit
                for hit in self.lex.period_re[self.lang].matches(self.text, sent.start, sent.end)
                if self._period_name(hit) == "P1D"
                or not _SAID_WHEN.search(self.text, max(sent.start, hit.start() - 20), hit.start())
            ),
            None,
        )  # 'the ministry said last week': when it was said, not a rate ('meldete in der Nacht' is)
        found = self.lex.periods[int(m.lastgroup[1:])].period if m is not None and m.lastgroup else None
        self.sentence_periods[index] = found
        return found

    def countries_in(self, lo: int, hi: int) -> list[tuple[int, int, str]]:
        return _hits_within(self.country_hits, lo, hi)

    def places_in(self, lo: int, hi: int) -> list[tuple[int, int, int]]:
        return _hits_within(self.place_hits, lo, hi)


_Tag = TypeVar("_Tag")


def _hits_within(hits: list[tuple[int, int, _Tag]], lo: int, hi: int) -> list[tuple[int, int, _Tag]]:
    """The hits (sorted by start, ends >= 0) that lie inside [lo, hi]. The first one starting at
    `lo` or later is found by start alone in compiled code, not by bisect's tuple comparisons."""
    i, j = 0, len(hits)
    while i < j:
        mid = (i + j) // 2
        if hits[mid][0] < lo:
            i = mid + 1
        else:
            j = mid
    out = []
    while i < len(hits) and hits[i][0] < hi:
        if hits[i][1] <= hi:
            out.append(hits[i])
        i += 1
    return out


def _scan_countries(text: str, lang: Lang, lex: Compiled) -> list[tuple[int, int, str]]:
    found = [(m.start(), m.end(), m.lastgroup) for m in lex.country_re[lang].matches(text) if m.lastgroup]
    if lang == "de":
        runs = _adjective_runs(text, lex)
        if len(runs) == 1 and runs[0] == (0, len(text)):  # not scanned by runs: the whole text
            hits = lex.adjective_re.finditer(text)
            found += [(m.start(), m.end(), m.lastgroup) for m in hits if m.lastgroup]
        else:
            for lo, hi in runs:
                in_run = _adjectives_in(text[lo:hi], lex)
                found += [(lo + start, lo + end, code) for start, end, code in in_run]
    return sorted(found)


_run_adjectives: tuple[Compiled, dict[str, list[tuple[int, int, str]]]] | None = None


def _adjectives_in(run: str, lex: Compiled) -> list[tuple[int, int, str]]:
    """`adjective_re`'s matches in one run of word characters and hyphens, remembered by the run's
    text ('russischen' recurs): a match lies inside its run, and what is around the run (neither a
    word character nor a hyphen) lets the pattern's word-boundary checks pass as the run's ends do."""
    global _run_adjectives
    memo = _run_adjectives
    if memo is None or memo[0] is not lex or len(memo[1]) >= _MAX_RUNS:
        memo = _run_adjectives = (lex, {})
    found = memo[1].get(run)
    if found is None:
        hits = lex.adjective_re.finditer(run)
        found = memo[1][run] = [(m.start(), m.end(), m.lastgroup) for m in hits if m.lastgroup]
    return found


_MAX_RUNS: Final = 4096  # bound on the runs whose adjectives are remembered


# What `adjective_re`'s lookahead asks for: "isch|deutsch" under re.IGNORECASE (every character that
# matches each letter so, 'ı' and 'ſ' included), led by one class, so that `re` skips to the next
# 'i' or 'd' instead of trying both words at every position (~10x faster over an article).
_ADJECTIVE_HINT: Final = re.compile("[iIİıdD](?:(?<=[iIİı])[sSſ][cC][hH]|(?<=[dD])[eE][uU][tT][sSſ][cC][hH])")
_wordish_adjectives: tuple[dict[str, CountryEntry], bool] | None = None  # for the countries last asked about


def _is_word_or_hyphen(ch: str) -> bool:
    return ch.isalnum() or ch in "_-"  # `re`'s \w is isalnum() or '_'


def _adjective_runs(text: str, lex: Compiled) -> list[tuple[int, int]]:
    """Where `adjective_re` can match in `text`: its lookahead wants 'isch' or 'deutsch' after
    word characters and hyphens, and (when every adjective is made of those) a match lies in one
    run of them; so the runs holding a hint are scanned, in order, instead of every position."""
    global _wordish_adjectives
    known = _wordish_adjectives
    if known is None or known[0] is not lex.countries:
        wordish = all(WORDISH_PATTERN.fullmatch(c.adjective_de) for c in lex.countries.values())
        known = _wordish_adjectives = (lex.countries, wordish)
    if not known[1]:
        return [(0, len(text))]
    runs: list[tuple[int, int]] = []
    end = -1
    for hint in _hints(text):
        if hint < end:
            continue  # in the run already found
        start = end = hint
        while start > 0 and _is_word_or_hyphen(text[start - 1]):
            start -= 1
        while end < len(text) and _is_word_or_hyphen(text[end]):
            end += 1
        runs.append((start, end))
    return runs


def _hints(text: str) -> list[int]:
    """Where `_ADJECTIVE_HINT` matches 'isch' or 'deutsch' (the starts, in order; overlapping ones
    too, which lie in the run of the one they overlap): found by `str.find` in the lower-cased
    text when no character folds oddly ('İ', 'ı' and 'ſ' are in the hint's classes, and lower()
    makes their letters of the others only: 'I' and 'i' become 'i', 'S' and 's' 's', ...)."""
    if not folds_plainly(text):
        return [m.start() for m in _ADJECTIVE_HINT.finditer(text)]
    low = text.lower()
    hints: list[int] = []
    for word in ("isch", "deutsch"):
        at = low.find(word)
        while at >= 0:
            hints.append(at)
            at = low.find(word, at + 1)
    hints.sort()
    return hints


def _scan_places(text: str, lex: Compiled) -> list[tuple[int, int, int]]:
    return [(m.start(), m.end(), int(m.lastgroup[1:])) for m in lex.place_re.matches(text) if m.lastgroup]


@cache
def _attributor() -> Attributor:
    return Attributor(lexicons())


ClaimsOf = Callable[[str, Lang, str, datetime | None], list[Claim]]


def extract_article(article: Article, claims_of: ClaimsOf | None = None) -> Extraction:
    """Every stated figure of one article as claims. Never raises on any text.

    `claims_of` replaces `extract_claims` (a test's stand-in for a bug in it)."""
    article = article.with_id()
    assert article.id is not None
    lang = article.language or detect_language(article.text)
    if lang not in SUPPORTED:
        return Extraction(article_id=article.id, language=lang, outcome="unsupported_language", claims=[])
    language: Lang = "de" if lang == "de" else "en"
    try:
        claims = (claims_of or extract_claims)(
            article.text, language, article.id, _published(article.published_at)
        )
    except Exception:  # the contract is "never raises": a bug must not stop the stream
        log.exception("extraction failed for article %s", article.id)
        # Not an article without figures: the outcome says so, and the worker dead-letters it.
        return Extraction(article_id=article.id, language=language, outcome="extraction_failed", claims=[])
    return Extraction(article_id=article.id, language=language, outcome="ok", claims=claims)


def _published(value: datetime | date | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


# -- figures -------------------------------------------------------------------------------------


# Patterns compiled once here: `re.sub(pattern, ...)` in a function goes through `re`'s cache,
# Python code that mypyc does not compile, on every call.
_SPACES: Final = re.compile(r"\s+")
_NOT_SLUG: Final = re.compile(r"[^a-z0-9]+")


def _find_unit(ctx: _Context, pos: int, limit: int, vague: bool = False) -> tuple[int, int, int] | None:
    """(unit index, end, start of the noun) of the counted noun after a number, adjectives in
    between allowed."""
    text, lang = ctx.text, ctx.lang
    unit_re = ctx.lex.unit_re[lang]
    stop = _STOP[lang]
    # 'of the', 'von': an 'o' or a 'v' first ('o' and 'v' match no other letters case-insensitively)
    partitive = (
        _OF_THE.match(text, pos, limit) or (_VAGUE_OF.match(text, pos, limit) if vague else None)
        if _first_after_space(text, pos, limit) in _PARTITIVE_FIRST
        else None
    )
    if partitive:
        pos = partitive.end()
    elif pos < limit and text[pos] == "-" and (hyphen := _HYPHEN_START.match(text, pos, limit)):
        pos = hyphen.end()
    prev_cap = False
    for _ in range(5):
        while pos < limit and text[pos] in ' \t\u00a0\u202f"“”„«»':
            pos += 1  # spaces, and the quotes of 'nine "terrorist" sites', '50 „Terroristen“'
        if pos >= limit:
            return None
        m = unit_re.match(text, pos, limit)
        if m and m.lastgroup and not (lang == "de" and text[pos].islower() and " " not in m.group(0)):
            return int(m.lastgroup[1:]), m.end(), m.start()
        word = _WORD.match(text, pos, limit)
        if word is None:
            return None
        token = word.group(0)
        low = token.lower().rstrip(".")
        if token[0].isdigit() and not (lang == "en" and prev_cap and len(token) <= 3):
            return None
        if low in stop and low not in _CONNECTORS:
            return None
        prev_cap = token[0].isupper()
        if lang == "de" and token.endswith("-") and _ELIDED_AND.match(text, word.end(), limit):
            pos = word.end()  # 'Aufklärungs- und Kampfdrohnen': the compound's head comes later
            continue
        if lang == "de" and token[0].isupper() and low not in _CONNECTORS:
            return None
        pos = word.end()
    return None


def _qualifier_before(ctx: _Context, lo: int, start: int) -> tuple[Qualifier | None, int]:
    """The qualifier nearest the number (insgesamt rund -> about) and where the phrase begins."""
    lang = ctx.lang
    table = ctx.lex.qualifiers_before[lang]
    found: Qualifier | None = None
    begin = start
    cursor = start
    for _ in range(3):
        m = _qualifier_search(ctx, max(lo, cursor - 40), cursor)
        if m is None:
            break
        word = _SPACES.sub(" ", m.group(0).strip().lower())
        qual = table.get(word)
        if qual is None:
            break
        if found is None or found is Qualifier.EXACT:
            found = qual if found is None or qual is not Qualifier.EXACT else found
        begin = m.start()
        cursor = m.start()
    return found, begin


def _qualifier_search(ctx: _Context, window: int, cursor: int) -> re.Match[str] | None:
    r"""`qualifier_before_re.search(text, window, cursor)`, trying only where a match can start.

    The pattern is `(?<![\w])(?:phrase|...)\s*$`: a match ends where the white space at the end of
    the window begins, so it starts a phrase's length before that; trying those starts, longest
    phrase first, finds the leftmost match, as the search does, without trying ~40 positions.
    """
    lex, lang, text = ctx.lex, ctx.lang, ctx.text
    regex, folded = lex.qualifier_before_re[lang], lex.qualifier_before_folded[lang]
    lengths = lex.qualifier_before_lengths[lang]
    if lengths is None:
        return regex.search(text, window, cursor)
    last = cursor
    while last > window and text[last - 1].isspace():
        last -= 1
    if folded is not None and last > window and text[last - 1].isascii():
        # an ASCII letter matches only itself and its other case: only phrases that end in it
        lengths = _qualifier_lengths_by_last(lex)[lang].get(text[last - 1].lower(), ())
    for length in lengths:
        begin = last - length
        if begin < window:
            continue
        if folded is not None:
            piece = text[begin:last]
            if piece.isascii() and piece.lower() not in folded:
                continue
        m = regex.match(text, begin, cursor)
        if m is not None:
            return m
    return None


_lengths_by_last: tuple[Compiled, dict[Lang, dict[str, tuple[int, ...]]]] | None = None


def _qualifier_lengths_by_last(lex: Compiled) -> dict[Lang, dict[str, tuple[int, ...]]]:
    """Per language and last character (lower case): the lengths of the qualifier phrases before
    a number that end in it, longest first (for the lexicons last asked about)."""
    global _lengths_by_last
    found = _lengths_by_last
    if found is None or found[0] is not lex:
        by_lang: dict[Lang, dict[str, tuple[int, ...]]] = {}
        for lang in ("de", "en"):
            phrases = lex.qualifier_before_folded[lang] or frozenset()
            lasts = {phrase[-1:] for phrase in phrases}
            by_lang[lang] = {
                last: tuple(sorted({len(p) for p in phrases if p.endswith(last)}, reverse=True))
                for last in lasts
            }
        found = _lengths_by_last = (lex, by_lang)
    return found[1]


def _qualifier_after(ctx: _Context, end: int) -> tuple[Qualifier | None, int]:
    regex, leads = ctx.lex.qualifier_after_re[ctx.lang], _qualifier_after_leads(ctx.lex)[ctx.lang]
    if leads is None:
        m = regex.match(ctx.text, end)
    else:
        m = _match_led(regex, leads, ctx.text, end, len(ctx.text))
    if m is None or _COMPARATIVE_GOES_ON.match(ctx.text, m.end()):
        return None, end  # '415 drones and more than 40 missiles': 'more' belongs to the next number
    return ctx.lex.qualifiers_after[ctx.lang].get(m.group(0).strip().lower()), m.end()


_COMPARATIVE_GOES_ON: Final = re.compile(r"\s*(?:than|als|\d)", re.IGNORECASE)
_after_leads: tuple[Compiled, dict[Lang, frozenset[str] | None]] | None = None


def _qualifier_after_leads(lex: Compiled) -> dict[Lang, frozenset[str] | None]:
    r"""Per language: what `qualifier_after_re` (`\s*(?:phrase|...)(?![\w])`) can go on with after
    white space (for the lexicons last asked about); see `_plain_leads`."""
    global _after_leads
    found = _after_leads
    if found is None or found[0] is not lex:
        found = _after_leads = (lex, {lang: _plain_leads(lex.qualifiers_after[lang]) for lang in LANGS})
    return found[1]


def _plain_leads(phrases: Iterable[str]) -> frozenset[str] | None:
    """The characters that re.IGNORECASE matches as the first of one of `phrases`: each first
    character's lower and upper case. None where that is not all: a phrase that begins with white
    space, or with a character beyond ASCII or one that others match too ('İ' and 'ı' match 'i',
    'K' (Kelvin) 'k', 'ſ' 's': `folds_plainly`)."""
    leads: set[str] = set()
    for phrase in phrases:
        first = phrase[:1]
        if not first or first.isspace() or not first.isascii() or first.lower() in "iks":
            return None
        leads |= {first.lower(), first.upper()}
    return frozenset(leads)


_SPATIAL_OVER: Final = re.compile(r"(?:over|über)\s*$", re.IGNORECASE)


def _ends_with_model_prefix(text: str) -> bool:
    prefixes = _MODEL_PREFIXES_BY_LAST.get(text[-1:])
    return prefixes is not None and text.endswith(prefixes)


def _first_after_space(text: str, pos: int, end: int) -> str:
    r"""The first character in text[pos:end] that is no white space (`\s`), or ''."""
    while pos < end and text[pos].isspace():
        pos += 1
    return text[pos] if pos < end else ""


def _may_be_after_trap(after: str) -> bool:
    """False where `_AFTER_TRAP` cannot match `after`: by its first characters."""
    if not after:
        return False
    if after[0] in _AFTER_TRAP_FIRST:
        return True
    word = after.lstrip()
    starts = _AFTER_TRAP_WORD_FIRST.get(word[:1])
    return starts is not None and word.startswith(starts)


def _is_trap(ctx: _Context, n: NumberMention, lo: int) -> bool:
    text = ctx.text
    if n.vague or n.value_max is not None:
        return False
    after = text[n.end : n.end + 30]
    if _may_be_after_trap(after) and _AFTER_TRAP.match(after):
        return True
    if _looks_like_year(text, n) and _YEAR_BEFORE.search(text, max(lo, n.start - 12), n.start):
        return True  # "seit 2022 Waffen geliefert"
    if n.currency and n.value < 1000 and _PRICE_AFTER.match(text, n.end):
        return True  # '$5 a month', '$90 a barrel': a price
    if _is_price(text, lo, n):
        return True
    if not n.is_word:
        if text[n.start] == "0" and n.end - n.start > 1 and text[n.start + 1].isdigit():
            return True  # '0471 ...': a phone or file number
        before = text[max(lo, n.start - 20) : n.start]
        if (
            _ends_with_model_prefix(before.rstrip())
            and not ctx.lex.qualifier_before_re[ctx.lang].search(before)
            and not (ctx.lang == "en" and _EN_ARTICLE.search(before))
        ):
            return True
        if after.startswith(".") and len(after) > 2 and after[1] == " " and n.value < 100 and n.scale == 1:
            # German ordinal: "3. Brigade", "21. Februar"; not a figure that ends a sentence
            return ctx.lang == "de" and _DE_SENTENCE_OPENER.match(after, 2) is None
    return False


_CENTS: Final = re.compile(r"\d[.,]\d\d$")
_CURRENCY_AFTER: Final = re.compile(
    r"\s*(?:US-)?(?:Dollar|Euro|Franken|Pfund|Rubel|dollars?|euros?|pounds?|roubles?|rubles?)\b"
)
_CURRENCY_AFTER_FIRST: Final = frozenset("UDEFPRdepr")  # what `_CURRENCY_AFTER` matches after white space
_PRICE_WORDS: Final = re.compile(
    r"(?:Preis\w*|kostet\w*|Kurs\w*|notiert\w*|Aktie\w*|Barrel|Brent|WTI|Feinunze|Liter|Börse\w*|"
    r"price\w*|cost\w*|shares?|barrel|ounce|litre|liter|traded|trading|stock\w*)",
    re.IGNORECASE,
)


def _is_price(text: str, lo: int, n: NumberMention) -> bool:
    """'75,40 US-Dollar je Barrel', 'die Aktie stieg auf 1 786 Euro': prices are no figures."""
    if n.scale > 1 or n.is_word:
        return False
    money = n.currency is not None or (
        _first_after_space(text, n.end, len(text)) in _CURRENCY_AFTER_FIRST
        and _CURRENCY_AFTER.match(text, n.end) is not None
    )
    if not money:
        return False
    if _CENTS.search(text, n.start, n.end) and n.value < 10_000:
        return True
    return _PRICE_WORDS.search(text, max(lo, n.start - 60), min(len(text), n.end + 40)) is not None


_DE_SENTENCE_OPENER: Final = re.compile(
    r"(?:Der|Die|Das|Den|Dem|Des|Ein|Eine|Einer|In|Im|Am|An|Auf|Aus|Bei|Nach|Seit|Laut|Mit|Zudem|Auch|Damit|"
    r"Dabei|Doch|Es|Er|Sie|Wir|Man|Bis|Wie|Zuvor|Zuletzt|Insgesamt|Weitere|Außerdem|Allein|Unter|Nun|Zugleich|"
    r"Demnach|Dies|Diese|Dieser|Darunter|Davon|Viele|Mehr|Rund|Etwa|Mindestens|Bislang|Bisher|Zum|Zur|Vor|Über|"
    r"Während|Unterdessen|Inzwischen|Gleichzeitig)\s"
)


def _figures_in(
    ctx: _Context, sent_index: int, numbers: list[NumberMention], earlier: _Figure | None
) -> list[_Figure]:
    sent = ctx.sentences[sent_index]
    figures: list[_Figure] = []
    for n in numbers:
        if _is_trap(ctx, n, sent.start):
            continue
        qual_after, after_end = _qualifier_after(ctx, n.end)
        unit = _find_unit(ctx, after_end, sent.end, n.vague)
        if qual_after is None and unit is not None:
            qual_after, _ = _qualifier_after(ctx, unit[1])  # "1,150 soldiers or more"
        qual, begin = _qualifier_before(ctx, sent.start, n.start)
        if n.currency and unit is None:
            cur_unit = next((i for i, u in enumerate(ctx.lex.units) if u.unit == n.currency), None)
            unit = (cur_unit, n.end, n.end) if cur_unit is not None else None
        fig = _Figure(
            number=n,
            start=begin,
            end=unit[1] if unit else n.end,
            np_end=unit[1] if unit else n.end,
            unit_index=unit[0] if unit else None,
            noun_start=unit[2] if unit else None,
            noun_end=unit[1] if unit else None,
            sentence=sent_index,
        )
        if (
            qual is Qualifier.MORE_THAN
            and unit is not None
            and ctx.lex.units[unit[0]].unit == "regions"
            and _SPATIAL_OVER.search(ctx.text, begin, n.start)
        ):
            qual = Qualifier.EXACT  # 'über 13 Regionen abgeschossen': across, not more than
        if n.value_max is not None:
            fig.qualifier = Qualifier.RANGE
        elif qual is not None and qual is not Qualifier.EXACT:
            fig.qualifier = qual
        elif qual_after is not None:
            fig.qualifier = qual_after
        elif n.vague:
            fig.qualifier = Qualifier.AT_LEAST
        elif qual is Qualifier.EXACT:
            fig.qualifier = Qualifier.EXACT
        if unit is None:
            fig.start = begin
        figures.append(fig)
    _resolve_ellipses(ctx, figures, sent, earlier)
    kept: list[_Figure] = []
    for fig in figures:
        if fig.unit_index is None and not fig.number.weak:
            _plain_noun(ctx, fig, sent)
        if fig.unit_index is None:
            continue
        if fig.number.weak and fig.qualifier is None and not _has_noun_trigger(ctx, fig):
            continue
        if fig.number.weak and fig.elliptic:
            continue
        kept.append(fig)
    return kept


def _plain_noun(ctx: _Context, fig: _Figure, sent: Sentence) -> None:
    """Any other counted noun makes a plain count: 'vier Flughäfen', 'nearly 300 temporary shelters'."""
    n = fig.number
    if _looks_like_year(ctx.text, n) or (n.currency is not None):
        return
    m = _PLAIN_NOUN[ctx.lang].match(ctx.text, n.end, sent.end)
    if m is None:
        return
    noun = m.group("noun")
    if any(w.lower() in ctx.lex.not_counted for w in m.group(0).split()):
        return
    if ctx.lang == "en" and n.value != 1 and not noun.endswith("s"):
        return
    if _MEASURE_AFTER.match(ctx.text, m.end(), sent.end):
        return  # '3 Meter hohe', 'two-thirds of'
    fig.unit_index = ctx.lex.other_unit
    fig.noun = _NOT_SLUG.sub("_", noun.lower().translate(_ASCII)).strip("_")
    fig.end = fig.np_end = fig.noun_end = m.end()
    fig.noun_start = m.start("noun")


_QUOTE: Final = '["“”„«»]?'
_PLAIN_NOUN: Final = {
    "de": re.compile(
        rf"\s+{_QUOTE}(?:(?:[a-zäöüß][\w-]*(?:e|en|er|es|em)|[A-ZÄÖÜ][a-zäöüß]+er(?=\s+[A-ZÄÖÜ])){_QUOTE}\s+){{0,2}}"
        rf"{_QUOTE}(?P<noun>[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ]?[a-zäöüß]+)*)(?![\w-])"
    ),
    "en": re.compile(
        r"\s+(?:of\s+(?:the|its|their|these|those)\s+)?"
        rf"(?:{_QUOTE}(?:(?:[a-z]+-)?[a-z]+(?:ed|al|ic|ive|ous|ary|ian|ese|ish|ern|ing|ful|less|ble|ant|ent|y)"
        rf"|[A-Z][a-z]+){_QUOTE}\s+){{0,2}}{_QUOTE}(?P<noun>[a-z][a-z-]{{2,}})(?![\w-])"
    ),
}
_ASCII: Final = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_MEASURE_AFTER: Final = re.compile(
    r"\s*(?:hoch|hohe\w*|lang\w*|breit\w*|tief\w*|alt\w*|old|long|high|wide|deep|tall)\b"
)


_ONE_OF: Final = re.compile(r"\s+(?:of|von|der|in)\s", re.IGNORECASE)
_ANOTHER: Final = re.compile(
    r"(?<![\w])(?:another|a\s+further|an\s+additional|weitere|weiteren|zusätzlich\w*)\s+"
    r"(?:(?:about|around|some|nearly|more\s+than|rund|etwa|knapp|mehr\s+als)\s+)?$",
    re.IGNORECASE,
)
# The last words of the matches of `_ANOTHER` (and `zusätzlich\w*`), for `_may_end_with`.
_ANOTHER_LAST_WORD: Final = (
    "another", "further", "additional", "weitere", "weiteren", "about", "around", "some", "nearly", "than",
    "rund", "etwa", "knapp", "als",
)  # fmt: skip


def _has_noun_trigger(ctx: _Context, fig: _Figure) -> bool:
    """'einen Toten', 'one person was killed': a casualty word makes 'ein'/'one' a figure."""
    end = fig.np_end + (40 if ctx.lang == "en" else 25)  # 'ein kambodschanischer Soldat getötet'
    if _ONE_OF.match(ctx.text, fig.number.end):
        return False  # 'one of the largest attacks'
    if ctx.lang == "de" and "," in ctx.text[fig.np_end : end]:
        end = ctx.text.index(",", fig.np_end)
    for m in ctx.lex.metric_re[ctx.lang].finditer(ctx.text, fig.number.end, min(end, len(ctx.text))):
        if m.lastgroup and ctx.lex.metrics[int(m.lastgroup[1:])].metric in _CASUALTY:
            return True
    return False


def _resolve_ellipses(ctx: _Context, figures: list[_Figure], sent: Sentence, earlier: _Figure | None) -> None:
    """Numbers without a noun: '40 of 45 drones', 'killing 12', 'death toll rose to 30', '30 verletzt'."""
    text, lang, lex = ctx.text, ctx.lang, ctx.lex
    people = _generic_people(lex)
    for i, fig in enumerate(figures):
        n = fig.number
        prev = next((f for f in reversed(figures[:i]) if f.unit_index is not None), None)
        if fig.unit_index is not None:
            # "80,000 soldiers have been killed and 400,000 wounded": the participle is no new noun
            unit_text = text[n.end : fig.np_end].strip().lower()
            if (
                prev is not None
                and unit_text in _PARTICIPLE_UNITS
                and prev.unit_index != fig.unit_index
                and lex.units[prev.unit_index or 0].unit in _PERSON_UNITS
            ):
                fig.unit_index, fig.antecedent, fig.elliptic = prev.unit_index, prev, True
                fig.np_end = fig.end = n.end
            continue
        if n.weak or _looks_like_year(ctx.text, n):
            continue
        if i + 1 < len(figures) and figures[i + 1].unit_index is not None:
            gap = text[n.end : figures[i + 1].number.start]
            if _PARTITIVE.match(gap):
                fig.unit_index = figures[i + 1].unit_index
                fig.antecedent, fig.elliptic = figures[i + 1], True
                continue
        if prev is not None and _DAILY_DELTA.search(text, max(sent.start, n.start - 4), n.start):
            # fact box of a daily report: 'tanks: 10,942 (+3)' -> 3 tanks in the last day
            fig.unit_index, fig.antecedent, fig.elliptic = prev.unit_index, prev, True
            fig.period = "P1D"
            continue
        if (
            prev is not None
            and _may_end_with(text, max(sent.start, n.start - 30), n.start, _COMPARED_LAST_WORD[lang])
            and _COMPARED_WITH[lang].search(text, max(sent.start, n.start - 30), n.start)
        ):
            # 'up from 1,060 in April', 'nach zuvor 1.060': the same figure at another time
            fig.unit_index, fig.antecedent, fig.elliptic = prev.unit_index, prev, True
            continue
        whole = next(
            (
                f
                for f in reversed(figures[:i])
                if f.unit_index is not None and lex.units[f.unit_index].tracked
            ),
            None,
        )
        if whole is not None and (
            (
                _may_end_with(text, max(sent.start, fig.start - 90), fig.start, ("to", "auf"))
                and _TOTAL_TO.search(text, max(sent.start, fig.start - 90), fig.start)
            )
            or _SUBSET_GAP.search(text, whole.np_end, fig.start)
        ):  # 'bringing its total losses to 812,560', '47 drones over seven regions, including 19 over Kursk'
            fig.unit_index, fig.antecedent, fig.elliptic = whole.unit_index, whole, True
            continue
        repeated = prev or earlier
        if (
            repeated is not None
            and _may_end_with(
                text, max(sent.start, fig.start - 25), fig.start, _ANOTHER_LAST_WORD, ("zusätzlich",)
            )
            and _ANOTHER.search(text, max(sent.start, fig.start - 25), fig.start)
        ):
            # 'another 35 were "lost"', 'weitere 900 lägen in den Leichenhallen'
            fig.unit_index, fig.antecedent, fig.elliptic = repeated.unit_index, repeated, True
            continue
        if prev is not None and _gapped_by_place(text, sent.start, fig.start, n.end):
            # '35 civilians killed in El Fasher and 26 in Zamzam', '12 Tote in Charkiw, in Sumy 5'
            fig.unit_index, fig.antecedent, fig.elliptic = prev.unit_index, prev, True
            continue
        if (
            people is not None
            and _may_end_with(text, max(sent.start, fig.start - 40), fig.start, _POPULATION_LAST_WORD)
            and _POPULATION_OF.search(text, max(sent.start, fig.start - 40), fig.start)
        ):
            # 'a population of 2.1 million': people, counted, not a casualty figure
            fig.unit_index, fig.noun, fig.elliptic = lex.other_unit, "people", True
            continue
        before_start = max(sent.start, n.start - 120)
        before = text[before_start : fig.start]
        counted = _counted_before(ctx, before, before_start)
        if counted is None:
            counted = _linked_noun_before(ctx, max(sent.start, n.start - 100), fig.start)
        if counted is not None:
            fig.unit_index, fig.elliptic = counted, True
            continue
        if (
            people is not None
            and prev is None
            and earlier is None
            and _HEADLINE_PARTICIPLE[lang].match(text, n.end, sent.end)
        ):  # headline: '51 killed in past 24 hours', 'Over 1.2 million displaced'
            fig.unit_index, fig.elliptic = people, True
            continue
        if people is not None and (
            (
                _may_end_with(text, before_start, fig.start, _TOLL_LAST_WORD[lang], space=False)
                and _TOLL[lang].search(before)
            )
            or (
                _may_end_with(text, before_start, fig.start, _VERB_LAST_WORD[lang])
                and _VERB_BEFORE[lang].search(before)
            )
        ):
            fig.unit_index, fig.elliptic = people, True
            continue
        label = _fact_label(ctx, fig, sent, people)
        if label is not None:  # fact box: 'Tote: mehr als 40.000', 'Hostages taken: 251'
            fig.unit_index, fig.elliptic = label[0], True
            fig.noun_start, fig.noun_end = label[1], label[2]
            continue
        if (
            n.scale >= 1_000_000
            and prev is not None
            and lex.units[prev.unit_index or 0].unit in _CURRENCIES
            and _COORD_MONEY.search(text, prev.np_end, fig.start)
        ):  # '531.4 billion roubles, down from 1.06 trillion'
            fig.unit_index, fig.antecedent, fig.elliptic = prev.unit_index, prev, True
            continue
        if n.vague and people is not None and _VAGUE_ALONE[lang].match(text, n.end):
            fig.unit_index, fig.elliptic = people, True  # 'Tausende hätten die Nacht im Freien verbracht'
            continue
        antecedent = prev or earlier
        if antecedent is None:
            continue
        if _may_end_with(text, before_start, fig.start, _ANAPHOR_LAST_WORD) and _FIGURE_ANAPHOR.search(
            before
        ):  # 'put the figure as high as 12,000'
            fig.unit_index, fig.antecedent, fig.elliptic = antecedent.unit_index, antecedent, True
            continue
        pronoun = _PRONOUN_PARTITIVE.match(text, n.end, sent.end)
        lead = _ELLIPTIC_VERB.match(text, n.end, sent.end)
        pos = lead.end() if lead else n.end
        trig = lex.metric_re[lang].match(text, pos, sent.end)
        if pronoun is not None or trig is not None:
            fig.unit_index, fig.antecedent, fig.elliptic = antecedent.unit_index, antecedent, True
            if pronoun is not None:
                fig.np_end = fig.end = pronoun.end()
        elif (
            not n.vague
            and (n.scale >= 1_000_000 or (fig.qualifier not in (None, Qualifier.EXACT) and n.value >= 1000))
            and antecedent.unit_index is not None
            and lex.units[antecedent.unit_index].unit in _VICTIM_UNITS
            and not _BARE_TRAP.match(text, n.end)
        ):  # 'rund 8,8 Millionen innerhalb des Landes vertrieben', 'Of those, around 6.2 million'
            fig.unit_index, fig.antecedent, fig.elliptic = antecedent.unit_index, antecedent, True


_TOTAL_TO: Final = re.compile(
    r"(?<![\w])(?:bringing|brings|brought|raising|raises|pushing|taking|bringt|brachte|erhöht\w*|steigt|stieg)"
    r"(?:\s+[\w'’-]+){0,9}?\s+(?:to|auf)\s+$",
    re.IGNORECASE,
)
_PLACE_NAME: Final = r"(?:the\s+|der\s+|dem\s+|den\s+)?[A-ZÄÖÜ][\w'’-]*(?:\s+[A-ZÄÖÜ][\w'’-]*)?"
_PLACE_AFTER_COORD: Final = re.compile(r"(?:,|\bund|\band|\bsowie|\bwhile)\s+$")
_PLACE_AFTER: Final = re.compile(
    rf"\s+(?:in|im|bei|near|over|über|in\s+and\s+around)\s+{_PLACE_NAME}"
    r"(?:\s+(?:region|Region|oblast|area|Gebiet|province|Provinz))?(?=\s*(?:[,.;)]|$|\s+(?:und|and)\s))"
)
_PLACE_BEFORE: Final = re.compile(rf"(?:,|\bund|\band)\s+(?:in|im|bei)\s+{_PLACE_NAME}\s+$")


def _gapped_by_place(text: str, lo: int, start: int, end: int) -> bool:
    """A bare number that repeats the previous figure for another place."""
    before = text[max(lo, start - 40) : start]
    # Both searches need white space at the end; `_PLACE_BEFORE`'s last word is a capitalised name,
    # `_PLACE_AFTER_COORD`'s ends in ',', 'und', 'and', 'sowie' or 'while' (`str.rstrip` strips `\s`).
    stripped = before.rstrip()
    if len(stripped) == len(before):
        return False
    word = stripped[_word_start(stripped, 0, len(stripped)) :]
    if word[:1] in _CAPITALS and _PLACE_BEFORE.search(before):
        return True
    if not word.endswith((",", "und", "and", "sowie", "while")):
        return False
    return _PLACE_AFTER_COORD.search(before) is not None and _PLACE_AFTER.match(text, end) is not None


_CAPITALS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜ")


# A bare number followed by these counts something else: money, a share, a time, a price.
_BARE_TRAP: Final = re.compile(
    r"\s*(?:[-–]|mal\b|times\b|mehr\b|more\b|weniger\b|fewer\b|less\b|Euro|Dollar|euros?|dollars?|US-Dollar|Stück|\w+s?\s+(?:Euro|Dollar))",
    re.IGNORECASE,
)


_CURRENCIES: Final = frozenset({"usd", "eur", "gbp", "rub", "cny"})
_COORD_MONEY: Final = re.compile(r"^[^.;:]{0,60}$")
_FACT_LABEL: Final = re.compile(r"([^:\n]{2,80}):\s*$")
_VAGUE_ALONE: Final = {
    "de": re.compile(
        r"\s+(?:hätten|haben|hatten|sind|seien|waren|wurden|werden|mussten|müssen|flohen|fliehen|flüchteten|"
        r"starben|sterben|kamen|demonstrierten|protestierten|versammelten|harren|harrten|verbrachten|suchten|"
        r"leben|lebten|warten|warteten)\b"
    ),
    "en": re.compile(
        r"\s+(?:have|had|has|were|are|fled|died|protested|gathered|marched|remain|remained|spent|queued|"
        r"waited|took\s+to)\b"
    ),
}
_FIGURE_ANAPHOR: Final = re.compile(
    r"(?<![\w])(?:the|that|this|its|their|die|diese)\s+(?:figure|number|tally|estimate|toll|Zahl|Angabe)\s+"
    r"(?:at\s+|auf\s+)?$",
    re.IGNORECASE,
)
_ANAPHOR_LAST_WORD: Final = ("figure", "number", "tally", "estimate", "toll", "zahl", "angabe", "at", "auf")


def _fact_label(
    ctx: _Context, fig: _Figure, sent: Sentence, people: int | None
) -> tuple[int, int | None, int | None] | None:
    """The counted noun of a fact-box line 'Label: number' ('Getötete Zivilisten: 1.200'), with
    the noun's span when the label names it."""
    m = _FACT_LABEL.fullmatch(ctx.text, sent.start, fig.start)
    if m is None:
        return None
    lo, hi = m.span(1)
    unit_re = ctx.lex.unit_re[ctx.lang]
    for word in _WORD.finditer(ctx.text, lo, hi):
        um = unit_re.match(ctx.text, word.start(), hi)
        if (
            um
            and um.lastgroup
            and not (ctx.lang == "de" and word.group(0)[0].islower() and " " not in um.group(0))
        ):
            return int(um.lastgroup[1:]), um.start(), um.end()
    for mm in ctx.lex.metric_re[ctx.lang].finditer(ctx.text, lo, hi):
        if mm.lastgroup and ctx.lex.metrics[int(mm.lastgroup[1:])].metric in _CASUALTY | {"displaced"}:
            return (people, None, None) if people is not None else None
    return None


_POPULATION_OF: Final = re.compile(
    r"(?:population|Bevölkerung|Einwohnerzahl)\s+(?:of|von)\s+(?:(?:about|around|roughly|some|nearly|more\s+than|rund|etwa|knapp|mehr\s+als|über)\s+)?$",
    re.IGNORECASE,
)
_POPULATION_LAST_WORD: Final = (
    "of", "von", "about", "around", "roughly", "some", "nearly", "than", "rund", "etwa", "knapp", "als",
    "über",
)  # fmt: skip
_DAILY_DELTA: Final = re.compile(r"\(\s*\+\s*$")
_COMPARED_WITH: Final = {
    "de": re.compile(
        r"(?<![\w])(?:nach|von|gegenüber)\s+(?:zuvor|vorher|damals|noch)\s+(?:(?:rund|etwa|knapp|mehr\s+als)\s+)?$",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"(?<![\w])(?:(?:up|down)\s+from|compared\s+(?:with|to))\s+"
        r"(?:(?:about|around|some|nearly|more\s+than)\s+)?$",
        re.IGNORECASE,
    ),
}
_COMPARED_LAST_WORD: Final[dict[Lang, tuple[str, ...]]] = {
    "de": ("zuvor", "vorher", "damals", "noch", "rund", "etwa", "knapp", "als"),
    "en": ("from", "with", "to", "about", "around", "some", "nearly", "than"),
}
# A noun, then a verb that links it to the number: 'Seoul puts casualties at 4,900',
# 'Troop Losses Pass 1,010,000', 'die Verluste stiegen auf 1.010.370'.
_LINK_TO_NUMBER: Final = {
    "de": re.compile(
        r"\s(?:[\w-]+\s+){0,5}?(?P<verb>auf|bei|stieg\w*\s+auf|steigt\s+auf|liegt\s+bei|lag\s+bei|übersteig\w*"
        r"|überschritt\w*|erreicht\w*)\s+(?:(?:mehr\s+als|über|rund|etwa|knapp|fast|mindestens)\s+)?$",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"\s(?:[\w'’-]+\s+){0,5}?(?P<verb>at|pass(?:es|ed)?|reach(?:es|ed)?"
        r"|(?:rose|risen|rising|climbed|climbing|jumped|increased|grew)\s+to"
        r"|stands?\s+at|stood\s+at|tops?|topped|exceed(?:s|ed)?|surpass(?:es|ed)?|hit|hits)"
        r"\s+(?:(?:more\s+than|over|about|around|some|nearly|almost|at\s+least)\s+)?$",
        re.IGNORECASE,
    ),
}
# The last word of every `_LINK_TO_NUMBER` match (a verb's or a qualifier's): endings, and stems
# for the verbs that take any ending (`erreicht\w*`); tests/unit/test_extract_figure_prefilters.py
# checks that no match is ruled out.
# The most runs of non-white-space a match of `_LINK_TO_NUMBER` spans: five words, a verb of two
# and a qualifier of two (each a whole run, white space around it).
_LINK_WORDS: Final = 9


def _runs_before(text: str, lo: int, end: int, count: int) -> int:
    """Where the white space before the `count`-th last run of non-white-space characters in
    text[lo:end] begins (`lo` at the earliest)."""
    pos = _space_start(text, lo, end)
    for _ in range(count):
        pos = _space_start(text, lo, _word_start(text, lo, pos))
    return pos


_LINK_LAST_WORD: Final[dict[Lang, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "de": (
        ("auf", "bei", "als", "über", "rund", "etwa", "knapp", "fast", "mindestens"),
        ("übersteig", "überschritt", "erreicht"),
    ),
    "en": (
        (
            "at", "pass", "passes", "passed", "reach", "reaches", "reached", "to", "top", "tops", "topped",
            "exceed", "exceeds", "exceeded", "surpass", "surpasses", "surpassed", "hit", "hits",
            "than", "over", "about", "around", "some", "nearly", "almost", "least",
        ),
        (),
    ),
}  # fmt: skip
_LINKABLE_UNITS: Final = frozenset({"soldiers", "people", "civilians", "children"})
_FOLDS_PLAINLY: Final = str.maketrans("", "", "äöüÄÖÜß")


def _may_end_with(
    text: str, lo: int, hi: int, ends: tuple[str, ...], stems: tuple[str, ...] = (), space: bool = True
) -> bool:
    """Whether a case-insensitive pattern that ends in one of the words `ends` (or in a word that
    holds one of `stems`) and then white space (`space`: at least one character of it) up to
    `hi` can match in text[lo:hi]. False only when it cannot: a cheap test before a search that
    usually fails.

    The word is the run of characters other than white space before the white space at the end.
    `str.lower` folds it as `re.IGNORECASE` does only for ASCII letters and German umlauts (other
    letters, such as 'ſ' or 'ı', match ASCII ones case-insensitively): with any other character in
    it, the answer is True.
    """
    last = hi
    while last > lo and text[last - 1].isspace():
        last -= 1
    if space and last == hi:
        return False
    begin = last
    while begin > lo and not text[begin - 1].isspace():
        begin -= 1
    word = text[begin:last]
    if not word.isascii() and not word.translate(_FOLDS_PLAINLY).isascii():
        return True
    word = word.lower()
    return word.endswith(ends) or any(stem in word for stem in stems)


def _linked_noun_before(ctx: _Context, lo: int, start: int) -> int | None:
    """The counted noun of a bare number, named before it and linked by a verb."""
    ends, stems = _LINK_LAST_WORD[ctx.lang]
    if not _may_end_with(ctx.text, lo, start, ends, stems):
        return None
    # a match lies within its last words: searched from there, not tried at every white space
    link = _LINK_TO_NUMBER[ctx.lang].search(ctx.text, _runs_before(ctx.text, lo, start, _LINK_WORDS), start)
    if link is None:
        return None
    unit_re = ctx.lex.unit_re[ctx.lang]
    found: int | None = None
    verb = link.start("verb")
    for word in _WORD.finditer(ctx.text, lo, verb):
        um = unit_re.match(ctx.text, word.start(), verb)
        if um and um.lastgroup and ctx.lex.units[int(um.lastgroup[1:])].unit in _LINKABLE_UNITS:
            found = int(um.lastgroup[1:])
    return found


_HEADLINE_PARTICIPLE: Final = {
    "de": re.compile(
        r"\s+(?:\w+\s+)?(?:Tote|getötet|tot|verletzt|verwundet|vermisst|vertrieben|geflohen|obdachlos)(?![\w])",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"\s+(?:\w+ly\s+)?(?:killed|dead|wounded|injured|hurt|missing|displaced|flee|fled|evacuated)(?![\w])",
        re.IGNORECASE,
    ),
}


_generic: tuple[list[UnitEntry], int | None] | None = None  # for the units last asked about


def _generic_people(lex: Compiled) -> int | None:
    """The 'people' entry that implies no metric (not hostages, not refugees)."""
    global _generic
    found = _generic
    if found is None or found[0] is not lex.units:
        index = next((i for i, u in enumerate(lex.units) if u.unit == "people" and not u.metric), None)
        found = _generic = (lex.units, index)
    return found[1]


def _looks_like_year(text: str, n: NumberMention) -> bool:
    raw = text[n.start : n.end]
    return raw.isdigit() and len(raw) == 4 and 1900 <= n.value <= 2100


def _counted_before(ctx: _Context, before: str, offset: int) -> int | None:
    """'Die Zahl der kämpfenden Freiwilligen wird auf knapp 20.000 geschätzt' -> soldiers."""
    found: int | None = None
    low = before.lower()  # no other letters match those of `_COUNT_OF`'s words case-insensitively
    if "zahl" not in low and "number" not in low and "total" not in low:
        return None
    for m in _COUNT_OF.finditer(before):
        pos = offset + m.end()
        for _ in range(7):
            unit = ctx.lex.unit_re[ctx.lang].match(ctx.text, pos, offset + len(before))
            if unit and unit.lastgroup:
                found = int(unit.lastgroup[1:])
                break
            word = _WORD.match(ctx.text, pos, offset + len(before))
            if word is None:
                break
            pos = word.end() + 1
    return found


# -- metric ------------------------------------------------------------------------------------


_PRESENT_IN: Final = re.compile(
    r"\s+(?:are|were|remain|remained|have\s+been|had\s+been|sind|seien|waren|befinden\s+sich|befanden\s+sich)"
    r"\s+(?:now\s+|still\s+|currently\s+|already\s+|derzeit\s+|inzwischen\s+|bereits\s+|noch\s+)?"
    r"(?:in|im|inside|on\s+the\s+ground(?:\s+in)?|an\s+der\s+Front|vor\s+Ort)(?:\s|[.,;])",
    re.IGNORECASE,
)
_IN_PLACE: Final = re.compile(r"\s+(?:in|im|inside|vor\s+Ort|on\s+the\s+ground)(?:\s|[.,;])")
_BE_BEFORE: Final = re.compile(
    r"(?<![\w])(?:sind|seien|waren|stehen|befinden\s+sich|are|were)\s+(?:\w+\s+){0,2}$"
)
# Shot down or 'abgeschossen', these are lost by their owner; only drones and missiles are intercepted.
_OWN_LOSS: Final = re.compile(
    r"\s+(?:were|was|sind|seien|wurden)\s+(?:(?:also|locally|auch|lokal)\s+)?[\"“„]?(?:lost|verloren)"
)
_VALUE_OF: Final = re.compile(
    r"(?:Wert\s+von|worth|valued\s+at|im\s+Wert)\s+(?:(?:mehr\s+als|more\s+than|über|rund|about)\s+)?\S*$"
)
_SHOT_DOWN_IS_LOST: Final = frozenset(
    {"tanks", "armored_vehicles", "artillery_systems", "vehicles", "aircraft", "helicopters"}
)
_LAUNCHER_VERB: Final = re.compile(
    r"\s+(?:(?:had|has|have|hat|hatte)\s+)?(?:launched|fired|sent|attacked|startete\w*|feuerte\w*|schickte\w*|griff\w*|setzte\w*)\b",
    re.IGNORECASE,
)
_COORD_AFTER_VERB: Final = re.compile(
    r"\s*(?:,\s*(?:(?:and|und|sowie|while|whereas|as\s+well\s+as)\s)?|(?:and|und|sowie|while|whereas|as\s+well\s+as)\s)",
    re.IGNORECASE,
)


_COORD_LEADS: Final = frozenset(
    ",aAuUsS\u017fwW"
)  # as `_RATE_LEADS`, for `_COORD_AFTER_VERB` ('ſ' is an 's')


def _match_led(
    pattern: re.Pattern[str], leads: frozenset[str], text: str, pos: int, endpos: int
) -> re.Match[str] | None:
    """`pattern.match(text, pos, endpos)` for a pattern of white space and then words or marks that
    begin with one of `leads`: tried only when the first other character is one of them."""
    end = min(endpos, len(text))
    i = max(pos, 0)
    while i < end and text[i].isspace():
        i += 1
    if i >= end or text[i] not in leads:
        return None
    return pattern.match(text, pos, endpos)


def _assign_metrics(ctx: _Context, figures: list[_Figure], sent: Sentence) -> None:
    lex = ctx.lex
    triggers = ctx.triggers_of(figures[0].sentence)
    assigned: dict[int, list[tuple[int, int, bool]]] = {i: [] for i in range(len(figures))}
    for t_start, t_end, index in triggers:
        best: tuple[int, int] | None = None
        for i, fig in enumerate(figures):
            if fig.unit_index is not None and not lex.units[fig.unit_index].tracked:
                continue  # "32 Staaten haben ... geliefert": the verb belongs to the next figure
            if (
                fig.noun_start is not None
                and fig.noun_end is not None
                and fig.noun_start <= t_start
                and t_end < fig.noun_end
            ):
                best = None  # 'armored fighting vehicles': a word of the noun itself says nothing
                break
            if fig.number.start <= t_start and t_end <= fig.np_end:
                dist = 0
            elif t_start >= fig.np_end:
                dist = t_start - fig.np_end
            else:
                dist = fig.start - t_end + 3  # the verb tends to follow the noun phrase
                closing = _match_led(_COORD_AFTER_VERB, _COORD_LEADS, ctx.text, t_end, fig.start)
                if i and closing and (not lex.metrics[index].plan or closing.group(0).strip() != ","):
                    dist += 60  # '300 soldiers had been killed and 2,700 injured': the verb closed
            if dist < 0:
                dist = 0
            if best is None or dist < best[0]:
                best = (dist, i)
        if best is not None:
            assigned[best[1]].append((best[0], index, best[0] == 0))
    for i, fig in enumerate(figures):
        unit = lex.units[fig.unit_index] if fig.unit_index is not None else None
        if unit is not None and unit.metric:
            fig.metric = unit.metric
            continue
        mine = assigned[i]
        inside = [t for t in mine if t[2]]
        pool = inside or [t for t in mine if t[0] <= 120]
        metrics = {lex.metrics[t[1]].metric for t in pool if not lex.metrics[t[1]].plan}
        plan = any(lex.metrics[t[1]].plan for t in mine if t[0] <= 60)
        metric: str | None
        if "killed_or_wounded" in metrics or {"killed", "wounded"} <= metrics:
            metric = "killed_or_wounded"
        elif pool:
            ordered = sorted((t for t in pool if not lex.metrics[t[1]].plan), key=lambda t: t[0])
            metric = lex.metrics[ordered[0][1]].metric if ordered else None
        else:
            metric = None
        if metric == "sent":
            metric = _sent_metric(unit.unit if unit else "")
        if (
            unit is not None
            and unit.unit in ("usd", "eur")
            and any(lex.metrics[t[2]].metric == "aid" for t in triggers)
        ):
            metric = "aid"
        if (
            metric == "destroyed"
            and unit is not None
            and unit.unit in ("drones", "missiles")
            and not any(
                f.unit_index is not None and lex.units[f.unit_index].unit in _SHOT_DOWN_IS_LOST
                for f in figures
            )
        ):
            metric = "intercepted"  # drones destroyed are shot down, unless listed with tanks and guns
        if metric == "destroyed":
            metric, fig.by_enemy = "lost", True
        if (
            metric == "lost"
            and unit is not None
            and unit.unit in ("drones", "missiles")
            and not _OWN_LOSS.match(ctx.text, fig.np_end, sent.end)  # 'another 20 were lost'
            and _AIR_DEFENCE.search(ctx.text, sent.start, sent.end)
        ):
            metric = "intercepted"
        if (
            plan
            and metric in ("deployed", "supplied", None)
            and unit is not None
            and unit.unit in ("soldiers",)
        ):
            metric = "planned_deployment" if metric in ("deployed", None) else metric
        if (
            metric is None
            and unit is not None
            and unit.unit == "soldiers"
            and (
                _PRESENT_IN.match(ctx.text, fig.np_end)
                or (
                    _IN_PLACE.match(ctx.text, fig.np_end)
                    and _BE_BEFORE.search(ctx.text, max(sent.start, fig.start - 25), fig.start)
                )
            )
        ):
            metric = "deployed"  # '11,000 North Korean soldiers are in the Kursk region'
        if metric is not None and unit is not None:
            metric = unit.remap.get(metric, metric)
        fig.metric = metric
        fig.metric_from_noun = bool(inside) and metric == "lost"
        rate = _match_led(_RATE_AFTER[ctx.lang], _RATE_LEADS[ctx.lang], ctx.text, fig.np_end, sent.end)
        if rate:
            fig.period = _RATE_PERIOD[rate.group(1).lower()]


_DELIVERABLE: Final = _EQUIPMENT | {"drones", "missiles", "bombs", "weapons"}
_MONEY: Final = frozenset({"usd", "eur", "gbp"})
_FACT_LINE: Final = 80  # longest line of a fact box
_ALL_MONEY: Final = frozenset({"usd", "eur", "gbp", "rub", "cny", "pln", "uah", "chf", "ils"})


_LIST_GOES_ON: Final = re.compile(
    r"(?:Dazu\s+kommen|Hinzu\s+kommen|Dazu\s+zählen|Außerdem|Zudem|Ferner|Also\s+lost|In\s+addition|Plus|Added\s+to\s+this)\b",
    re.IGNORECASE,
)


def _fact_box_header(ctx: _Context, index: int) -> int | None:
    """The sentence that opens the fact box line `index` belongs to ('Russia's losses so far:')."""
    for i in range(index - 1, max(-1, index - 16), -1):
        text = ctx.sentences[i].text
        if not _is_fact_line(text):
            return i
    return None


def _is_fact_line(text: str) -> bool:
    return len(text) <= _FACT_LINE and not text.rstrip().endswith(".") and ":" in text


def _context_metric(ctx: _Context, fig: _Figure, unit: str) -> str | None:
    """A figure no verb speaks of, in a passage about deliveries: equipment supplied, money aid;
    a fact-box line takes the loss its header speaks of ('Russia's losses:', 'Tanks: 10,942')."""
    if _is_fact_line(ctx.sentences[fig.sentence].text):
        header = _fact_box_header(ctx, fig.sentence)
        if header is not None and "lost" in ctx.metrics_of(header) and unit not in _MONEY:
            return "lost"
    if (
        fig.sentence
        and unit not in _MONEY
        and _LIST_GOES_ON.match(ctx.sentences[fig.sentence].text)
        and "lost" in ctx.metrics_of(fig.sentence - 1)
    ):
        return "lost"  # '... verlor 1.161.420 Soldaten. Dazu kommen 11.328 Panzer, ...'

    if unit in _PERSON_UNITS:
        return _people_context_metric(ctx, fig)
    if unit not in _DELIVERABLE and unit not in _MONEY:
        return None
    near = ctx.metrics_of(fig.sentence) | (ctx.metrics_of(fig.sentence - 1) if fig.sentence else frozenset())
    if unit in _MONEY:
        return "aid" if "aid" in near or "supplied" in near else None
    return "supplied" if "supplied" in near or "aid" in near else None


def _people_context_metric(ctx: _Context, fig: _Figure) -> str | None:
    """People no verb speaks of, in a passage about a prisoner swap (captured) or refugees (displaced)."""
    near = ctx.metrics_of(fig.sentence) | (ctx.metrics_of(fig.sentence - 1) if fig.sentence else frozenset())
    if "captured" in near:
        return "captured"
    if "displaced" in near and not _NOT_MOVED.search(ctx.text, fig.start, fig.end + 20):
        return "displaced"
    return None


def _sent_metric(unit: str) -> str:
    """'sent': soldiers are deployed, drones and missiles launched, equipment and money supplied."""
    if unit in _PERSON_UNITS:
        return "deployed"
    if unit in ("drones", "missiles", "attacks"):
        return "launched"
    return "supplied"


# -- subject, location, period -----------------------------------------------------------------


def _countries(ctx: _Context, lo: int, hi: int) -> list[tuple[int, int, str]]:
    return ctx.countries_in(lo, hi)


def _place(ctx: _Context, lo: int, hi: int, near: int) -> str | None:
    best: tuple[int, str] | None = None
    for p_start, _p_end, index in ctx.places_in(lo, hi):
        place = ctx.lex.places[index]
        if place.country_level and not _LOCATION_PREP.found(ctx.text, max(lo, p_start - 25), p_start):
            continue
        dist = abs(p_start - near)
        if best is None or dist < best[0]:
            best = (dist, place.name)
    return best[1] if best else None


def _location(ctx: _Context, fig: _Figure, figures: list[_Figure], sent: Sentence) -> str | None:
    """A town in the figure's stretch of the sentence, or a country it is sent to or counted in."""
    # `figures.index(fig)` compares by the dataclass's __eq__ (interpreted, ~3,000 instructions a
    # figure); no two figures of a sentence are equal (each has its own number), so by identity
    i = 0
    while figures[i] is not fig:
        i += 1
    lo = figures[i - 1].np_end if i > 0 else sent.start
    hi = figures[i + 1].start if i + 1 < len(figures) else sent.end
    best: tuple[int, str] | None = None
    for p_start, p_end, index in ctx.places_in(lo, hi):
        place = ctx.lex.places[index]
        if place.country_level:
            after = 0 <= p_start - fig.np_end <= 30 and "," not in ctx.text[fig.np_end : p_start]
            near_np = after or (0 <= fig.start - p_end <= 20 and "," not in ctx.text[p_end : fig.start])
            if not near_np or not _LOCATION_PREP.found(ctx.text, max(lo, p_start - 25), p_start):
                continue
        dist = min(abs(p_start - fig.np_end), abs(fig.start - p_end))
        if best is None or dist < best[0]:
            best = (dist, place.name)
    return best[1] if best else None


@dataclass(frozen=True)
class _PlaceNames:
    """The place lexicon by display name: every name written for it, and its country."""

    places: list[PlaceEntry]
    names: dict[str, frozenset[str]]
    country: dict[str, str]  # of the first entry with the name


_place_names: _PlaceNames | None = None  # for the places last asked about


def _by_place_name(lex: Compiled) -> _PlaceNames:
    global _place_names
    found = _place_names
    if found is None or found.places is not lex.places:
        names: dict[str, set[str]] = {}
        country: dict[str, str] = {}
        for p in lex.places:
            names.setdefault(p.name, set()).update(p.names)
            country.setdefault(p.name, p.country)
        frozen = {name: frozenset(written) for name, written in names.items()}
        found = _place_names = _PlaceNames(lex.places, frozen, country)
    return found


def _names_place(lex: Compiled, name: str, place: str) -> bool:
    return name in _by_place_name(lex).names.get(place, frozenset())


def _place_country(ctx: _Context, name: str | None) -> str | None:
    if name is None:
        return None
    return _by_place_name(ctx.lex).country.get(name)


def _subject(
    ctx: _Context,
    fig: _Figure,
    figures: list[_Figure],
    sent: Sentence,
    source: Source | None,
    location: str | None,
) -> str | None:
    lex = ctx.lex
    np_countries = _countries(ctx, fig.number.end, fig.np_end)
    if np_countries:
        return np_countries[0][2]
    unit = lex.units[fig.unit_index].unit if fig.unit_index is not None else ""
    if unit in _ALL_MONEY and fig.metric not in ("aid", "supplied"):
        return None  # revenue, budgets, damage: money nobody gave is no party's figure
    own = [(f.number.end, f.np_end) for f in figures if f is not fig]
    excluded = own + ([(source.start, source.end)] if source else [])
    dateline = _dateline(ctx.text, sent.start, sent.end)
    if dateline:  # 'KYIV, Ukraine (AP) — Russia launched ...': the dateline names no party
        excluded.append((sent.start, dateline.end()))
    mentions = []
    placed: list[str] = []
    for start, end, code in _countries(ctx, sent.start, sent.end):
        if any(s <= start < e for s, e in excluded):
            continue
        if _LOCATION_PREP.found(ctx.text, max(sent.start, start - 25), start):
            if _VICTIM_PLACE_PREP.found(ctx.text, max(sent.start, start - 25), start):
                placed.append(code)
            continue
        if fig.metric in ("supplied", "aid") and (
            _RECIPIENT.found(ctx.text, max(sent.start, start - 25), start)
            or ctx.text.startswith(("der ", "den "), start)  # dative: 'liefert der Ukraine'
            or ctx.text.startswith("-", end)  # 'Ukraine-Hilfe'
        ):
            continue
        mentions.append((start, end, code))
    if unit in _VICTIM_UNITS and fig.metric in (
        "killed",
        "wounded",
        "killed_or_wounded",
        "missing",
        "displaced",
    ):
        country = _place_country(ctx, location)
        if country:
            return country
        if placed and fig.metric != "displaced":
            return placed[0]  # 'Israeli strikes on Lebanon killed 39 people': the place's people
        if mentions:
            attacker = lex.countries[mentions[0][2]]
            return attacker.adversary or None
        return None
    if fig.metric in ("intercepted", "destroyed"):
        for start, end, code in mentions:
            if _AGENT_PREP.found(ctx.text, max(sent.start, start - 12), start):
                return code
            if _LAUNCHER_VERB.match(ctx.text, end, sent.end):
                return code  # 'Russia launched 35 drones, of which 27 were destroyed'
        over = _place_country(ctx, location)
        if over in lex.countries and lex.countries[over].adversary:
            return lex.countries[over].adversary  # '128 drones destroyed over the Kursk region'

        if mentions:
            first = lex.countries[mentions[0][2]]
            return first.adversary or first.code
        speaker = source.id.split("_", 1)[0].upper() if source and source.id and "_" in source.id else None
        if speaker in lex.countries:  # 'Ukraine's air force said 42 drones were shot down'
            return lex.countries[speaker].adversary
        return None
    if mentions:
        code = mentions[0][2]
        if fig.by_enemy and mentions[0][0] < fig.start:
            return lex.countries[code].adversary or code
        return code
    if fig.metric in ("launched", "attacks") or (
        fig.metric is None and unit in ("missiles", "drones", "bombs")
    ):
        target = _place_country(ctx, location)  # 'two missiles struck Sumy': fired by Ukraine's enemy
        if target in lex.countries:
            return lex.countries[target].adversary
    return None


def _period(ctx: _Context, fig: _Figure, sent: Sentence) -> str | None:
    period = ctx.period_of(fig.sentence)
    if period is None:
        return None
    if _has_total_cue(ctx.text, max(sent.start, fig.start - 30), fig.start) or _total_to(
        ctx.text, max(sent.start, fig.start - 90), fig.start
    ):
        return None
    return period


def _total_to(text: str, lo: int, hi: int) -> bool:
    """Whether `_TOTAL_TO` finds 'bringing its losses to ' in text[lo:hi]: the window must end with
    'to' or 'auf' and white space (their letters fold plainly: lower-cased, they are exact)."""
    window = text[lo:hi]
    words = window.rstrip()
    if len(words) == len(window) or not words[-3:].lower().endswith(("to", "auf")):
        return False
    return _TOTAL_TO.search(text, lo, hi) is not None


_SAID_WHEN: Final = re.compile(
    r"(?<![\w])(?:said|says|told|reported|announced|confirmed|added|sagte|sagten|erklärte|berichtete|meldete"
    r"|bestätigte|teilte\s+(?:\w+\s+)?mit)\s+(?:on\s+)?$",
    re.IGNORECASE,
)


# -- sources -----------------------------------------------------------------------------------


class _Sources:
    """The source each sentence of an article names, found when first asked for: a sentence
    without figures needs one only when a later sentence refers back to it (under half do).
    A source depends only on the sentence and those before it, so the order they are found in
    changes nothing."""

    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx
        self.figures: list[list[_Figure]] = []
        self.found: dict[int, Source | None] = {}
        self._complete = 0  # every sentence before this one has its source
        self._depth = 0

    def add(self, figures: list[_Figure]) -> None:
        """The next sentence, with its figures."""
        self.figures.append(figures)

    def __getitem__(self, index: int) -> Source | None:
        if index in self.found:
            return self.found[index]
        if self._depth >= _MAX_SOURCE_DEPTH:
            # A long chain back (reported speech over many sentences): find the earlier ones
            # oldest first, each of which then asks only for sources already found.
            while self._complete < index:
                if self._complete not in self.found:
                    self._find(self._complete)
                self._complete += 1
        return self._find(index)

    def _find(self, index: int) -> Source | None:
        self._depth += 1
        try:
            source = self.found[index] = _sentence_source(self.ctx, index, self.figures[index], self)
        finally:
            self._depth -= 1
        return source

    def nearest(self, index: int, count: int) -> Source | None:
        """The source of the nearest of the `count` sentences before `index` that names one."""
        for earlier in range(index - 1, max(index - count, 0) - 1, -1):
            source = self[earlier]
            if source is not None:
                return source
        return None


_MAX_SOURCE_DEPTH: Final = 16


def _sentence_source(ctx: _Context, index: int, figures: list[_Figure], sources: _Sources) -> Source | None:
    attributor = _attributor()
    sent = ctx.sentences[index]
    exclude = [(f.start, f.end) for f in figures]
    lo, hi = sent.start, sent.end
    for q_start, q_end in ctx.quotes:
        if q_start < hi and q_end > lo:  # the quote's speaker may be named outside the sentence
            lo = min(lo, _sentence_at(ctx, q_start).start)
            hi = max(hi, _sentence_at(ctx, q_end).end)
    # 'demnach', 'he said': the nearest source of the 3 sentences before, if the anaphor can mean it
    if index and attributor.anaphoric(ctx.text, sent.start, sent.end, ctx.lang):
        remembered = sources.nearest(index, 3)
        if remembered is not None and attributor.refers_to(
            ctx.text, sent.start, sent.end, ctx.lang, remembered
        ):
            return remembered
    source = attributor.find(ctx.text, lo, hi, ctx.lang, exclude)
    if source is not None and attributor.is_bare(source.name):
        ending = " " + source.name.lower()
        for earlier in range(index - 1, -1, -1):
            fuller = sources[earlier]
            if fuller is not None and fuller.name.lower().endswith(ending):
                source = Source(fuller.name, source.start, source.end, fuller.id, fuller.person)
                break
        else:
            source = attributor.fuller_before(ctx.text, ctx.lang, source, sent.start) or source
    if source is None and index + 1 < len(ctx.sentences):
        nxt = ctx.sentences[index + 1]
        if attributor.next_sentence_cue(nxt.text, ctx.lang):
            source = attributor.find(ctx.text, nxt.start, nxt.end, ctx.lang, [])
    if source is None and index and attributor.reported_speech(ctx.text, sent.start, sent.end, ctx.lang):
        source = sources.nearest(index, 2)
    fact_line = len(sent.text) <= _FACT_LINE and not sent.text.rstrip().endswith(".")
    if source is None and figures and fact_line:  # a fact box names its source in its last line
        for nxt in ctx.sentences[index + 1 : index + 8]:
            if attributor.source_line(nxt.text):
                source = attributor.find(ctx.text, nxt.start, nxt.end, ctx.lang, [])
                break
            if len(nxt.text) > _FACT_LINE or nxt.text.rstrip().endswith("."):
                break
    if source is None and figures and fact_line and _is_fact_line(sent.text):
        header = _fact_box_header(ctx, index)  # 'Russia's losses, according to the General Staff:'
        if header is not None and header < index and ctx.sentences[header].text.rstrip().endswith(":"):
            source = sources[header]
    if (
        source is None
        and figures
        and index
        and _CONTINUES.search(sent.text)
        and sources[index - 1] is not None
    ):
        # 'Innerhalb Syriens gelten weitere 7,4 Millionen Menschen als vertrieben.'
        source = sources[index - 1]
    return source


def _sentence_at(ctx: _Context, pos: int) -> Sentence:
    """The last sentence that starts at or before `pos` (the first one if none does)."""
    sentences = ctx.sentences
    lo, hi = 0, len(sentences)
    while lo < hi:  # bisect_right over the starts, without building their list
        mid = (lo + hi) // 2
        if sentences[mid].start <= pos:
            lo = mid + 1
        else:
            hi = mid
    return sentences[max(lo - 1, 0)]


# -- the whole article -------------------------------------------------------------------------


def extract_claims(text: str, lang: Lang, article_id: str, published_at: datetime | None) -> list[Claim]:
    """The claims of one article whose language is known."""
    lex = lexicons()
    sentences = split_sentences(text)
    ctx = _Context(
        text,
        lang,
        lex,
        sentences,
        quote_spans(text),
        _scan_countries(text, lang, lex),
        _scan_places(text, lex),
    )
    numbers = find_numbers(text, lang)
    starts = [n.start for n in numbers]
    sources = _Sources(ctx)
    claims: list[Claim] = []
    places: dict[int, str | None] = {}  # by sentence: the place it names, found when asked for
    earlier: _Figure | None = None
    earlier_index = -10
    previous_subjects: list[tuple[str | None, bool]] = []
    previous_index = -10
    donor: tuple[int, str] | None = None  # (sentence, subject) of the last delivery with a giver
    for index, sent in enumerate(sentences):
        lo = bisect_left(starts, sent.start)
        hi = bisect_left(starts, sent.end)
        in_sentence = [n for n in numbers[lo:hi] if n.end <= sent.end]
        recent = earlier if index - earlier_index <= 2 else None
        figures = _figures_in(ctx, index, in_sentence, recent) if in_sentence else []
        sources.add(figures)
        # found now, before the figures' metrics are set; a sentence without figures gets its
        # source only if a later sentence asks for it
        source = sources[index] if figures else None
        if figures:
            _assign_metrics(ctx, figures, sent)
            _distribute(ctx, figures)
            prior_place = _prior_place(ctx, index, places)
            fallback = _previous_subject(ctx, index, previous_subjects if index - previous_index == 1 else [])
            subjects: list[tuple[str | None, bool]] = []
            giver = donor[1] if donor and index - donor[0] <= 3 else None
            carried = _carried_period(ctx, index)
            for fig in figures:
                claim = _claim(
                    ctx,
                    fig,
                    figures,
                    sent,
                    source,
                    (prior_place, fallback, giver, carried),
                    article_id,
                    published_at,
                )
                claims.append(claim)
                victim = claim.unit in _VICTIM_UNITS and claim.metric in _CASUALTY
                subjects.append((claim.subject, victim))
                if claim.metric in ("supplied", "aid") and claim.subject:
                    donor = (index, claim.subject)
            earlier, earlier_index = figures[-1], index
            previous_subjects, previous_index = subjects, index
    return _harmonise(_dedupe(claims))


def _prior_place(ctx: _Context, index: int, places: dict[int, str | None]) -> str | None:
    """The place the nearest of the three sentences before `index` names that names one."""
    for before in range(index - 1, max(index - 4, -1), -1):
        if before not in places:
            sent = ctx.sentences[before]
            places[before] = _place(ctx, sent.start, sent.end, sent.start)
        place = places[before]
        if place is not None:
            return place
    return None


def _carried_period(ctx: _Context, index: int) -> str | None:
    """The period of a rate phrase one or two sentences before `index` (the nearer one)."""
    for before in range(index - 1, max(index - 3, -1), -1):
        period = ctx.period_of(before)
        if period is not None:
            return period
    return None


def _previous_subject(
    ctx: _Context, index: int, subjects: list[tuple[str | None, bool]]
) -> tuple[str | None, bool]:
    """Whose figures the previous sentence was about, for a sentence that names no one, and
    whether they were victims (then the victims' side, not the attacker's, carries over)."""
    known = [x for x in subjects if x[0] is not None]
    if known:
        return known[-1]
    if index == 0:
        return None, False
    prev = ctx.sentences[index - 1]
    dateline = _dateline(ctx.text, prev.start, prev.end)
    lo = dateline.end() if dateline else prev.start
    for start, _end, code in _countries(ctx, lo, prev.end):
        if not _LOCATION_PREP.found(ctx.text, max(prev.start, start - 25), start):
            return code, False
    return None, False


_CUE: Final = re.compile(
    r"laut|zufolge|sagte|erklärte|teilte|berichtete|meldete|Angaben|according|said|says|told|reported|"
    r"estimated|announced",
    re.IGNORECASE,
)


def _has_cue(ctx: _Context, sent: Sentence) -> bool:
    return _CUE.search(sent.text) is not None


_SUBSET_GAP: Final = re.compile(
    r"[,(–-]\s*(?:darunter|unter\s+ihnen|davon|including|among\s+them|among\s+whom|of\s+whom)"
    r"(?:\s+(?:auch|mindestens|at\s+least|more\s+than|mehr\s+als))?\s*$",
    re.IGNORECASE,
)


def _is_people(ctx: _Context, fig: _Figure) -> bool:
    return fig.unit_index is not None and ctx.lex.units[fig.unit_index].unit in _PERSON_UNITS


def _distribute(ctx: _Context, figures: list[_Figure]) -> None:
    """'über 10.000 Panzern und 20.000 gepanzerten Fahrzeugen': the qualifier and metric carry over."""
    for prev, fig in itertools.pairwise(figures):
        gap = ctx.text[prev.np_end : fig.start]
        if not _COORD_GAP.match(gap):
            continue
        if (
            fig.qualifier is None
            and prev.qualifier not in (None, Qualifier.EXACT, Qualifier.RANGE)
            and _PLAIN_AND.fullmatch(gap)
        ):  # 'über 10.000 Panzern und 20.000 Fahrzeugen'; not over ', and five peacekeepers'
            fig.qualifier = prev.qualifier
        if fig.metric is None and prev.metric is not None:
            fig.metric = prev.metric
            unit = ctx.lex.units[fig.unit_index] if fig.unit_index is not None else None
            if unit is not None:
                fig.metric = unit.remap.get(prev.metric, prev.metric)
    for i, fig in enumerate(figures):
        whole = fig.antecedent
        if fig.metric is None and fig.elliptic and whole is not None and any(f is whole for f in figures[:i]):
            fig.metric = whole.metric  # '35 civilians killed in El Fasher and 26 in Zamzam'
    for prev, fig in itertools.pairwise(figures):
        # A part of a toll shares its metric: "38 Menschen getötet, darunter elf Kinder", and
        # "More than 120 people, including 24 children, are feared dead"
        if not (_is_people(ctx, prev) and _is_people(ctx, fig)):
            continue
        if not _SUBSET_GAP.search(ctx.text, prev.np_end, fig.start):
            continue
        if fig.metric is None and prev.metric in _CASUALTY:
            fig.metric = prev.metric
            fig.antecedent = fig.antecedent or prev
        elif prev.metric is None and fig.metric in _CASUALTY:
            prev.metric = fig.metric
    for prev, fig in reversed(list(itertools.pairwise(figures))):
        # "14 Panzer, 31 Artilleriesysteme und 45 Drohnen zerstört": the verb closes the list
        if (
            prev.metric is None
            and fig.metric is not None
            and _COORD_GAP.match(ctx.text[prev.np_end : fig.start])
        ):
            unit = ctx.lex.units[prev.unit_index] if prev.unit_index is not None else None
            if unit is not None and unit.tracked and not unit.metric:
                prev.metric = unit.remap.get(fig.metric, fig.metric)


def _claim(
    ctx: _Context,
    fig: _Figure,
    figures: list[_Figure],
    sent: Sentence,
    source: Source | None,
    earlier: tuple[str | None, tuple[str | None, bool], str | None, str | None],
    article_id: str,
    published_at: datetime | None,
) -> Claim:
    lex = ctx.lex
    assert fig.unit_index is not None
    unit = lex.units[fig.unit_index]
    metric = fig.metric or _context_metric(ctx, fig, unit.unit) or unit.default_metric or "count"
    if metric == "aid" and unit.unit in _DELIVERABLE:
        metric = "supplied"  # 'Teil des Pakets sind 18 Kampfpanzer': equipment in aid is delivered
    if not unit.tracked:
        metric = "count"
    if metric == "intercepted" and unit.unit in _SHOT_DOWN_IS_LOST:
        metric, fig.by_enemy = "lost", True  # 'Panzer abgeschossen': the shooter's enemy lost them
    if (
        metric == "supplied"
        and unit.unit in _ALL_MONEY
        and not _VALUE_OF.search(ctx.text, max(sent.start, fig.start - 30), fig.start)
    ):
        metric = "aid"  # money handed over is aid; 'weapons worth $100 billion' were supplied
    prev_place, (fallback, fallback_victim), giver, carried = earlier
    location = _location(ctx, fig, figures, sent)
    if location is not None and source is not None and _names_place(lex, source.name, location):
        location = None  # 'beziffert Kiew die Verluste': the capital speaks, nothing happened there
    if location is None and (unit.unit in _VICTIM_UNITS or unit.unit == "attacks"):
        location = prev_place
    subject = _subject(ctx, fig, figures, sent, source, location)
    if subject is None and fig.antecedent is not None:
        subject = fig.antecedent.subject
    if subject is None and metric in ("supplied", "aid"):
        subject = giver
    if subject is None and unit.unit not in _VICTIM_UNITS and metric != "count":
        subject = fallback
    elif subject is None and unit.unit in _VICTIM_UNITS and fallback in lex.countries and location is None:
        subject = fallback if fallback_victim else (lex.countries[fallback].adversary if fallback else None)
    fig.subject = subject
    if not unit.tracked:
        subject = None
    source_name = (
        (resolve_person(source.name, ctx.text) if source.person else source.name) if source else None
    )
    source_id = _attributor().identity(source, source_name) if source and source_name else None
    period = fig.period or _period(ctx, fig, sent)
    if (
        period is None
        and carried is not None
        and unit.unit in _WEAPON_RATE_UNITS
        and metric in ("launched", "intercepted", "lost")
        and not _has_total_cue(sent.text, 0, len(sent.text))
    ):
        period = carried  # the night's attack, told over the following sentences
    tracked = unit.tracked and metric != "count"
    unit_name = fig.noun or unit.unit
    n = fig.number
    start, end = fig.start, fig.end
    # Every value is of its field's type by construction (tests/unit/test_extract_fields.py checks
    # that claims validate), so the claim is built without validating it again.
    evidence = _construct(Evidence, _EVIDENCE_SET, {"text": sent.text, "start": start, "end": end})
    values: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "claim_id": claim_id_for(article_id, start, end),
        "article_id": article_id,
        "figure_key": _figure_key(subject, metric, unit_name, period, source_id),
        "value": float(n.value),
        "value_max": None if n.value_max is None else float(n.value_max),
        "qualifier": fig.qualifier or Qualifier.EXACT,
        "vague": n.vague,
        "unit": unit_name,
        "metric": metric,
        "subject": subject,
        "source": source_name,
        "source_id": source_id,
        "location": location,
        "period": period,
        "evidence": evidence,
        "language": ctx.lang,
        "published_at": published_at,
        "tracked": tracked,
    }
    return _construct(Claim, _CLAIM_SET, values)


_Model = TypeVar("_Model", Claim, Evidence)
# The fields `model_construct` would record as set: all but the defaulted schema_version.
_CLAIM_SET: Final = frozenset(Claim.model_fields) - {"schema_version"}
_EVIDENCE_SET: Final = frozenset(Evidence.model_fields)


def _construct(cls: type[_Model], fields_set: frozenset[str], values: dict[str, Any]) -> _Model:
    """What `cls.model_construct(**values)` builds, for a plain model (no aliases, extras, private
    attributes or post-init) and `values` holding every field in declaration order, `fields_set`
    those passed explicitly; ~5x faster, as pydantic looks up aliases and defaults per field."""
    model: _Model = object.__new__(cls)
    object.__setattr__(model, "__dict__", values)
    object.__setattr__(model, "__pydantic_fields_set__", set(fields_set))
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


@lru_cache(maxsize=4096)
def _figure_key(subject: str | None, metric: str, unit: str, period: str | None, source: str | None) -> str:
    return figure_key(subject=subject, metric=metric, unit=unit, period=period, source=source)


def _dedupe(claims: list[Claim]) -> list[Claim]:
    out: list[Claim] = []
    for claim in sorted(claims, key=lambda c: (c.evidence.start, -c.evidence.end)):
        if out and claim.evidence.start < out[-1].evidence.end and claim.value == out[-1].value:
            continue
        out.append(claim)
    return out


def _harmonise(claims: list[Claim]) -> list[Claim]:
    """'600.000 russische Verluste' is the same figure as '600.000 getötete oder verwundete Soldaten'."""
    specific = {
        (c.value, c.value_max, c.unit, c.subject): c.metric
        for c in claims
        if c.metric in ("killed_or_wounded", "killed", "wounded")
    }
    out: list[Claim] = []
    for c in claims:
        better = specific.get((c.value, c.value_max, c.unit, c.subject))
        if c.metric in ("lost", "count") and c.unit in _PERSON_UNITS and better:
            key = _figure_key(c.subject, better, c.unit, c.period, c.source_id)
            c = c.model_copy(update={"metric": better, "figure_key": key, "tracked": True})
        out.append(c)
    return out


__all__ = ["Extraction", "extract_article", "extract_claims"]
