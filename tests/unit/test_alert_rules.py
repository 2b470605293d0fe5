"""The change rules (`claimwatch_alert.rules.decide`), table-driven, no servers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from claimwatch_alert import rules
from claimwatch_alert.rules import (
    Limits,
    Outcome,
    alert_id_for,
    appended,
    conflicts_with,
    current_value,
    decide,
    decide_batch,
    families_that_may_change,
    family_of,
    with_changes,
)
from claimwatch_schemas import AlertKind, Claim, ConflictingValue, Figure, Qualifier
from tests.integration.test_alert_support import NATO_KEY, make_claim

NOW = datetime(2024, 12, 1, tzinfo=UTC)
LATER = datetime(2024, 12, 2, tzinfo=UTC)


def figure_from(*claims: Claim) -> Figure:
    """The figure after applying `claims` in order (at NOW)."""
    figure: Figure | None = None
    for claim in claims:
        decision = decide(figure, claim, already_applied=False, siblings=[], now=NOW)
        figure = decision.figure or figure
    assert figure is not None
    return figure


@dataclass(frozen=True)
class Case:
    name: str
    before: tuple[Claim, ...]
    claim: Claim
    outcome: Outcome
    kinds: tuple[AlertKind, ...]
    value: float | None  # current value afterwards (None: no figure)
    already_applied: bool = False


BASE = make_claim("a1", 600_000, day=10)

CASES = [
    Case("first claim of a tracked key", (), BASE, Outcome.NEW, (AlertKind.NEW,), 600_000),
    Case(
        "untracked claim",
        (),
        make_claim("a1", 32, metric="count", unit="countries", subject=None, source=None, tracked=False),
        Outcome.UNTRACKED,
        (),
        None,
    ),
    Case(
        "same value, other article",
        (BASE,),
        make_claim("a2", 600_000, day=11),
        Outcome.CORROBORATION,
        (),
        600_000,
    ),
    Case(
        "same value, other qualifier",
        (BASE,),
        make_claim("a2", 600_000, day=11, qualifier=Qualifier.EXACT),
        Outcome.CORROBORATION,
        (),
        600_000,
    ),
    Case(
        "same value, older article",
        (BASE,),
        make_claim("a0", 600_000, day=2),
        Outcome.CORROBORATION,
        (),
        600_000,
    ),
    Case(
        "higher value, later",
        (BASE,),
        make_claim("a2", 700_000, day=11),
        Outcome.CHANGED,
        (AlertKind.CHANGED,),
        700_000,
    ),
    Case(
        "lower value, later",
        (BASE,),
        make_claim("a2", 500_000, day=11),
        Outcome.CHANGED,
        (AlertKind.CHANGED,),
        500_000,
    ),
    Case(
        "other value, same day",
        (BASE,),
        make_claim("a2", 650_000, day=10),
        Outcome.CHANGED,
        (AlertKind.CHANGED,),
        650_000,
    ),
    Case("lower value, older", (BASE,), make_claim("a0", 500_000, day=2), Outcome.OLDER, (), 600_000),
    Case("higher value, older", (BASE,), make_claim("a0", 900_000, day=2), Outcome.OLDER, (), 600_000),
    Case(
        "range appears",
        (BASE,),
        make_claim("a2", 600_000, value_max=650_000, qualifier=Qualifier.RANGE, day=11),
        Outcome.CHANGED,
        (AlertKind.CHANGED,),
        600_000,
    ),
    Case(
        "range moves",
        (make_claim("a1", 10_000, value_max=12_000, qualifier=Qualifier.RANGE, day=10),),
        make_claim("a2", 10_000, value_max=13_000, qualifier=Qualifier.RANGE, day=11),
        Outcome.CHANGED,
        (AlertKind.CHANGED,),
        10_000,
    ),
    Case(
        "claim applied before",
        (BASE,),
        make_claim("a2", 700_000, day=11),
        Outcome.DUPLICATE,
        (),
        600_000,
        True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_rule(case: Case) -> None:
    figure = figure_from(*case.before) if case.before else None
    decision = decide(figure, case.claim, already_applied=case.already_applied, siblings=[], now=LATER)

    assert decision.outcome is case.outcome
    assert tuple(alert.kind for alert in decision.alerts) == case.kinds
    after = decision.figure or figure
    assert (after.value if after else None) == case.value
    for alert in decision.alerts:
        assert alert.alert_id == alert_id_for(alert.kind, case.claim.figure_key, case.claim.claim_id)
        assert (alert.claim_id, alert.article_id) == (case.claim.claim_id, case.claim.article_id)


def test_changed_alert_carries_previous_delta_and_relative_change() -> None:
    decision = decide(
        figure_from(BASE), make_claim("a2", 700_000, day=11), already_applied=False, siblings=[], now=LATER
    )
    (alert,) = decision.alerts
    assert alert.previous is not None
    assert (alert.previous.value, alert.previous.article_id, alert.previous.claim_id) == (
        600_000,
        "a1",
        BASE.claim_id,
    )
    assert (alert.value, alert.delta) == (700_000, 100_000)
    assert alert.relative_change == pytest.approx(1 / 6)
    assert decision.figure is not None
    assert (decision.figure.first_seen, decision.figure.last_changed) == (NOW, LATER)
    assert decision.figure.reported_by == ["a2"]


def test_change_from_zero_has_no_relative_change() -> None:
    decision = decide(
        figure_from(make_claim("a1", 0, day=1)),
        make_claim("a2", 5, day=2),
        already_applied=False,
        siblings=[],
        now=NOW,
    )
    assert (decision.alerts[0].delta, decision.alerts[0].relative_change) == (5, None)


def test_corroboration_records_article_and_evidence_without_alert() -> None:
    second = make_claim("a2", 600_000, day=11, qualifier=Qualifier.EXACT)
    same_article_again = make_claim("a2", 600_000, day=11, start=40)
    figure = figure_from(BASE, second, same_article_again)

    assert figure.reported_by == ["a1", "a2"]
    assert [c.claim_id for c in figure.corroborations] == [
        BASE.claim_id,
        second.claim_id,
        same_article_again.claim_id,
    ]
    assert figure.qualifier is Qualifier.MORE_THAN  # the qualifier-only difference changed nothing
    assert [(h.value, h.reported_by) for h in figure.history] == [(600_000, ["a1", "a2"])]


def test_older_claim_goes_into_history_in_date_order() -> None:
    figure = figure_from(BASE, make_claim("a3", 700_000, day=20), make_claim("a0", 500_000, day=2))

    assert (figure.value, figure.reported_by) == (700_000, ["a3"])
    assert [(h.value, h.article_id) for h in figure.history] == [
        (500_000, "a0"),
        (600_000, "a1"),
        (700_000, "a3"),
    ]


def test_undated_claim_is_never_older() -> None:
    undated = make_claim("a2", 650_000).model_copy(update={"published_at": None})
    decision = decide(figure_from(BASE), undated, already_applied=False, siblings=[], now=NOW)
    assert decision.outcome is Outcome.CHANGED


def test_different_source_same_quantity_is_a_conflict() -> None:
    nato = figure_from(BASE)
    other = make_claim("b1", 450_000, source="Kremlin", day=12)
    decision = decide(None, other, already_applied=False, siblings=[nato], now=NOW)

    assert [alert.kind for alert in decision.alerts] == [AlertKind.NEW, AlertKind.CONFLICT]
    conflict = decision.alerts[1]
    assert [(c.figure_key, c.source, c.value) for c in conflict.conflicts] == [
        (NATO_KEY, "Mark Rutte", 600_000)
    ]
    assert conflict.alert_id != decision.alerts[0].alert_id


def test_same_value_from_another_source_is_no_conflict() -> None:
    decision = decide(
        None,
        make_claim("b1", 600_000, source="Kremlin"),
        already_applied=False,
        siblings=[figure_from(BASE)],
        now=NOW,
    )
    assert [alert.kind for alert in decision.alerts] == [AlertKind.NEW]


def test_conflicts_only_within_the_family() -> None:
    nato = figure_from(BASE)
    other_unit = figure_from(make_claim("c1", 5, unit="tanks", source="Kremlin"))
    assert family_of(NATO_KEY) == "RU/killed_or_wounded/soldiers/total"
    assert conflicts_with(nato, [other_unit, nato]) == []


def test_replay_in_any_order_gives_the_same_current_value() -> None:
    claims = [
        BASE,
        make_claim("a2", 600_000, day=11),
        make_claim("a3", 700_000, day=20),
        make_claim("a0", 1, day=1),
    ]
    forward = figure_from(*claims)
    backward = figure_from(*reversed(claims))
    assert (
        (forward.value, forward.published_at)
        == (backward.value, backward.published_at)
        == (700_000, claims[2].published_at)
    )
    assert [h.value for h in forward.history] == [h.value for h in backward.history] == [1, 600_000, 700_000]


def test_a_later_corroboration_keeps_an_in_between_claim_from_overwriting() -> None:
    """Same claims, three orders, one final value: the one published last."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    first = make_claim("a", 602_000, day=9)
    middle = make_claim("b", 601_000, day=11)
    last = make_claim("c", 602_000, day=12)
    finals = []
    for order in ([first, last, middle], [middle, first, last], [first, middle, last]):
        figure = None
        for claim in order:
            figure = decide(figure, claim, already_applied=False, siblings=[], now=now).figure or figure
        assert figure is not None
        finals.append(figure.value)
    assert finals == [602_000, 602_000, 602_000]


