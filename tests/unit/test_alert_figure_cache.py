"""The alert service's cache of parsed figure records: exact, one version per figure, bounded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from claimwatch_alert.figure_cache import FigureCache
from claimwatch_alert.rules import Limits, decide
from claimwatch_schemas import Claim, Figure
from tests.integration.test_alert_support import make_claim

NOW = datetime(2024, 11, 30, 12, tzinfo=UTC)


def evolve(claims: list[Claim], limits: Limits | None = None) -> list[Figure]:
    """The successive states of one figure under `claims` (each decided on the one before)."""
    figure: Figure | None = None
    states: list[Figure] = []
    for n, claim in enumerate(claims):
        decision = decide(
            figure,
            claim,
            already_applied=False,
            siblings=[],
            now=NOW + timedelta(seconds=n),
            limits=limits or Limits(),
        )
        if decision.figure is not None:
            figure = decision.figure
            states.append(figure)
    return states


def corroborations(n: int, *, source: str = "Mark Rutte", value: float = 600_000) -> list[Claim]:
    return [make_claim(f"art-{i}", value, day=1 + i % 28, source=source) for i in range(n)]


def test_the_bytes_last_written_are_read_without_validation() -> None:
    cache = FigureCache()
    (figure,) = evolve(corroborations(1))
    raw = cache.dump(figure)
    assert raw == figure.model_dump_json().encode()
    assert cache.parse(figure.figure_key, raw) is figure
    assert cache.parse(figure.figure_key, raw.decode()) is figure


def test_other_bytes_are_parsed_and_replace_the_cached_version() -> None:
    cache = FigureCache()
    first, second = evolve(corroborations(2))
    cache.dump(first)
    parsed = cache.parse(second.figure_key, second.model_dump_json().encode())
    assert parsed is not second
    assert parsed == second
    assert len(cache) == 1
    assert cache.parse(second.figure_key, second.model_dump_json().encode()) is parsed


def test_a_figure_written_many_times_is_held_once() -> None:
    cache = FigureCache()
    states = evolve(corroborations(300))
    for state in states:
        cache.dump(state)
    assert len(cache) == 1
    latest = len(states[-1].model_dump_json().encode())
    assert latest < cache.size_bytes < 2 * latest  # the record and its list entries' JSON


def test_entries_and_bytes_are_bounded_least_recently_used_first() -> None:
    cache = FigureCache(entries=3, max_bytes=10**9)
    figures = [evolve(corroborations(1, source=f"speaker {i}"))[0] for i in range(5)]
    for figure in figures[:3]:
        cache.dump(figure)
    cache.parse(figures[0].figure_key, figures[0].model_dump_json())  # used again: kept
    cache.dump(figures[3])
    cache.dump(figures[4])
    assert len(cache) == 3
    raws = {f.figure_key: f.model_dump_json().encode() for f in figures}
    assert cache.parse(figures[0].figure_key, raws[figures[0].figure_key]) is figures[0]
    assert cache.parse(figures[4].figure_key, raws[figures[4].figure_key]) is figures[4]
    assert cache.parse(figures[1].figure_key, raws[figures[1].figure_key]) is not figures[1]

    one = FigureCache()
    one.dump(figures[0])
    small = FigureCache(entries=100, max_bytes=2 * one.size_bytes + 10)
    for figure in figures:
        small.dump(figure)
    assert len(small) == 2
    assert small.size_bytes <= small.max_bytes


def mixed_claims(n: int) -> list[Claim]:
    """Corroborations, changes, older values and undated ones, over more than the limits hold."""
    claims = []
    for i in range(n):
        value = [600_000, 600_000, 650_000, 600_000, 700_000][i % 5] + (i // 40) * 1000
        claim = make_claim(f"art-{i % 37}", value, day=1 + (i * 7) % 28, start=i)
        if i % 11 == 0:
            claim = claim.model_copy(update={"published_at": None})
        claims.append(claim)
    return claims


def test_dumps_are_exactly_model_dump_json_version_after_version() -> None:
    cache = FigureCache()
    limits = Limits(corroborations=5, reporters=3, history=4)
    for n, state in enumerate(evolve(mixed_claims(400), limits)):
        expected = state.model_dump_json().encode()
        assert cache.dump(state) == expected
        if n % 7 == 0:  # read back as another instance would: parsed, then written on
            assert cache.parse(state.figure_key, expected) is state


def test_dumps_with_the_markers_inside_strings_are_exact() -> None:
    tricky = [
        c.model_copy(
            update={
                "location": 'near ,"history":[],"corroborations":[] \\',
                "evidence": c.evidence.model_copy(update={"text": 'he said ,"history":[] and \\" "'}),
            }
        )
        for c in corroborations(30)
    ]
    states = evolve(tricky, Limits(corroborations=10, reporters=4, history=3))
    cache = FigureCache()
    for state in states:
        parsed = Figure.model_validate_json(state.model_dump_json())
        assert cache.dump(parsed) == state.model_dump_json().encode()
        assert cache.dump(state) == state.model_dump_json().encode()
