"""The Faust app and the topic it reads (it publishes through `app.producer`, see agents.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import faust

from claimwatch_extract.partitioner import partition
from claimwatch_extract.settings import ExtractSettings, faust_credentials
from claimwatch_schemas.settings import kafka_compression_type

settings = ExtractSettings()

MAX_RECORD_BYTES = 16 * 1024 * 1024
MAX_BATCH_BYTES = 1024 * 1024

app = faust.App(
    settings.extract_app_id,
    broker=settings.faust_broker,
    broker_credentials=faust_credentials(settings),
    value_serializer="raw",
    key_serializer="raw",
    # Topics are created by `claimwatch up` (or the operator); Faust must not redeclare them.
    topic_allow_declare=False,
    topic_disable_leader=True,
    broker_rebalance_timeout=settings.extract_rebalance_timeout,
    broker_session_timeout=max(6.0, settings.extract_rebalance_timeout * 2),
    broker_heartbeat_interval=1.0,
    consumer_auto_offset_reset="earliest",
    # acks=all; Tansu cannot do idempotent producers, so Faust's default (off) stays.
    producer_acks=-1,
    producer_compression_type=kafka_compression_type(settings),
    # A record that reached `articles` must fit into the dead-letter topic whole (original bytes).
    producer_max_request_size=MAX_RECORD_BYTES,
    # The claims of a batch of articles go out as one record batch per partition (see agents.py).
    producer_max_batch_size=MAX_BATCH_BYTES,
    # Kafka's default partitioning, with each key's hash remembered (partitioner.py).
    producer_partitioner=partition,
    consumer_max_fetch_size=MAX_RECORD_BYTES,
    web_port=settings.extract_web_port,
    web_host="127.0.0.1",
    store="memory://",
    # Faust insists on a data directory even with the memory store; keep it out of the caller's cwd.
    datadir=settings.extract_datadir
    or str(Path(tempfile.gettempdir()) / f"claimwatch-faust-{settings.extract_app_id}"),
)

articles_topic = app.topic(settings.topic_articles, key_type=bytes, value_type=bytes)
