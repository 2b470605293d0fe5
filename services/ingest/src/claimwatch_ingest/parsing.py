"""Turns what a user pushed (HTTP bodies, files, stdin) into validated articles, or says exactly why not."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from claimwatch_schemas import Article


@dataclass(frozen=True)
class Problem:
    """One reason an input was refused: where (a JSON-pointer-like path) and why."""

    field: str
    reason: str


class ArticleInputError(ValueError):
    """The input holds no valid article; `problems` says which field and why."""

    def __init__(self, title: str, problems: list[Problem]) -> None:
        super().__init__(title + ": " + "; ".join(f"{p.field}: {p.reason}" for p in problems))
        self.title = title
        self.problems = problems


def _location(prefix: str, loc: Iterable[int | str]) -> str:
    parts = [str(part) or '""' for part in loc]  # a key "" is named, not left blank
    return "/".join([prefix, *parts]) if prefix else "/".join(parts) or "body"


def article_from_mapping(data: Any, where: str = "") -> Article:
    if not isinstance(data, dict):
        raise ArticleInputError(
            "Invalid article",
            [Problem(where or "body", f"expected a JSON object, got {type(data).__name__}")],
        )
    try:
        return Article.model_validate(data).with_id()
    except ValidationError as error:
        problems = [Problem(_location(where, e["loc"]), e["msg"]) for e in error.errors()]
        raise ArticleInputError("Invalid article", problems) from None


def articles_from_json(data: Any, max_batch: int) -> list[Article]:
    """One article object, or an array of them; every invalid one is named."""
    if isinstance(data, list):
        if not data:
            raise ArticleInputError("Empty batch", [Problem("body", "the array holds no article")])
        if len(data) > max_batch:
            raise ArticleInputError(
                "Batch too large", [Problem("body", f"{len(data)} articles, at most {max_batch} per request")]
            )
        articles: list[Article] = []
        problems: list[Problem] = []
        for index, item in enumerate(data):
            try:
                articles.append(article_from_mapping(item, where=str(index)))
            except ArticleInputError as error:
                problems.extend(error.problems)
        if problems:
            raise ArticleInputError("Invalid articles in batch", problems)
        return articles
    return [article_from_mapping(data)]


def decode_utf8(body: bytes, what: str = "body") -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ArticleInputError(
            "Not UTF-8", [Problem(what, f"byte {error.start} is not valid UTF-8 ({error.reason})")]
        ) from None


def parse_json_text(text: str, what: str = "body") -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ArticleInputError(
            "Invalid JSON", [Problem(what, f"{error.msg} at line {error.lineno} column {error.colno}")]
        ) from None
    except RecursionError:
        raise ArticleInputError("Invalid JSON", [Problem(what, "nested too deeply")]) from None


def articles_from_body(body: bytes, content_type: str, max_batch: int) -> list[Article]:
    """A request body as articles: JSON (object or array) or text/plain (one article)."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    is_json = media_type in ("application/json", "") or media_type.endswith("+json")
    if media_type != "text/plain" and not is_json:
        raise ArticleInputError(
            "Unsupported media type",
            [Problem("content-type", f"{media_type!r}; send application/json or text/plain")],
        )
    text = decode_utf8(body)
    if media_type == "text/plain":
        return [article_from_mapping({"text": text})]
    return articles_from_json(parse_json_text(text), max_batch)


def articles_from_jsonl(text: str, what: str) -> list[Article]:
    articles: list[Article] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            articles.append(
                article_from_mapping(parse_json_text(line, f"{what}:{number}"), f"{what}:{number}")
            )
        except ArticleInputError as error:
            problems.extend(error.problems)
    if problems:
        raise ArticleInputError("Invalid lines", problems)
    return articles


def articles_from_file(path: Path, max_batch: int = 1_000_000) -> list[Article]:
    """`.txt` is one article, `.json` one article or an array, `.jsonl` one article per line."""
    text = decode_utf8(path.read_bytes(), str(path))
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return articles_from_jsonl(text, str(path))
    if suffix == ".json":
        return articles_from_json(parse_json_text(text, str(path)), max_batch)
    return [article_from_mapping({"text": text}, where=str(path))]


def articles_from_stdin_text(text: str, max_batch: int = 1_000_000) -> list[Article]:
    """Standard input: JSON if it looks like JSON, JSON lines if every line does, else one text article."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        return articles_from_json(parse_json_text(text, "stdin"), max_batch)
    if stripped.startswith("{"):
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) > 1 and all(line.lstrip().startswith("{") for line in lines):
            return articles_from_jsonl(text, "stdin")
        return articles_from_json(parse_json_text(text, "stdin"), max_batch)
    return [article_from_mapping({"text": text}, where="stdin")]
