"""Routing of raw `claims` records: a claim, or a dead letter with original bytes and the reason."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel

from claimwatch_alert.claim_records import ClaimDeadLetter, float_paths, route_claim
from claimwatch_schemas import Claim
from tests.integration.test_alert_support import make_claim

GOOD = make_claim("a-1", 600_000).model_dump_json().encode()


def test_a_valid_claim_is_routed_to_apply() -> None:
    routed = route_claim(b"k", GOOD)
    assert isinstance(routed, Claim)
    assert routed.article_id == "a-1"


@pytest.mark.parametrize(
    ("value", "field"),
    [
        (None, "body"),
        (b"", "body"),
        (b"{not json", "body"),
        (b"\xff\xfe\x00garbage", "body"),
        (b"[1, 2, 3]", "body"),
        (GOOD.replace(b'"value":600000.0', b'"value":"many"'), "value"),
        (GOOD.replace(b'"figure_key":', b'"unknown":1,"figure_key":'), "unknown"),
        (GOOD.replace(b'"value":600000.0', b'"value":NaN'), "value"),
        (GOOD.replace(b'"value":600000.0', b'"value":1e999'), "value"),
    ],
)
def test_bad_records_become_dead_letters_keeping_key_and_bytes(value: bytes | None, field: str) -> None:
    routed = route_claim(b"key-1", value)
    assert isinstance(routed, ClaimDeadLetter)
    assert (routed.key, routed.value) == (b"key-1", value or b"")
    assert routed.error == "invalid_claim"
    assert field in routed.reason


def test_an_infinite_value_max_is_a_dead_letter_naming_it() -> None:
    value = make_claim("a-1", 600_000, value_max=700_000).model_dump_json().encode()
    routed = route_claim(b"k", value.replace(b'"value_max":700000.0', b'"value_max":-1e999'))
    assert isinstance(routed, ClaimDeadLetter)
    assert routed.reason == "value_max: -inf is not a finite number"


class _Inner(BaseModel):
    ratio: float
    label: str


class _Outer(BaseModel):
    amount: float | None = None
    inner: _Inner
    kind: Literal["a", "b"] = "a"


class _Listed(BaseModel):
    amounts: list[float]


def test_the_fields_that_can_hold_a_float_are_found_in_nested_models() -> None:
    assert float_paths(Claim) == [("value",), ("value_max",)]
    assert float_paths(_Outer) == [("amount",), ("inner", "ratio")]
    assert float_paths(_Listed) is None  # a container: every value is walked instead
