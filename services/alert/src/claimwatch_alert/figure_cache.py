"""How a figure is stored in Redis, and the records the alert service read or wrote last. No I/O.

A figure is two keys (`keys.Keys`): its record without the corroborations (the *shell*: value,
counts, reporters, history) and the list of its corroborations, one JSON entry each. The
corroborations are most of a busy figure's bytes (up to `rules.Limits.corroborations` entries
with a date and a sentence: ~11 of 13 kB per record written in the soak), and a corroboration,
the commonest write, adds one entry and drops at most the oldest but the first. So a write sends
the shell and only the list's change (`ListChange`), not the whole record again.

Records written before the split held their corroborations in the one key and have no list:
`assemble` reads them as they are, and their next write moves them into a list.

The cache keeps, per figure key, the shell bytes last read or written, the whole figure and what
its list holds. Every write changes the shell (a corroboration raises `corroboration_count`, a
change sets `last_changed`, an older value changes `history`; a write that changes none of them
changes no corroboration either), so when Redis holds the cached shell it holds the cached list
too: a read then skips the list, and the figure is not validated again. At most `entries` figures
and `max_bytes` of their JSON are kept, least recently used dropped. Models are never mutated
(the rules copy), so handing out the cached one is safe.
"""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from claimwatch_schemas import Corroboration, Figure

CACHE_ENTRIES = 1024
# The bytes counted are the figures' JSON, a proxy for the models held, which take several times
# more. 4 MB of whole records (and their entries' JSON) kept the process growing for tens of
# minutes as records grew; now that a figure counts its JSON once, 2 MB holds as many figures as
# those 4 MB did. Replaying 15,000 soak articles in one process (polls of 20 articles), RSS after
# the first 1,500: 4 MB -> +4.0 MB (1,024 figures held), 2 MB -> +0.9 MB (~220 held), the same
# CPU within the runs' noise (a figure not held costs its list's LRANGE and validation).
CACHE_BYTES = 2 * 2**20
_NOT_IN_SHELL = {"corroborations"}


def shell_json(figure: Figure) -> bytes:
    """The figure's record as stored: all of it but the corroborations (read back as none)."""
    return figure.model_dump_json(exclude=_NOT_IN_SHELL).encode()


def assemble(shell: bytes | str, entries: Sequence[bytes | str]) -> Figure:
    """The figure stored as `shell` and the list `entries` (a record from before the split keeps
    the corroborations in its shell and has no list)."""
    figure = Figure.model_validate_json(shell)
    if not entries:
        return figure
    corroborations = [Corroboration.model_validate_json(entry) for entry in entries]
    return figure.model_copy(update={"corroborations": corroborations})


@dataclass(frozen=True)
class ListChange:
    """What turns a stored corroboration list into a figure's: `replace` (delete it first), or
    drop the `drop` entries after the first; then append `appended` (JSON, in order)."""

    replace: bool
    drop: int
    appended: list[bytes]


def _json(entries: Sequence[Corroboration]) -> list[bytes]:
    return [entry.model_dump_json().encode() for entry in entries]


def list_change(stored: Sequence[Corroboration], wanted: Sequence[Corroboration]) -> ListChange:
    """The change from `stored` to `wanted`, entries compared by identity (the rules keep the
    objects they do not change). A bounded append (`rules.appended`) is a drop and an append;
    anything else, a new or changed value included, replaces the list."""
    if not stored or not wanted or wanted[0] is not stored[0]:
        return ListChange(True, 0, _json(wanted))
    rest = wanted[1:]
    kept_from = len(stored)  # index in `stored` of the first entry kept after the first
    if rest:
        for at in range(1, len(stored)):
            if stored[at] is rest[0]:
                kept_from = at
                break
    kept = len(stored) - kept_from
    if kept > len(rest) or any(map(operator.is_not, stored[kept_from:], rest[:kept])):
        return ListChange(True, 0, _json(wanted))
    return ListChange(False, kept_from - 1, _json(rest[kept:]))


@dataclass(frozen=True)
class _Entry:
    shell: bytes
    figure: Figure
    stored: tuple[Corroboration, ...]
    """What the figure's list in Redis holds (empty for a record from before the split)."""
    entry_sizes: tuple[int, ...]

    @property
    def size(self) -> int:
        return len(self.shell) + sum(self.entry_sizes)


class FigureCache:
    def __init__(self, entries: int = CACHE_ENTRIES, max_bytes: int = CACHE_BYTES) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, _Entry] = OrderedDict()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def size_bytes(self) -> int:
        """JSON bytes of the figures held (shells and corroboration entries)."""
        return self._bytes

    def __contains__(self, figure_key: object) -> bool:
        return figure_key in self._items

    def lookup(self, figure_key: str, shell: bytes | str) -> Figure | None:
        """The cached figure when `shell` is the shell last seen for it, else None (then read the
        list and `parse`)."""
        data = shell.encode() if isinstance(shell, str) else shell
        entry = self._items.get(figure_key)
        if entry is None or entry.shell != data:
            return None
        self._items.move_to_end(figure_key)
        return entry.figure

    def parse(self, figure_key: str, shell: bytes | str, entries: Sequence[bytes | str]) -> Figure:
        """The figure stored as `shell` and `entries` (validated, and cached)."""
        data = shell.encode() if isinstance(shell, str) else shell
        figure = assemble(data, entries)
        stored = tuple(figure.corroborations) if entries else ()
        self._remember(figure_key, _Entry(data, figure, stored, tuple(map(len, entries))))
        return figure

    def dump(self, figure: Figure) -> tuple[bytes, ListChange]:
        """The shell to store for `figure` and the change its list needs, from what the list
        holds as last read or written; remembered as the figure's latest version."""
        previous = self._items.get(figure.figure_key)
        stored = previous.stored if previous is not None else ()
        change = list_change(stored, figure.corroborations)
        if change.replace or previous is None:  # without a previous version it is a replace
            sizes = tuple(map(len, change.appended))
        else:
            kept = previous.entry_sizes[1 + change.drop :]
            sizes = (previous.entry_sizes[0], *kept, *map(len, change.appended))
        shell = shell_json(figure)
        self._remember(figure.figure_key, _Entry(shell, figure, tuple(figure.corroborations), sizes))
        return shell, change

    def _remember(self, figure_key: str, entry: _Entry) -> None:
        old = self._items.pop(figure_key, None)
        if old is not None:
            self._bytes -= old.size
        self._items[figure_key] = entry
        self._bytes += entry.size
        while self._items and (len(self._items) > self.entries or self._bytes > self.max_bytes):
            _, dropped = self._items.popitem(last=False)
            self._bytes -= dropped.size
