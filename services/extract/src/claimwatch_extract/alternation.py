"""Big regex alternations that try, at each position, only the entries that can start there.

Python's `re` tries every branch of `(?P<a>...)|(?P<b>...)|...` at every position it scans, and
cannot skip a branch by its first character when the branch is a named group or the pattern is
case-insensitive. A lexicon alternation has 50-150 entries, so scanning a 3.5 kB article with
one cost ~0.2-2 ms. `Alternation` compiles the same pattern once per first three characters
instead, with only the entries a match starting with them can come from (in their original
order, so the first entry to match is the same one), and scans only the positions where a match
can start (word starts and hyphens, when the pattern's lead is a word-start lookbehind).

Results are those of the whole pattern: same spans, groups and `lastgroup`. Where the first
characters of an entry cannot be worked out, the entry is tried at every position.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final, cast

# The regex parser of the standard library: private but stable within a Python version, and only
# used to read which characters an entry can start with.
_parser: Final[Any] = importlib.import_module("re._parser")
_c: Final[Any] = importlib.import_module("re._constants")

_MAX: Final = sys.maxsize
_CATEGORY: Final = {
    _c.CATEGORY_WORD: r"\w",
    _c.CATEGORY_NOT_WORD: r"\W",
    _c.CATEGORY_DIGIT: r"\d",
    _c.CATEGORY_NOT_DIGIT: r"\D",
    _c.CATEGORY_SPACE: r"\s",
    _c.CATEGORY_NOT_SPACE: r"\S",
}
_WORDLIKE: Final = frozenset({_c.CATEGORY_WORD, _c.CATEGORY_DIGIT})


_WORD, _WORD_OR_HYPHEN, _OTHER = 0, 1, 2  # what characters a class holds at most
# Entries are told apart by the first three characters a match can have: with two, 85 % of the
# positions tried failed (1,182 tries and 176 matches per corpus article), with three 72 % (629).
_KEY: Final = 3
_MAX_KEYS: Final = 50_000  # bound on the keys remembered per alternation
# Characters of a match read for what must follow its key: of the positions tried with three,
# 83 % of the failures had other literal characters after the key than any entry there.
_LONG: Final = 8
_MAX_SEQUENCES: Final = 10_000  # beyond it an entry's long beginnings are not worked out

# A class of characters as regex text, and the kind of characters it holds.
_Class = tuple[str, int]


class _UnknownError(Exception):
    """An entry whose first characters we do not work out."""


def _kind(ch: str) -> int:
    if re.match(r"\w", ch):
        return _WORD
    return _WORD_OR_HYPHEN if ch == "-" else _OTHER


def _class_item(op: Any, av: Any) -> _Class:
    if op is _c.LITERAL:
        return re.escape(chr(av)), _kind(chr(av))
    if op is _c.RANGE:
        lo, hi = av
        return f"{re.escape(chr(lo))}-{re.escape(chr(hi))}", max(_kind(chr(x)) for x in range(lo, hi + 1))
    if op is _c.CATEGORY and av in _CATEGORY:
        return _CATEGORY[av], _WORD if av in _WORDLIKE else _OTHER
    raise _UnknownError


def _class(op: Any, av: Any) -> _Class:
    """The characters one consuming item matches."""
    if op is _c.LITERAL:
        return _class_item(op, av)
    if op is _c.NOT_LITERAL:
        return f"[^{re.escape(chr(av))}]", _OTHER
    if op is _c.ANY:
        return ".", _OTHER
    negate = any(o is _c.NEGATE for o, _ in av)
    parts = [_class_item(o, a) for o, a in av if o is not _c.NEGATE]
    text = "".join(t for t, _ in parts)
    if negate:
        return f"[^{text}]", _OTHER
    return f"[{text}]", max(k for _, k in parts)


_CONSUMING: Final = (_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.IN)
_ZERO_WIDTH: Final = (_c.ASSERT, _c.ASSERT_NOT, _c.AT)
_REPEATS: Final = (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT)


def _prefixes(items: list[Any], k: int, depth: int = 0) -> set[tuple[_Class, ...]]:
    """The class sequences (at most `k` long) a match of `items` can start with; a shorter one
    means that anything (or nothing) may follow."""
    if depth > 60:
        raise _UnknownError
    if k == 0 or not items:
        return {()}
    (op, av), rest = items[0], items[1:]
    if op in _ZERO_WIDTH:
        return _prefixes(rest, k, depth + 1)  # what follows decides
    if op in _CONSUMING:
        head = _class(op, av)
        return {(head, *tail) for tail in _prefixes(rest, k - 1, depth + 1)}
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if add_flags or del_flags:
            raise _UnknownError
        return _prefixes([*sub, *rest], k, depth + 1)
    if op is _c.ATOMIC_GROUP:
        return _prefixes([*av, *rest], k, depth + 1)
    if op is _c.BRANCH:
        return set().union(*(_prefixes([*branch, *rest], k, depth + 1) for branch in av[1]))
    if op in _REPEATS:
        low, high, sub = av
        out = _prefixes(rest, k, depth + 1) if low == 0 else set()
        if high > 0:
            again = (op, (max(low - 1, 0), high if high == _c.MAXREPEAT else high - 1, sub))
            out |= _prefixes([*sub, again, *rest], k, depth + 1)
        return out
    raise _UnknownError


_NEEDLE: Final = 3  # characters of the literal a compound branch ('[\w-]*panzer') needs in the word


def _is_word_run(item: Any) -> bool:
    r"""Whether `item` is a repeat of `[\w-]` (or `\w`): it consumes word characters and hyphens only."""
    op, av = item
    if op not in _REPEATS or len(av[2]) != 1 or av[2][0][0] is not _c.IN:
        return False
    return all(m in ((_c.CATEGORY, _c.CATEGORY_WORD), (_c.LITERAL, ord("-"))) for m in av[2][0][1])


def _branches(items: list[Any]) -> list[list[Any]]:
    """The top-level branches of an entry (its named group's alternatives, and those of a group it
    begins with)."""
    while items and items[0][0] is _c.SUBPATTERN and not any(items[0][1][1:3]):
        items = [*items[0][1][3], *items[1:]]
    if items and items[0][0] is _c.BRANCH:
        # also a leading group's: '(?:[\w-]*luftwaffen|[\w-]*militär)stützpunkte' is two branches
        return [b for alt in items[0][1][1] for b in _branches([*alt, *items[1:]])]
    return [items]


def _needle(items: list[Any], flags: int) -> list[str] | None:
    r"""For a branch that begins with a run of word characters and hyphens followed by literal word
    characters or hyphens ('[\w-]*panzer', '[\w-]*(?:kampf|transport)fahrzeug', '[\w-]+-Kämpfer'):
    those first literals. A match at a position needs one of them inside the run of
    word characters and hyphens that starts there (they are such characters, so they cannot lie
    beyond it)."""
    if not items or not _is_word_run(items[0]):
        return None
    try:
        found = _prefixes(items[1:], _NEEDLE)
    except _UnknownError:
        return None
    literals: list[str] = []
    for seq in found:
        chars = [_literal(text, flags) for text, kind in seq if kind <= _WORD_OR_HYPHEN]
        if len(seq) != _NEEDLE or len(chars) != _NEEDLE or any(c is None for c in chars):
            return None  # a class, a category or an escape: not a plain literal
        literals.append("".join(c or "" for c in chars))
    return sorted(literals)


def _literals_pattern(literals: list[str], flags: int) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(x) for x in literals), flags)


def _literal(text: str, flags: int) -> str | None:
    """A class's text as one literal character: a character (a hyphen escaped), or, case-insensitively,
    a class of a letter's two cases ('[Ss]' matches what 's' does); None for any other class."""
    if len(text) == 1:
        return text
    if text == "\\-":
        return "-"
    if flags & re.IGNORECASE and len(text) == 4 and text[0] == "[" and text[3] == "]":
        one, other = text[1], text[2]
        if one != other and one.lower() == other.lower() and one.lower() in (one, other):
            return one.lower()
    return None


