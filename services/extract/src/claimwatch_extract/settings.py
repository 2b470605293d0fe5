"""Settings of the extract worker, from CLAIMWATCH_* environment variables."""

from __future__ import annotations

from pydantic import Field

from claimwatch_schemas import ConnectionSettings


class ExtractSettings(ConnectionSettings):
    extract_app_id: str = Field(default="claimwatch-extract", description="Faust app id (consumer group).")
    extract_rebalance_timeout: float = Field(
        default=3.0, description="Seconds Faust waits in a rebalance; low, so a worker joins fast."
    )
    extract_web_port: int = Field(default=6066, description="Port of the Faust web server (health).")
    extract_datadir: str | None = Field(
        default=None,
        description="Faust's data directory; default: claimwatch-faust-<app id> in the temp dir.",
    )

    @property
    def faust_broker(self) -> str:
        return ";".join(f"kafka://{server.strip()}" for server in self.kafka_bootstrap.split(","))