def test_limits_keep_the_first_and_the_latest_evidence_and_count_all() -> None:
    limits = Limits(corroborations=4, reporters=3, history=3)
    figure: Figure | None = None
    repeats = [make_claim(f"r{i}", 600_000, day=10) for i in range(1, 8)]
    for claim in [BASE, *repeats]:
        figure = decide(figure, claim, already_applied=False, siblings=[], now=NOW, limits=limits).figure
    assert figure is not None
    assert [c.article_id for c in figure.corroborations] == ["a1", "r5", "r6", "r7"]
    assert figure.corroboration_count == 8
    assert (figure.reported_by, figure.reported_by_count) == (["a1", "r6", "r7"], 8)
    ((value, reporters, count),) = [(h.value, h.reported_by, h.reported_by_count) for h in figure.history]
    assert (value, reporters, count) == (600_000, ["a1", "r6", "r7"], 8)

    changed = decide(figure, make_claim("c1", 700_000, day=12), already_applied=False, siblings=[], now=NOW)
    (alert,) = changed.alerts
    assert alert.previous is not None
    assert (alert.previous.article_id, alert.previous.claim_id) == ("a1", BASE.claim_id)  # the first kept
    assert changed.figure is not None
    assert (changed.figure.corroboration_count, changed.figure.reported_by_count) == (1, 1)