class _Branch:
    def __init__(self, items: list[Any], flags: int) -> None:
        try:
            found = _prefixes(items, _KEY)
        except _UnknownError:
            found = {()}
        self.any = () in found
        classes = {text: re.compile(text, flags) for seq in found for text, _ in seq}
        self.sequences = [tuple(classes[text] for text, _ in seq) for seq in found]
        self.literals = None if self.any else _needle(items, flags)
        self.needle = None if self.literals is None else _literals_pattern(self.literals, flags)

    def may_match(self, key: str, run: str) -> bool:
        if self.any:
            return True
        if not any(all(c.match(ch) for c, ch in zip(seq, key, strict=False)) for seq in self.sequences):
            return False
        return self.needle is None or self.needle.search(run) is not None


def _tail_char(text: str, flags: int) -> str | None:
    """The one character a class (its text from `_class`) matches, for what follows a key: under
    re.IGNORECASE an ASCII character in lower case (what matches it are its lower and upper case,
    in a text that `folds_plainly`); None for any other class."""
    if text == ".":
        return None  # any character
    if len(text) == 2 and text[0] == "\\" and not text[1].isalnum():
        text = text[1]  # an escaped character ('\\.', '\\ ')
    ch = _literal(text, flags)
    if ch is None or not flags & re.IGNORECASE:
        return ch
    return ch.lower() if ch.isascii() else None


