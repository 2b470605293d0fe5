"""Numbers as written in German and English news, found with their character spans.

Digits in either separator convention (the article's language decides what "1.150" means),
decimals with scale words, number words, vague quantities and ranges.

Number words are parsed by our own morpheme parser, not by `text2num`: both give the same
values on every number word we met (see tests/unit/test_extract_numbers.py), but our regex
has to find the words in running text anyway, and once found, summing the morphemes costs
less than a second call into text2num; text2num also has no German inflected "einen/einem",
no "a dozen" and no elided ranges ("zwei- bis dreitausend"), which we need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Final

from .alternation import Alternation
from .lexicons import Lang

_DE_ONES: Final = {
    "eins": 1, "ein": 1, "zwei": 2, "zwo": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7,
    "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14,
    "fünfzehn": 15, "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19, "zwanzig": 20,
    "dreißig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60, "siebzig": 70, "achtzig": 80,
    "neunzig": 90,
}  # fmt: skip
_DE_MULT: Final = {"hundert": 100, "tausend": 1000}
_EN_ONES: Final = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_EN_MULT: Final = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}

_SCALES: Final = {
    "tausend": 1e3, "tsd.": 1e3, "tsd": 1e3, "thousand": 1e3, "k": 1e3,
    "million": 1e6, "millionen": 1e6, "mio.": 1e6, "mio": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6,
    "milliarde": 1e9, "milliarden": 1e9, "mrd.": 1e9, "mrd": 1e9, "billion": 1e9, "bn": 1e9, "b": 1e9,
    "billionen": 1e12, "trillion": 1e12, "trln": 1e12, "trn": 1e12, "tn": 1e12, "bln": 1e9,
}  # fmt: skip

_VAGUE_DE: Final = {
    "hunderttausende": 1e5, "zehntausende": 1e4, "tausende": 1e3, "hunderte": 1e2, "dutzende": 12.0,
    "millionen": 1e6, "milliarden": 1e9,
}  # fmt: skip
_VAGUE_EN: Final = {
    "hundreds of thousands": 1e5, "tens of thousands": 1e4, "thousands": 1e3, "hundreds": 1e2,
    "dozens": 12.0, "millions": 1e6, "billions": 1e9, "scores": 20.0,
}  # fmt: skip
_VAGUE_BASE: Final = {
    "hundert": 1e2, "tausend": 1e3, "dutzend": 12.0, "millionen": 1e6,
    "hundred": 1e2, "thousand": 1e3, "dozen": 12.0, "million": 1e6,
}  # fmt: skip


@dataclass(slots=True, init=False, unsafe_hash=True)
class NumberMention:
    """A number in the text: `text[start:end]` is what was read."""

    start: int
    end: int
    value: float
    value_max: float | None = None
    vague: bool = False
    currency: str | None = None
    scale: float = 1.0
    is_word: bool = False
    weak: bool = False  # "ein/einen/one": a figure only with a qualifier or a countable noun

    # An explicit __init__ (here and in Sentence, Source, _Candidate, _Figure): mypyc compiles
    # it, while the one dataclasses writes runs as interpreted Python, ~25x slower to build
    # (~180 of these objects per article). Not frozen, as the plain Python build could not
    # assign the fields here then; nothing assigns them afterwards, and equality and hashing
    # are a frozen dataclass's (unsafe_hash).
    def __init__(
        self,
        start: int,
        end: int,
        value: float,
        value_max: float | None = None,
        vague: bool = False,
        currency: str | None = None,
        scale: float = 1.0,
        is_word: bool = False,
        weak: bool = False,
    ) -> None:
        self.start = start
        self.end = end
        self.value = value
        self.value_max = value_max
        self.vague = vague
        self.currency = currency
        self.scale = scale
        self.is_word = is_word
        self.weak = weak


# Thousands grouped by a plain space ("50 150", dpa-AFX, UN copy) or an apostrophe ("172'000",
# Swiss copy): only where every group after the first has exactly three digits.
_GROUP_SEP: Final = "(?:[\u00a0\u202f\u2009'\u2019]| (?=\\d{3}(?![\\d.,]\\d)))"
_DIGITS: Final = {
    "de": (
        rf"\d{{1,3}}(?:\.\d{{3}})+(?:,\d+)?|\d{{1,3}}(?:{_GROUP_SEP}\d{{3}})+(?!\d)"
        rf"|\d{{1,3}}(?:,\d{{3}}){{2,}}|\d+(?:,\d+)?"
    ),
    "en": rf"\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d{{1,3}}(?:{_GROUP_SEP}\d{{3}})+(?!\d)|\d+(?:\.\d+)?",
}
_SCALE_WORDS: Final = {
    "de": r"Millionen|Million|Mio\.|Mio\b|Milliarden|Milliarde|Mrd\.|Mrd\b|Billionen|Tausend|tausend|Tsd\.",
    "en": r"million|billion|trillion|thousand|mln\b|bn\b|bln\b|trln\b|trn\b",
}
_ATTACHED_SCALE: Final = r"bn|mn|m|k|b"
_CURRENCY: Final = r"US\$|\$|€|£|USD|EUR"


def _word_alt(words: list[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_DE_MORPH: Final = _word_alt([*_DE_ONES, *_DE_MULT, "und", "einen", "einem", "einer", "eine"])
_EN_WORD: Final = _word_alt([*_EN_ONES, *_EN_MULT, "dozen"])

_NOT_BEFORE: Final = r"(?<![\w.,/:])(?<![A-Za-zÄÖÜäöüß]-)"


def _build(lang: Lang) -> Alternation:
    digits = _DIGITS[lang]
    scale = _SCALE_WORDS[lang]
    if lang == "de":
        words = rf"(?P<words>(?:{_DE_MORPH})+(?:\s+Dutzend)?|Dutzend)(?=-?[^\w]|$)"
        vague = (
            r"(?P<vague>(?:mehrere|einige|etliche|viele|ein\s+paar)\s+(?:hundert|tausend|Dutzend|Millionen)"
            r"|Hunderttausende(?:n)?|Zehntausende(?:n)?|Tausende(?:n)?|Hunderte(?:n)?|Dutzende(?:n)?"
            r"|Millionen|Milliarden)(?![\w])"
        )
    else:
        words = (
            rf"(?P<words>(?:(?:a|an)\s+(?=dozen|hundred|thousand|million))?(?:{_EN_WORD})"
            rf"(?:(?:\s+|-)(?:and\s+)?(?:{_EN_WORD}))*)(?![\w])"
        )
        vague = (
            r"(?P<vague>(?:several|a\s+few|some|many|a\s+couple\s+of)\s+(?:hundred|thousand|dozen|million)"
            r"|hundreds\s+of\s+thousands|tens\s+of\s+thousands|thousands|hundreds|dozens|millions|billions)"
            r"(?![\w])(?:\s+of(?![\w]))?"
        )
    half = (
        r"(?P<half>(?:eine[nmr]?\s+)?halbe[nmr]?\s+(?:Million|Milliarde)"
        r"|(?:a\s+)?half\s+a\s+(?:million|billion))(?![\w])"
    )
    branches = [
        rf"(?<![\w-]){half}",
        rf"(?P<cur>{_CURRENCY})?\s?{_NOT_BEFORE}(?P<num>{digits})"
        rf"(?:(?P<att>{_ATTACHED_SCALE})(?![\w])|(?:\s*|-)(?P<scale>{scale})(?![\w]))?"
        rf"(?![\w]|[.,:/]\d)",
        rf"(?<![\w-]){words}(?:\s+(?P<wscale>{scale})(?![\w]))?",
        rf"(?<![\w-]){vague}",
    ]
    # Fail fast inside words: a number starts at a digit, a currency sign or the start of a word.
    gate = r"(?=[\d$€£]|\s[\d$€£]|(?<![\w-])[^\W\d_])"
    return Alternation(branches, lead=gate, flags=re.IGNORECASE, keep_groups=True, group=lang)


_NUMBER_RE: Final[dict[Lang, Alternation]] = {"de": _build("de"), "en": _build("en")}
_SIGN: Final = re.compile("[$€£]")
_DE_MORPH_RE: Final = re.compile(_DE_MORPH, re.IGNORECASE)
_RANGE_GAP: Final = {
    "de": re.compile(r"-?\s*(?:-|–|—|bis(?:\s+zu)?|oder)\s*$", re.IGNORECASE),
    "en": re.compile(r"-?\s*(?:-|–|—|to|or)\s*$", re.IGNORECASE),
}
_AND_GAP: Final = re.compile(r"\s*(?:und|and)\s*$", re.IGNORECASE)
_BETWEEN: Final = re.compile(r"(?:zwischen|between)\s+$", re.IGNORECASE)
_FROM: Final = re.compile(
    r"(?<![\w])(?:from|by)\s+$", re.IGNORECASE
)  # 'rose from 10 to 12', 'grow by 180,000 to 1.5 million'


# Patterns compiled once here: `re.sub(pattern, ...)` in a function goes through `re`'s cache,
# Python code that mypyc does not compile, on every call.
_GROUP_SEP_RE: Final = re.compile(_GROUP_SEP)
_COMMA_GROUPS: Final = re.compile(r"\d{1,3}(?:,\d{3}){2,}")
_WORD_SPLIT: Final = re.compile(r"[\s-]+")
_SPACES: Final = re.compile(r"\s+")
_BILLION: Final = re.compile(r"Milliarde|billion", re.IGNORECASE)
_DOZEN_AT_END: Final = re.compile(r"\s*Dutzend$", re.IGNORECASE)


def parse_digits(raw: str, lang: Lang) -> float:
    """'600.000' (de) and '600,000' (en) are 600000; '1,5' (de) and '1.5' (en) are 1.5."""
    if raw.isdecimal():  # what `\d` matches, and nothing to remove or replace
        return float(raw)
    # the separators `_GROUP_SEP` removes: a space, an apostrophe or characters beyond ASCII
    s = _GROUP_SEP_RE.sub("", raw) if " " in raw or "'" in raw or not raw.isascii() else raw
    if lang == "de":
        if s.count(",") >= 2 and _COMMA_GROUPS.fullmatch(s):
            return float(s.replace(",", ""))
        return float(s.replace(".", "").replace(",", "."))
    return float(s.replace(",", ""))


_MAX_WORDS: Final = 4096  # bound on the number words whose values are remembered
_german_words: Final[dict[str, tuple[float, float] | None]] = {}
_english_words: Final[dict[str, tuple[float, float] | None]] = {}


def _german_words_value(word: str) -> tuple[float, float] | None:
    """`parse_german_words`, remembered by the word."""
    if word in _german_words:
        return _german_words[word]
    if len(_german_words) >= _MAX_WORDS:
        _german_words.clear()
    found = _german_words[word] = parse_german_words(word)
    return found


def _english_words_value(words: str) -> tuple[float, float] | None:
    """`parse_english_words`, remembered by the words."""
    if words in _english_words:
        return _english_words[words]
    if len(_english_words) >= _MAX_WORDS:
        _english_words.clear()
    found = _english_words[words] = parse_english_words(words)
    return found


def parse_german_words(word: str) -> tuple[float, float] | None:
    """'zwölftausend' -> (12000, 1000); 'dreiundzwanzig' -> (23, 1). None if not a number word."""
    parts = [m.group(0).lower() for m in _DE_MORPH_RE.finditer(word)]
    if "".join(parts) != word.lower().replace(" ", "") or not parts or all(p == "und" for p in parts):
        return None
    total, current, last_mult = 0.0, 0.0, 1.0
    for part in parts:
        if part == "und":
            continue
        if part in ("ein", "eine", "einen", "einem", "einer", "eins"):
            current += 1
        elif part in _DE_ONES:
            current += _DE_ONES[part]
        elif part == "hundert":
            current = (current or 1.0) * 100.0
            last_mult = 100.0
        elif part == "tausend":
            total += (current or 1.0) * 1000.0
            current = 0.0
            last_mult = 1000.0
        else:
            return None
        if part not in _DE_MULT:
            last_mult = 1.0
    return total + current, last_mult


def parse_english_words(words: str) -> tuple[float, float] | None:
    """'twenty-five' -> (25, 1); 'six hundred' -> (600, 100); 'a dozen' -> (12, 12)."""
    tokens = [t.lower() for t in _WORD_SPLIT.split(words.strip()) if t and t.lower() != "and"]
    if not tokens:
        return None
    total, current, last_mult = 0.0, 0.0, 1.0
    for tok in tokens:
        if tok in ("a", "an"):
            current += 1
        elif tok in _EN_ONES:
            current += _EN_ONES[tok]
            last_mult = 1.0
        elif tok == "dozen":
            current = (current or 1) * 12
            last_mult = 12.0
        elif tok == "hundred":
            current = (current or 1) * 100
            last_mult = 100.0
        elif tok in _EN_MULT:
            total += (current or 1.0) * _EN_MULT[tok]
            current = 0.0
            last_mult = float(_EN_MULT[tok])
        else:
            return None
    return total + current, last_mult


def _vague_value(raw: str, lang: Lang) -> float:
    low = _SPACES.sub(" ", raw.lower()).removesuffix(" of")
    table = _VAGUE_DE if lang == "de" else _VAGUE_EN
    for key, value in table.items():
        if low.startswith(key):
            return value
    return _VAGUE_BASE.get(low.rsplit(" ", 1)[-1], 1.0)


def _scale(raw: str | None) -> float:
    if not raw:
        return 1.0
    return _SCALES.get(raw.lower(), 1.0)


def _currency(raw: str | None) -> str | None:
    if not raw:
        return None
    if "$" in raw or raw.upper() == "USD":
        return "usd"
    if raw in ("€",) or raw.upper() == "EUR":
        return "eur"
    if raw == "£":
        return "gbp"
    return None


# The numbers of `_build`'s groups (the same in both languages): `m.groups()` once, then tuple
# items, instead of a call of `m.group` per group.
_GROUP: Final = _NUMBER_RE["de"].pattern.groupindex
assert _NUMBER_RE["en"].pattern.groupindex == _GROUP
_HALF, _CUR, _NUM, _ATT = _GROUP["half"], _GROUP["cur"], _GROUP["num"], _GROUP["att"]
_SCALE_GROUP, _WORDS, _WSCALE, _VAGUE = _GROUP["scale"], _GROUP["words"], _GROUP["wscale"], _GROUP["vague"]


def _mention(m: re.Match[str], lang: Lang) -> NumberMention | None:
    groups = m.groups()
    half = groups[_HALF - 1]
    if half is not None:  # 'eine halbe Million', 'half a million'
        scale = 1e9 if _BILLION.search(half) else 1e6
        return NumberMention(m.start(), m.end(), scale / 2, scale=scale, is_word=True)
    num = groups[_NUM - 1]
    if num is not None:
        scale = _scale(groups[_ATT - 1] or groups[_SCALE_GROUP - 1])
        value = parse_digits(num, lang) * scale
        cur = groups[_CUR - 1]
        start = m.start(_CUR) if cur else m.start(_NUM)
        # `round` to 6 digits keeps a whole number as it is (it is exact in binary and in decimal)
        rounded = value if value % 1.0 == 0.0 else round(value, 6)
        return NumberMention(start, m.end(), rounded, currency=_currency(cur), scale=scale)
    raw = groups[_WORDS - 1]
    if raw is not None:
        if lang == "de":
            dozen = _DOZEN_AT_END.search(raw) if raw.endswith(("d", "D")) else None  # 'Dutzend'
            base = raw[: dozen.start()] if dozen else raw
            parsed = _german_words_value(base) if base else (1.0, 1.0)
            if parsed is None:
                return None
            value, mult = parsed
            if dozen:
                value, mult = value * 12, 12.0
        else:
            parsed = _english_words_value(raw)
            if parsed is None:
                return None
            value, mult = parsed
        scale = _scale(groups[_WSCALE - 1])
        if scale > 1:
            value, mult = value * scale, scale
        weak = mult == 1 and raw.lower() in ("ein", "eine", "einen", "einem", "einer", "one")
        return NumberMention(m.start(), m.end(), value, scale=mult, is_word=True, weak=weak)
    raw = groups[_VAGUE - 1]
    return NumberMention(m.start(), m.end(), _vague_value(raw, lang), vague=True)


def _merge_ranges(text: str, mentions: list[NumberMention], lang: Lang) -> list[NumberMention]:
    out: list[NumberMention] = []
    i = 0
    while i < len(mentions):
        m1 = mentions[i]
        if i + 1 < len(mentions) and not m1.vague and not mentions[i + 1].vague:
            m2 = mentions[i + 1]
            gap = text[m1.end : m2.start]
            before = text[max(0, m1.start - 12) : m1.start]
            between = _BETWEEN.search(before) if len(gap) <= 9 else None  # only read then
            ok = len(gap) <= 9 and (
                (_RANGE_GAP[lang].fullmatch(gap) is not None and not _FROM.search(before))
                or (between is not None and _AND_GAP.fullmatch(gap) is not None)
            )
            raw_low = text[m1.start : m1.end]
            if (
                ok
                and raw_low.isdigit()
                and len(raw_low) == 4
                and 1900 <= m1.value <= 2100
                and m2.value > 2100
            ):
                ok = False  # 'in 2025 to 8.48 trillion roubles': a year is no range's low end
            if ok:
                low = m1.value
                if m2.scale > 1 and m1.scale == 1 and low * m2.scale <= m2.value:
                    low *= m2.scale
                if low < m2.value:
                    start = m1.start - (len(before) - between.start()) if between else m1.start
                    out.append(
                        replace(
                            m2,
                            start=start,
                            value=low,
                            value_max=m2.value,
                            weak=False,
                            currency=m1.currency or m2.currency,
                        )
                    )
                    i += 2
                    continue
        out.append(m1)
        i += 1
    return out


def _signs(text: str) -> list[int]:
    """Where `_SIGN` matches, by `str.find` (the order does not matter to `_starts`)."""
    found: list[int] = []
    for sign in "$€£":
        p = text.find(sign)
        while p >= 0:
            found.append(p)
            p = text.find(sign, p + 1)
    return found


def _starts(text: str, lang: Lang) -> list[int] | None:
    """Every position a number can start at (as `_build`'s gate allows), or None (not indexed).

    Word starts (digits and letters after a non-word character), currency signs, and the space
    before either of them.
    """
    words = _NUMBER_RE[lang].candidates(text)
    if words is None:
        return None
    firsts = words + _signs(text)
    spaces = [
        p - 1 for p in firsts if p and text[p - 1].isspace() and (text[p].isdecimal() or text[p] in "$€£")
    ]
    return sorted(set(firsts + spaces))


def find_numbers(text: str, lang: Lang) -> list[NumberMention]:
    """Every number mention in `text`, ranges merged, in text order."""
    number_re = _NUMBER_RE[lang]
    starts = _starts(text, lang)
    found = number_re.finditer(text) if starts is None else number_re.finditer_at(text, starts)
    mentions = [mm for m in found if (mm := _mention(m, lang)) is not None]
    return _merge_ranges(text, mentions, lang)
