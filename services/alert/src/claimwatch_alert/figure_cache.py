"""The parsed figure records the alert service read or wrote last, one per figure key. No I/O.

A figure record changes only when this service writes it, so the bytes a busy figure is read as
are mostly the bytes it was last written as: then the model made or parsed then is used again,
without validating the JSON. Only the latest record of a figure is kept (a write replaces it),
at most `entries` figures and `max_bytes` of their JSON (and the entries' JSON, below), least
recently used dropped: the memory it takes is bounded by the working set of figures, not by how
many versions they went through.
Models are never mutated (the rules copy), so handing out the cached one is safe.

Writing a figure is mostly serialising its evidence lists (`history`, `corroborations`: up to a
hundred entries with dates and sentences), and a new version shares nearly all of those entries,
as the same objects, with the one before it. So `dump` keeps the JSON of each entry with the
figure's latest version and serialises only the entries that are new, the rest of the record
once with both lists empty, and puts the lists' JSON in their places. The result is exactly
`model_dump_json()` (the tests compare them). Inside a JSON string every quote is escaped, so
`,"history":[]` can only be the field itself; when it or `,"corroborations":[]` is not found
exactly once (a schema change), the JSON is `model_dump_json()`'s.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel

from claimwatch_schemas import Figure

CACHE_ENTRIES = 1024
# 4 MB, not 16: figure records grow as corroborations accumulate (up to `rules.Limits`), so a
# larger byte cap kept the cache, and the process, growing for tens of minutes. Replaying 15,000
# soak articles in one process: 16 MB -> RSS +4.7 MB after the first 1,500, 53.3 CPU s;
# 4 MB -> +1.0 MB, 49.1 CPU s (the big records are the busy ones, and still fit).
CACHE_BYTES = 4 * 2**20


_HISTORY = ',"history":[]'
_CORROBORATIONS = ',"corroborations":[]'

Parts = dict[int, str]
"""id of an entry of a figure's lists -> its JSON. Only used with the figure whose lists hold those
entries (`_Entry.figure` keeps them alive), so no other live object can have one of those ids."""


@dataclass(frozen=True)
class _Entry:
    raw: bytes
    figure: Figure
    parts: Parts = field(default_factory=dict)
    size: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "size", len(self.raw) + sum(map(len, self.parts.values())))


def _texts(items: Sequence[BaseModel], known: Parts) -> list[str]:
    get = known.get
    return [get(id(item)) or item.model_dump_json() for item in items]


def figure_json(figure: Figure, known: Parts | None = None) -> tuple[bytes, Parts]:
    """`figure.model_dump_json()` as bytes, reusing the JSON of list entries in `known` (the parts
    of a figure still alive); and the parts of this figure, for its next version."""
    shell = figure.model_copy(update={"history": [], "corroborations": []}).model_dump_json()
    at_history = shell.find(_HISTORY)
    at_corroborations = shell.find(_CORROBORATIONS)
    if (
        at_history < 0
        or at_corroborations < at_history
        or shell.count(_HISTORY) != 1
        or shell.count(_CORROBORATIONS) != 1
    ):
        return figure.model_dump_json().encode(), {}
    history = _texts(figure.history, known or {})
    corroborations = _texts(figure.corroborations, known or {})
    end_history = at_history + len(_HISTORY) - 1  # at the closing bracket
    end_corroborations = at_corroborations + len(_CORROBORATIONS) - 1
    text = "".join(
        (
            shell[:end_history],
            ",".join(history),
            shell[end_history:end_corroborations],
            ",".join(corroborations),
            shell[end_corroborations:],
        )
    )
    parts = dict(zip(map(id, figure.history), history, strict=True))
    parts.update(zip(map(id, figure.corroborations), corroborations, strict=True))
    return text.encode(), parts


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
        """JSON bytes of the figures held (records and the list entries kept for the next dump)."""
        return self._bytes

    def parse(self, figure_key: str, raw: bytes | str) -> Figure:
        """The figure stored under `figure_key` as `raw`: the cached model when the bytes are the
        ones last seen for it, else validated (and cached)."""
        data = raw.encode() if isinstance(raw, str) else raw
        entry = self._items.get(figure_key)
        if entry is not None and entry.raw == data:
            self._items.move_to_end(figure_key)
            return entry.figure
        figure = Figure.model_validate_json(data)
        self._remember(figure_key, _Entry(data, figure))
        return figure

    def dump(self, figure: Figure) -> bytes:
        """The JSON to store for `figure` (exactly `model_dump_json()`), remembered as its latest."""
        previous = self._items.get(figure.figure_key)
        data, parts = figure_json(figure, previous.parts if previous is not None else None)
        self._remember(figure.figure_key, _Entry(data, figure, parts))
        return data

    def _remember(self, figure_key: str, entry: _Entry) -> None:
        old = self._items.pop(figure_key, None)
        if old is not None:
            self._bytes -= old.size
        self._items[figure_key] = entry
        self._bytes += entry.size
        while self._items and (len(self._items) > self.entries or self._bytes > self.max_bytes):
            _, dropped = self._items.popitem(last=False)
            self._bytes -= dropped.size
