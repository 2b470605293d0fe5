"""Pure routing of one `articles` record: claims to publish, or a dead letter saying why."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError

from claimwatch_extract.extractor import ClaimsOf, extract_article
from claimwatch_schemas import Article


@dataclass(frozen=True)
class Outgoing:
    """One record to publish: its key, value and headers."""

    key: bytes
    value: bytes
    headers: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class Routed:
    claims: list[Outgoing] = field(default_factory=list)
    dead_letter: Outgoing | None = None


def dead_letter(key: bytes | None, value: bytes, error: str, reason: str) -> Outgoing:
    return Outgoing(
        key=key or b"",
        value=value,
        headers={"claimwatch-error": error.encode(), "claimwatch-error-reason": reason.encode()[:4000]},
    )


def route_article(key: bytes | None, value: bytes | None, claims_of: ClaimsOf | None = None) -> Routed:
    """Claims of one raw `articles` record keyed by figure key; any bad input becomes a dead letter.

    `claims_of`: see `extract_article`."""
    raw = value or b""
    try:
        article = Article.model_validate_json(raw).with_id()
    except ValidationError as error:
        reason = "; ".join(f"{'/'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in error.errors())
        return Routed(dead_letter=dead_letter(key, raw, "invalid_article", reason))
    try:
        extraction = extract_article(article, claims_of)
    except Exception as error:  # a bug anywhere in extraction: dead-letter the record, keep the stream
        return Routed(dead_letter=dead_letter(key, raw, "extraction_failed", repr(error)))
    if extraction.outcome != "ok":
        return Routed(
            dead_letter=dead_letter(key, raw, extraction.outcome, f"article {extraction.article_id}")
        )
    return Routed(
        claims=[
            Outgoing(key=claim.figure_key.encode(), value=claim.model_dump_json().encode())
            for claim in extraction.claims
        ]
    )
