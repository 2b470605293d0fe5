"""`claimwatch demo`: the seed articles through the whole pipeline, shown as two tables."""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from claimwatch.reading import read_records
from claimwatch.stack import StackSettings, running_stack
from claimwatch_extract.extractor import extract_article
from claimwatch_schemas import Article


def seed_articles(folder: Path) -> list[Article]:
    return [
        Article(id=path.stem, text=path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.txt"))
    ]


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def claims_table(claims: list[dict[str, Any]]) -> Table:
    table = Table(title=f"{len(claims)} claims on topic 'claims'", show_lines=False)
    for column in ("article", "value", "qualifier", "unit", "metric", "subject", "source", "tracked"):
        table.add_column(column)
    for claim in sorted(claims, key=lambda c: (c["article_id"], c["evidence"]["start"])):
        value = _number(claim["value"])
        if claim.get("value_max") is not None:
            value += "–" + _number(claim["value_max"])
        table.add_row(
            claim["article_id"][:12],
            value,
            claim["qualifier"],
            claim["unit"],
            claim["metric"],
            claim.get("subject") or "",
            claim.get("source") or "",
            "yes" if claim["tracked"] else "no",
        )
    return table


def alerts_table(alerts: list[dict[str, Any]]) -> Table:
    table = Table(title=f"{len(alerts)} alerts on topic 'alerts'")
    for column in ("kind", "figure", "value", "previous", "article"):
        table.add_column(column)
    for alert in alerts:
        previous = alert.get("previous") or {}
        table.add_row(
            alert["kind"],
            alert["figure_key"],
            _number(alert["value"]),
            _number(previous.get("value")),
            alert["article_id"][:12],
        )
    return table


def run(seeds: Path) -> int:
    console = Console(width=None if sys.stdout.isatty() else 150)
    articles = seed_articles(seeds)
    if not articles:
        console.print(f"[red]no .txt articles in {seeds}[/red]")
        return 2
    expected = [claim for article in articles for claim in extract_article(article).claims]
    expected_keys = {claim.figure_key for claim in expected if claim.tracked}
    log_path = Path(tempfile.gettempdir()) / "claimwatch-demo.log"
    started = time.monotonic()
    with (
        log_path.open("w", encoding="utf-8") as log,
        running_stack(StackSettings(), free_ports=True, out=log) as stack,
    ):
        console.print(
            f"stack up in {time.monotonic() - started:.1f}s: kafka {stack.kafka_bootstrap}, "
            f"redis {stack.redis_url}, ingest {stack.ingest_url}, alert {stack.alert_url} "
            f"(service logs: {log_path})"
        )
        body = [article.model_dump(mode="json", exclude_none=True) for article in articles]
        response = httpx.post(f"{stack.ingest_url}/articles", json=body, timeout=30.0)
        console.print(f"POST /articles -> {response.status_code} {response.json()}")
        if response.status_code != 202:
            return 1
        claims, alerts = asyncio.run(
            _collect(
                stack.kafka_bootstrap,
                stack.settings.topic_claims,
                stack.settings.topic_alerts,
                len(expected),
                len(expected_keys),
            )
        )
    console.print(claims_table(claims))
    console.print(alerts_table(alerts))
    new_keys = {alert["figure_key"] for alert in alerts if alert["kind"] == "new"}
    ok = len(claims) >= len(expected) and new_keys == expected_keys
    console.print(
        f"{'OK' if ok else 'INCOMPLETE'}: {len(claims)}/{len(expected)} claims, "
        f"{len(new_keys)}/{len(expected_keys)} tracked figures alerted as new, "
        f"{time.monotonic() - started:.1f}s in all; everything stopped."
    )
    return 0 if ok else 1


async def _collect(
    bootstrap: str, claims_topic: str, alerts_topic: str, claims_expected: int, alerts_expected: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    claims, alerts = await asyncio.gather(
        read_records(bootstrap, claims_topic, at_least=claims_expected, quiet_seconds=1.0),
        read_records(bootstrap, alerts_topic, at_least=alerts_expected, quiet_seconds=2.0),
    )
    return [json.loads(r.value) for r in claims], [json.loads(r.value) for r in alerts]