# The classes the first characters of a match (up to the key's length) can be of, and for each
# such beginning the literal characters that follow them (up to `_LONG` in all; None when some
# way to begin so has none).
_Long = list[tuple[tuple[re.Pattern[str], ...], set[str] | None]]


def _long_beginnings(items: list[Any], flags: int) -> _Long | None:
    """The ways a match of `items` can begin, read `_LONG` characters far (None: not worked out)."""
    try:
        found = _prefixes(items, _LONG)
    except _UnknownError:
        return None
    if () in found or len(found) > _MAX_SEQUENCES:
        return None
    by_head: dict[tuple[str, ...], set[str] | None] = {}
    for seq in found:
        head = tuple(text for text, _ in seq[:_KEY])
        tail = ""
        for text, _ in seq[_KEY:]:
            ch = _tail_char(text, flags)
            if ch is None:
                break
            tail += ch
        tails = by_head.setdefault(head, set())
        if tails is not None and tail:
            tails.add(tail)
        elif not tail:
            by_head[head] = None
    classes = {text: re.compile(text, flags) for head in by_head for text in head}
    return [(tuple(classes[text] for text in head), tails) for head, tails in by_head.items()]


class _Entry:
    """What one entry of an alternation can start with."""

    def __init__(self, alternative: str, flags: int) -> None:
        items = list(_parser.parse(alternative, flags))
        self._items, self._flags = items, flags
        self._long: _Long | None = None
        self._long_known = False  # `_long` worked out (when first asked for)
        try:
            found = _prefixes(items, _KEY)
        except _UnknownError:
            found = {()}
        self.any = () in found  # no first character known: tried everywhere
        self.kind = _OTHER if self.any else max(seq[0][1] for seq in found)
        classes = {text: re.compile(text, flags) for seq in found for text, _ in seq}
        self._sequences = [tuple(classes[text] for text, _ in seq) for seq in found]
        branches = [] if self.any else [_Branch(b, flags) for b in _branches(items)]
        # Some branch needs a literal inside the word: `may_match_run` can rule the entry out.
        self.compound = any(b.needle is not None for b in branches)
        self._branches = branches if self.compound else []
        # what some compound branch needs in the run: no match without one of them there
        self.needles = sorted({n for b in self._branches for n in b.literals or []})

    def may_start(self, key: str) -> bool:
        """Whether a match can begin with `key` (the first one to three characters at a position)."""
        return any(all(c.match(ch) for c, ch in zip(seq, key, strict=False)) for seq in self._sequences)

    def may_match_run(self, key: str, run: str) -> bool:
        """Whether a match can begin where `key` begins, the run of word characters and hyphens
        there being `run` (for an entry that `may_start` with `key`)."""
        return not self.compound or any(b.may_match(key, run) for b in self._branches)

    def tails(self, key: str) -> list[str] | None:
        """What a match that begins with `key` (three characters) goes on with: the literal
        characters after the key of each way it can begin so; None when some way has none."""
        if not self._long_known:
            self._long = None if self.any else _long_beginnings(self._items, self._flags)
            self._long_known = True
        if self._long is None:
            return None
        out: set[str] = set()
        for head, tails in self._long:
            if all(c.match(ch) for c, ch in zip(head, key, strict=False)):
                if tails is None:
                    return None
                out |= tails
        return sorted(out)


