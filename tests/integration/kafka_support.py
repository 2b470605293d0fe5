"""Helpers of the robustness tests (no tests here): raw records onto topics, committed offsets,
HTTP health polling, a service's memory."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
from aiokafka import AIOKafkaClient, AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.protocol.fetch import FetchRequest
from aiokafka.record.memory_records import MemoryRecords

Record = tuple[bytes | None, bytes | None]


async def produce_raw(
    bootstrap: str, topic: str, records: list[Record], *, partition: int | None = None
) -> None:
    """Each record sent and acknowledged on its own (Tansu's watermark lags behind batched requests)."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=False, max_request_size=8 * 1024 * 1024
    )
    await producer.start()
    try:
        for key, value in records:
            await producer.send_and_wait(topic, value=value, key=key, partition=partition)
    finally:
        await producer.stop()


CODECS = {0: "none", 1: "gzip", 2: "snappy", 3: "lz4", 4: "zstd"}


async def batch_codecs(bootstrap: str, topic: str) -> list[str]:
    """The codec of every record batch stored in `topic`, read by raw Fetch requests (a consumer
    hands out records, not the batches they came in)."""
    client = AIOKafkaClient(bootstrap_servers=bootstrap)
    await client.bootstrap()
    codecs: list[str] = []
    try:
        await client._wait_on_metadata(topic)
        for partition in sorted(client.cluster.partitions_for_topic(topic) or []):
            leader = client.cluster.leader_for_partition(TopicPartition(topic, partition))
            offset = 0
            while True:
                request = FetchRequest(100, 1, 8 << 20, 0, [(topic, [(partition, offset, 8 << 20)])])
                response = await client.send(leader, request)
                ((_, (answer,)),) = response.topics  # the fields between vary by version
                error, data = answer[1], answer[-1]
                assert error == 0, f"fetch of {topic}/{partition} failed with error {error}"
                records = MemoryRecords(data or b"")
                found = False
                while (batch := records.next_batch()) is not None:
                    codecs.append(CODECS[batch.compression_type])
                    offset = batch.next_offset
                    found = True
                if not found:
                    break
    finally:
        await client.close()
    return codecs


async def end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    """One past the last record of each partition.

    Tansu answers ListOffsets(latest) with one past the *first* record of a partition's last
    record batch, so the last batch is read to find the true end (on Kafka the read only confirms
    the offset the broker reported)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=50)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        if not partitions:
            await consumer._client.force_metadata_update()  # first call after start may lack the topic
            partitions = [
                TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])
            ]
        reported = await consumer.end_offsets(partitions)
        ends = {tp.partition: offset for tp, offset in reported.items()}
        unread = [tp for tp, offset in reported.items() if offset > 0]
        consumer.assign(unread)
        for tp in unread:
            consumer.seek(tp, reported[tp] - 1)
        deadline = time.monotonic() + 10.0
        while unread and time.monotonic() < deadline:
            for tp, records in (await consumer.getmany(*unread, timeout_ms=200)).items():
                if records:
                    ends[tp.partition] = max(ends[tp.partition], records[-1].offset + 1)
                    unread.remove(tp)  # a fetch returns the last batch whole
    finally:
        await consumer.stop()
    return ends


async def committed_offsets(bootstrap: str, group: str, topic: str) -> dict[int, int]:
    """Offsets `group` committed on `topic` (asked without joining the group)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()  # aiokafka has no public call for this
        committed: dict[int, int] = {}
        for partition in sorted(consumer.partitions_for_topic(topic) or []):
            offset = await consumer.committed(TopicPartition(topic, partition))
            if offset is not None and offset >= 0:
                committed[partition] = offset
    finally:
        await consumer.stop()
    return committed


async def wait_all_committed(
    bootstrap: str, group: str, topic: str, *, within: float = 60.0
) -> dict[int, int]:
    """Polls until `group` has committed the end offset of every non-empty partition of `topic`."""
    deadline = time.monotonic() + within
    while True:
        ends = {p: o for p, o in (await end_offsets(bootstrap, topic)).items() if o > 0}
        committed = await committed_offsets(bootstrap, group, topic)
        if ends and all(committed.get(p) == o for p, o in ends.items()):
            return committed
        if time.monotonic() > deadline:
            raise AssertionError(f"{group} committed {committed} of {topic}, ends are {ends}")
        await asyncio.sleep(0.5)


async def wait_healthy(url: str, *, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(timeout=2.0) as client:
        while True:
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"{url} not healthy within {within:.0f}s")
            await asyncio.sleep(0.2)


def rss_bytes(pid: int) -> int:
    """Resident memory of a process (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for {pid}")
