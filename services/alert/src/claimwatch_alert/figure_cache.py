"""The parsed figure records the alert service read or wrote last, one per figure key. No I/O.

A figure record changes only when this service writes it, so the bytes a busy figure is read as
are mostly the bytes it was last written as: then the model made or parsed then is used again,
without validating the JSON. Only the latest record of a figure is kept (a write replaces it),
at most `entries` figures and `max_bytes` of their JSON, least recently used dropped: the memory
it takes is bounded by the working set of figures, not by how many versions they went through.
Models are never mutated (the rules copy), so handing out the cached one is safe.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from claimwatch_schemas import Figure

CACHE_ENTRIES = 1024
CACHE_BYTES = 16 * 2**20


@dataclass(frozen=True)
class _Entry:
    raw: bytes
    figure: Figure


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
        """JSON bytes of the figures held."""
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
        data = figure.model_dump_json().encode()
        self._remember(figure.figure_key, _Entry(data, figure))
        return data

    def _remember(self, figure_key: str, entry: _Entry) -> None:
        old = self._items.pop(figure_key, None)
        if old is not None:
            self._bytes -= len(old.raw)
        self._items[figure_key] = entry
        self._bytes += len(entry.raw)
        while self._items and (len(self._items) > self.entries or self._bytes > self.max_bytes):
            _, dropped = self._items.popitem(last=False)
            self._bytes -= len(dropped.raw)