def _no_word_before(lead: str, flags: int) -> bool:
    """Whether `lead` begins with a lookbehind that forbids a word character before the match."""
    items = list(_parser.parse(lead, flags)) if lead else []
    if not items or items[0][0] is not _c.ASSERT_NOT:
        return False
    direction, sub = items[0][1]
    sub = list(sub)
    return (
        direction == -1
        and len(sub) == 1
        and sub[0][0] is _c.IN
        and any(o is _c.CATEGORY and a is _c.CATEGORY_WORD for o, a in sub[0][1])
    )


_RUN: Final = re.compile(r"[\w-]*")  # what a compound branch's leading `[\w-]*` can consume
# Methods of C called as functions: no attribute lookup per call.
_match: Final = re.Pattern.match
_end: Final = re.Match.end
_MIN_INDEXED: Final = 400  # shorter texts are indexed for one scan only, not remembered


def _is_word(text: str, i: int, c: int) -> bool:
    """Whether text[i] (code point `c`) is a word character for `re` (`str.isalnum()` or '_');
    written out in `_starts`, where a call per character costs ~20 % more."""
    return (97 <= c <= 122 or 65 <= c <= 90 or 48 <= c <= 57 or c == 95) if c < 128 else text[i].isalnum()


def _run_end(text: str, pos: int) -> int:
    r"""Where the run of word characters and hyphens at `pos` ends: `[\w-]*` matched there."""
    end = pos
    while end < len(text):
        c = ord(text[end])
        if c != 45 and not _is_word(text, end, c):
            break
        end += 1
    return end


def _starts(text: str, pos: int = 0, endpos: int = _MAX) -> list[int]:
    r"""The starts of word-character runs and the hyphens in text[pos:endpos]: a match that no word
    character may precede and that starts with a word character or a hyphen starts at one of them.

    What `\w+` and `-` find there, in order (tests/unit/test_extract_alternation.py compares them),
    read character by character: a regex call per word cost ~2,500 instructions, a character
    ~20 here. `re`'s `\w` is `str.isalnum()` or '_'; for ASCII, the ranges below."""
    starts: list[int] = []
    in_word = False  # a run that begins before `pos` begins at `pos` for a scan from there
    for i in range(max(pos, 0), min(endpos, len(text))):
        c = ord(text[i])
        if (97 <= c <= 122 or 65 <= c <= 90 or 48 <= c <= 57 or c == 95) if c < 128 else text[i].isalnum():
            if not in_word:
                starts.append(i)
                in_word = True
        else:
            if c == 45:
                starts.append(i)
            in_word = False
    return starts


