"""Settings of the extract worker, from CLAIMWATCH_* environment variables."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from claimwatch_extract.transport import SCHEME
from claimwatch_schemas import ConnectionSettings
from claimwatch_schemas.settings import kafka_client_options


class ExtractSettings(ConnectionSettings):
    extract_app_id: str = Field(default="claimwatch-extract", description="Faust app id (consumer group).")
    extract_rebalance_timeout: float = Field(
        default=3.0, description="Seconds Faust waits in a rebalance; low, so a worker joins fast."
    )
    extract_batch_max: int = Field(
        default=200, ge=1, description="Most `articles` records the worker takes and publishes as one batch."
    )
    extract_batch_seconds: float = Field(
        default=0.05,
        ge=0,
        description="Least time between the starts of two batches (seconds): after a quick batch the "
        "worker waits out the rest, and what came meanwhile forms the next one.",
    )
    extract_batch_wait: float = Field(
        default=0.01,
        gt=0,
        description="Tick at which the worker looks for records (seconds): the longest a record waits "
        "before its batch starts; each tick costs an idle worker CPU.",
    )
    extract_web_port: int = Field(default=6066, description="Port of the Faust web server (health).")
    extract_datadir: str | None = Field(
        default=None,
        description="Faust's data directory; default: claimwatch-faust-<app id> in the temp dir.",
    )

    @property
    def faust_broker(self) -> str:
        return ";".join(f"{SCHEME}://{server.strip()}" for server in self.kafka_bootstrap.split(","))


def faust_credentials(settings: ConnectionSettings) -> Any:
    """Faust's `broker_credentials` for the same SASL/TLS options every other Kafka client gets
    (`kafka_client_options`), or None for PLAINTEXT. Faust turns them back into aiokafka's arguments."""
    import faust

    options = kafka_client_options(settings)
    protocol = options["security_protocol"]
    if protocol == "PLAINTEXT":
        return None
    if protocol == "SSL":
        return faust.SSLCredentials(options["ssl_context"])
    return faust.SASLCredentials(
        username=options["sasl_plain_username"],
        password=options["sasl_plain_password"],
        ssl_context=options.get("ssl_context"),
        mechanism=options["sasl_mechanism"],
    )
