"""RFC 9457 problem-details responses."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi.responses import JSONResponse

from claimwatch_ingest.parsing import Problem

PROBLEM_JSON = "application/problem+json"


def problem_response(
    status: int,
    title: str,
    detail: str,
    problems: list[Problem] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, object] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if problems:
        body["errors"] = [{"field": p.field, "reason": p.reason} for p in problems]
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=dict(headers or {}))