class _Index:
    """Where a match can start in one text, with the first characters there."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = _starts(text)
        # per registered alternation (by its number): the positions a match can start at, and the
        # pattern to try there; found for all of them in one pass over the starts' keys
        self.candidates: list[tuple[list[int], list[_Try]] | None] | None = None
        self.folds = folds_plainly(text)


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


class _Try:
    """What a position is tried with, by its first three characters (its key): the pattern of the
    entries a match there can come from, and the characters one of which such a match goes on
    with after the key, as (lower case, upper case) (None: not known)."""

    def __init__(self, pattern: re.Pattern[str], tails: list[tuple[str, str]] | None) -> None:
        self.pattern = pattern
        self.tails = tails

    def rules_out(self, text: str, pos: int) -> bool:
        """Whether no match can begin at `pos` by what follows its key (in a text that
        `folds_plainly`, for a case-insensitive alternation): a regex call costs ~1,000
        instructions, comparing a character ~30."""
        tails = self.tails
        if tails is None:
            return False
        return not any(_spelled_at(text, pos + _KEY, low, up) for low, up in tails)


def _spelled_at(text: str, at: int, low: str, up: str) -> bool:
    """Whether text[at:] begins with `low` or `up` or a mix: each character one of theirs there."""
    if at + len(low) > len(text):
        return False
    for j in range(len(low)):
        c = ord(text[at + j])  # compiled to a read of the code point, no 1-character string
        if c != ord(low[j]) and c != ord(up[j]):
            return False
    return True


def _shortest(tails: set[str]) -> list[str]:
    """`tails` without those that begin with another one (which a text then holds anyway)."""
    out: list[str] = []
    for tail in sorted(tails, key=lambda t: (len(t), t)):
        if not any(tail.startswith(kept) for kept in out):
            out.append(tail)
    return out


class _KeyTable(dict[str, _Try | None]):
    """What a position whose first characters are a key is tried with (None: no entry can match
    there), filled as keys turn up; a dict lookup, so scans map keys to patterns without a Python
    call per key."""

    def __init__(self, try_for: Callable[[str], _Try | None]) -> None:
        super().__init__()
        self._try_for = try_for

    def __missing__(self, key: str) -> _Try | None:
        found = self._try_for(key)
        if len(self) >= _MAX_KEYS:
            self.clear()
        self[key] = found
        return found


# The alternations whose candidates have been asked for, by number. Their candidates in a text
# are found together: one dict lookup per word start gives the alternations that can match there
# (most give none), instead of one lookup per word start and alternation (~16 of them in use).
_registered: Final[list[Alternation]] = []
_MAX_REGISTERED: Final = 64  # beyond it (tests build many) the registry starts again


# Per key: (number, pattern, plain) of each registered alternation a match starting with it can
# come from, `plain` the pattern for a position whose run holds no literal a compound branch needs
# (`pattern` itself when that rules out nothing), filled as keys turn up (a plain dict: a lookup
# in a dict subclass takes the slow path).
_Row = list[tuple[int, _Try, _Try | None]]
_rows: Final[dict[str, _Row]] = {}


def _row(key: str) -> _Row:
    row: _Row = []
    for number, alternation in enumerate(_registered):
        found = alternation._by_key[key]
        if found is not None:
            plain = alternation._by_key_plain[key] if alternation._by_key_plain is not None else found
            row.append((number, found, plain))
    if len(_rows) >= _MAX_KEYS:
        _rows.clear()
    _rows[key] = row
    return row


def _register(alternation: Alternation) -> int:
    if len(_registered) >= _MAX_REGISTERED:
        for old in _registered:
            old._number = -1
        _registered.clear()
    _registered.append(alternation)
    _rows.clear()
    return len(_registered) - 1


def bisect_left(a: list[int], x: int) -> int:
    """`bisect.bisect_left(a, x)`, compiled: no call into C and no comparison of objects."""
    lo, hi = 0, len(a)
    while lo < hi:
        mid = (lo + hi) // 2
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _all_candidates(index: _Index, group: str | None) -> list[tuple[list[int], list[_Try]] | None]:
    """The candidates of the registered alternations of `group` and of the shared ones ('') in
    the index's text (of all for None)."""
    # Positions are copied as the objects the index holds (typed `object`): an `int` would be
    # unboxed and boxed again, a new int object per position past 256.
    wanted = [group is None or a._group in ("", group) for a in _registered]
    starts, boxed = index.starts, cast("list[object]", index.starts)
    positions: list[list[object]] = [[] for _ in _registered]
    tries: list[list[_Try]] = [[] for _ in _registered]
    needles: list[_NeedleRuns | None] = [None for _ in _registered]  # made when first asked
    text, rows = index.text, _rows
    for i in range(len(starts)):
        key = text[starts[i] : starts[i] + _KEY]
        row = rows.get(key)
        if row is None:
            row = _row(key)
        if row:
            p = boxed[i]
            for number, found, plain in row:
                if not wanted[number]:
                    continue
                if plain is not found:
                    runs = needles[number]
                    if runs is None:
                        runs = needles[number] = _needle_runs(_registered[number], text)
                    if not runs.covers(starts[i]):
                        if plain is None:
                            continue
                        found = plain
                positions[number].append(p)
                tries[number].append(found)
    return [(cast("list[int]", positions[n]), tries[n]) if wanted[n] else None for n in range(len(positions))]


def _run_start(text: str, pos: int) -> int:
    """Where the run of word characters and hyphens that holds text[pos] begins."""
    start = pos
    while start > 0:
        c = ord(text[start - 1])
        if c != 45 and not _is_word(text, start - 1, c):
            break
        start -= 1
    return start


def folds_plainly(text: str) -> bool:
    """Whether re.IGNORECASE matches the characters of `text` as their `str.lower()` and
    `str.upper()` say: characters that match a lower-case ASCII letter so although `str.lower()`
    does not turn them into it (from a scan of all of Unicode): 'İ' and 'ı' match 'i', 'K'
    (Kelvin) 'k', 'ſ' 's'. Without them a character matches such a letter, or 'ä', 'ö', 'ü', 'ß',
    exactly when `lower()` turns it into that letter, and `lower()` keeps every character's
    position ('İ' alone becomes two)."""
    return "\u0130" not in text and "\u0131" not in text and "\u212a" not in text and "\u017f" not in text


