"""Subscription filters, thresholds, silences and webhook signatures, no servers."""

from __future__ import annotations

import hashlib
import hmac
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from claimwatch_alert.rules import decide
from claimwatch_alert.subscriptions import Silence, Subscription, recipients
from claimwatch_alert.webhooks import backoff_delay, sign, verify
from claimwatch_schemas import Alert, AlertKind
from tests.integration.test_alert_support import NATO_KEY, make_claim

NOW = datetime(2024, 12, 1, tzinfo=UTC)


def changed_alert(before: float, after: float, **claim_fields: Any) -> Alert:
    first = decide(
        None, make_claim("a1", before, day=1, **claim_fields), already_applied=False, siblings=[], now=NOW
    )
    assert first.figure is not None
    second = decide(
        first.figure,
        make_claim("a2", after, day=2, **claim_fields),
        already_applied=False,
        siblings=[],
        now=NOW,
    )
    (alert,) = second.alerts
    return alert


def subscription(**fields: Any) -> Subscription:
    return Subscription(
        id="sub-1", webhook="http://127.0.0.1:1/hook", secret="s3cret-key", created_at=NOW, **fields
    )


CHANGE = changed_alert(600_000, 700_000, location="Kursk")


@pytest.mark.parametrize(
    ("fields", "wanted"),
    [
        ({}, True),
        ({"figure_key": "RU/*"}, True),
        ({"figure_key": "KP/*"}, False),
        ({"figure_key": NATO_KEY}, True),
        ({"subject": "RU"}, True),
        ({"subject": "UA"}, False),
        ({"metric": "killed_or_wounded", "unit": "soldiers"}, True),
        ({"unit": "tanks"}, False),
        ({"source": "Mark Rutte"}, True),
        ({"source": "Kremlin"}, False),
        ({"location": "Kursk"}, True),
        ({"location": "Kyiv"}, False),
        ({"kinds": ["changed"]}, True),
        ({"kinds": ["new", "conflict"]}, False),
        ({"min_abs_change": 100_000}, True),
        ({"min_abs_change": 100_001}, False),
        ({"min_rel_change": 0.16}, True),
        ({"min_rel_change": 0.17}, False),
    ],
)
def test_subscription_filter(fields: dict[str, Any], wanted: bool) -> None:
    assert recipients(CHANGE, [subscription(**fields)], [], NOW) == (
        [subscription(**fields)] if wanted else []
    )


def test_thresholds_hold_back_only_changes() -> None:
    new = decide(None, make_claim("a1", 5, day=1), already_applied=False, siblings=[], now=NOW).alerts[0]
    assert new.kind is AlertKind.NEW
    assert subscription(min_abs_change=1_000_000).wants(new)


def test_silence_suppresses_until_it_ends() -> None:
    silence = Silence(id="sil-1", created_at=NOW, figure_key="RU/*", ends_at=NOW + timedelta(hours=1))
    subs = [subscription()]
    assert recipients(CHANGE, subs, [silence], NOW) == []
    assert recipients(CHANGE, subs, [silence], NOW + timedelta(hours=2)) == subs
    other = Silence(id="sil-2", created_at=NOW, subject="KP", ends_at=NOW + timedelta(hours=1))
    assert recipients(CHANGE, subs, [other], NOW) == subs


def test_signature_is_hmac_sha256_of_the_body() -> None:
    body = b'{"kind":"new"}'
    expected = hmac.new(b"s3cret-key", body, hashlib.sha256).hexdigest()
    assert sign("s3cret-key", body) == f"sha256={expected}"
    assert verify("s3cret-key", body, f"sha256={expected}")
    assert not verify("other-key", body, f"sha256={expected}")


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    rand = random.Random(7)
    delays = [backoff_delay(attempt, 1.0, 10.0, rand) for attempt in range(1, 7)]
    steps = [1, 2, 4, 8, 10, 10]
    for delay, step in zip(delays, steps, strict=True):
        assert step / 2 <= delay <= step


def test_public_view_hides_the_secret() -> None:
    shown = subscription(subject="RU").public().model_dump()
    assert "secret" not in shown
    assert shown["subject"] == "RU"
