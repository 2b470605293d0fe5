"""The claims' partitioner chooses what Kafka's default partitioner chooses, remembered or not."""

from __future__ import annotations

import random

from aiokafka.partitioner import DefaultPartitioner

from claimwatch_extract import partitioner
from claimwatch_extract.app import app
from claimwatch_extract.partitioner import by_partitions, partition
from claimwatch_extract.routing import Outgoing


def test_partitions_are_those_of_the_default_partitioner_on_first_and_later_use() -> None:
    default = DefaultPartitioner()
    rng = random.Random(11)
    keys = [f"RU/lost/soldiers/total/src{i}".encode() for i in range(300)]
    keys += [bytes(rng.randrange(256) for _ in range(rng.randrange(0, 40))) for _ in range(300)]
    for count in (1, 3, 6, 7):
        partitions = list(range(count))
        for key in keys + keys:  # the second pass reads remembered hashes
            assert partition(key, partitions, partitions) == default(key, partitions, partitions)
    assert len({partition(k, list(range(6)), []) for k in keys}) == 6


def test_the_memory_is_bounded_and_a_key_without_bytes_goes_to_an_available_partition() -> None:
    for i in range(partitioner._MAX_KEYS + 10):
        partition(i.to_bytes(4, "big"), [0, 1, 2], [0, 1, 2])
    assert len(partitioner._hashes) <= partitioner._MAX_KEYS
    assert {partition(None, [0, 1, 2], [2]) for _ in range(20)} == {2}


def test_the_app_produces_with_it() -> None:
    configured: object = app.conf.producer_partitioner  # faust's stubs type this setting oddly
    assert configured is partition


def test_records_are_grouped_by_their_partition_each_group_in_the_given_order() -> None:
    default = DefaultPartitioner()
    keys = [f"UA/lost/tanks/total/src{i % 7}".encode() for i in range(40)]
    records = [Outgoing(key=key, value=str(n).encode()) for n, key in enumerate(keys)]
    groups = by_partitions(records, [0, 1, 2], [0, 1, 2])
    assert sorted(record.value for group in groups.values() for record in group) == sorted(
        record.value for record in records
    )
    for number, group in groups.items():
        assert all(default(record.key, [0, 1, 2], [0, 1, 2]) == number for record in group)
        assert [int(record.value) for record in group] == sorted(int(record.value) for record in group)
    assert len(groups) == len({default(key, [0, 1, 2], [0, 1, 2]) for key in keys}) > 1
