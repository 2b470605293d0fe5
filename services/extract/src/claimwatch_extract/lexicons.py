"""The lexicons under `lexicons/`: loaded once, validated with pydantic, compiled to regexes.

An analyst extends extraction by editing the YAML files; a bad entry fails at start with the
file and the entry named (`LexiconError`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal, TypeVar

import yaml  # type: ignore[import-untyped]
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from claimwatch_schemas import Qualifier

from .alternation import Alternation

Lang = Literal["de", "en"]
LANGS: tuple[Lang, Lang] = ("de", "en")


_T = TypeVar("_T", bound=BaseModel)


class LexiconError(ValueError):
    """A lexicon file is missing, not YAML, or has an invalid entry."""


def _check_regexes(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"bad regex {pattern!r}: {exc}") from exc
    return patterns


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UnitEntry(_Entry):
    unit: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    de: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)
    metric: str | None = None
    default_metric: str | None = None
    tracked: bool = True
    remap: dict[str, str] = Field(default_factory=dict)

    _regexes = field_validator("de", "en")(_check_regexes)


class MetricEntry(_Entry):
    metric: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    de: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)
    plan: bool = False

    _regexes = field_validator("de", "en")(_check_regexes)


class CountryEntry(_Entry):
    code: str = Field(pattern=r"^[A-Z]{2}$")
    place: str
    adversary: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    names_de: list[str]
    names_en: list[str]
    adjective_de: str
    prefix_de: list[str] = Field(default_factory=list)
    demonyms_de: list[str] = Field(default_factory=list)
    demonyms_en: list[str] = Field(default_factory=list)

    _regexes = field_validator("names_de", "names_en", "demonyms_de", "demonyms_en", "prefix_de")(
        _check_regexes
    )


class PlaceEntry(_Entry):
    name: str
    country: str = Field(pattern=r"^[A-Z]{2}$")
    names: list[str] = Field(min_length=1)
    country_level: bool = False


_ID = r"^[a-z0-9]+(?:_[a-z0-9]+)*$"


class NamedSource(_Entry):
    id: str = Field(pattern=_ID)
    canonical: str = Field(min_length=1)
    patterns: list[str] = Field(min_length=1)

    _regexes = field_validator("patterns")(_check_regexes)


class BodySource(_Entry):
    id: str = Field(pattern=_ID)
    de: list[str]
    nominative: str
    gender: Literal["m", "f", "n", "pl"]
    en: list[str]
    canonical: str
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")  # a body of one country ('IDF')

    _regexes = field_validator("de", "en")(_check_regexes)


class PersonEntry(_Entry):
    """A person under every spelling; `speaks_for` makes their figures an institution's."""

    names: list[str] = Field(min_length=1)
    id: str | None = Field(default=None, pattern=_ID)
    speaks_for: str | None = Field(default=None, pattern=_ID)

    _regexes = field_validator("names")(_check_regexes)

    @model_validator(mode="after")
    def _one_identity(self) -> PersonEntry:
        if (self.id is None) == (self.speaks_for is None):
            raise ValueError("a person needs exactly one of 'id' and 'speaks_for'")
        return self

    @property
    def identity(self) -> str:
        return self.speaks_for or self.id or ""


class Titles(_Entry):
    de: list[str]
    en: list[str]

    _regexes = field_validator("de", "en")(_check_regexes)


class SourcesFile(_Entry):
    named: list[NamedSource]
    bodies: list[BodySource]
    titles: Titles
    people: list[PersonEntry] = Field(default_factory=list)


class QualifiersFile(_Entry):
    before: dict[Lang, dict[str, Qualifier]]
    after: dict[Lang, dict[str, Qualifier]]


class PeriodEntry(_Entry):
    period: str = Field(pattern=r"^P\d+[DWMY]$")
    de: list[str]
    en: list[str]

    _regexes = field_validator("de", "en")(_check_regexes)


def _read(name: str) -> Any:
    try:
        text = resources.files("claimwatch_extract").joinpath("lexicons", name).read_text("utf-8")
    except FileNotFoundError as exc:
        raise LexiconError(f"lexicon file {name} is missing") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LexiconError(f"lexicon file {name} is not valid YAML: {exc}") from exc


def _entries(name: str, key: str, model: type[_T]) -> list[_T]:
    data = _read(name)
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise LexiconError(f"lexicon file {name}: expected a list under '{key}'")
    out: list[_T] = []
    for index, raw in enumerate(data[key]):
        try:
            out.append(model.model_validate(raw))
        except ValidationError as exc:
            raise LexiconError(f"lexicon file {name}, {key}[{index}] ({raw!r}): {exc}") from exc
    return out


def _words(name: str, key: str) -> frozenset[str]:
    data = _read(name)
    words = data.get(key) if isinstance(data, dict) else None
    if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
        raise LexiconError(f"lexicon file {name}: expected a list of words under '{key}'")
    return frozenset(w.lower() for w in words)


