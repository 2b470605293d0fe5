"""The change rules: what one claim does to one figure. Pure functions over plain data, no I/O.

`decide(figure, claim, ...)` takes the figure's current state (or None), the claim, whether the
claim was applied before, the current values of the other sources' figures for the same subject,
metric, unit and period, and the clock; it returns the outcome, the figure's next state and the
alerts to emit. The Redis adapter (`state.py`) only reads the inputs and writes the outputs.

A figure record stays bounded however often its value is repeated (`Limits`): `corroborations`,
`reported_by` (of the figure and of each history value) keep the first entry and the most recent
ones, `history` keeps the latest distinct values; each list has a count of everything it saw.
So the cost of applying a claim does not grow with the figure's age.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from pydantic import BaseModel

from claimwatch_schemas import (
    Alert,
    AlertKind,
    Claim,
    ConflictingValue,
    Corroboration,
    Figure,
    FigureValue,
    PreviousValue,
)

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Limits:
    """How much of a figure's evidence its record keeps (every list also has a total count)."""

    corroborations: int = 50
    """Claims that stated the current value: the first and the most recent."""
    reporters: int = 20
    """Article ids per value (`Figure.reported_by`, `FigureValue.reported_by`): the first and the latest."""
    history: int = 50
    """Distinct values: the latest by date; the oldest are dropped."""

    def __post_init__(self) -> None:
        if min(self.corroborations, self.reporters, self.history) < 1:
            raise ValueError("every limit must be at least 1")


DEFAULT_LIMITS = Limits()


def appended(items: list[T], item: T, limit: int) -> list[T]:
    """`items` with `item` appended, at most `limit` long: the first item and the latest ones, so
    the origin of a value stays known."""
    if len(items) < limit:
        return [*items, item]
    return [items[0], *items[len(items) - limit + 2 :], item] if limit > 1 else items[:1]


def with_changes(model: M, changes: Mapping[str, object]) -> M:
    """`model.model_copy(update=changes)`, ~2x faster: one new `__dict__` instead of pydantic's
    generic copy (`copy.copy` of the dict, of the fields set, of extra and private attributes).
    The copy is as shallow and as unvalidated as `model_copy`'s. Corroborations make two copies
    each; `model_copy` was ~40 % of `decide`'s time on the soak's claims (cProfile)."""
    if model.__pydantic_extra__ is not None or model.__pydantic_private__ is not None:
        # Not for the schemas (extra="forbid", no private attributes): pydantic copies those.
        return model.model_copy(update=changes)
    copied = model.__class__.__new__(model.__class__)
    object.__setattr__(copied, "__dict__", {**model.__dict__, **changes})
    object.__setattr__(copied, "__pydantic_fields_set__", model.__pydantic_fields_set__ | changes.keys())
    object.__setattr__(copied, "__pydantic_extra__", None)
    object.__setattr__(copied, "__pydantic_private__", None)
    return copied


def _with_reporter(reporters: list[str], count: int, article_id: str, limit: int) -> tuple[list[str], int]:
    """Reporter ids and count with `article_id` added (an article already listed counts once).

    An article dropped from the bounded list and seen again counts again: the count is exact as
    long as a value has at most `limit` reporters, an upper bound beyond that.
    """
    count = max(count, len(reporters))
    if article_id in reporters:
        return reporters, count
    return appended(reporters, article_id, limit), count + 1


