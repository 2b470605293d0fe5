"""The change rules: what one claim does to one figure. Pure functions over plain data, no I/O.

`decide(figure, claim, ...)` takes the figure's current state (or None), the claim, whether the
claim was applied before, the current values of the other sources' figures for the same subject,
metric, unit and period, and the clock; it returns the outcome, the figure's next state and the
alerts to emit. The Redis adapter (`state.py`) only reads the inputs and writes the outputs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

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


def same_value(figure: Figure | FigureValue, claim: Claim) -> bool:
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


def _with_history_value(history: list[FigureValue], claim: Claim, now: datetime) -> list[FigureValue]:
    """History with the claim's value added: a known value gains the article, a new one is inserted."""
    updated: list[FigureValue] = []
    found = False
    for entry in history:
        if same_value(entry, claim):
            found = True
            reporters = entry.reported_by or [entry.article_id]
            if claim.article_id not in reporters:
                reporters = [*reporters, claim.article_id]
            entry = entry.model_copy(update={"reported_by": reporters})
        updated.append(entry)
    if not found:
        updated.append(_history_entry(claim, now))
    return sorted(updated, key=_history_sort_key)


def conflicts_with(figure: Figure, siblings: list[Figure]) -> list[ConflictingValue]:
    """The other sources' figures on the same quantity whose current value differs from this one's."""
    return [
        ConflictingValue(
            figure_key=other.figure_key,
            source=other.source,
            value=other.value,
            value_max=other.value_max,
            qualifier=other.qualifier,
            published_at=other.published_at,
        )
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
        history=[_history_entry(claim, now)],
        corroborations=[_corroboration(claim, now)],
    )


def decide(
    figure: Figure | None,
    claim: Claim,
    *,
    already_applied: bool,
    siblings: list[Figure],
    now: datetime,
) -> Decision:
    """What applying `claim` to `figure` means.

    - untracked claims and claims applied before change nothing;
    - the first claim of a tracked key makes the figure: `new`;
    - the current value again (any qualifier): corroboration, recorded, no alert;
    - a claim published before the current value: into the history only, no alert;
    - another value: `changed`, with the previous value, the delta and the relative change.
    A `new` or `changed` value that differs from another source's current value for the same
    subject, metric, unit and period also gives a `conflict` alert.
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
        reporters = figure.reported_by
        if claim.article_id not in reporters:
            reporters = [*reporters, claim.article_id]
        corroborated = figure.model_copy(
            update={
                # The value is now known to hold as of the latest report, so a claim published
                # between the first and the latest report cannot overwrite it: the outcome does
                # not depend on the order claims arrive in.
                "published_at": _latest(figure.published_at, claim.published_at),
                "reported_by": reporters,
                "corroborations": [*figure.corroborations, _corroboration(claim, now)],
                "history": _with_history_value(figure.history, claim, now),
            }
        )
        return Decision(Outcome.CORROBORATION, corroborated)
    if is_older(claim, figure):
        return Decision(
            Outcome.OLDER,
            figure.model_copy(update={"history": _with_history_value(figure.history, claim, now)}),
        )
    changed = figure.model_copy(
        update={
            "value": claim.value,
            "value_max": claim.value_max,
            "qualifier": claim.qualifier,
            "location": claim.location or figure.location,
            "last_changed": now,
            "published_at": claim.published_at or figure.published_at,
            "reported_by": [claim.article_id],
            "corroborations": [_corroboration(claim, now)],
            "history": _with_history_value(figure.history, claim, now),
        }
    )
    alerts = [_alert(AlertKind.CHANGED, changed, claim, now, previous=figure)]
    return Decision(Outcome.CHANGED, changed, alerts + _conflict_alerts(changed, claim, siblings, now))


def _conflict_alerts(figure: Figure, claim: Claim, siblings: list[Figure], now: datetime) -> list[Alert]:
    conflicts = conflicts_with(figure, siblings)
    if not conflicts:
        return []
    return [_alert(AlertKind.CONFLICT, figure, claim, now, conflicts=conflicts)]
