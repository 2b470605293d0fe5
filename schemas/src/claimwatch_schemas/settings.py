"""Connection settings every service shares, read from CLAIMWATCH_* environment variables."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ConnectionSettings(BaseSettings):
    """Where Kafka and Redis are, and which topics the pipeline uses."""

    model_config = SettingsConfigDict(env_prefix="CLAIMWATCH_", extra="ignore")

    kafka_bootstrap: str = Field(default="127.0.0.1:19092", description="Kafka bootstrap servers.")
    redis_url: str = Field(default="redis://127.0.0.1:16379/0", description="Redis URL of the figure state.")
    topic_articles: str = "articles"
    topic_claims: str = "claims"
    topic_alerts: str = "alerts"
    topic_articles_dlq: str = "articles.dlq"
    partitions: int = Field(default=3, ge=1, description="Partitions of the topics claimwatch creates.")
    api_token: SecretStr | None = Field(
        default=None, description="Bearer token the HTTP APIs require when set (compared in constant time)."
    )

    def all_topics(self) -> list[str]:
        return [self.topic_articles, self.topic_claims, self.topic_alerts, self.topic_articles_dlq]
