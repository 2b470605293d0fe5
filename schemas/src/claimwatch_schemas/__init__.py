"""The contract between claimwatch's services: event models, figure identity, shared settings."""

from claimwatch_schemas.models import (
    MAX_ARTICLE_CHARS,
    SCHEMA_VERSION,
    Alert,
    AlertKind,
    Article,
    Claim,
    Evidence,
    Figure,
    FigureValue,
    PreviousValue,
    Qualifier,
    article_id_for,
    claim_id_for,
    figure_key,
    normalise_text,
    slug,
)
from claimwatch_schemas.settings import ConnectionSettings

__all__ = [
    "MAX_ARTICLE_CHARS",
    "SCHEMA_VERSION",
    "Alert",
    "AlertKind",
    "Article",
    "Claim",
    "ConnectionSettings",
    "Evidence",
    "Figure",
    "FigureValue",
    "PreviousValue",
    "Qualifier",
    "article_id_for",
    "claim_id_for",
    "figure_key",
    "normalise_text",
    "slug",
]
