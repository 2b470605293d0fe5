"""How figures are stored (a shell and a corroboration list) and the alert service's cache of them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from claimwatch_alert.figure_cache import FigureCache, ListChange, assemble, list_change, shell_json
from claimwatch_alert.rules import Limits, decide
from claimwatch_schemas import Claim, Figure
from tests.integration.test_alert_support import make_claim

NOW = datetime(2024, 11, 30, 12, tzinfo=UTC)


def evolve(claims: list[Claim], limits: Limits | None = None, *, start: Figure | None = None) -> list[Figure]:
    """The successive states of one figure under `claims` (each decided on the one before),
    from `start` (None: not seen yet)."""
    figure = start
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


def apply_change(stored: list[bytes], change: ListChange) -> list[bytes]:
    """What WRITE_SCRIPT does to a figure's list in Redis, on a Python list."""
    kept = [] if change.replace else [*stored[:1], *stored[1 + change.drop :]]
    return kept + change.appended


def test_a_shell_is_the_record_without_its_corroborations() -> None:
    cache = FigureCache()
    (figure,) = evolve(corroborations(1))
    shell, change = cache.dump(figure)
    assert shell == figure.model_dump_json(exclude={"corroborations"}).encode()
    assert b'"corroborations"' not in shell
    assert change == ListChange(True, 0, [figure.corroborations[0].model_dump_json().encode()])
    assert assemble(shell, change.appended) == figure


def test_the_shell_last_written_is_read_from_the_cache() -> None:
    cache = FigureCache()
    first, second = evolve(corroborations(2))
    shell, _ = cache.dump(first)
    assert cache.lookup(first.figure_key, shell) is first
    assert cache.lookup(first.figure_key, shell.decode()) is first
    assert cache.lookup(first.figure_key, shell_json(second)) is None  # written elsewhere since
    assert cache.lookup("RU/other/soldiers/total/nato", shell) is None


def test_list_changes_rebuild_every_version_and_a_corroboration_appends_one_entry() -> None:
    cache = FigureCache()
    limits = Limits(corroborations=5, reporters=3, history=4)
    stored: list[bytes] = []
    counts = {"replace": 0, "append": 0, "none": 0}
    previous: Figure | None = None
    for state in evolve(mixed_claims(400), limits):
        shell, change = cache.dump(state)
        stored = apply_change(stored, change)
        assert assemble(shell, stored) == state
        if previous is None or (state.value, state.value_max) != (previous.value, previous.value_max):
            assert change == ListChange(True, 0, [c.model_dump_json().encode() for c in state.corroborations])
            counts["replace"] += 1
        elif state.corroboration_count == previous.corroboration_count + 1:
            dropped = 1 if len(previous.corroborations) == limits.corroborations else 0
            assert change == ListChange(False, dropped, [state.corroborations[-1].model_dump_json().encode()])
            counts["append"] += 1
        else:  # an older value: the history changed, the corroborations did not
            assert change == ListChange(False, 0, [])
            counts["none"] += 1
        previous = state
    assert counts == {"replace": 97, "append": 119, "none": 184}  # 400 claims, 400 versions


def test_a_figure_read_back_continues_its_list_without_a_replace() -> None:
    states = evolve(corroborations(8), Limits(corroborations=4))
    writer, reader = FigureCache(), FigureCache()
    stored: list[bytes] = []
    for state in states[:6]:
        shell, change = writer.dump(state)
        stored = apply_change(stored, change)
    read = reader.parse(states[5].figure_key, shell, stored)
    assert read == states[5]
    assert reader.lookup(states[5].figure_key, shell) is read
    (next_state,) = evolve([corroborations(7)[6]], Limits(corroborations=4), start=read)
    next_shell, change = reader.dump(next_state)
    assert (change.replace, change.drop, len(change.appended)) == (False, 1, 1)
    assert assemble(next_shell, apply_change(stored, change)) == next_state


def test_a_record_from_before_the_lists_is_read_whole_and_moved_into_a_list_on_its_next_write() -> None:
    states = evolve(corroborations(3))
    whole = states[1].model_dump_json().encode()  # the old layout: corroborations inside
    assert assemble(whole, []) == states[1]
    cache = FigureCache()
    read = cache.parse(states[1].figure_key, whole, [])
    assert read == states[1]
    (next_state,) = evolve([corroborations(3)[2]], start=read)
    shell, change = cache.dump(next_state)
    assert change.replace
    assert assemble(shell, change.appended) == next_state
    assert len(change.appended) == 3


def test_changes_that_are_not_a_bounded_append_replace_the_list() -> None:
    states = evolve(corroborations(4))
    first, *rest = states[-1].corroborations
    assert list_change([], [first]).replace
    assert list_change([first, *rest], [rest[0], first]).replace  # another first entry
    assert list_change([first, *rest], [first, rest[1], rest[0]]).replace  # reordered
    copy = rest[0].model_copy()
    # compared by identity: an equal copy is a new entry (correct, only more to send)
    appended = [entry.model_dump_json().encode() for entry in (copy, *rest[1:])]
    assert list_change([first, *rest], [first, copy, *rest[1:]]) == ListChange(False, len(rest), appended)
    assert list_change([first, *rest], [first, *rest]) == ListChange(False, 0, [])
    assert list_change([first, *rest], [first]) == ListChange(False, len(rest), [])


def test_entries_and_bytes_are_bounded_least_recently_used_first() -> None:
    cache = FigureCache(entries=3, max_bytes=10**9)
    figures = [evolve(corroborations(1, source=f"speaker {i}"))[0] for i in range(5)]
    shells = {f.figure_key: shell_json(f) for f in figures}
    for figure in figures[:3]:
        cache.dump(figure)
    assert cache.lookup(figures[0].figure_key, shells[figures[0].figure_key]) is figures[0]  # used: kept
    cache.dump(figures[3])
    cache.dump(figures[4])
    assert len(cache) == 3
    assert [f.figure_key in cache for f in figures] == [True, False, False, True, True]

    one = FigureCache()
    one.dump(figures[0])
    small = FigureCache(entries=100, max_bytes=2 * one.size_bytes + 10)
    for figure in figures:
        small.dump(figure)
    assert len(small) == 2
    assert small.size_bytes <= small.max_bytes


def test_the_size_counts_the_shell_and_the_entries_held() -> None:
    cache = FigureCache()
    states = evolve(corroborations(300))
    for state in states:
        cache.dump(state)
    assert len(cache) == 1
    latest = states[-1]
    entries = sum(len(c.model_dump_json()) for c in latest.corroborations)
    assert cache.size_bytes == len(shell_json(latest)) + entries


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
