"""Pure routing of one `claims` record: a claim to apply, or a dead letter saying why not.

A dead letter keeps the record's original key and bytes and states the error in the headers
`claimwatch-error` (a short code) and `claimwatch-error-reason` (for people), as the extractor's do.
"""

from __future__ import annotations

import math
import types
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from claimwatch_schemas import Claim

ERROR_HEADER = "claimwatch-error"
REASON_HEADER = "claimwatch-error-reason"
MAX_REASON_BYTES = 4000


@dataclass(frozen=True)
class ClaimDeadLetter:
    key: bytes | None
    value: bytes
    headers: dict[str, bytes] = field(default_factory=dict)

    @property
    def error(self) -> str:
        return self.headers[ERROR_HEADER].decode()

    @property
    def reason(self) -> str:
        return self.headers[REASON_HEADER].decode("utf-8", "replace")


def claim_dead_letter(key: bytes | None, value: bytes | None, error: str, reason: str) -> ClaimDeadLetter:
    return ClaimDeadLetter(
        key=key,
        value=value or b"",
        headers={ERROR_HEADER: error.encode(), REASON_HEADER: reason.encode()[:MAX_REASON_BYTES]},
    )


def route_claim(key: bytes | None, value: bytes | None) -> Claim | ClaimDeadLetter:
    """The claim in a raw record, or a dead letter: not JSON, not a claim, or a number JSON allows
    but a figure cannot hold (NaN, infinity: they would poison the stored figure)."""
    if not value:
        return claim_dead_letter(key, value, "invalid_claim", "body: empty record")
    try:
        claim = Claim.model_validate_json(value)
    except ValidationError as error:
        reason = "; ".join(f"{'/'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in error.errors())
        return claim_dead_letter(key, value, "invalid_claim", reason)
    for where, number in _claim_floats(claim):
        if not math.isfinite(number):
            return claim_dead_letter(key, value, "invalid_claim", f"{where}: {number} is not a finite number")
    return claim


_SCALARS = (str, int, bool, datetime, date, type(None), Enum)
Path = tuple[str, ...]


def float_paths(model: type[BaseModel]) -> list[Path] | None:
    """Where a model (and the models in it) can hold a float: the field paths; None when a field's
    type is one this does not look into (a list, a dict, Any, ...), so every value must be walked."""
    paths: list[Path] = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        union = get_origin(annotation) in (Union, types.UnionType)
        for option in get_args(annotation) if union else (annotation,):
            if option is float:
                paths.append((name,))
            elif get_origin(option) is Literal:
                if not all(isinstance(choice, str | int | bool) for choice in get_args(option)):
                    return None
            elif isinstance(option, type) and issubclass(option, BaseModel):
                inner = float_paths(option)
                if inner is None:
                    return None
                paths += [(name, *path) for path in inner]
            elif not (isinstance(option, type) and issubclass(option, _SCALARS)):
                return None
    return paths


_CLAIM_FLOATS = float_paths(Claim)


def _claim_floats(claim: Claim) -> list[tuple[str, float]]:
    """Every float of a claim with its path: read from the fields that can hold one (known from
    the model, so no dump of the whole claim), or from a dump when the model is not that simple."""
    if _CLAIM_FLOATS is None:
        return _floats(claim.model_dump())
    found: list[tuple[str, float]] = []
    for path in _CLAIM_FLOATS:
        data: object = claim
        for name in path:
            data = getattr(data, name, None)
        if isinstance(data, float):
            found.append(("/".join(path), data))
    return found


def _floats(data: object, where: str = "") -> list[tuple[str, float]]:
    if isinstance(data, float):
        return [(where or "body", data)]
    if isinstance(data, dict):
        return [found for k, v in data.items() for found in _floats(v, f"{where}/{k}".lstrip("/"))]
    if isinstance(data, list):
        return [found for i, v in enumerate(data) for found in _floats(v, f"{where}/{i}".lstrip("/"))]
    return []
