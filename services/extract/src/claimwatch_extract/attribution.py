"""To whom a sentence attributes what it states: the source of its figures, in canonical form.

A source needs a cue (laut, zufolge, nach Angaben, sagte, according to, said, ...) next to a
noun phrase naming a body (NATO, the Ukrainian General Staff) or a person. "Berichten zufolge"
and other cues without a named speaker give no source.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Final, TypeVar

from claimwatch_schemas import slug

from .alternation import Alternation, bisect_left
from .lexicons import Compiled, Lang

_VERBS_DE = (
    r"sagte|sagt|sagten|erklärte|erklärt|erklärten|berichtete|berichtet|berichteten|teilte|teilt|teilten"
    r"|meldete|meldet|meldeten|schätzte|schätzt|schätzen|betonte|betont|bestätigte|bestätigt|registrierte"
    r"|registriert|zählte|zählt|verzeichnete|verzeichnet|warnte|schrieb|schreibt|nannte|nennt|bezifferte"
    r"|beziffert|bezifferten|besagen|besagt|sprach|spricht|gab|gibt|gaben|geht|ging|veröffentlichte"
    r"|informierte|hieß|heißt|zitierte|zitiert|behauptete|behauptet|vermeldete|räumte|dokumentierte"
    r"|dokumentiert|kündigte|kündigt|mitteilte|mitteilten|berechnet|berechnete|berechneten|ermittelte"
    r"|ermittelt|so|rechnet|rechnen|rechnete|rechneten|sprechen|sprachen|melden|berichten|zählen|zählten"
    r"|gehen|verzeichneten|bilanzierte|bilanziert"
)
_VERBS_EN = (
    r"said|says|say|told|tells|reported|reports|estimated|estimates|estimate|claimed|claims|stated"
    r"|announced|announces|wrote|writes|added|adds|confirmed|confirms|counted|recorded"
    r"|documented|registered|noted|warned|tallied|published|cited|assessed|assesses|believes|believed"
    r"|recorded|according|saying|urged|put|puts|show|shows|showed|suggest|suggests|verified|verifies"
)


def word_alternatives(words: list[str]) -> str:
    r"""A pattern for any of `words` (regex text each, led by a letter) with no word character
    before or after it, as `(?<![\w])(?:w1|w2|...)(?![\w])` finds, but with each word's first letter
    ahead of the lookbehind (which then looks two characters back) and the words grouped by that
    letter, in their order: a search then skips to the next of those letters instead of trying
    every position (a lookbehind first hides the letters from `re`). At any position the same
    word matches as in the plain pattern: only the words of the letter there can."""
    by_letter: dict[str, list[str]] = {}
    for word in words:
        assert word[:1].isalpha(), word  # a literal letter, not regex syntax
        by_letter.setdefault(word[0], []).append(word[1:])
    branches = [rf"{letter}(?<![\w].)(?:{'|'.join(rests)})" for letter, rests in by_letter.items()]
    return rf"(?:{'|'.join(branches)})(?![\w])"


def _word_alternation(phrases: list[str], lang: Lang) -> Alternation:
    """Case-insensitive phrases with no word character before or after them: an `Alternation`,
    so that a scan tries only the word starts whose first characters begin a phrase."""
    return Alternation(phrases, lead=r"(?<![\w])", tail=r"(?![\w])", flags=re.IGNORECASE, group=lang)


_PRE_CUE: Final = {
    "de": _word_alternation(
        [
            "laut",
            r"nach\s+(?:Angaben|Schätzungen|Einschätzung|Informationen|Darstellung|Zählung|Zahlen|Erkenntnissen"
            r"|Berechnungen|Daten|(?:einem\s+)?Bericht)(?:\s+(?:von|vom))?",
            r"Angaben\s+(?:von|vom)",
            r"(?:nach|laut)(?=\s+[A-ZÄÖÜ][\w.]*-(?:Angaben|Zahlen|Schätzungen|Informationen|Daten)(?![\w]))",
            r"Quellen?\s*:",
            *_VERBS_DE.split("|"),
        ],
        "de",
    ),
    "en": _word_alternation(
        [
            r"according\s+to",
            "citing",
            r"cited\s+by",
            r"(?:figures|data|estimates)\s+from",
            r"Sources?\s*:",
            *_VERBS_EN.split("|"),
        ],
        "en",
    ),
}
_POST_CUE: Final = {
    "de": _word_alternation(["zufolge", *_VERBS_DE.split("|")], "de"),
    "en": _word_alternation(_VERBS_EN.split("|"), "en"),
}
# Cues that point back to the source named in an earlier sentence (searched in every sentence).
_ANAPHOR: Final = {
    "de": _word_alternation(
        [
            r"demnach",
            r"den\s+Angaben\s+zufolge",
            r"nach\s+diesen\s+Angaben",
            r"(?:sagte|erklärte|betonte|fügte|schrieb|teilte|so)\s+(?:er|sie)",
            r"(?:er|sie)\s+(?:sagte|erklärte|betonte|fügte|schrieb|teilte|schätzt|schätzte)",
            r"wie\s+(?:er|sie)\s+\w+",
            r"hieß\s+es",
            r"heißt\s+es",
            r"(?:sagte|erklärte|teilte|meldete|berichtete|schrieb|so)\s+(?:die|das|der)\s+(?:Behörde"
            r"|Organisation|Ministerium|Armee|Militär|Regierung|Polizei|Stelle|Gruppe|Sprecher|Sprecherin"
            r"|Agentur|Institut|Verwaltung)",
        ],
        "de",
    ),
    "en": _word_alternation(
        [
            r"(?:he|she|it|they)\s+(?:said|added|says|wrote|estimated|reported|claimed)",
            r"said\s+(?:he|she|it|they)",
            r"the\s+(?:ministry|agency|statement|report|official|spokesman|spokeswoman|military|army"
            r"|governor|mayor|authority|organi[sz]ation|group|office|department|institute|service|agency)"
            r"\s+(?:said|added|says|reported)",
            r"according\s+to\s+(?:the\s+)?(?:statement|report|ministry|figures|the\s+same\s+source)",
        ],
        "en",
    ),
}
# What an anaphoric noun can point back to: words of the earlier source's name or id.
_ARMED_FORCES = (
    "army",
    "military",
    "armee",
    "militär",
    "forces",
    "streitkräfte",
    "idf",
    "general staff",
    "generalstab",
)
_ANAPHOR_KINDS: Final[dict[str, tuple[str, ...]]] = {
    **dict.fromkeys(("army", "military", "armee", "militär"), _ARMED_FORCES),
    **dict.fromkeys(("ministry", "ministerium"), ("ministry", "ministerium")),
    "polizei": ("polizei", "police"),
    "governor": ("person", "governor", "administration"),
    "mayor": ("person", "mayor"),
    **dict.fromkeys(("spokesman", "spokeswoman"), ("person", "spokes")),
    **dict.fromkeys(("sprecher", "sprecherin"), ("person", "sprecher")),
    "official": ("person", "official"),
}
_ANAPHOR_NOUN: Final = re.compile(r"(?<=\s)(?:" + "|".join(_ANAPHOR_KINDS) + r")(?![\w])", re.IGNORECASE)
_NEXT_SENTENCE: Final = {
    "de": re.compile(
        r"^(?:Das|Dies|Diese\s+Zahlen?|Diese\s+Angaben)\s+(?:teilte|sagte|erklärte|berichtete|meldete|gab|schrieb|bestätigte|kündigte|betonte|berichteten|teilten)",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"^(?:That|This|These|That's|This\s+is|Those)\b.{0,30}?\b(?:according\s+to|said|reported|figures?\s+(?:came|come)\s+from)",
        re.IGNORECASE,
    ),
}

_DE_NOUN_SUFFIX: Final = re.compile(
    r"(?:ung|heit|keit|schaft|tion|lage|ismus|tät|nis|ment|register\w*|ungen)$"
)
_HEADLINE_SOURCE: Final = re.compile(r"(?P<name>[^:\n]{2,40}):\s+\S")
_SENTENCE_SUBJECT: Final = re.compile(r"\s*(?:(?:Die|Der|Das|Auch|Zudem)\s+)?")
_AUXILIARY: Final = re.compile(r"\s+(?:hat|haben|hatte|hatten)\s")
_SENTENCE_OPENING: Final = re.compile(r"(?:^|[.!?:]\s+|\n\s*|[\"“]\s*)$")
_COMPOUND_CLAIM: Final = re.compile(
    r"(?<![\w])(?:[Nn]ach|[Ll]aut)\s+(?:(?P<adj>[\w-]+isch(?:en|er|e))\s+)?"
    r"(?P<head>[A-ZÄÖÜ][a-zäöüß]+?)(?:angaben|zahlen|schätzungen|informationen)(?![\w])"
)
_PARTY_CLAIM: Final = {
    "de": re.compile(
        r"(?<![\w])(?:(?:[Nn]ach|[Ll]aut)\s+(?P<adj>[\w-]+isch(?:en|er|e))\s+(?:Angaben|Zahlen|Schätzungen|Zählung"
        r"|Darstellung|Informationen)|(?P<adj2>[\w-]+isch(?:en|er|e))\s+(?:Angaben|Zahlen|Schätzungen)\s+zufolge)(?![\w])"
    ),
    "en": re.compile(
        r"(?<![\w])according\s+to\s+(?P<adj>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\s+(?:figures|data|estimates|claims|accounts)"
        r"(?![\w])(?P<adj2>)"
    ),
}
# Literals every match of the case-sensitive patterns above holds, looked for before searching.
_COMPOUND_HEADS: Final = ("angaben", "zahlen", "schätzungen", "informationen")
_PARTY_CLAIM_LITERAL: Final = {"de": "isch", "en": "according"}
# ... and one of whose nouns every match holds.
_PARTY_CLAIM_NOUNS: Final = {
    "de": ("Angaben", "Zahlen", "Schätzungen", "Zählung", "Darstellung", "Informationen"),
    "en": ("figures", "data", "estimates", "claims", "accounts"),
}
_GAZA_BEFORE: Final = re.compile(r"(?:Gaza(?:'s|’s)?|the\s+territory(?:'s|’s))\s+$")
_SOURCE_LINE: Final = re.compile(r"^\s*(?:Quellen?|Sources?)\s*:")

# A capital no word character or hyphen precedes: the capital comes first and the lookbehind
# after it (two characters back), so that a search skips to the next capital (~2x faster).
_NAME_TOKEN = r"[A-ZÄÖÜ](?<![\w-].)[a-zäöüßéèáàóòíìúùçñşšžčćł]+(?:[-'’][A-Za-zäöüß]+)*"
_PERSON: Final = re.compile(
    rf"{_NAME_TOKEN}(?:[ \t\u00a0]+(?:van\s+der\s+|von\s+der\s+|von\s+|van\s+|de\s+|al-)?"
    rf"{_NAME_TOKEN}){{0,3}}"
)
# Konjunktiv I of reported speech: the sentence goes on quoting the previous sentence's source.
_REPORTED_SPEECH_WORDS = [
    "sei", "seien", "habe", "hätten", "hätte", "könne", "könnten", "werde", "würden", "solle", "müsse",
    "wolle", "gebe", "liege", "gehe", "stehe", "verfüge", "verliere", "halte", r"seit\s+\w+\s+habe",
]  # fmt: skip
# (an `Alternation`: a sentence's search tries only the article's word starts that begin a word)
_REPORTED_SPEECH: Final = Alternation(_REPORTED_SPEECH_WORDS, lead=r"(?<![\w])", tail=r"(?![\w])", group="de")
# English speech verbs in front of their subject need the inversion of a report: ', said the ministry'.
_EN_INVERSION: Final = re.compile(r"[,\"”’]\s*$")
# 'Pistorius sagt Kiew weitere Waffen zu': a pledge, no statement
_SEPARABLE_ZU: Final = re.compile(r"[^.;:!?]*?\szu[.,;]")
# A country announcing a package is its giver, not the source of someone else's figure.
_ANNOUNCE: Final = re.compile(r"kündig|announc|pledg|sag\w* zu")
_DE_ARTICLE: Final = re.compile(
    r"^(?:der|die|das|dem|den|des|einem|einer|eines|ein|eine|the)\s+", re.IGNORECASE
)
_ADJ_ENDING: Final = re.compile(r"(?:en|em|er|es|e)$")
_STOP_NAMES: Final = frozenset(
    [
        "Der",
        "Die",
        "Das",
        "Dem",
        "Den",
        "Des",
        "Ein",
        "Eine",
        "Einem",
        "Einer",
        "The",
        "A",
        "An",
        "In",
        "Im",
        "Am",
        "Auf",
        "Nach",
        "Laut",
        "Zudem",
        "Auch",
        "Nun",
        "Er",
        "Sie",
        "Es",
        "Wir",
        "Man",
        "Doch",
        "Dabei",
        "Damit",
        "Demnach",
        "Zuletzt",
        "Bisher",
        "Insgesamt",
        "Mehr",
        "It",
        "He",
        "She",
        "They",
        "We",
        "This",
        "That",
        "These",
        "Those",
        "There",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Montag",
        "Dienstag",
        "Mittwoch",
        "Donnerstag",
        "Freitag",
        "Samstag",
        "Sonntag",
        "Berichten",
        "Berichte",
        "Published",
        "Updated",
        "Aktualisiert",
        "Veröffentlicht",
        "Stand",
        "Angaben",
        "Schätzungen",
        "According",
        "Sources",
        "Quellen",
        "Experten",
        "Experts",
        "Officials",
        "Beobachter",
        "Russland",
        "Ukraine",
        "Kiew",
        "Moskau",
        "Brüssel",
        "Berlin",
        "Washington",
    ]
)


@dataclass(slots=True, init=False, unsafe_hash=True)
class Source:
    name: str
    start: int
    end: int
    id: str | None = None  # language-independent identity, when the lexicon gives one
    person: bool = False

    # Explicit __init__, not frozen: why, in NumberMention (numbers.py).
    def __init__(self, name: str, start: int, end: int, id: str | None = None, person: bool = False) -> None:
        self.name = name
        self.start = start
        self.end = end
        self.id = id
        self.person = person


@dataclass(frozen=True, slots=True)
class _Scan:
    text: str
    lang: Lang
    candidates: list[_Candidate]
    starts: list[int]
    pre: list[re.Match[str]]
    post: list[re.Match[str]]
    pre_starts: list[int]
    post_starts: list[int]
    anaphors: list[int]  # where a match of `_ANAPHOR` starts, overlapping ones too


@dataclass(slots=True, init=False, unsafe_hash=True)
class _Candidate:
    name: str
    start: int
    end: int
    person: bool
    id: str | None = None
    tight: bool = False  # a country speaks only right next to its cue ('Kiew beziffert', 'Israel says')

    # Explicit __init__, not frozen: why, in NumberMention (numbers.py).
    def __init__(
        self, name: str, start: int, end: int, person: bool, id: str | None = None, tight: bool = False
    ) -> None:
        self.name = name
        self.start = start
        self.end = end
        self.person = person
        self.id = id
        self.tight = tight


def _adjective_base(word: str) -> str:
    return _ADJ_ENDING.sub("", word)


_DE_STRONG: Final = {"m": "er", "f": "e", "n": "es", "pl": "e"}


_OWN: Final = {
    "de": re.compile(r"(?:nach\s+eigenen\s+Angaben|eigenen\s+Angaben\s+zufolge)", re.IGNORECASE),
    "en": re.compile(r"(?:according\s+to\s+its\s+own|by\s+its\s+own\s+(?:count|account))", re.IGNORECASE),
}
# What every match of `_OWN` holds, case-sensitive with each letter's class the characters that
# match it case-insensitively (İ, ı and ſ too: a test scans all of Unicode): searched first, as
# `re` skips to the next candidate of a leading class but tries `_OWN` at every position.
_OWN_NEEDED: Final = {
    "de": re.compile(r"[gG][eE][nN][eE][nN]\s+[aA][nN][gG][aA][bB][eE][nN]"),
    "en": re.compile(r"[iIİı][tT][sSſ]\s+[oO][wW][nN]"),
}
# What may stand between a cue and the source it names: articles, titles, capitalised words.
_GAP_OK: Final = re.compile(
    r"\s*(?:(?:der|die|das|dem|den|des|ein|eine|einem|einer|eines|the|a|an|its|[A-ZÄÖÜ][\w.-]*(?:'s|’s)?)\s+)*"
    r"(?:(?!(?:in|im|am|an|auf|von|mit|bei|zu|of|on|at|to|from|with|by|for|und|and|or|oder)\s)[a-zäöüß]+\s+){0,2}",
)


_MAX_REMEMBERED: Final = 4096  # bound on the name strings whose lexicon checks are remembered
_K = TypeVar("_K")
_V = TypeVar("_V")


def _remember(table: dict[_K, _V], key: _K, value: _V) -> _V:
    """`table[key] = value`, the table emptied first when it holds `_MAX_REMEMBERED` entries."""
    if len(table) >= _MAX_REMEMBERED:
        table.clear()
    table[key] = value
    return value


# An adjective pattern made of word characters and hyphens only (with regex syntax around them).
WORDISH_PATTERN = re.compile(r"[\w\-()?:|]+")


def _last_word_start(text: str, lo: int, end: int) -> int:
    """Where the last run of word characters and hyphens before the whitespace that ends
    text[lo:end] begins (`end` when text[lo:end] does not end in whitespace: nothing to find)."""
    pos = end
    while pos > lo and text[pos - 1].isspace():
        pos -= 1
    if pos == end:
        return end
    while pos > lo and (text[pos - 1].isalnum() or text[pos - 1] in "_-"):
        pos -= 1
    return pos


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # `re`'s \w


_ARTICLES: Final = frozenset(
    ["der", "die", "das", "dem", "den", "des", "ein", "eine", "einem", "einer", "the", "a", "an"]
)


def _article_at_end(text: str, lo: int, hi: int) -> bool:
    r"""Whether text[lo:hi], as a string of its own, ends in an article and white space: what
    `re.search(r"(?<![\w])(?:der|die|...|the|a|an)\s+$", text[lo:hi])` tells, without trying
    every position (the run of word characters before the final white space is the article)."""
    end = hi
    while end > lo and text[end - 1].isspace():  # `re`'s \s
        end -= 1
    if end == hi:
        return False
    start = end
    while start > lo and _is_word(text[start - 1]):
        start -= 1
    return text[start:end] in _ARTICLES


_CAPITALS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜ")  # where a country name can start (`_CAPITAL`)
_PLACE_PREPS: Final = frozenset(
    ["in", "im", "aus", "nach", "to", "for", "für", "from", "of", "at", "across", "into", "gegen", "against"]
)
_PLACE_ARTICLES: Final = frozenset(["der", "die", "dem", "den", "the"])


def _word_before(text: str, pos: int) -> int:
    """Where the run of word characters that ends at `pos` starts (`pos` if none does)."""
    while pos > 0 and _is_word(text[pos - 1]):
        pos -= 1
    return pos


def _space_before(text: str, pos: int) -> int:
    """Where the run of white space that ends at `pos` starts (`pos` if none does)."""
    while pos > 0 and text[pos - 1].isspace():
        pos -= 1
    return pos


def _place_prep_before(text: str, lo: int, hi: int) -> bool:
    r"""Whether a preposition of place ends text[lo:hi], maybe with an article after it ('in ',
    'aus der '): what `re.compile(r"(?<![\w])(?:in|im|...|against)\s+(?:(?:der|die|dem|den|the)\s+)?$")
    .search(text, lo, hi)` tells, without trying every position: white space ends the span, and
    the words before it are the preposition, or an article and the preposition before it, each
    a whole run of word characters (no word character before it, inside the span or not)."""
    end = _space_before(text, hi)
    if end == hi or end < lo:
        return False
    start = _word_before(text, end)
    if start < lo:
        return False
    word = text[start:end]
    if word in _PLACE_PREPS:
        return True
    if word not in _PLACE_ARTICLES:
        return False
    end = _space_before(text, start)
    if end == start or end < lo:
        return False
    start = _word_before(text, end)
    return start >= lo and text[start:end] in _PLACE_PREPS


def _words_at_end(text: str, lo: int, hi: int) -> list[str]:
    r"""The last words of text[lo:hi] (as a string of its own), nearest first: what
    `re.search(r"(?:[\w.-]+[ \t]+){1,3}$", text[lo:hi]).group(0).split()` gives, reversed, or []
    when it finds nothing, without trying every position: up to three runs of word characters,
    dots and hyphens, each followed by spaces or tabs, that end the string or its final line break."""
    end = hi - 1 if hi > lo and text[hi - 1] == "\n" else hi
    words: list[str] = []
    while len(words) < 3:
        gap = end
        while gap > lo and text[gap - 1] in " \t":
            gap -= 1
        start = gap
        while start > lo and (_is_word(text[start - 1]) or text[start - 1] in ".-"):
            start -= 1
        if gap == end or start == gap:
            break
        words.append(text[start:gap])
        end = start
    return words


# Patterns compiled once here: `re.search(pattern, ...)` in a function goes through `re`'s cache,
# Python code that mypyc does not compile, on every call.
_PREFIX_AT_END: Final = re.compile(r"(?P<p>[A-Z]{2,3})-$")
_OF_THE_BODY: Final = re.compile(r"\s+(?:der|des|in|of(?:\s+the)?)\s+")
_CLAUSE_MARK: Final = re.compile(r"[,;:.„“\"]")
_PRONOUN_OPENING: Final = re.compile(r"(?:Er|Sie|Es)\s")
_TITLE_WORD: Final = re.compile(
    r"(?:sekretär|präsident|minister|sprecher|chef|kanzler|General|President|Secretary|Minister)",
    re.IGNORECASE,
)


class Attributor:
    """Finds and canonicalises sources; built once from the lexicons."""

    def __init__(self, lex: Compiled) -> None:
        self.lex = lex
        adj_alt = "|".join(rf"(?:[\w]+-)?{c.adjective_de}(?:e|en|er|es|em)?" for c in lex.countries.values())
        self._de_adj_before = re.compile(rf"(?P<adj>{adj_alt})\s+$", re.IGNORECASE)
        # Adjectives of word characters and hyphens only match inside the window's last word.
        adjectives = [c.adjective_de for c in lex.countries.values()]
        self._adj_in_last_word = all(WORDISH_PATTERN.fullmatch(a) for a in adjectives)
        self._titles = lex.title_re
        self._bare_names = frozenset(n for b in lex.bodies for n in (b.canonical, b.nominative))
        self._last: _Scan | None = None
        self._body_in_words: dict[tuple[str, Lang], bool] = {}
        self._title_words: dict[tuple[str, Lang], bool] = {}
        self._people_of: dict[str, int | None] = {}
        self._adjective_of: dict[str, tuple[str, int] | None] = {}
        self._institutions: dict[str, str | None] = {}
        # per country: the German adjective's plain stem ('russisch'), the English demonyms compiled
        self._stems = {
            code: re.sub(r"[()?:|\\]", "", c.adjective_de.split("|")[0]).replace("US-", "")
            for code, c in lex.countries.items()
        }
        self._demonyms_en = {code: list(map(re.compile, c.demonyms_en)) for code, c in lex.countries.items()}

    # -- candidates ---------------------------------------------------------------------------

    def _adjective_before(self, text: str, start: int) -> tuple[str, int] | None:
        """`_de_adj_before` searched in the 40 characters before `start`: the adjective it finds
        and where it starts. When adjectives match only inside the window's last word, what it
        finds there is remembered by that word's text (the pattern looks at nothing around it)."""
        lo = max(0, start - 40)
        if not self._adj_in_last_word:
            m = self._de_adj_before.search(text, lo, start)
            return (m.group("adj"), m.start()) if m else None
        lo = _last_word_start(text, lo, start)
        word = text[lo:start]
        if word in self._adjective_of:
            found = self._adjective_of[word]
        else:
            m = self._de_adj_before.search(word)
            found = _remember(self._adjective_of, word, (m.group("adj"), m.start()) if m else None)
        return (found[0], lo + found[1]) if found else None

    def _country_before(self, text: str, start: int, lang: Lang) -> tuple[str, int] | None:
        """A demonym or country genitive right before a body noun: (country code, start), found
        in the 40 characters before `start` as a string of their own."""
        lo = max(0, start - 40)
        if lang == "de":
            adj = self._adjective_before(text, start)
            if adj:
                code = self.lex.adjective_re.match(adj[0])
                if code and code.lastgroup:
                    return code.lastgroup, adj[1]
            prefix = _PREFIX_AT_END.search(text, lo, start)
            if prefix:
                for c in self.lex.countries.values():
                    if prefix.group("p") in c.prefix_de:
                        return c.code, prefix.start()
        # The last country that ends the window (but for one character). Searched in the text
        # itself, which the article's index serves: the same matches as in the window, as the
        # pattern looks back (one character) only where a name starts, which the window's start
        # changes only where a capital follows a word character or hyphen.
        country_re = self.lex.country_re[lang]
        if lo > 0 and text[lo] in _CAPITALS and (_is_word(text[lo - 1]) or text[lo - 1] == "-"):
            matches = country_re.finditer(text[lo:start])
            shift = lo
        else:
            matches = country_re.finditer(text, lo, start)
            shift = 0
        stripped_end = max(_space_before(text, start), lo)  # where the window's rstrip() ends
        last: tuple[str, int] | None = None
        for m in matches:
            if m.end() + shift >= stripped_end - 1 and m.lastgroup:
                last = (m.lastgroup, m.start() + shift)
        return last

    def _country_after(self, text: str, end: int, lang: Lang) -> str | None:
        """'der Generalstab der Ukraine', 'General Staff of Ukraine's armed forces'."""
        tail = text[end : end + 40]
        lead = _OF_THE_BODY.match(tail)
        if not lead:
            return None
        m = self.lex.country_re[lang].match(tail, lead.end())
        return m.lastgroup if m else None

    def _body(self, text: str, m: re.Match[str], lang: Lang) -> _Candidate:
        """A body with its country: display name as the language writes it, id '<cc>_<body>'."""
        body = self.lex.bodies[int((m.lastgroup or "b0")[1:])]
        found = self._country_before(text, m.start(), lang)
        code = found[0] if found else (self._country_after(text, m.end(), lang) or body.country)
        name, start = self._body_name(text, m, lang, code, found)
        return _Candidate(name, start, m.end(), False, f"{code.lower()}_{body.id}" if code else body.id)

    def _body_name(
        self, text: str, m: re.Match[str], lang: Lang, code: str | None, found: tuple[str, int] | None
    ) -> tuple[str, int]:
        body = self.lex.bodies[int((m.lastgroup or "b0")[1:])]
        start = found[1] if found else m.start()
        if lang == "de":
            if code is None:
                return body.nominative, start
            country = self.lex.countries[code]
            adj_match = self._adjective_before(text, m.start())
            if adj_match and found:
                stem = _adjective_base(adj_match[0]).lower()
                if "-" in stem:
                    head, _, rest = stem.rpartition("-")
                    stem = f"{head.upper()}-{rest}"
            else:
                prefix = country.prefix_de[0] if country.prefix_de else None
                if prefix and found and text[start : start + len(prefix) + 1] == f"{prefix}-":
                    return f"{prefix}-{body.nominative}", start
                stem = self._stems[code]
            return f"{stem}{_DE_STRONG[body.gender]} {body.nominative}", start
        if code is None:
            if _GAZA_BEFORE.search(text, max(0, m.start() - 16), m.start()) and "Gaza" in text[: m.start()]:
                return f"Gaza {body.canonical}", start  # the usual name of Gaza's bodies in English copy
            return body.canonical, start
        country = self.lex.countries[code]
        demonym = country.demonyms_en[0] if country.demonyms_en else code
        written = text[start : m.start()].strip()
        if found and any(d.fullmatch(written) for d in self._demonyms_en[code]):
            demonym = written  # 'U.S. officials' stays as written, 'Russia's' becomes 'Russian'
        return f"{demonym} {body.canonical}", start

    def _person(self, text: str, start: int, end: int, lang: Lang, forward: bool) -> _Candidate | None:
        """A person's name (titles dropped) in text[start:end], the one nearest the cue."""
        segment = text[start:end]
        m: re.Match[str] | None = None
        if forward:
            m = _PERSON.search(segment)
        else:
            for m in _PERSON.finditer(segment):  # noqa: B007 - the last one is wanted
                pass
        if m is None:
            return None
        if forward and m.start() > 45:
            return None
        if not forward and len(segment) - m.end() > 45:
            return None
        tokens = m.group(0).split()
        stripped = 0
        speaks_for: str | None = None
        while tokens and (self._is_title(tokens[0], lang) or tokens[0] in _STOP_NAMES):
            stripped += int(tokens[0] not in _STOP_NAMES)
            speaks_for = speaks_for or self._institution(tokens[0])
            tokens.pop(0)
        rest = " ".join(tokens)
        if self._names_body(rest, lang):
            return None
        if not stripped and _article_at_end(text, start, start + m.start()):
            return None
        while tokens and tokens[-1] in _STOP_NAMES:
            tokens.pop()
        if not tokens:
            return None
        name = " ".join(tokens)
        if self.lex.country_re[lang].fullmatch(name) or self.lex.named_source_re.fullmatch(name):
            return None
        if any(self._is_title(t, lang) for t in tokens):
            return None
        if lang == "de" and any(_DE_NOUN_SUFFIX.search(t) for t in tokens):
            return None  # 'Grundlage von Erbschaftsregistern' is no one's name
        if (
            lang == "de"
            and len(tokens) == 1
            and not stripped
            and resolve_person(tokens[0], text) == tokens[0]
        ):
            return None  # a capitalised German noun ('Schäden', 'Einnahme') is no one's name
        name_start = start + m.start() + m.group(0).find(tokens[0])
        if (
            lang == "en"
            and len(tokens) == 1
            and not stripped
            and _SENTENCE_OPENING.search(text, max(0, name_start - 3), name_start) is not None
            and self._person_entry(tokens[0]) is None
            and resolve_person(tokens[0], text) == tokens[0]
        ):
            return None  # 'Early reports from ...': a sentence's first word is capitalised anyway
        if speaks_for is None:  # 'NATO-Sprecherin X', 'NATO spokeswoman X': the title's body
            for word in _words_at_end(text, start, start + m.start()):
                speaks_for = self._institution(word)
                if speaks_for or not self._is_title(word, lang):
                    break
        return _Candidate(
            name.rstrip("'’s").rstrip("'’") if name.endswith(("'s", "’s")) else name,
            name_start,
            name_start + len(name),
            True,
            speaks_for,
        )

    def _names_body(self, words: str, lang: Lang) -> bool:
        """Whether `words` name a source or body anywhere (remembered: names recur)."""
        key = (words, lang)
        found = self._body_in_words.get(key)
        if found is None:
            named = self.lex.named_source_re.search(words) or self.lex.body_re[lang].search(words)
            found = _remember(self._body_in_words, key, named is not None)
        return found

    def _is_title(self, word: str, lang: Lang) -> bool:
        """Whether one word (no white space in it) is a title, 'Generalsekretär' (remembered)."""
        key = (word, lang)
        found = self._title_words.get(key)
        if found is None:
            found = _remember(self._title_words, key, self._titles[lang].fullmatch(word) is not None)
        return found

    def _person_entry(self, name: str) -> int | None:
        """The index of the lexicon's person that `name` names, or None (remembered)."""
        if name in self._people_of:
            return self._people_of[name]
        m = self.lex.people_re.fullmatch(name)
        return _remember(self._people_of, name, int(m.lastgroup[1:]) if m and m.lastgroup else None)

    def _institution(self, title: str) -> str | None:
        """The named body in a title word ('NATO-Generalsekretär', 'Kremlin'), as an id (remembered)."""
        if title in self._institutions:
            return self._institutions[title]
        head = title.split("-")[0] if "-" in title else title
        m = self.lex.named_source_re.fullmatch(head)
        found = self.lex.named_sources[int(m.lastgroup[1:])].id if m and m.lastgroup else None
        return _remember(self._institutions, title, found)

    def _scan(self, text: str, lang: Lang) -> _Scan:
        """Candidates and cues of a whole article, found in one pass each and reused per sentence."""
        scan = self._last
        if scan is not None and scan.text is text and scan.lang == lang:
            return scan
        cands = sorted(self._candidates(text, 0, len(text), lang), key=lambda c: c.start)
        pre = list(_PRE_CUE[lang].finditer(text))
        post = list(_POST_CUE[lang].finditer(text))
        anaphors: list[int] = []
        anaphor = _ANAPHOR[lang].search(text)
        while anaphor is not None:
            anaphors.append(anaphor.start())
            anaphor = _ANAPHOR[lang].search(text, anaphor.start() + 1)
        scan = _Scan(
            text,
            lang,
            cands,
            [c.start for c in cands],
            pre,
            post,
            [c.start() for c in pre],
            [c.start() for c in post],
            anaphors,
        )
        self._last = scan
        return scan

    def _candidates(self, text: str, lo: int, hi: int, lang: Lang) -> list[_Candidate]:
        out: list[_Candidate] = []
        for m in self.lex.named_source_re.finditer(text, lo, hi):
            if m.lastgroup:
                named = self.lex.named_sources[int(m.lastgroup[1:])]
                out.append(_Candidate(named.canonical, m.start(), m.end(), False, named.id))
        out.extend(self._body(text, m, lang) for m in self.lex.body_re[lang].finditer(text, lo, hi))
        for m in self.lex.country_name_re[lang].finditer(text, lo, hi):  # 'Kiew beziffert', 'Israel says'
            if m.lastgroup and not _place_prep_before(text, max(0, m.start() - 8), m.start()):
                name = m.group(0)
                if name[:1] in "dDeEtT":  # the articles' first letters, as `_DE_ARTICLE` matches them
                    name = _DE_ARTICLE.sub("", name)
                out.append(
                    _Candidate(
                        self._nominative(name, lang),
                        m.end() - len(name),
                        m.end(),
                        False,
                        f"{m.lastgroup.lower()}_government",
                        tight=True,
                    )
                )
        return out

    def _headline_speaker(
        self, text: str, lo: int, hi: int, bodies: list[_Candidate], lang: Lang
    ) -> _Candidate | None:
        """'UN: Bis zu 1,2 Millionen Menschen auf der Flucht', 'IDF: 4 soldiers killed'."""
        colon = text.find(":", lo, hi)
        if colon < lo + 2 or colon > lo + 40:
            return None  # the name is 2-40 characters other than a colon: the first colon ends it
        m = _HEADLINE_SOURCE.match(text, lo, hi)
        if m is None:
            return None
        end = m.end("name")
        named = [c for c in bodies if c.start == lo and c.end == end and not c.tight]
        if named:
            return named[0]
        person = self._person(text, lo, end, lang, forward=True)
        if person is not None and person.end == end and self._person_entry(person.name) is not None:
            return person  # only a person the lexicon knows: 'Überblick Panzer: 1.200' is a label
        return None

    def _compound_claim(self, text: str, lo: int, hi: int, lang: Lang) -> _Candidate | None:
        """'nach Behördenangaben', 'nach israelischen Armeeangaben': the body in the compound."""
        if lang != "de":
            return None
        if not any(text.find(word, lo, hi) >= 0 for word in _COMPOUND_HEADS):
            return None  # the pattern's own literals: most sentences hold none of them
        m = _COMPOUND_CLAIM.search(text, lo, hi)
        if m is None:
            return None
        body_match = self.lex.body_re["de"].fullmatch(m.group("head")) or self.lex.body_re["de"].fullmatch(
            m.group("head").removesuffix("s")
        )
        if body_match is None or not body_match.lastgroup:
            return None
        body = self.lex.bodies[int(body_match.lastgroup[1:])]
        adjective = m.group("adj")
        found = self.lex.adjective_re.fullmatch(adjective) if adjective else None
        code = found.lastgroup if found else None
        if code is None:
            return _Candidate(body.nominative, m.start("head"), m.end("head"), False, body.id)
        name = f"{self._stems[code]}{_DE_STRONG[body.gender]} {body.nominative}"
        return _Candidate(name, m.start("adj"), m.end("head"), False, f"{code.lower()}_{body.id}")

    def _party_claim(self, text: str, lo: int, hi: int, lang: Lang) -> _Candidate | None:
        """A party's own figures, named by its adjective: 'nach russischen Angaben' -> Russland,
        'according to Ukrainian figures' -> Ukraine."""
        if text.find(_PARTY_CLAIM_LITERAL[lang], lo, hi) < 0:
            return None  # a literal every match holds (the patterns are case-sensitive)
        if not any(text.find(noun, lo, hi) >= 0 for noun in _PARTY_CLAIM_NOUNS[lang]):
            return None
        m = _PARTY_CLAIM[lang].search(text, lo, hi)
        if m is None:
            return None
        group = "adj" if m.group("adj") else "adj2"
        adjective = m.group(group)
        code: str | None = None
        if lang == "de":
            found = self.lex.adjective_re.fullmatch(adjective)
            code = found.lastgroup if found else None
        else:
            code = next((c.code for c in self.lex.countries.values() if adjective in c.demonyms_en), None)
        if code is None:
            return None
        country = self.lex.countries[code]
        name = _plain_name(country.names_de[0]) if lang == "de" else country.place
        return _Candidate(name, m.start(group), m.end(group), False, f"{code.lower()}_government")

    def _nominative(self, name: str, lang: Lang) -> str:
        """'Südkoreas' -> 'Südkorea', "Ukraine's" -> 'Ukraine'."""
        if name.endswith(("'s", "’s")):
            return name[:-2]
        if lang == "de" and name.endswith("s") and self.lex.country_name_re[lang].fullmatch(name[:-1]):
            return name[:-1]
        return name

    # -- attribution --------------------------------------------------------------------------

    def find(self, text: str, lo: int, hi: int, lang: Lang, exclude: list[tuple[int, int]]) -> Source | None:
        """The source a cue in text[lo:hi] names, or None. `exclude`: spans of figures."""
        scan = self._scan(text, lang)
        first = bisect_left(scan.starts, lo)
        last = bisect_left(scan.starts, hi)
        bodies = [c for c in scan.candidates[first:last] if c.end <= hi]
        pre = scan.pre[bisect_left(scan.pre_starts, lo) : bisect_left(scan.pre_starts, hi)]
        post = scan.post[bisect_left(scan.post_starts, lo) : bisect_left(scan.post_starts, hi)]
        pre_cues = [c for c in pre if c.end() <= hi]
        post_cues = [c for c in post if c.end() <= hi]
        party = (
            self._compound_claim(text, lo, hi, lang)
            or self._party_claim(text, lo, hi, lang)
            or self._headline_speaker(text, lo, hi, bodies, lang)
        )
        if not pre_cues and not post_cues and party is None:
            return None
        # The nearest candidate so far (distance, candidate): each below is taken if it is nearer
        # than the best so far and does not start inside a figure.
        best: _Candidate | None = None
        best_dist = 0
        if party is not None and not _excluded(party.start, exclude):
            best = party  # 'nach ukrainischen Angaben', 'according to Russian figures'
        if lang == "de" and post_cues:
            opener = next((c for c in bodies if _SENTENCE_SUBJECT.fullmatch(text, lo, c.start)), None)
            if (
                opener is not None
                and _AUXILIARY.match(text, opener.end)
                and not _excluded(opener.start, exclude)
                and (best is None or best_dist > 30)
            ):
                best, best_dist = opener, 30  # 'Die Vereinten Nationen haben ... 11.700 Tote registriert'
        # "nach eigenen Angaben": the actor of the sentence (a body before it) is the source; its
        # letters are looked for after the first body only, where it must start to name one
        if bodies and _OWN_NEEDED[lang].search(text, bodies[0].start + 1, hi):
            own = _OWN[lang].search(text, lo, hi)
            if own and bodies[0].start < own.start():
                actor = bodies[0]
                if (best is None or best_dist > 0) and not _excluded(actor.start, exclude):
                    best, best_dist = actor, 0
        for cue in pre_cues:
            word = cue.group(0).lower()
            inverted = lang == "en" and not word.startswith(
                ("according", "citing", "cited", "figures", "data", "estimates", "source")
            )
            if (
                inverted
                and cue.group(0)[0].islower()
                and not _EN_INVERSION.search(text, max(lo, cue.start() - 3), cue.start())
            ):
                continue
            cue_end = cue.end()
            if lang == "de" and word.startswith("sag") and _SEPARABLE_ZU.match(text, cue_end):
                continue
            for cand in bodies:
                if cand.start >= cue_end:
                    gap = text[cue_end : cand.start]
                    if cand.tight and (inverted or not gap.isspace() or _ANNOUNCE.match(word)):
                        continue
                    dist = len(gap)
                    if (
                        (best is None or dist < best_dist)
                        and dist <= 45
                        and _GAP_OK.fullmatch(gap)
                        and not _excluded(cand.start, exclude)
                    ):
                        best, best_dist = cand, dist
            person = self._person(text, cue_end, min(hi, cue_end + 70), lang, forward=True)
            if person:
                dist = person.start - cue_end + (2 if lang == "en" else 0)
                if (
                    (best is None or dist < best_dist)
                    and _GAP_OK.fullmatch(text[cue_end : person.start])
                    and not _excluded(person.start, exclude)
                ):
                    best, best_dist = person, dist
        for cue in post_cues:
            if (
                lang == "de"
                and cue.group(0).lower().startswith("sag")
                and _SEPARABLE_ZU.match(text, cue.end())
            ):
                continue
            cue_start = cue.start()
            for cand in bodies:
                if cand.end <= cue_start:
                    gap = text[cand.end : cue_start]
                    if cand.tight and (not gap.isspace() or _ANNOUNCE.match(cue.group(0).lower())):
                        continue
                    dist = len(gap) + 1
                    if (
                        (best is None or dist < best_dist)
                        and dist <= 41
                        and not _CLAUSE_MARK.search(gap)
                        and not _excluded(cand.start, exclude)
                    ):
                        best, best_dist = cand, dist
            person = self._person(text, max(lo, cue_start - 70), cue_start, lang, forward=False)
            if person:
                gap = text[person.end : cue_start]
                dist = len(gap) + 1
                if (
                    (best is None or dist < best_dist)
                    and dist <= 31
                    and not _CLAUSE_MARK.search(gap)
                    and not _excluded(person.start, exclude)
                ):
                    best, best_dist = person, dist
        if best is None:
            return None
        return Source(best.name, best.start, best.end, best.id, best.person)

    def identity(self, source: Source, name: str) -> str:
        """Language-independent id of a source shown as `name`, for figure keys.

        Named bodies and bodies with a country carry their id; a person the lexicon knows maps to
        their own id or the body they speak for; anyone else falls back to a slug of the name.
        """
        person = self._person_entry(name)
        if person is not None:
            return self.lex.people[person].identity
        if source.id:
            return source.id
        return slug(name)

    def fuller_before(self, text: str, lang: Lang, source: Source, pos: int) -> Source | None:
        """The same body named with its country earlier in the article: 'the military said'
        after 'the Israeli military' is the Israeli military."""
        if source.id is None:
            return None
        scan = self._scan(text, lang)
        last = bisect_left(scan.starts, pos)
        for cand in reversed(scan.candidates[:last]):
            if cand.id and cand.id != source.id and cand.id.endswith("_" + source.id) and not cand.person:
                return Source(cand.name, source.start, source.end, cand.id, False)
        return None

    def is_bare(self, name: str) -> bool:
        """A body named without its country ('General Staff'), to be completed from context."""
        return name in self._bare_names

    def anaphoric(self, text: str, lo: int, hi: int, lang: Lang) -> bool:
        """Whether text[lo:hi] points back to an earlier source ('demnach', 'he said')."""
        anaphors = self._scan(text, lang).anaphors
        i = bisect_left(anaphors, lo)
        if (i == len(anaphors) or anaphors[i] >= hi) and (hi == len(text) or not _is_word(text[hi])):
            # What matches in text[lo:hi] matches where it starts in the whole text too, but for
            # its closing (?![\w]) at `hi`: with no word character there, nothing does.
            return False
        return _ANAPHOR[lang].search(text, lo, hi) is not None

    def refers_to(self, text: str, lo: int, hi: int, lang: Lang, earlier: Source) -> bool:
        """Whether the anaphor in text[lo:hi] can mean `earlier`: 'the army said' points back
        to an army or a military, never to a health ministry or a person."""
        m = _ANAPHOR[lang].search(text, lo, hi)
        if m is None:
            return False
        noun = _ANAPHOR_NOUN.search(m.group(0))
        if noun is None:
            return True
        kinds = _ANAPHOR_KINDS.get(noun.group(0).lower())
        if kinds is None:
            return True
        if earlier.person:
            return "person" in kinds
        known = f"{earlier.name} {earlier.id or ''}".lower()
        return any(kind in known for kind in kinds)

    def reported_speech(self, text: str, lo: int, hi: int, lang: Lang) -> bool:
        """Whether text[lo:hi] is in the subjunctive of reported speech (German)."""
        if lang != "de" or _PRONOUN_OPENING.match(text[lo : lo + 4]):
            return False  # 'Er verwies darauf, dass ...': the pronoun's own verb decides
        return _REPORTED_SPEECH.search(text, lo, hi) is not None

    def source_line(self, sentence: str) -> bool:
        """A fact box's closing line: 'Quelle: Nato', 'Source: UNHCR'."""
        return _SOURCE_LINE.match(sentence) is not None

    def next_sentence_cue(self, sentence: str, lang: Lang) -> bool:
        return _NEXT_SENTENCE[lang].match(sentence) is not None


