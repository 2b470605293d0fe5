"""Big regex alternations that try, at each position, only the entries that can start there.

Python's `re` tries every branch of `(?P<a>...)|(?P<b>...)|...` at every position it scans, and
cannot skip a branch by its first character when the branch is a named group or the pattern is
case-insensitive. A lexicon alternation has 50-150 entries, so scanning a 3.5 kB article with
one cost ~0.2-2 ms. `Alternation` compiles the same pattern once per first character instead,
with only the entries whose first character can be that one (in their original order, so the
first entry to match is the same one), and scans only the positions where a match can start.

Results are those of the whole pattern: same spans, groups and `lastgroup`. Where the first
characters of an entry cannot be worked out, the entry is tried at every position.
"""

from __future__ import annotations

import bisect
import importlib
import re
import sys
from collections.abc import Iterator, Sequence
from typing import Any

# The regex parser of the standard library: private but stable within a Python version, and only
# used to read which characters an entry can start with.
_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

_MAX = sys.maxsize
_CATEGORY = {
    _c.CATEGORY_WORD: r"\w",
    _c.CATEGORY_NOT_WORD: r"\W",
    _c.CATEGORY_DIGIT: r"\d",
    _c.CATEGORY_NOT_DIGIT: r"\D",
    _c.CATEGORY_SPACE: r"\s",
    _c.CATEGORY_NOT_SPACE: r"\S",
}
_WORDLIKE = frozenset({_c.CATEGORY_WORD, _c.CATEGORY_DIGIT})


class _UnknownError(Exception):
    """An entry whose first characters we do not work out."""


_WORD, _WORD_OR_HYPHEN, _OTHER = 0, 1, 2  # what characters a class item holds at most


def _kind(ch: str) -> int:
    if re.match(r"\w", ch):
        return _WORD
    return _WORD_OR_HYPHEN if ch == "-" else _OTHER


def _class_item(op: Any, av: Any) -> tuple[str, int]:
    """A character-class item as regex text, and the kind of characters it holds."""
    if op is _c.LITERAL:
        return re.escape(chr(av)), _kind(chr(av))
    if op is _c.RANGE:
        lo, hi = av
        return f"{re.escape(chr(lo))}-{re.escape(chr(hi))}", max(_kind(chr(x)) for x in range(lo, hi + 1))
    if op is _c.CATEGORY and av in _CATEGORY:
        return _CATEGORY[av], _WORD if av in _WORDLIKE else _OTHER
    raise _UnknownError


def _first(items: Any, out: list[str]) -> tuple[bool, int]:
    """Add to `out` the classes a match of the sequence `items` can start with.

    Returns whether the sequence can match the empty string, and the kind of its first characters.
    """
    kind = _WORD
    for op, av in items:
        if op in (_c.ASSERT, _c.ASSERT_NOT, _c.AT):
            continue  # zero-width: what follows decides
        if op is _c.LITERAL:
            text, k = _class_item(op, av)
            out.append(text)
            return False, max(kind, k)
        if op is _c.IN:
            if any(o is _c.NEGATE for o, _ in av):
                raise _UnknownError
            parts = [_class_item(o, a) for o, a in av]
            out.append("[" + "".join(p for p, _ in parts) + "]")
            return False, max(kind, *(k for _, k in parts))
        if op is _c.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if add_flags or del_flags:
                raise _UnknownError
            nullable, k = _first(sub, out)
        elif op is _c.BRANCH:
            nullable, k = False, _WORD
            for branch in av[1]:
                n, bk = _first(branch, out)
                nullable, k = nullable or n, max(k, bk)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            low, _high, sub = av
            nullable, k = _first(sub, out)
            nullable = nullable or low == 0
        elif op is _c.ATOMIC_GROUP:
            nullable, k = _first(av, out)
        else:
            raise _UnknownError
        kind = max(kind, k)
        if not nullable:
            return False, kind
    return True, kind


def _first_class(alternative: str, flags: int) -> tuple[re.Pattern[str] | None, int]:
    """A pattern matching every character a match of `alternative` can start with (None: any),
    and the kind of those characters."""
    try:
        out: list[str] = []
        nullable, kind = _first(_parser.parse(alternative, flags), out)
    except _UnknownError:
        return None, _OTHER
    if nullable or not out:
        return None, _OTHER
    return re.compile("|".join(out), flags), kind


def _lead_excludes(lead: str, flags: int) -> int | None:
    """What may not stand before a match by `lead`'s first lookbehind: word characters
    (`_WORD`), word characters and hyphens (`_WORD_OR_HYPHEN`), or nothing we use (None)."""
    items = list(_parser.parse(lead, flags)) if lead else []
    if not items or items[0][0] is not _c.ASSERT_NOT:
        return None
    direction, sub = items[0][1]
    sub = list(sub)
    if direction != -1 or len(sub) != 1 or sub[0][0] is not _c.IN:
        return None
    members = sub[0][1]
    if not any(o is _c.CATEGORY and a is _c.CATEGORY_WORD for o, a in members):
        return None
    return _WORD_OR_HYPHEN if (_c.LITERAL, ord("-")) in members else _WORD


