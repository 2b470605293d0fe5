"""Pure routing of one `claims` record: a claim to apply, or a dead letter saying why not.

A dead letter keeps the record's original key and bytes and states the error in the headers
`claimwatch-error` (a short code) and `claimwatch-error-reason` (for people), as the extractor's do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from pydantic import ValidationError

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
    for where, number in _floats(claim.model_dump()):
        if not math.isfinite(number):
            return claim_dead_letter(key, value, "invalid_claim", f"{where}: {number} is not a finite number")
    return claim


def _floats(data: object, where: str = "") -> list[tuple[str, float]]:
    if isinstance(data, float):
        return [(where or "body", data)]
    if isinstance(data, dict):
        return [found for k, v in data.items() for found in _floats(v, f"{where}/{k}".lstrip("/"))]
    if isinstance(data, list):
        return [found for i, v in enumerate(data) for found in _floats(v, f"{where}/{i}".lstrip("/"))]
    return []
