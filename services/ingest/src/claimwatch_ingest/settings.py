"""Settings of the ingest service, from CLAIMWATCH_* environment variables."""

from __future__ import annotations

from pydantic import Field

from claimwatch_schemas import MAX_ARTICLE_CHARS, ConnectionSettings


class IngestSettings(ConnectionSettings):
    ingest_host: str = Field(default="127.0.0.1", description="Address the ingest HTTP API binds to.")
    ingest_port: int = Field(default=8081, description="Port of the ingest HTTP API.")
    max_body_bytes: int = Field(
        default=MAX_ARTICLE_CHARS + 65_536, description="Largest request body the ingest API reads (bytes)."
    )
    max_batch: int = Field(default=1000, ge=1, description="Most articles one request may carry.")
    ingest_remember_days: int = Field(
        default=90,
        ge=0,
        description="How long the ids of accepted articles are kept to answer duplicates (0: for ever).",
    )