def test_history_keeps_the_latest_distinct_values_and_counts_the_dropped() -> None:
    limits = Limits(history=3)
    figure: Figure | None = None
    for day in range(1, 7):
        claim = make_claim(f"d{day}", 1000 * day, day=day)
        figure = decide(figure, claim, already_applied=False, siblings=[], now=NOW, limits=limits).figure
    assert figure is not None
    assert [h.value for h in figure.history] == [4000, 5000, 6000]
    assert figure.history_count == 6
    older = decide(
        figure,
        make_claim("d0", 1, day=1, start=5),
        already_applied=False,
        siblings=[],
        now=NOW,
        limits=limits,
    )
    assert older.outcome is Outcome.OLDER
    assert older.figure is not None
    assert ([h.value for h in older.figure.history], older.figure.history_count) == ([4000, 5000, 6000], 7)
    again = decide(
        figure,
        make_claim("d9", 5000, day=5, start=5),
        already_applied=False,
        siblings=[],
        now=NOW,
        limits=limits,
    )
    assert again.figure is not None
    assert [(h.value, h.reported_by) for h in again.figure.history] == [
        (4000, ["d4"]),
        (5000, ["d5", "d9"]),
        (6000, ["d6"]),
    ]
    assert again.figure.history_count == 6


def test_the_record_of_a_figure_repeated_a_thousand_times_stays_bounded() -> None:
    figure = figure_from(BASE, *(make_claim(f"r{i}", 600_000, day=11) for i in range(1000)))
    assert (len(figure.corroborations), figure.corroboration_count) == (50, 1001)
    assert (len(figure.reported_by), figure.reported_by_count) == (20, 1001)
    assert (len(figure.history[0].reported_by), figure.history[0].reported_by_count) == (20, 1001)


def test_a_batch_decides_each_claim_on_the_state_the_ones_before_left() -> None:
    first = make_claim("a1", 600_000, day=1)
    kremlin = make_claim("k1", 450_000, source="Kremlin", day=2)
    later = make_claim("a2", 700_000, day=3)
    untracked = make_claim(
        "u1", 3, metric="count", unit="countries", subject=None, source=None, tracked=False
    )
    batch = decide_batch(
        [first, untracked, first, kremlin, later, kremlin],
        figures={},
        family_values={},
        applied=set(),
        now=NOW,
    )
    assert [d.outcome for d in batch.decisions] == [
        Outcome.NEW,
        Outcome.UNTRACKED,
        Outcome.DUPLICATE,
        Outcome.NEW,
        Outcome.CHANGED,
        Outcome.DUPLICATE,
    ]
    assert [(a.kind, a.figure_key) for a in batch.alerts] == [
        (AlertKind.NEW, NATO_KEY),
        (AlertKind.NEW, kremlin.figure_key),
        (AlertKind.CONFLICT, kremlin.figure_key),
        (AlertKind.CHANGED, NATO_KEY),
        (AlertKind.CONFLICT, NATO_KEY),
    ]
    assert batch.applied == [first.claim_id, kremlin.claim_id, later.claim_id]
    assert {key: figure.value for key, figure in batch.figures.items()} == {
        NATO_KEY: 700_000,
        kremlin.figure_key: 450_000,
    }
    assert {
        family: {key: value.value for key, value in values.items()}
        for family, values in batch.family_values().items()
    } == {family_of(NATO_KEY): {NATO_KEY: 700_000, kremlin.figure_key: 450_000}}