def _excluded(start: int, exclude: list[tuple[int, int]]) -> bool:
    """Whether a candidate starting at `start` starts inside one of the spans (of figures)."""
    return any(lo <= start < hi for lo, hi in exclude)


def _plain_name(pattern: str) -> str:
    """A lexicon name pattern as plain text: '(?:der |die )?Ukraine' -> 'Ukraine'."""
    return re.sub(r"\(\?:[^)]*\)[?*]|\([^)]*\)[?*]|[\\^$]", "", pattern).strip()


# The characters of one or two name tokens and the spaces after them (`_NAME_TOKEN`, `\s`).
_NAME_RUN_CHARS: Final = frozenset(string.ascii_letters + "ÄÖÜäöüßéèáàóòíìúùçñşšžčćł-'’")


def _name_run_start(text: str, pos: int) -> int:
    """Where the run of name characters and spaces that ends at `pos` begins: a full name in front
    of a surname lies in it, so a search for one can start there instead of at the text's start."""
    while pos > 0 and (text[pos - 1] in _NAME_RUN_CHARS or text[pos - 1].isspace()):
        pos -= 1
    return pos


# Full names resolved in the article last seen (identity, not equality: one article at a time).
_resolved: tuple[str, dict[str, str]] | None = None


def resolve_person(name: str, text: str) -> str:
    """A surname alone ('Rutte') becomes the full name the article uses elsewhere ('Mark Rutte')."""
    global _resolved
    if " " in name:
        return name
    memo = _resolved
    if memo is None or memo[0] is not text:
        memo = _resolved = (text, {})
    found = memo[1].get(name)
    if found is None:
        found = memo[1][name] = _resolve_person(name, text)
    return found


