"""The events that flow between the services; `spec/claims.md` is their contract."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

SCHEMA_VERSION = 1

MAX_ARTICLE_CHARS = 1_048_576

Language = Literal["de", "en"]


class Qualifier(StrEnum):
    EXACT = "exact"
    AT_LEAST = "at_least"
    MORE_THAN = "more_than"
    ABOUT = "about"
    UP_TO = "up_to"
    FEWER_THAN = "fewer_than"
    RANGE = "range"


class AlertKind(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    CONFLICT = "conflict"


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)

    schema_version: int = SCHEMA_VERSION


def normalise_text(text: str) -> str:
    """NFC, unified line ends, stripped: the form an article id is hashed from."""
    unified = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return unified.strip()


def article_id_for(text: str) -> str:
    """The id of an article that came without one: the same text always gets the same id."""
    return "sha256-" + hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()[:32]


_HTML_START = re.compile(r"\s*<(!doctype|html|head|body)\b", re.IGNORECASE)
_HTML_TAG = re.compile(
    r"</?(?:p|div|span|a|br|html|body|head|script|style|table|tr|td|li|ul|h[1-6])\b[^>]{0,500}>",
    re.IGNORECASE,
)


def looks_like_html(text: str) -> bool:
    """An HTML document or a fragment made mostly of markup, not an article's plain text."""
    if _HTML_START.match(text):
        return True
    tags = _HTML_TAG.findall(text[:200_000])
    return len(tags) >= 3 and sum(map(len, tags)) * 20 > min(len(text), 200_000)


ArticleId = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._:@/+-]+$")]


class Article(_Event):
    """One news article as pushed in by a user."""

    id: ArticleId | None = Field(
        default=None, description="Caller's id; when absent, derived from the SHA-256 of the text."
    )
    text: str = Field(min_length=1, max_length=MAX_ARTICLE_CHARS)
    title: str | None = Field(default=None, max_length=2000)
    url: str | None = Field(default=None, max_length=4000)
    outlet: str | None = Field(default=None, max_length=200, description="Publisher, e.g. 'Der Spiegel'.")
    language: Language | None = Field(default=None, description="de or en; detected when absent.")
    published_at: datetime | date | None = None

    @field_validator("text")
    @classmethod
    def _text_has_content(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("text is empty or only white space")
        if "\x00" in text:
            raise ValueError("text contains NUL characters")
        if looks_like_html(text):
            raise ValueError("text looks like HTML markup; send the article's plain text")
        return text

    def with_id(self) -> Article:
        """This article with its id filled in."""
        if self.id is not None:
            return self
        return self.model_copy(update={"id": article_id_for(self.text)})


class Evidence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="The sentence the figure stands in.")
    start: int = Field(ge=0, description="Offset of the figure's phrase in the article text.")
    end: int = Field(ge=0, description="End offset: article_text[start:end] is the phrase.")


class Claim(_Event):
    """One figure stated in one place of one article."""

    claim_id: str
    article_id: str
    figure_key: str
    value: float
    value_max: float | None = None
    qualifier: Qualifier
    vague: bool = False
    unit: str
    metric: str
    subject: str | None = None
    source: str | None = None
    source_id: str | None = Field(
        default=None,
        description=(
            "Language-independent identity of the source, used in figure_key: 'nato' for NATO and "
            "for people who speak for it (Mark Rutte), '<country>_<body>' for bodies ('kr_intelligence'), "
            "else a slug of the name; null when the figure is unattributed."
        ),
    )
    location: str | None = None
    period: str | None = None
    evidence: Evidence
    language: Language
    published_at: datetime | None = None
    tracked: bool = True


class PreviousValue(BaseModel):
    """A figure's value as one claim stated it: what a `changed` alert moved away from."""

    model_config = ConfigDict(extra="forbid")

    value: float
    value_max: float | None = None
    qualifier: Qualifier
    claim_id: str
    article_id: str
    published_at: datetime | None = None