def test_a_batch_of_claims_applied_before_changes_nothing() -> None:
    first = make_claim("a1", 600_000, day=1)
    existing = figure_from(first)
    batch = decide_batch(
        [first, first],
        figures={NATO_KEY: existing},
        family_values={family_of(NATO_KEY): {NATO_KEY: existing}},
        applied={first.claim_id},
        now=NOW,
    )
    assert [d.outcome for d in batch.decisions] == [Outcome.DUPLICATE, Outcome.DUPLICATE]
    assert (batch.writes, batch.alerts, batch.applied) == (False, [], [])


@pytest.mark.parametrize(
    ("items", "limit", "expected"),
    [
        ([], 3, [9]),
        ([1, 2], 3, [1, 2, 9]),
        ([1, 2, 3], 3, [1, 3, 9]),
        ([1, 2, 3, 4, 5], 3, [1, 5, 9]),
        ([1, 2], 2, [1, 9]),
        ([1, 2], 1, [1]),
        ([], 1, [9]),
    ],
)
def test_an_append_keeps_the_first_item_and_the_latest(
    items: list[int], limit: int, expected: list[int]
) -> None:
    given = list(items)
    assert appended(items, 9, limit) == expected
    assert items == given  # the list given is not changed


def batch_values(claims: list[Claim], before: Figure) -> dict[str, dict[str, float]]:
    """What a batch writes into the family hashes, given a figure and its stored current value."""
    batch = decide_batch(
        claims,
        figures={before.figure_key: before},
        family_values={family_of(before.figure_key): {before.figure_key: current_value(before)}},
        applied=set(),
        now=LATER,
    )
    assert batch.writes
    return {
        family: {key: value.value for key, value in values.items()}
        for family, values in batch.family_values().items()
    }


def test_a_corroboration_that_leaves_the_current_value_as_it_was_writes_no_family_value() -> None:
    before = figure_from(BASE)
    assert batch_values([make_claim("a2", 600_000, day=9)], before) == {}  # older report: date stays
    assert batch_values([make_claim("a3", 600_000, day=11)], before) == {
        family_of(NATO_KEY): {NATO_KEY: 600_000}  # the value now holds as of a later date
    }
    assert batch_values([make_claim("a4", 700_000, day=11), make_claim("a5", 600_000, day=12)], before) == {
        family_of(NATO_KEY): {NATO_KEY: 600_000}  # changed and back: the date moved
    }


def test_the_fields_compared_for_a_current_value_are_all_of_its_fields() -> None:
    figure = figure_from(BASE)
    compared = rules._current_fields(figure)
    assert compared == tuple(getattr(current_value(figure), name) for name in ConflictingValue.model_fields)


def test_with_changes_is_model_copy_with_an_update() -> None:
    history = figure_from(make_claim("a1", 600_000)).history
    figure = Figure(
        figure_key=NATO_KEY,
        value=600_000,
        qualifier=Qualifier.MORE_THAN,
        unit="soldiers",
        metric="killed_or_wounded",
        first_seen=NOW,
        last_changed=NOW,
        history=history,
    )
    changes = {"value": 700_000.0, "reported_by": ["a3"]}
    copied = with_changes(figure, changes)
    expected = figure.model_copy(update=changes)
    assert copied == expected
    assert "reported_by" in copied.__pydantic_fields_set__ - figure.__pydantic_fields_set__
    assert copied.__pydantic_fields_set__ == expected.__pydantic_fields_set__
    assert (copied.value, copied.reported_by, figure.value, figure.reported_by) == (
        700_000,
        ["a3"],
        600_000,
        [],
    )
    assert copied.history[0] is figure.history[0]  # shallow, as model_copy is


def test_families_that_may_change_are_those_of_new_figures_and_other_values() -> None:
    nato = figure_from(make_claim("a1", 600_000))
    kremlin_claim = make_claim("k1", 450_000, source="Kremlin")
    kyiv = make_claim("u1", 10, metric="drones_intercepted", unit="drones", source="Kyiv")
    figures = {nato.figure_key: nato, kremlin_claim.figure_key: None, kyiv.figure_key: figure_from(kyiv)}
    corroborations = [make_claim("a2", 600_000, qualifier=Qualifier.EXACT), kyiv]

    assert families_that_may_change(corroborations, figures) == set()
    assert families_that_may_change([*corroborations, kremlin_claim], figures) == {family_of(nato.figure_key)}
    assert families_that_may_change([make_claim("a3", 700_000)], figures) == {family_of(nato.figure_key)}
    untracked = make_claim("a4", 700_000, tracked=False)
    assert families_that_may_change([untracked], figures) == set()