def _whole(name: str, model: type[SourcesFile] | type[QualifiersFile]) -> Any:
    data = _read(name)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise LexiconError(f"lexicon file {name}: {exc}") from exc


# -- compiled forms ----------------------------------------------------------------------------

_END = r"(?![\w])"
_WORD_START = r"(?<![\w-])"
_CAPITAL = r"(?=[A-ZÄÖÜ])"  # names are capitalised: other word starts are rejected at once


def _alternation(
    groups: list[tuple[str, list[str]]],
    flags: int = re.IGNORECASE,
    lead: str = "",
    tail: str = "",
    lang: Lang | None = None,
) -> Alternation:
    """One regex with a named group per entry; `lastgroup` tells which entry matched.

    `lead` (a word-start lookbehind) stands outside the alternation, so that a scan rejects a
    position inside a word at once instead of trying every entry there.
    """
    parts = [f"(?P<{name}>{'|'.join(pats)})" for name, pats in groups if pats]
    return Alternation(parts or [r"(?!)"], lead=lead, tail=tail, flags=flags, group=lang or "")


@dataclass(frozen=True)
class Compiled:
    units: list[UnitEntry]
    unit_re: dict[Lang, Alternation]
    metrics: list[MetricEntry]
    metric_re: dict[Lang, Alternation]
    countries: dict[str, CountryEntry]
    country_re: dict[Lang, Alternation]
    country_name_re: dict[Lang, Alternation]  # names and metonyms only, no demonyms
    adjective_re: re.Pattern[str]
    places: list[PlaceEntry]
    place_re: Alternation
    named_sources: list[NamedSource]
    named_source_re: Alternation
    bodies: list[BodySource]
    body_re: dict[Lang, Alternation]
    title_re: dict[Lang, re.Pattern[str]]
    people: list[PersonEntry]
    people_re: re.Pattern[str]
    qualifiers_before: dict[Lang, dict[str, Qualifier]]
    qualifier_before_re: dict[Lang, re.Pattern[str]]
    # the lengths of the phrases before a number, longest first (None: some phrase ends in white
    # space, and the search tries every position)
    qualifier_before_lengths: dict[Lang, tuple[int, ...] | None]
    # the phrases lower-cased: an ASCII stretch of text matches one under re.IGNORECASE only if
    # its lower case is among them (None: a phrase has a character that matches an ASCII one
    # only case-insensitively, 'ſ')
    qualifier_before_folded: dict[Lang, frozenset[str] | None]
    qualifiers_after: dict[Lang, dict[str, Qualifier]]
    qualifier_after_re: dict[Lang, re.Pattern[str]]
    periods: list[PeriodEntry]
    period_re: dict[Lang, Alternation]
    other_unit: int  # the entry for counted nouns outside the lexicon ('unit: other')
    not_counted: frozenset[str]  # words that never make a plain count ('Jahre', 'votes')


def _phrase_alt(phrases: list[str]) -> str:
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