def _spellings(literal: str) -> list[str] | None:
    """Every spelling of an ASCII `literal` that re.IGNORECASE matches in a text that folds plainly
    (None for a literal with other characters)."""
    if not literal.isascii():
        return None
    spellings = [""]
    for ch in literal:
        spellings = [s + c for s in spellings for c in sorted({ch.lower(), ch.upper()})]
    return spellings


class _Needle:
    """The literals an alternation's compound branches need, found in a text by `str.find` (under
    re.IGNORECASE, each of their spellings, where the text folds plainly): a regex search of an
    article costs ~10x more, case-insensitive or not."""

    def __init__(self, literals: list[str], flags: int) -> None:
        self.pattern = _literals_pattern(literals, flags)
        self.folded = bool(flags & re.IGNORECASE)
        self.spellings: list[str] | None = literals
        if self.folded:
            spelled = [_spellings(x) for x in literals]
            self.spellings = (
                None if any(s is None for s in spelled) else [x for s in spelled for x in s or []]
            )

    def hits(self, text: str) -> list[int]:
        """Where a literal starts in `text` (overlapping ones too), in order."""
        found: set[int] = set()
        if self.spellings is None or (self.folded and not folds_plainly(text)):
            m = self.pattern.search(text)
            while m is not None:
                found.add(m.start())
                m = self.pattern.search(text, m.start() + 1)
        else:
            for spelling in self.spellings:
                at = text.find(spelling)
                while at >= 0:
                    found.add(at)
                    at = text.find(spelling, at + 1)
        return sorted(found)


class _NeedleRuns:
    r"""Where the literals an alternation's compound branches need ('hil' of '[\w-]*hilfe') lie in
    a text. The run of word characters and hyphens at a position holds one exactly when the
    position lies between a literal's start and the start of the run that holds it."""

    def __init__(self, text: str, needle: _Needle) -> None:
        self.hits = needle.hits(text)  # every literal's start (overlapping ones too)
        self.run_starts = [_run_start(text, hit) for hit in self.hits]  # of the run that holds each
        self._next = 0

    def covers(self, pos: int) -> bool:
        """Whether the run at `pos` holds a literal; asked for positions in increasing order."""
        i = self._next
        while i < len(self.hits) and self.hits[i] < pos:
            i += 1
        self._next = i
        # run starts grow with the hits: the first literal at or after `pos` has the lowest one
        return i < len(self.hits) and self.run_starts[i] <= pos


def _needle_runs(alternation: Alternation, text: str) -> _NeedleRuns:
    assert alternation._needle is not None  # an alternation with a plain table has one
    return _NeedleRuns(text, alternation._needle)


