"""Routing of raw `articles` records: claims keyed by figure key, or a dead letter with the reason."""

from __future__ import annotations

from claimwatch_extract.routing import route_article
from claimwatch_schemas import Claim


def test_invalid_json_becomes_a_dead_letter_with_the_original_bytes() -> None:
    routed = route_article(b"k", b"{oops")
    assert routed.claims == []
    assert routed.dead_letter is not None
    assert routed.dead_letter.value == b"{oops"
    assert routed.dead_letter.key == b"k"
    assert routed.dead_letter.headers["claimwatch-error"] == b"invalid_article"


def test_empty_text_names_the_field() -> None:
    routed = route_article(None, b'{"text": ""}')
    assert routed.dead_letter is not None
    assert routed.dead_letter.headers["claimwatch-error-reason"].startswith(b"text: ")


def test_missing_value_is_a_dead_letter_not_a_crash() -> None:
    routed = route_article(b"k", None)
    assert routed.dead_letter is not None
    assert routed.dead_letter.value == b""


def test_an_extraction_bug_dead_letters_the_article_instead_of_dropping_it() -> None:
    # A stand-in for a bug in extract_claims: no real input is known to make extraction fail.
    # Passed in, not monkeypatched: the extractor is compiled, and calls inside it are not looked up.
    def broken(*_: object) -> list[Claim]:
        raise ZeroDivisionError("a bug")

    raw = b'{"id": "a1", "language": "de", "text": "Russland hat 1150 Soldaten verloren."}'
    routed = route_article(b"a1", raw, broken)
    assert routed.claims == []
    assert routed.dead_letter is not None
    assert (routed.dead_letter.value, routed.dead_letter.headers["claimwatch-error"]) == (
        raw,
        b"extraction_failed",
    )