@cache
def lexicons() -> Compiled:
    """Every lexicon, validated and compiled; the first call pays, later calls are free."""
    units = _entries("units.yaml", "units", UnitEntry)
    if not any(u.unit == "other" for u in units):
        raise LexiconError("lexicon file units.yaml: the entry 'unit: other' (plain counts) is missing")
    metrics = _entries("metrics.yaml", "metrics", MetricEntry)
    countries = _entries("countries.yaml", "countries", CountryEntry)
    places = _entries("places.yaml", "places", PlaceEntry)
    periods = _entries("periods.yaml", "periods", PeriodEntry)
    sources: SourcesFile = _whole("sources.yaml", SourcesFile)
    quals: QualifiersFile = _whole("qualifiers.yaml", QualifiersFile)
    codes = {c.code for c in countries}
    known = {s.id for s in sources.named}
    for index, person in enumerate(sources.people):
        target = person.speaks_for
        if target and target not in known and not re.match(r"^[a-z]{2}_", target):
            raise LexiconError(
                f"lexicon file sources.yaml, people[{index}]: speaks_for {target!r} is no source id"
                " (a named source's id or '<country code>_<body>')"
            )
    for index, country in enumerate(countries):
        if country.adversary and country.adversary not in codes:
            raise LexiconError(f"lexicon file countries.yaml, countries[{index}]: unknown adversary")

    def unit_groups(lang: Lang) -> list[tuple[str, list[str]]]:
        return [(f"u{i}", [f"(?:{p}){_END}" for p in getattr(u, lang)]) for i, u in enumerate(units)]

    def metric_groups(lang: Lang) -> list[tuple[str, list[str]]]:
        return [(f"m{i}", [rf"(?:{p}){_END}" for p in getattr(m, lang)]) for i, m in enumerate(metrics)]

    def country_name_groups(lang: Lang) -> list[tuple[str, list[str]]]:
        return [(c.code, [rf"(?:{p}){_END}" for p in getattr(c, f"names_{lang}")]) for c in countries]

    def country_groups(lang: Lang) -> list[tuple[str, list[str]]]:
        groups: list[tuple[str, list[str]]] = []
        for c in countries:
            pats = list(getattr(c, f"names_{lang}")) + list(getattr(c, f"demonyms_{lang}"))
            if lang == "de":
                pats += [rf"{p}-(?=[A-ZÄÖÜ])" for p in c.prefix_de]
            groups.append((c.code, [rf"(?:{p}){_END}" for p in pats]))
        return groups

    adjective_re = re.compile(
        r"(?<![\w])(?=[\w-]*(?:isch|deutsch))(?:"
        + "|".join(rf"(?P<{c.code}>(?:[\w]+-)?{c.adjective_de}(?:e|en|er|es|em)?{_END})" for c in countries)
        + ")",
        re.IGNORECASE,
    )
    place_alt = [(f"p{i}", [re.escape(n) for n in p.names]) for i, p in enumerate(places)]
    # a name ends at a word end, or before '-Angaben' ('nach UN-Angaben')
    named_end = r"(?:(?![\w-])|(?=-(?:Angaben|Zahlen|Schätzungen|Informationen|Daten)(?![\w])))"
    named_alt = [(f"s{i}", [rf"(?:{p}){named_end}" for p in s.patterns]) for i, s in enumerate(sources.named)]
    body_groups: dict[Lang, Alternation] = {}
    for lang in LANGS:
        body_groups[lang] = _alternation(
            [(f"b{i}", [rf"(?:{p}){_END}" for p in getattr(b, lang)]) for i, b in enumerate(sources.bodies)],
            0,
            r"(?<![\w])",
            lang=lang,
        )

    def qual_re(table: dict[str, Qualifier], before: bool) -> re.Pattern[str]:
        alt = _phrase_alt(list(table))
        if before:
            return re.compile(rf"(?<![\w])(?:{alt})\s*$", re.IGNORECASE)
        return re.compile(rf"\s*(?:{alt})(?![\w])", re.IGNORECASE)

    def qual_lengths(table: dict[str, Qualifier]) -> tuple[int, ...] | None:
        if any(not phrase or phrase[-1].isspace() for phrase in table):
            return None
        return tuple(sorted({len(phrase) for phrase in table}, reverse=True))

    def qual_folded(table: dict[str, Qualifier]) -> frozenset[str] | None:
        others = {ch for phrase in table for ch in phrase if not ch.isascii()}
        ascii_chars = [chr(c) for c in range(128)]
        if any(re.fullmatch(re.escape(ch), a, re.IGNORECASE) for ch in others for a in ascii_chars):
            return None
        return frozenset(phrase.lower() for phrase in table)

    return Compiled(
        units=units,
        unit_re={lang: _alternation(unit_groups(lang), lang=lang) for lang in LANGS},
        metrics=metrics,
        metric_re={lang: _alternation(metric_groups(lang), lead=_WORD_START, lang=lang) for lang in LANGS},
        countries={c.code: c for c in countries},
        country_re={
            lang: _alternation(country_groups(lang), 0, _WORD_START + _CAPITAL, lang=lang) for lang in LANGS
        },
        country_name_re={
            lang: _alternation(country_name_groups(lang), 0, _WORD_START + _CAPITAL, lang=lang)
            for lang in LANGS
        },
        adjective_re=adjective_re,
        places=places,
        place_re=_alternation(place_alt, 0, _WORD_START + _CAPITAL, r"(?:s)?(?![\w-])"),
        named_sources=sources.named,
        named_source_re=_alternation(named_alt, 0, _WORD_START),
        bodies=sources.bodies,
        body_re=body_groups,
        people=sources.people,
        people_re=re.compile(
            "|".join(f"(?P<h{i}>{'|'.join(p.names)})" for i, p in enumerate(sources.people)) or r"(?!)"
        ),
        title_re={lang: re.compile(rf"^(?:{'|'.join(getattr(sources.titles, lang))})$") for lang in LANGS},
        qualifiers_before={
            lang: {k.lower(): v for k, v in quals.before.get(lang, {}).items()} for lang in LANGS
        },
        qualifier_before_re={lang: qual_re(quals.before.get(lang, {}), True) for lang in LANGS},
        qualifier_before_lengths={lang: qual_lengths(quals.before.get(lang, {})) for lang in LANGS},
        qualifier_before_folded={lang: qual_folded(quals.before.get(lang, {})) for lang in LANGS},
        qualifiers_after={
            lang: {k.lower(): v for k, v in quals.after.get(lang, {}).items()} for lang in LANGS
        },
        qualifier_after_re={lang: qual_re(quals.after.get(lang, {}), False) for lang in LANGS},
        periods=periods,
        period_re={
            lang: _alternation(
                [(f"d{i}", [rf"(?:{p}){_END}" for p in getattr(d, lang)]) for i, d in enumerate(periods)],
                lead=r"(?<![\w])",
                lang=lang,
            )
            for lang in LANGS
        },
        other_unit=next(i for i, u in enumerate(units) if u.unit == "other"),
        not_counted=_words("not_counted.yaml", "not_counted"),
    )
