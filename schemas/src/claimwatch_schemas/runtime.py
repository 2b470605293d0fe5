"""Process settings the three services share."""

from __future__ import annotations

import gc

GC_YOUNG_THRESHOLD = 20_000
"""Container objects allocated (net) between two collections of the youngest generation; CPython's
default is 700. The services' objects die by reference counting, not as cycles: with the default,
a replay of 2,000 articles through the alert service's state step ran 1,840 young and 15 full
collections, and that step counts 8 % fewer instructions with this threshold and the freeze
(`python -m bench.alert_instructions`, bench/README.md)."""


def tune_garbage_collector(young_threshold: int = GC_YOUNG_THRESHOLD) -> None:
    """Once, after the imports: what was loaded so far (modules, schemas, lexicons) moves out of
    the collected generations for good (`gc.freeze`), so a full collection no longer walks it, and
    the youngest generation is collected every `young_threshold` new container objects."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(young_threshold, older, oldest)