class _Index:
    """Where the words of one text begin, by first character, and each scan's candidates."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: dict[int, dict[str, list[int]]] = {}
        self.candidates: dict[tuple[int, int], list[int]] = {}

    def starts(self, kind: int) -> dict[str, list[int]]:
        """Starts of runs of word characters (or of word characters and hyphens), by character."""
        found = self._starts.get(kind)
        if found is None:
            found = self._starts[kind] = {}
            text = self.text
            for m in _RUNS[kind].finditer(text):
                p = m.start()
                found.setdefault(text[p], []).append(p)
        return found


_RUNS = {_WORD: re.compile(r"\w+"), _WORD_OR_HYPHEN: re.compile(r"[\w-]+")}
_MIN_INDEXED = 400  # shorter texts are scanned directly: indexing them costs more than it saves
_last: _Index | None = None


def _index(text: str) -> _Index | None:
    """The index of `text` (the article being extracted): one at a time, by identity."""
    global _last
    index = _last
    if index is not None and index.text is text:
        return index
    if len(text) < _MIN_INDEXED:
        return None
    index = _last = _Index(text)
    return index


class Alternation:
    """`lead(?:alt1|alt2|...)tail` compiled whole and per first character; `re.Pattern`'s API."""

    def __init__(
        self, alternatives: Sequence[str], *, lead: str = "", tail: str = "", flags: int = 0
    ) -> None:
        self._alternatives = list(alternatives)
        self._lead, self._tail, self._flags = lead, tail, flags
        self.pattern = self._compile(range(len(self._alternatives)))
        firsts = [_first_class(a, flags) for a in self._alternatives]
        self._firsts = [f for f, _ in firsts]
        # A match starts where the lead's lookbehind allows and with a first character of an
        # entry: when those are word characters (or hyphens) and the lookbehind excludes them, a
        # match can only start a run of them, and scanning those starts is exact.
        excluded = _lead_excludes(lead, flags)
        kind = max((k for _, k in firsts), default=_OTHER)
        self._runs = kind if excluded is not None and kind <= excluded else None
        self._by_char: dict[str, re.Pattern[str] | None] = {}
        self._by_entries: dict[tuple[int, ...], re.Pattern[str]] = {}

    def _compile(self, entries: Sequence[int]) -> re.Pattern[str]:
        body = "|".join(self._alternatives[i] for i in entries)
        return re.compile(f"{self._lead}(?:{body}){self._tail}", self._flags)

    def _for_char(self, ch: str) -> re.Pattern[str] | None:
        """The pattern of the entries a match starting with `ch` can come from (None: none)."""
        try:
            return self._by_char[ch]
        except KeyError:
            pass
        entries = tuple(i for i, f in enumerate(self._firsts) if f is None or f.match(ch))
        pattern = None
        if entries:
            pattern = self._by_entries.get(entries)
            if pattern is None:
                pattern = self._by_entries[entries] = self._compile(entries)
        self._by_char[ch] = pattern
        return pattern

    def _candidates(self, index: _Index, runs: int) -> list[int]:
        key = (id(self), runs)
        found = index.candidates.get(key)
        if found is None:
            starts = index.starts(runs)
            found = sorted(p for ch, ps in starts.items() if self._for_char(ch) is not None for p in ps)
            index.candidates[key] = found
        return found

    def match(self, text: str, pos: int = 0, endpos: int = _MAX) -> re.Match[str] | None:
        if pos < 0 or pos >= min(endpos, len(text)):
            return self.pattern.match(text, pos, endpos)
        sub = self._for_char(text[pos])
        return sub.match(text, pos, endpos) if sub is not None else None

    def finditer(self, text: str, pos: int = 0, endpos: int = _MAX) -> Iterator[re.Match[str]]:
        runs = self._runs
        index = _index(text) if runs is not None and pos >= 0 else None
        if runs is None or index is None:
            yield from self.pattern.finditer(text, pos, endpos)
            return
        candidates = self._candidates(index, runs)
        end = min(endpos, len(text))
        done = pos  # matches do not overlap: the next one starts at or after the last one's end
        for i in range(bisect.bisect_left(candidates, pos), len(candidates)):
            p = candidates[i]
            if p >= end:
                break
            if p < done:
                continue
            sub = self._for_char(text[p])
            m = sub.match(text, p, endpos) if sub is not None else None
            if m is not None:
                yield m
                done = m.end()

    def search(self, text: str, pos: int = 0, endpos: int = _MAX) -> re.Match[str] | None:
        return self.pattern.search(text, pos, endpos)

    def fullmatch(self, text: str, pos: int = 0, endpos: int = _MAX) -> re.Match[str] | None:
        return self.pattern.fullmatch(text, pos, endpos)


__all__ = ["Alternation"]