class Outcome(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    CORROBORATION = "corroboration"
    OLDER = "older"
    DUPLICATE = "duplicate"
    UNTRACKED = "untracked"


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    figure: Figure | None = None
    """The figure's next state; None when nothing is to be written."""
    alerts: list[Alert] = field(default_factory=list)

    @property
    def writes(self) -> bool:
        return self.figure is not None


def family_of(figure_key: str) -> str:
    """Subject/metric/unit/period of a figure key: the figures of all sources on the same quantity."""
    return figure_key.rsplit("/", 1)[0]


def alert_id_for(kind: AlertKind, figure_key: str, claim_id: str) -> str:
    """Deterministic, so a replayed or redelivered alert keeps its id (the idempotency key)."""
    digest = hashlib.sha256(f"{kind.value}\x1f{figure_key}\x1f{claim_id}".encode()).hexdigest()[:24]
    return f"a-{digest}"


def same_value(figure: Figure | FigureValue | ConflictingValue, claim: Claim) -> bool:
    """Value and range equal; the qualifier does not count ('600.000' is 'mehr als 600.000')."""
    return figure.value == claim.value and figure.value_max == claim.value_max


def is_older(claim: Claim, figure: Figure) -> bool:
    """True when the claim was published before the current value; undated claims are never older."""
    if claim.published_at is None or figure.published_at is None:
        return False
    return claim.published_at < figure.published_at


def _latest(first: datetime | None, second: datetime | None) -> datetime | None:
    if first is None or second is None:
        return first or second
    return max(first, second)


# Records are built with their constructors, validated: pydantic-core checks the fields faster
# than `model_construct` skips them in Python (2.4 against 4.1 µs for a FigureValue here).


def _history_entry(claim: Claim, now: datetime) -> FigureValue:
    return FigureValue(
        value=claim.value,
        value_max=claim.value_max,
        qualifier=claim.qualifier,
        claim_id=claim.claim_id,
        article_id=claim.article_id,
        published_at=claim.published_at,
        seen_at=now,
        evidence=claim.evidence.text,
        reported_by=[claim.article_id],
        reported_by_count=1,
    )


def _corroboration(claim: Claim, now: datetime) -> Corroboration:
    return Corroboration(
        claim_id=claim.claim_id,
        article_id=claim.article_id,
        qualifier=claim.qualifier,
        published_at=claim.published_at,
        seen_at=now,
        evidence=claim.evidence.text,
    )


def _history_sort_key(entry: FigureValue) -> tuple[bool, datetime, datetime]:
    # Undated values sort by when they were seen, after the dated ones of the same moment.
    published = entry.published_at or entry.seen_at
    return (entry.published_at is None, published, entry.seen_at)


def _history_count(figure: Figure) -> int:
    return max(figure.history_count, len(figure.history))


def _with_history_value(
    figure: Figure, claim: Claim, now: datetime, limits: Limits
) -> dict[str, list[FigureValue] | int]:
    """History (and its count) with the claim's value added: a known value gains the article, a
    new one is inserted in date order; beyond `limits.history` values the oldest are dropped."""
    history = figure.history
    count = _history_count(figure)
    known = next((at for at, entry in enumerate(history) if same_value(entry, claim)), None)
    if known is None:
        ordered = sorted([*history, _history_entry(claim, now)], key=_history_sort_key)
        return {"history": ordered[-limits.history :], "history_count": count + 1}
    entry = history[known]
    reporters, reporter_count = _with_reporter(
        entry.reported_by or [entry.article_id], entry.reported_by_count, claim.article_id, limits.reporters
    )
    updated = [*history]
    updated[known] = with_changes(entry, {"reported_by": reporters, "reported_by_count": reporter_count})
    if len(updated) > limits.history:  # stored under a larger limit: sort and trim as on a new value
        updated = sorted(updated, key=_history_sort_key)[-limits.history :]
    # Otherwise the order stands: history is stored sorted, and a reporter changes no sort key.
    return {"history": updated, "history_count": count}


def current_value(figure: Figure) -> ConflictingValue:
    """What the other figures of its family need to know of a figure: its current value."""
    return ConflictingValue(
        figure_key=figure.figure_key,
        source=figure.source,
        value=figure.value,
        value_max=figure.value_max,
        qualifier=figure.qualifier,
        published_at=figure.published_at,
    )


Sibling = Figure | ConflictingValue


def conflicts_with(figure: Figure, siblings: Sequence[Sibling]) -> list[ConflictingValue]:
    """The other sources' figures on the same quantity whose current value differs from this one's."""
    return [
        other if isinstance(other, ConflictingValue) else current_value(other)
        for other in sorted(siblings, key=lambda sibling: sibling.figure_key)
        if other.figure_key != figure.figure_key
        and family_of(other.figure_key) == family_of(figure.figure_key)
        and (other.value, other.value_max) != (figure.value, figure.value_max)
    ]


def _alert(
    kind: AlertKind,
    figure: Figure,
    claim: Claim,
    now: datetime,
    *,
    previous: Figure | None = None,
    conflicts: list[ConflictingValue] | None = None,
) -> Alert:
    delta: float | None = None
    relative: float | None = None
    previous_value: PreviousValue | None = None
    if previous is not None:
        previous_value = PreviousValue(
            value=previous.value,
            value_max=previous.value_max,
            qualifier=previous.qualifier,
            claim_id=previous.corroborations[0].claim_id if previous.corroborations else "",
            article_id=previous.reported_by[0] if previous.reported_by else "",
            published_at=previous.published_at,
        )
        delta = figure.value - previous.value
        relative = delta / previous.value if previous.value else None
    return Alert(
        alert_id=alert_id_for(kind, figure.figure_key, claim.claim_id),
        kind=kind,
        figure_key=figure.figure_key,
        value=figure.value,
        value_max=figure.value_max,
        qualifier=figure.qualifier,
        unit=figure.unit,
        metric=figure.metric,
        subject=figure.subject,
        source=figure.source,
        location=figure.location,
        period=figure.period,
        previous=previous_value,
        delta=delta,
        relative_change=relative,
        conflicts=conflicts or [],
        claim_id=claim.claim_id,
        article_id=claim.article_id,
        claim=claim,
        created_at=now,
    )


def _new_figure(claim: Claim, now: datetime) -> Figure:
    return Figure(
        figure_key=claim.figure_key,
        value=claim.value,
        value_max=claim.value_max,
        qualifier=claim.qualifier,
        unit=claim.unit,
        metric=claim.metric,
        subject=claim.subject,
        source=claim.source,
        period=claim.period,
        location=claim.location,
        first_seen=now,
        last_changed=now,
        published_at=claim.published_at,
        reported_by=[claim.article_id],
        reported_by_count=1,
        history=[_history_entry(claim, now)],
        history_count=1,
        corroborations=[_corroboration(claim, now)],
        corroboration_count=1,
    )


def decide(
    figure: Figure | None,
    claim: Claim,
    *,
    already_applied: bool,
    siblings: Sequence[Sibling],
    now: datetime,
    limits: Limits = DEFAULT_LIMITS,
) -> Decision:
    """What applying `claim` to `figure` means.

    - untracked claims and claims applied before change nothing;
    - the first claim of a tracked key makes the figure: `new`;
    - the current value again (any qualifier): corroboration, recorded, no alert;
    - a claim published before the current value: into the history only, no alert;
    - another value: `changed`, with the previous value, the delta and the relative change.
    A `new` or `changed` value that differs from another source's current value for the same
    subject, metric, unit and period also gives a `conflict` alert. `siblings` are those other
    figures (or just their current values); the lists of the next state are bounded by `limits`.
    """
    if not claim.tracked:
        return Decision(Outcome.UNTRACKED)
    if already_applied:
        return Decision(Outcome.DUPLICATE)
    if figure is None:
        created = _new_figure(claim, now)
        alerts = [_alert(AlertKind.NEW, created, claim, now)]
        return Decision(Outcome.NEW, created, alerts + _conflict_alerts(created, claim, siblings, now))
    if same_value(figure, claim):
        reporters, reporter_count = _with_reporter(
            figure.reported_by, figure.reported_by_count, claim.article_id, limits.reporters
        )
        corroborated = with_changes(
            figure,
            {
                # The value is now known to hold as of the latest report, so a claim published
                # between the first and the latest report cannot overwrite it: the outcome does
                # not depend on the order claims arrive in.
                "published_at": _latest(figure.published_at, claim.published_at),
                "reported_by": reporters,
                "reported_by_count": reporter_count,
                "corroborations": appended(
                    figure.corroborations, _corroboration(claim, now), limits.corroborations
                ),
                "corroboration_count": max(figure.corroboration_count, len(figure.corroborations)) + 1,
                **_with_history_value(figure, claim, now, limits),
            },
        )
        return Decision(Outcome.CORROBORATION, corroborated)
    if is_older(claim, figure):
        return Decision(Outcome.OLDER, with_changes(figure, _with_history_value(figure, claim, now, limits)))
    changed = with_changes(
        figure,
        {
            "value": claim.value,
            "value_max": claim.value_max,
            "qualifier": claim.qualifier,
            "location": claim.location or figure.location,
            "last_changed": now,
            "published_at": claim.published_at or figure.published_at,
            "reported_by": [claim.article_id],
            "reported_by_count": 1,
            "corroborations": [_corroboration(claim, now)],
            "corroboration_count": 1,
            **_with_history_value(figure, claim, now, limits),
        },
    )
    alerts = [_alert(AlertKind.CHANGED, changed, claim, now, previous=figure)]
    return Decision(Outcome.CHANGED, changed, alerts + _conflict_alerts(changed, claim, siblings, now))


def _conflict_alerts(figure: Figure, claim: Claim, siblings: Sequence[Sibling], now: datetime) -> list[Alert]:
    conflicts = conflicts_with(figure, siblings)
    if not conflicts:
        return []
    return [_alert(AlertKind.CONFLICT, figure, claim, now, conflicts=conflicts)]


@dataclass(frozen=True)
class BatchDecision:
    """What applying a batch of claims means: one decision per claim, and the writes it needs."""

    decisions: list[Decision]
    """One per claim, in the order given."""
    figures: dict[str, Figure]
    """figure_key -> next state, of every figure the batch changed."""
    applied: list[str]
    """Claim ids applied by this batch (each once)."""
    alerts: list[Alert]
    """Every alert of the batch, in claim order."""
    values_before: Mapping[str, Mapping[str, Sibling]] = field(default_factory=dict)
    """family -> figure_key -> current value, as read before the batch."""

    @property
    def writes(self) -> bool:
        return bool(self.figures)

    def family_values(self) -> dict[str, dict[str, ConflictingValue]]:
        """family -> figure_key -> current value, of the figures whose current value the batch
        changed (a corroboration of the same value and date changes only the figure's record)."""
        families: dict[str, dict[str, ConflictingValue]] = {}
        for key, figure in self.figures.items():
            family = family_of(key)
            before = self.values_before.get(family, {}).get(key)
            if before is None or _current_fields(before) != _current_fields(figure):
                families.setdefault(family, {})[key] = current_value(figure)
        return families


def families_that_may_change(claims: Sequence[Claim], figures: Mapping[str, Figure | None]) -> set[str]:
    """The families in which applying `claims` in order may give a figure a new current value
    (`new` or `changed`, the outcomes that look at the other sources' values), given the figures
    as they stand: those with a tracked claim whose figure is missing or holds another value or
    range. Elsewhere every claim leaves its figure's value as it was (a corroboration, or a
    duplicate), so no claim after it in the batch sees another one either."""
    return {
        family_of(claim.figure_key)
        for claim in claims
        if claim.tracked
        and ((figure := figures.get(claim.figure_key)) is None or not same_value(figure, claim))
    }


def _current_fields(value: Sibling) -> tuple[object, ...]:
    """What `current_value` keeps of a figure (every field of `ConflictingValue`)."""
    return (value.figure_key, value.source, value.value, value.value_max, value.qualifier, value.published_at)


def decide_batch(
    claims: Sequence[Claim],
    *,
    figures: Mapping[str, Figure | None],
    family_values: Mapping[str, Mapping[str, Sibling]],
    applied: AbstractSet[str],
    now: datetime,
    limits: Limits = DEFAULT_LIMITS,
) -> BatchDecision:
    """`decide` for each claim in order, each seeing the state the claims before it left.

    `figures` holds the current state of every figure the claims touch (None: not yet seen),
    `family_values` the current values of the figures of each of their families (of a family
    outside `families_that_may_change`, the claims' own figures' values are enough), `applied`
    the claim ids among them applied before. A claim given twice is applied once, then a duplicate.
    """
    current: dict[str, Figure | None] = dict(figures)
    families: dict[str, dict[str, Sibling]] = {name: dict(values) for name, values in family_values.items()}
    seen = set(applied)
    decisions: list[Decision] = []
    written: dict[str, Figure] = {}
    newly_applied: list[str] = []
    alerts: list[Alert] = []
    for claim in claims:
        if not claim.tracked:
            decisions.append(Decision(Outcome.UNTRACKED))
            continue
        key = claim.figure_key
        family = families.setdefault(family_of(key), {})
        siblings = [value for sibling_key, value in family.items() if sibling_key != key]
        decision = decide(
            current.get(key),
            claim,
            already_applied=claim.claim_id in seen,
            siblings=siblings,
            now=now,
            limits=limits,
        )
        decisions.append(decision)
        if decision.figure is None:
            continue
        current[key] = written[key] = decision.figure
        family[key] = decision.figure
        seen.add(claim.claim_id)
        newly_applied.append(claim.claim_id)
        alerts.extend(decision.alerts)
    return BatchDecision(decisions, written, newly_applied, alerts, family_values)