class FigureValue(PreviousValue):
    """One distinct value a figure has had, with where it was said."""

    seen_at: datetime
    evidence: str | None = None
    reported_by: list[str] = Field(
        default_factory=list,
        description="Articles that gave this value: the first and the most recent ones (bounded).",
    )
    reported_by_count: int = Field(
        default=0,
        ge=0,
        description="How many articles gave this value, those dropped from reported_by included.",
    )


class Corroboration(BaseModel):
    """One claim that stated a figure's current value (the first one included)."""

    model_config = ConfigDict(extra="forbid")

    claim_id: str
    article_id: str
    qualifier: Qualifier
    published_at: datetime | None = None
    seen_at: datetime
    evidence: str | None = None


class ConflictingValue(BaseModel):
    """The current value of another source's figure for the same subject, metric, unit and period."""

    model_config = ConfigDict(extra="forbid")

    figure_key: str
    source: str | None = None
    value: float
    value_max: float | None = None
    qualifier: Qualifier
    published_at: datetime | None = None


class Figure(_Event):
    """The current state of one tracked figure."""

    figure_key: str
    value: float
    value_max: float | None = None
    qualifier: Qualifier
    unit: str
    metric: str
    subject: str | None = None
    source: str | None = None
    period: str | None = None
    location: str | None = None
    first_seen: datetime
    last_changed: datetime
    published_at: datetime | None = None
    reported_by: list[str] = Field(
        default_factory=list,
        description="Articles that gave the current value: the first and the most recent ones (bounded).",
    )
    reported_by_count: int = Field(
        default=0, ge=0, description="How many articles gave the current value, dropped ones included."
    )
    history: list[FigureValue] = Field(
        default_factory=list,
        description="Distinct values the figure has had, oldest first (the oldest dropped beyond a bound).",
    )
    history_count: int = Field(
        default=0, ge=0, description="How many distinct values were recorded, dropped ones included."
    )
    corroborations: list[Corroboration] = Field(
        default_factory=list,
        description="Claims that stated the current value, with evidence: the first and the latest ones.",
    )
    corroboration_count: int = Field(
        default=0, ge=0, description="How many claims stated the current value, dropped ones included."
    )
    conflicts: list[ConflictingValue] = Field(
        default_factory=list,
        description="Other sources' different current values for the same subject, metric, unit and period.",
    )


class Alert(_Event):
    """A figure that is new, whose value moved, or that disagrees with another source's figure.

    `alert_id` is deterministic (kind, figure key and claim id), so it doubles as the idempotency
    key of every delivery.
    """

    alert_id: str
    kind: AlertKind
    figure_key: str
    value: float
    value_max: float | None = None
    qualifier: Qualifier
    unit: str
    metric: str
    subject: str | None = None
    source: str | None = None
    location: str | None = None
    period: str | None = None
    previous: PreviousValue | None = None
    delta: float | None = None
    relative_change: float | None = None
    conflicts: list[ConflictingValue] = Field(
        default_factory=list, description="For kind conflict: the other sources' differing values."
    )
    claim_id: str
    article_id: str
    claim: Claim
    created_at: datetime


_SLUG_DROP = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """Lower-case ASCII, '_' between words: 'Südkoreanischer Dienst' -> 'suedkoreanischer_dienst'."""
    folded = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    ascii_only = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode("ascii")
    return _SLUG_DROP.sub("_", ascii_only).strip("_")


def figure_key(*, subject: str | None, metric: str, unit: str, period: str | None, source: str | None) -> str:
    """Identity of a tracked figure: subject, metric, unit, period and source, normalised."""
    parts = [
        (subject or "any").upper(),
        slug(metric),
        slug(unit),
        period or "total",
        slug(source) if source else "unattributed",
    ]
    return "/".join(parts)


def claim_id_for(article_id: str, start: int, end: int) -> str:
    """Deterministic claim id: the same article text always yields the same ids."""
    digest = hashlib.sha256(f"{article_id}\x1f{start}\x1f{end}".encode()).hexdigest()[:24]
    return f"c-{digest}"
