"""The producer's partitioner: Kafka's default (murmur2 of the key), each key's hash remembered.

aiokafka computes murmur2 in Python, ~5 µs per key, for each of the ~28 claims an article gives;
claims are keyed by figure key, and figure keys recur, so the hash is looked up instead. The
partition chosen is the one aiokafka's `DefaultPartitioner` (and the Java client) chooses.
"""

from __future__ import annotations

import random

from aiokafka.partitioner import murmur2

from claimwatch_extract.routing import Outgoing

# Bound on the keys whose hashes are remembered. Not 65,536: every new figure key stays until the
# bound, ~150 bytes each, and a 10-minute soak with a new figure per article grew the worker by
# ~6 MB filling it (bench/README.md, 2026-12-06); the keys an article repeats are a few hundred.
_MAX_KEYS = 4_096
_hashes: dict[bytes, int] = {}


def partition(key: bytes | None, all_partitions: list[int], available: list[int]) -> int:
    """The partition of a record with `key` (random among the available ones without a key)."""
    if key is None:
        return random.choice(available or all_partitions)
    found = _hashes.get(key)
    if found is None:
        if len(_hashes) >= _MAX_KEYS:
            _hashes.clear()
        found = _hashes[key] = murmur2(key) & 0x7FFFFFFF
    return all_partitions[found % len(all_partitions)]


def by_partitions(
    records: list[Outgoing], all_partitions: list[int], available: list[int]
) -> dict[int, list[Outgoing]]:
    """The records grouped by the partition `partition` gives each, each group in the given order."""
    groups: dict[int, list[Outgoing]] = {}
    for record in records:
        groups.setdefault(partition(record.key, all_partitions, available), []).append(record)
    return groups
