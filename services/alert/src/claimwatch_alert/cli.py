"""The alert commands of `claimwatch`: figures, figure, alerts, subscribe, subscriptions, unsubscribe,
silence.

State and the change feed are read from Redis (CLAIMWATCH_REDIS_URL), so `figures` and `alerts`
work without the service running; following alerts, subscriptions and redelivery talk to the
alert service's API (CLAIMWATCH_ALERT_URL).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar

import httpx
import redis.asyncio as aioredis
import typer
from rich.console import Console
from rich.table import Table

from claimwatch_alert import feed
from claimwatch_alert.keys import Keys
from claimwatch_alert.redis_connection import redis_client
from claimwatch_alert.settings import AlertClientSettings
from claimwatch_alert.state import FigureStore
from claimwatch_alert.webhooks import read_dead_letters
from claimwatch_schemas import AlertKind, Figure
from claimwatch_schemas.settings import redis_client_options

T = TypeVar("T")


def _console() -> Console:
    """Tables at full width in a terminal, and wide enough to read when piped or captured."""
    return Console(width=None if sys.stdout.isatty() else 150)


def _redis_call(call: Callable[[aioredis.Redis, Keys], Awaitable[T]]) -> T:
    settings = AlertClientSettings()

    async def run() -> T:
        client = redis_client(settings.redis_url, **redis_client_options(settings))
        try:
            return await call(client, Keys(settings.alert_redis_prefix))
        finally:
            await client.aclose()

    return asyncio.run(run())


def _api(timeout: httpx.Timeout | float = 30) -> httpx.Client:
    settings = AlertClientSettings()
    headers = (
        {"Authorization": f"Bearer {settings.api_token.get_secret_value()}"} if settings.api_token else {}
    )
    return httpx.Client(base_url=settings.alert_url, timeout=timeout, headers=headers)


def _check(response: httpx.Response) -> Any:
    if response.is_error:
        typer.echo(f"error: HTTP {response.status_code}: {response.text}", err=True)
        raise typer.Exit(1)
    return response.json() if response.content else None


def _articles(ids: list[str], count: int) -> str:
    """The article ids kept, and how many more there were."""
    more = count - len(ids)
    return ", ".join(ids) + (f" and {more} more" if more > 0 else "")


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def _value(figure: Figure) -> str:
    text = _number(figure.value)
    if figure.value_max is not None:
        text += f"–{_number(figure.value_max)}"
    return f"{text} ({figure.qualifier.value})"


def register(app: typer.Typer) -> None:
    """Adds the alert commands to the root `claimwatch` command."""

    @app.command()
    def figures(
        as_json: Annotated[bool, typer.Option("--json", help="One figure JSON object per line.")] = False,
        subject: Annotated[str | None, typer.Option(help="Only this subject, e.g. RU.")] = None,
        metric: Annotated[str | None, typer.Option()] = None,
        unit: Annotated[str | None, typer.Option()] = None,
        source: Annotated[str | None, typer.Option()] = None,
    ) -> None:
        """The tracked figures and their current values (from Redis)."""
        found = _redis_call(
            lambda client, keys: FigureStore(client, keys).list(
                subject=subject, metric=metric, unit=unit, source=source
            )
        )
        if as_json:
            for figure in found:
                typer.echo(figure.model_dump_json())
            return
        table = Table(title=f"{len(found)} tracked figures")
        for column in ("figure", "value", "source", "reported by", "last changed", "conflicts"):
            table.add_column(column)
        for figure in found:
            table.add_row(
                figure.figure_key,
                _value(figure),
                figure.source or "—",
                str(max(figure.reported_by_count, len(figure.reported_by))),
                figure.last_changed.strftime("%Y-%m-%d %H:%M"),
                ", ".join(f"{c.source or 'unattributed'}: {_number(c.value)}" for c in figure.conflicts),
            )
        _console().print(table)

    @app.command()
    def figure(
        key: Annotated[
            str, typer.Argument(help="The figure key, e.g. RU/killed_or_wounded/soldiers/total/nato")
        ],
        as_json: Annotated[bool, typer.Option("--json")] = False,
    ) -> None:
        """One figure with its history and evidence."""
        found = _redis_call(lambda client, keys: FigureStore(client, keys).get(key))
        if found is None:
            typer.echo(f"no figure {key!r}", err=True)
            raise typer.Exit(1)
        if as_json:
            typer.echo(found.model_dump_json(indent=2))
            return
        console = _console()
        console.print(f"[bold]{found.figure_key}[/bold]: {_value(found)} {found.unit}, {found.metric}")
        console.print(
            f"subject {found.subject or '—'} · source {found.source or 'unattributed'} · "
            f"first seen {found.first_seen:%Y-%m-%d %H:%M} · last changed {found.last_changed:%Y-%m-%d %H:%M}"
        )
        history = Table(title="history")
        for column in ("published", "value", "articles", "evidence"):
            history.add_column(column)
        for entry in found.history:
            history.add_row(
                f"{entry.published_at:%Y-%m-%d}" if entry.published_at else "—",
                f"{_number(entry.value)} ({entry.qualifier.value})",
                _articles(entry.reported_by or [entry.article_id], entry.reported_by_count),
                entry.evidence or "",
            )
        console.print(history)
        dropped = found.history_count - len(found.history)
        if dropped > 0:
            console.print(f"({dropped} older values not kept)")
        console.print(
            f"current value stated by {max(found.corroboration_count, len(found.corroborations))} claims "
            f"in {_articles(found.reported_by, found.reported_by_count)}"
        )
        for conflict in found.conflicts:
            console.print(
                f"[yellow]conflict[/yellow]: {conflict.source or 'unattributed'} says "
                f"{_number(conflict.value)} ({conflict.figure_key})"
            )

    @app.command()
    def alerts(
        follow: Annotated[
            bool,
            typer.Option(
                "--follow", "-f", help="Print the feed's alerts, then each new one as it comes (SSE)."
            ),
        ] = False,
        failed: Annotated[
            bool, typer.Option("--failed", help="Webhook deliveries in the dead-letter stream.")
        ] = False,
        redeliver: Annotated[
            str | None, typer.Option(help="Redeliver this dead letter (id from --failed).")
        ] = None,
        since: Annotated[str | None, typer.Option(help="Only alerts after this feed entry id.")] = None,
    ) -> None:
        """Alerts as JSON lines: those in the change feed, or live with --follow."""
        if redeliver is not None:
            with _api() as client:
                typer.echo(json.dumps(_check(client.post(f"/alerts/failed/{redeliver}/redeliver"))))
            return
        if failed:

            async def letters(client: aioredis.Redis, keys: Keys) -> list[dict[str, Any]]:
                return [
                    {**letter.__dict__, "alert": letter.alert.model_dump(mode="json")}
                    for letter in await read_dead_letters(client, keys)
                ]

            for letter in _redis_call(letters):
                typer.echo(json.dumps(letter, ensure_ascii=False))
            return
        if follow:
            _follow(since or "0")
            return
        start = f"({since}" if since else "-"
        for entry in _redis_call(lambda client, keys: feed.read_range(client, keys, start=start)):
            typer.echo(entry.alert.model_dump_json())

    @app.command()
    def subscribe(
        webhook: Annotated[str, typer.Option(help="URL the alerts are POSTed to.")],
        secret: Annotated[str, typer.Option(help="HMAC-SHA256 key of the Claimwatch-Signature header.")],
        figure_key: Annotated[str | None, typer.Option(help="Glob on the figure key, e.g. 'RU/*'.")] = None,
        subject: Annotated[str | None, typer.Option()] = None,
        metric: Annotated[str | None, typer.Option()] = None,
        unit: Annotated[str | None, typer.Option()] = None,
        source: Annotated[str | None, typer.Option()] = None,
        location: Annotated[str | None, typer.Option()] = None,
        kind: Annotated[list[AlertKind] | None, typer.Option(help="Alert kinds wanted (repeatable).")] = None,
        min_abs_change: Annotated[float | None, typer.Option(help="Least |delta| of a change.")] = None,
        min_rel_change: Annotated[
            float | None, typer.Option(help="Least |relative change|, 0.1 = 10 %.")
        ] = None,
    ) -> None:
        """Subscribe a webhook to alerts (prints the subscription, without its secret)."""
        body: dict[str, Any] = {
            "webhook": webhook,
            "secret": secret,
            "figure_key": figure_key,
            "subject": subject,
            "metric": metric,
            "unit": unit,
            "source": source,
            "location": location,
            "kinds": [k.value for k in kind] if kind else None,
            "min_abs_change": min_abs_change,
            "min_rel_change": min_rel_change,
        }
        with _api() as client:
            created = _check(
                client.post("/subscriptions", json={k: v for k, v in body.items() if v is not None})
            )
        typer.echo(json.dumps(created, ensure_ascii=False))

    @app.command()
    def subscriptions(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
        """The subscriptions."""
        with _api() as client:
            listed: list[dict[str, Any]] = _check(client.get("/subscriptions"))
        if as_json:
            for subscription in listed:
                typer.echo(json.dumps(subscription, ensure_ascii=False))
            return
        table = Table(title=f"{len(listed)} subscriptions")
        for column in ("id", "webhook", "filters"):
            table.add_column(column)
        for subscription in listed:
            filters = {
                k: v
                for k, v in subscription.items()
                if v is not None and k not in {"id", "webhook", "created_at"}
            }
            table.add_row(
                subscription["id"], subscription["webhook"], json.dumps(filters, ensure_ascii=False)
            )
        _console().print(table)

    @app.command()
    def unsubscribe(
        subscription_id: Annotated[str, typer.Argument(help="Id from `claimwatch subscriptions`.")],
    ) -> None:
        """Delete a subscription."""
        with _api() as client:
            _check(client.delete(f"/subscriptions/{subscription_id}"))
        typer.echo(f"deleted {subscription_id}")

    @app.command()
    def silence(
        hours: Annotated[float, typer.Option(help="How long the silence holds.")] = 1.0,
        figure_key: Annotated[str | None, typer.Option(help="Glob on the figure key.")] = None,
        subject: Annotated[str | None, typer.Option()] = None,
        metric: Annotated[str | None, typer.Option()] = None,
        source: Annotated[str | None, typer.Option()] = None,
        comment: Annotated[str | None, typer.Option()] = None,
    ) -> None:
        """Hold back webhook alerts matching the filters for a while."""
        body: dict[str, Any] = {
            "ends_at": (datetime.now(UTC) + timedelta(hours=hours)).isoformat(),
            "figure_key": figure_key,
            "subject": subject,
            "metric": metric,
            "source": source,
            "comment": comment,
        }
        with _api() as client:
            created = _check(client.post("/silences", json={k: v for k, v in body.items() if v is not None}))
        typer.echo(json.dumps(created, ensure_ascii=False))


def _follow(last_event_id: str) -> None:
    """Prints the SSE stream's alerts as JSON lines until interrupted; reconnects after a lost
    connection, resuming after the last alert printed (Last-Event-ID)."""
    try:
        while True:
            try:
                with (
                    _api(httpx.Timeout(30, read=None)) as client,
                    client.stream(
                        "GET", "/alerts/stream", headers={"Last-Event-ID": last_event_id}
                    ) as response,
                ):
                    if response.is_error:
                        typer.echo(f"error: HTTP {response.status_code}", err=True)
                        raise typer.Exit(1)
                    for line in response.iter_lines():
                        if line.startswith("id:"):
                            last_event_id = line[3:].strip()
                        elif line.startswith("data:"):
                            typer.echo(line[5:].strip())
            except httpx.HTTPError as error:
                typer.echo(f"stream lost ({error}); reconnecting after {last_event_id}", err=True)
                time.sleep(1.0)
    except KeyboardInterrupt:
        raise typer.Exit(0) from None
    except httpx.TransportError as error:
        typer.echo(f"error: alert service not reachable: {error}", err=True)
        raise typer.Exit(1) from None
