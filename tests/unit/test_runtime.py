"""The services' garbage-collector settings."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from claimwatch_schemas.runtime import GC_YOUNG_THRESHOLD, tune_garbage_collector


@pytest.fixture
def restored_gc() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("restored_gc")
def test_tuning_freezes_what_is_loaded_and_collects_the_young_generation_less_often() -> None:
    _, older, oldest = gc.get_threshold()
    loaded = object(), [1, 2, 3]  # a container made before the tuning: frozen with the imports
    tune_garbage_collector()
    assert gc.get_threshold() == (GC_YOUNG_THRESHOLD, older, oldest) == (20_000, older, oldest)
    assert gc.get_freeze_count() > 0
    assert not gc.is_tracked(loaded) or all(loaded is not tracked for tracked in gc.get_objects())
