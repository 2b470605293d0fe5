"""RFC 9457 problem details for the alert API: every error names what went wrong, and where."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi.responses import JSONResponse

PROBLEM_JSON = "application/problem+json"

FieldProblem = tuple[str, str]


def validation_problems(errors: Sequence[Any]) -> list[FieldProblem]:
    """(field, reason) of each of pydantic's / FastAPI's validation errors; the field is the path
    inside the body (or query), without FastAPI's leading `body` / `query`."""
    problems: list[FieldProblem] = []
    for error in errors:
        if error.get("type") == "json_invalid":  # FastAPI puts the character position in `loc`
            position = error.get("loc", ("body", "?"))[-1]
            cause = (error.get("ctx") or {}).get("error", "not valid JSON")
            problems.append(("body", f"invalid JSON at character {position}: {cause}"))
            continue
        location = [str(part) for part in error.get("loc", ())]
        if len(location) > 1 and location[0] in ("body", "query", "path", "header"):
            location = location[1:]
        problems.append(("/".join(location) or "body", str(error.get("msg", "invalid"))))
    return problems


def problem_response(
    status: int,
    title: str,
    detail: str,
    problems: Sequence[FieldProblem] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, object] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if problems:
        body["errors"] = [{"field": field, "reason": reason} for field, reason in problems]
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=dict(headers or {}))
