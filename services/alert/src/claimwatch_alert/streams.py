"""Redis Stream replies as plain text: redis-py types them loosely (bytes or str, maybe None)."""

from __future__ import annotations

from typing import Any

StreamRow = tuple[str, dict[str, str]]


def text(raw: object) -> str:
    if isinstance(raw, bytes):
        return raw.decode()
    return str(raw)


def rows(reply: Any) -> list[StreamRow]:
    """XRANGE / XREVRANGE / one stream of XREAD: [(id, {field: value})]; entries without fields dropped."""
    result: list[StreamRow] = []
    for entry_id, fields in reply or []:
        if fields:
            result.append((text(entry_id), {text(k): text(v) for k, v in fields.items()}))
    return result


def read_rows(reply: Any) -> list[StreamRow]:
    """XREAD / XREADGROUP (RESP2): [[stream, [(id, fields)...]]...] flattened."""
    result: list[StreamRow] = []
    for _stream, entries in reply or []:
        result.extend(rows(entries))
    return result


def ids_without_fields(reply: Any) -> list[str]:
    """Pending entries that were trimmed from the stream come back from XREADGROUP without fields."""
    return [text(entry_id) for _stream, entries in reply or [] for entry_id, fields in entries if not fields]