class Alternation:
    """`lead(?:alt1|alt2|...)tail` compiled whole and per first characters; `re.Pattern`'s API."""

    def __init__(
        self,
        alternatives: Sequence[str],
        *,
        lead: str = "",
        tail: str = "",
        flags: int = 0,
        keep_groups: bool = False,
        group: str = "",
    ) -> None:
        """`keep_groups`: every group of the pattern exists in every match (some never match),
        for callers that read groups by name; else only the groups of the entries tried.
        `group`: the alternations used on the same texts (a language's; '' for any text): the
        candidates in a text are found at once for those the first to ask is used with."""
        self._group = group
        self._alternatives = list(alternatives)
        self._keep_groups = keep_groups
        self._lead, self._tail, self._flags = lead, tail, flags
        self.pattern = self._compile(range(len(self._alternatives)))
        self._entries = [_Entry(a, flags) for a in self._alternatives]
        # When no word character may precede a match and every entry starts with a word
        # character or a hyphen, a match starts where `_Index` looks: scanning there is exact.
        kind = max((e.kind for e in self._entries), default=_OTHER)
        self._indexed = _no_word_before(lead, flags) and kind <= _WORD_OR_HYPHEN
        self._by_key = _KeyTable(self._try_for)
        # `match` keys by the run of word characters and hyphens at the position instead, when
        # some entry's compound branch ('[\w-]*panzer\w*') needs a literal in it: such a branch
        # backtracks over the whole word at every try, and most words hold none of the literals.
        lead_width = [op for op, _ in _parser.parse(lead, flags)] if lead else []
        # An entry's match begins where the pattern's does: what follows its key is its own.
        self._tails_known = all(op in _ZERO_WIDTH for op in lead_width)
        self._folded = bool(flags & re.IGNORECASE)
        self._by_run: _KeyTable | None = None
        if any(e.compound for e in self._entries) and self._tails_known:
            self._by_run = _KeyTable(self._try_for_run)
        # A scan (`_all_candidates`) does the same with the run's literals found once per text:
        # at a word that holds none of them, it tries the entries without those branches.
        self._needle: _Needle | None = None
        self._by_key_plain: _KeyTable | None = None
        if self._by_run is not None:
            self._needle = _Needle(sorted({n for e in self._entries for n in e.needles}), flags)
            self._by_key_plain = _KeyTable(self._try_for_plain)
        self._by_entries: dict[tuple[int, ...], re.Pattern[str]] = {}
        # entries by the first character a match can have: a new key is checked against these only
        self._by_first: dict[str, list[int]] = {}
        self._number = -1  # in `_registered`, once registered

    def _compile(self, entries: Sequence[int]) -> re.Pattern[str]:
        if self._keep_groups:
            tried = set(entries)
            alts = [a if i in tried else f"(?!)(?:{a})" for i, a in enumerate(self._alternatives)]
        else:
            alts = [self._alternatives[i] for i in entries]
        return re.compile(f"{self._lead}(?:{'|'.join(alts)}){self._tail}", self._flags)

    def _entries_for(self, key: str) -> tuple[int, ...]:
        first = self._by_first.get(key[:1])
        if first is None:
            first = self._by_first[key[:1]] = [
                i for i, e in enumerate(self._entries) if e.any or e.may_start(key[:1])
            ]
        return tuple(i for i in first if self._entries[i].any or self._entries[i].may_start(key))

    def _try_for(self, key: str) -> _Try | None:
        """What a position whose first characters are `key` is tried with (None: no entry)."""
        return self._try_of(key, self._entries_for(key))

    def _run_entries(self, word: str) -> tuple[int, ...]:
        """The entries a match can come from at a position where `word` starts: the run of word
        characters and hyphens there, or, when that run is shorter than the key, the run and what
        follows it up to the key's length (so `word` tells both the key and the run)."""
        key = word[:_KEY]
        run = _RUN.match(word)
        assert run is not None  # `[\w-]*` matches everywhere
        return tuple(i for i in self._entries_for(key) if self._entries[i].may_match_run(key, run.group()))

    def _try_for_run(self, word: str) -> _Try | None:
        return self._try_of(word[:_KEY], self._run_entries(word))

    def _pattern_for_run(self, word: str) -> re.Pattern[str] | None:
        return self._pattern_of(self._run_entries(word))

    def _try_for_plain(self, key: str) -> _Try | None:
        """`_try_for` at a position whose run holds no literal a compound branch needs."""
        entries = self._entries_for(key)
        return self._try_of(key, tuple(i for i in entries if self._entries[i].may_match_run(key, "")))

    def _try_of(self, key: str, entries: tuple[int, ...]) -> _Try | None:
        pattern = self._pattern_of(entries)
        return None if pattern is None else _Try(pattern, self._tails(key, entries))

    def _tails(self, key: str, entries: tuple[int, ...]) -> list[tuple[str, str]] | None:
        """What a match of `entries` that begins with `key` goes on with (None: not known)."""
        if not self._tails_known or len(key) < _KEY:
            return None
        tails: set[str] = set()
        for i in entries:
            found = self._entries[i].tails(key)
            if not found:
                return None
            tails.update(found)
        return [(tail, tail.upper() if self._folded else tail) for tail in _shortest(tails)]

    def _pattern_of(self, entries: tuple[int, ...]) -> re.Pattern[str] | None:
        if not entries:
            return None
        pattern = self._by_entries.get(entries)
        if pattern is None:
            pattern = self._by_entries[entries] = self._compile(entries)
        return pattern

    def _candidates(self, index: _Index) -> tuple[list[int], list[_Try]]:
        number = self._number
        if number < 0 or _registered[number] is not self:
            number = self._number = _register(self)
            index.candidates = None
        found = index.candidates
        if found is None or number >= len(found) or found[number] is None:
            # the first alternation to ask about a text gets them for its group (the text's
            # language) and the shared ones; one of another group, for all
            found = index.candidates = _all_candidates(index, self._group if found is None else None)
        mine = found[number]
        assert mine is not None
        return mine

    def candidates(self, text: str) -> list[int] | None:
        """The word starts and hyphens of `text` a match can start at by their first three
        characters, whatever the lead (None for a text too short to index)."""
        index = _index(text)
        return None if index is None else self._candidates(index)[0]

    def finditer_at(self, text: str, starts: list[int], endpos: int = _MAX) -> Iterator[re.Match[str]]:
        """`finditer(text)`, trying only `starts` (sorted): every position a match can start at."""
        return iter(self.matches_at(text, starts, endpos))

    def matches_at(self, text: str, starts: list[int], endpos: int = _MAX) -> list[re.Match[str]]:
        """`finditer_at`'s matches as a list."""
        return self._scan_at(text, starts, endpos, False)

    def _tails_usable(self, text: str) -> bool:
        """Whether `_Try.rules_out` reads `text` right: a case-insensitive alternation's characters
        are compared by their lower and upper case, which holds where the text folds plainly."""
        if not self._folded:
            return True
        index = _last
        return index.folds if index is not None and index.text is text else folds_plainly(text)

    def _scan_at(self, text: str, starts: list[int], endpos: int, first_only: bool) -> list[re.Match[str]]:
        found: list[re.Match[str]] = []
        usable = self._tails_usable(text)
        done = 0  # matches do not overlap: the next one starts at or after the last one's end
        for p in starts:
            if p < done:
                continue
            tried = self._by_key[text[p : p + _KEY]]
            if tried is None or (usable and tried.rules_out(text, p)):
                continue
            m = _match(tried.pattern, text, p, endpos)
            if m is not None:
                found.append(m)
                if first_only:
                    break
                done = _end(m)
        return found

    def match(self, text: str, pos: int = 0, endpos: int = _MAX) -> re.Match[str] | None:
        if pos < 0 or pos >= min(endpos, len(text)):
            return self.pattern.match(text, pos, endpos)
        if self._by_run is not None:
            tried = self._by_run[text[pos : max(pos + _KEY, _run_end(text, pos))]]
        else:
            tried = self._by_key[text[pos : pos + _KEY]]
        if tried is None:
            return None
        if tried.tails is not None and self._tails_usable(text) and tried.rules_out(text, pos):
            return None
        return _match(tried.pattern, text, pos, endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int = _MAX) -> Iterator[re.Match[str]]:
        return iter(self.matches(text, pos, endpos))

    def matches(self, text: str, pos: int = 0, endpos: int = _MAX) -> list[re.Match[str]]:
        """`finditer`'s matches as a list (a list costs less than a generator in compiled code)."""
        return self._scan(text, pos, endpos, False)

    def search(self, text: str, pos: int = 0, endpos: int = _MAX) -> re.Match[str] | None:
        found = self._scan(text, pos, endpos, True)  # the leftmost match, as search finds
        return found[0] if found else None

    def _scan(self, text: str, pos: int, endpos: int, first_only: bool) -> list[re.Match[str]]:
        if not self._indexed or pos < 0:
            if first_only:
                m = self.pattern.search(text, pos, endpos)
                return [] if m is None else [m]
            return list(self.pattern.finditer(text, pos, endpos))
        index = _index(text)
        if index is None:
            return self._scan_at(text, _starts(text, pos, endpos), endpos, first_only)
        positions, tries = self._candidates(index)
        usable = index.folds or not self._folded  # see `_tails_usable`
        found = []
        stop = min(endpos, len(text))
        done = pos  # matches do not overlap: the next one starts at or after the last one's end
        for i in range(bisect_left(positions, pos), len(positions)):
            p = positions[i]
            if p >= stop:
                break
            if p < done:
                continue
            tried = tries[i]
            if usable and tried.rules_out(text, p):
                continue
            m = _match(tried.pattern, text, p, endpos)
            if m is not None:
                found.append(m)
                if first_only:
                    break
                done = _end(m)
        return found

    def fullmatch(self, text: str, pos: int = 0, endpos: int = _MAX) -> re.Match[str] | None:
        if pos < 0 or pos >= min(endpos, len(text)):
            return self.pattern.fullmatch(text, pos, endpos)
        tried = self._by_key[text[pos : pos + _KEY]]
        return tried.pattern.fullmatch(text, pos, endpos) if tried is not None else None


__all__ = ["Alternation", "bisect_left", "folds_plainly"]