def _two_words_before(text: str, pos: int) -> int:
    """Where the second word before the one holding `pos` starts, words being runs of name
    characters with white space between them (or where that run of words starts, if sooner)."""
    while pos > 0 and text[pos - 1] in _NAME_RUN_CHARS:
        pos -= 1
    for _ in range(2):
        while pos > 0 and text[pos - 1].isspace():
            pos -= 1
        while pos > 0 and text[pos - 1] in _NAME_RUN_CHARS:
            pos -= 1
    return pos


def _name_run_end(text: str, pos: int) -> int:
    while pos < len(text) and (text[pos] in _NAME_RUN_CHARS or text[pos].isspace()):
        pos += 1
    return pos


# 'First Surname' for any surname: the string searched is the surname, a NUL, the two characters
# before the text searched (NULs where the text starts: what a name token's lookbehind and `\b`
# see there) and the text, which the surname must then follow (as `(?P=name)`). One pattern for
# all: a pattern per surname took ~0.4 ms to compile, again for each surname `re`'s cache let go.
_FULL_NAME: Final = re.compile(
    rf"(?P<name>[^\x00]*)\x00(?s:..)(?s:.*?)\b(?P<full>{_NAME_TOKEN}(?:\s+{_NAME_TOKEN})?)\s+(?P=name)\b"
)


