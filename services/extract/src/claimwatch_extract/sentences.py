"""Sentences and quotations of an article, as character spans of the original text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

_ABBREVIATION_WORDS: Final = (
    "ca bzw vgl z.b u.a d.h usw etc nr no dr prof st mr mrs ms gen lt col sgt capt maj adm gov sen rep "
    "jan feb mar apr jun jul aug sep sept oct okt nov dec dez mio mrd tsd inkl evtl ggf sog jh v.a u.s "
    "z.t corp inc ltd co vs"
)
_ABBREVIATIONS: Final = frozenset(_ABBREVIATION_WORDS.split())
_MONTHS: Final = re.compile(
    r"(?:Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)\b"
)
# `[.!?…]+[closers]*(?=\s+[openers]?[A-ZÄÖÜ0-9])|\n+`, led by one class: `re` then skips to the
# next candidate character instead of trying both branches at every position (~5x faster).
_BOUNDARY: Final = re.compile(r"[.!?…\n](?:(?<=\n)\n*|[.!?…]*[\"“”»«'’)]*(?=\s+[\"„“»«'‚(]?[A-ZÄÖÜ0-9]))")
_BOUNDARY_FIRSTS: Final = ".!?…\n"
_QUOTE: Final = re.compile(
    r"„[^“”\"\n]{1,2000}[“”\"]|“[^”\n]{1,2000}”|»[^«\n]{1,2000}«|«[^»\n]{1,2000}»|\"[^\"\n]{1,2000}\""
)
_QUOTE_FIRSTS: Final = '„“»«"'


def _matches_at_firsts(pattern: re.Pattern[str], text: str, firsts: str) -> list[re.Match[str]]:
    """`list(pattern.finditer(text))` for a pattern whose matches are never empty and begin with
    one of `firsts`: tried only where those characters are, found by `str.find`. `re`'s own scan
    checks the class of first characters at every position (~50 instructions a character)."""
    positions: list[int] = []
    for ch in firsts:
        at = text.find(ch)
        while at >= 0:
            positions.append(at)
            at = text.find(ch, at + 1)
    positions.sort()
    found: list[re.Match[str]] = []
    done = 0  # matches do not overlap: the next one starts at or after the last one's end
    for p in positions:
        if p >= done:
            m = pattern.match(text, p)
            if m is not None:
                found.append(m)
                done = m.end()
    return found


@dataclass(slots=True, init=False, unsafe_hash=True)
class Sentence:
    start: int
    end: int
    text: str

    # Explicit __init__, not frozen: why, in NumberMention (numbers.py).
    def __init__(self, start: int, end: int, text: str) -> None:
        self.start = start
        self.end = end
        self.text = text


def _is_word_or_dot(ch: str) -> bool:
    return ch.isalnum() or ch in "_."  # `re`'s \w is isalnum() or '_'


def _word_before(text: str, lo: int, hi: int) -> str:
    r"""What `re.compile(r"[\w.]+$").search(text, lo, hi)` finds (or ''), without trying every
    position of the window: the run of word characters and dots that ends at `hi`, or, as `$`
    also matches before a final line break, the one that ends at `hi - 1` when that is one."""
    start = hi
    while start > lo and _is_word_or_dot(text[start - 1]):
        start -= 1
    if start < hi:
        return text[start:hi]
    if hi > lo and text[hi - 1] == "\n":
        end = start = hi - 1
        while start > lo and _is_word_or_dot(text[start - 1]):
            start -= 1
        return text[start:end]
    return ""


def _is_boundary(text: str, match: re.Match[str], first: str) -> bool:
    """Whether a boundary match (its first character `first`) ends a sentence."""
    if first != ".":
        return True  # a line break, '!', '?' or '…'
    token = _word_before(text, max(0, match.start() - 40), match.start()).lower()
    if not token:
        return True
    if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
        return False
    if "." in token and len(token) <= 5:  # U.S., z.B., u.a.
        return False
    if token.isdigit() and len(token) <= 2:  # German ordinals and dates: "12. Februar", "3. Brigade"
        return _MONTHS.match(text, match.end() + 1) is None and text[match.end() : match.end() + 3] != " 20"
    return True


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with their spans; headings and list items (line breaks) end a sentence too."""
    out: list[Sentence] = []
    start = 0
    for match in _matches_at_firsts(_BOUNDARY, text, _BOUNDARY_FIRSTS):
        first = text[match.start()]  # a match is never empty
        if not _is_boundary(text, match, first):
            continue
        end = match.end() if first != "\n" else match.start()
        _append(text, start, end, out)
        start = match.end()
    _append(text, start, len(text), out)
    return out


def _append(text: str, start: int, end: int, out: list[Sentence]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end, text[start:end]))


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted speech (including the quote marks)."""
    return [(m.start(), m.end()) for m in _matches_at_firsts(_QUOTE, text, _QUOTE_FIRSTS)]