def _full_name_in(name: str, text: str, lo: int, hi: int) -> str | None:
    r"""What `re.compile(rf"\b({_NAME_TOKEN}(?:\s+{_NAME_TOKEN})?)\s+{re.escape(name)}\b").search(
    text, lo, hi)` finds in its group 1: 'Mark' for 'Rutte' in '... Mark Rutte ...', or None."""
    if "\x00" in name:  # not a name token's character, but then the surname would not end at the NUL
        pattern = rf"\b({_NAME_TOKEN}(?:\s+{_NAME_TOKEN})?)\s+{re.escape(name)}\b"
        found = re.compile(pattern).search(text, lo, hi)
        return found.group(1) if found else None
    m = _FULL_NAME.match(f"{name}\x00{text[max(0, lo - 2) : lo].rjust(2, chr(0))}{text[lo:hi]}")
    return m.group("full") if m else None


def _full_name_before(name: str, text: str, seen: int) -> str | None:
    """The first names of the first 'First Surname' in `text` that ends in `name` (first seen at
    `seen`), as written: 'Mark', 'NATO-Generalsekretär Mark'."""
    if not _NAME_RUN_CHARS.issuperset(name):
        return _full_name_in(name, text, _name_run_start(text, seen), len(text))
    # A match is made of name characters and spaces: it lies in the run around an occurrence of
    # `name`, so only those runs are searched (one character past a run for the closing \b), and
    # from the second word before `seen` on: it ends in an occurrence of `name` at or after `seen`
    # (none is before it in the run) with one or two words before it.
    while seen >= 0:
        end = _name_run_end(text, seen)
        found = _full_name_in(name, text, _two_words_before(text, seen), end + 1)
        if found is not None:
            return found
        seen = text.find(name, end)
    return None


def _resolve_person(name: str, text: str) -> str:
    if " " in name:
        return name
    seen = text.find(name)
    if seen < 0:
        return name
    before = _full_name_before(name, text, seen)
    if before:
        tokens = before.split()
        while tokens and tokens[0] in _STOP_NAMES:
            tokens.pop(0)
        first = tokens[-1] if tokens else None
        if first and not _TITLE_WORD.search(first) and first[0].isupper():
            return f"{first} {name}"
    return name
