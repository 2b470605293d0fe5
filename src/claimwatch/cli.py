"""The `claimwatch` command: run the stack, push articles, extract offline, evaluate, and read figures."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import httpx
import typer

from claimwatch import demo as demo_module
from claimwatch.dlq import dead_letters, dlq_topics, replay
from claimwatch.stack import StackSettings, running_stack
from claimwatch_alert.cli import register as register_alert_commands
from claimwatch_extract.evaluation import evaluate_gold_file, format_report
from claimwatch_extract.extractor import extract_article
from claimwatch_ingest.parsing import ArticleInputError, articles_from_file, articles_from_stdin_text
from claimwatch_ingest.publisher import KafkaArticlePublisher
from claimwatch_schemas import Article, ConnectionSettings
from claimwatch_schemas.settings import exposure_problem, kafka_producer_options, redact_url

app = typer.Typer(
    name="claimwatch",
    help="Watch the figures the news reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class DeadLetterSource(StrEnum):
    ARTICLES = "articles"
    CLAIMS = "claims"


def read_articles(paths: list[str]) -> list[Article]:
    """Articles from files (.txt, .json, .jsonl) or "-" (stdin); bad input exits with the reason."""
    articles: list[Article] = []
    try:
        for name in paths:
            if name == "-":
                articles.extend(articles_from_stdin_text(sys.stdin.read()))
            else:
                path = Path(name)
                if not path.is_file():
                    raise typer.BadParameter(f"{name}: no such file")
                articles.extend(articles_from_file(path))
    except ArticleInputError as error:
        typer.echo(f"error: {error.title}", err=True)
        for problem in error.problems:
            typer.echo(f"  {problem.field}: {problem.reason}", err=True)
        raise typer.Exit(2) from None
    return articles


class StopRequestedError(KeyboardInterrupt):
    """Ctrl-C or SIGTERM: unwinds `up` from wherever it is, so every `finally` stops what it started.

    A KeyboardInterrupt, as Python's own Ctrl-C: asyncio (creating the topics runs a loop) passes
    only KeyboardInterrupt and SystemExit out of its callbacks and tasks; any other exception
    raised there by the signal handler was logged and dropped, and start-up went on."""


class _StopFlag:
    """Set by the signal handler: a plain attribute, no lock the interrupted thread may hold."""

    requested = False


def _stop_requested(signum: int, frame: object) -> None:
    # Raising here (rather than setting a threading.Event, whose lock the interrupted main thread
    # may hold) cannot deadlock; further signals are ignored while everything is being stopped.
    # The flag is for where the raise is swallowed anyway (a __del__ or another finaliser the
    # signal interrupted prints and drops any exception): `up` checks it before it says it is up
    # and while it runs.
    _StopFlag.requested = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise StopRequestedError


@app.command()
def up(
    partitions: Annotated[int | None, typer.Option(help="Partitions of the topics created.")] = None,
    public: Annotated[
        bool,
        typer.Option(
            "--public", help="Serve the HTTP APIs on every interface (0.0.0.0); needs CLAIMWATCH_API_TOKEN."
        ),
    ] = False,
) -> None:
    """Start the embedded Kafka and Redis (unless CLAIMWATCH_KAFKA_BOOTSTRAP / CLAIMWATCH_REDIS_URL
    name servers), create the topics and run the three services until Ctrl-C or SIGTERM.
    The HTTP APIs listen on 127.0.0.1 unless --public is given."""
    settings = StackSettings()
    if partitions is not None:
        settings = settings.model_copy(update={"partitions": partitions})
    if public and exposure_problem("0.0.0.0", settings.api_token) is not None:
        typer.echo(
            "error: --public needs CLAIMWATCH_API_TOKEN: without it anyone who reaches this machine "
            "could push articles and read figures and subscriptions. Set it, or drop --public.",
            err=True,
        )
        raise typer.Exit(2)
    _StopFlag.requested = False
    signal.signal(signal.SIGINT, _stop_requested)
    signal.signal(signal.SIGTERM, _stop_requested)
    try:
        with running_stack(settings, public=public) as stack:
            if _StopFlag.requested:
                raise StopRequestedError
            typer.echo(
                "claimwatch is up:\n"
                f"  kafka   {stack.kafka_bootstrap}  topics {', '.join(stack.settings.all_topics())}\n"
                f"  redis   {redact_url(stack.redis_url)}\n"
                f"  ingest  {stack.ingest_url}  (POST /articles)\n"
                f"  alert   {stack.alert_url}  (GET /figures, /alerts/stream)\n"
                "Ctrl-C stops everything.",
                err=True,
            )
            while not stack.supervisor.exited():
                if _StopFlag.requested:
                    raise StopRequestedError
                time.sleep(0.5)
            typer.echo(f"a service stopped: {stack.supervisor.exited()}; stopping all", err=True)
            raise typer.Exit(1)
    except StopRequestedError:
        pass
    except RuntimeError as error:  # a server or service that would not start, ports in use
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo("claimwatch stopped.", err=True)


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files (.txt, .json, .jsonl) or '-' for stdin.")],
    api: Annotated[str | None, typer.Option(help="Ingest API URL.", envvar="CLAIMWATCH_INGEST_URL")] = None,
    kafka: Annotated[str | None, typer.Option(help="Publish straight to this Kafka bootstrap.")] = None,
    topic: Annotated[str, typer.Option(envvar="CLAIMWATCH_TOPIC_ARTICLES")] = "articles",
) -> None:
    """Push articles into claimwatch, through the HTTP API (default) or straight to Kafka."""
    if api and kafka:
        raise typer.BadParameter("give --api or --kafka, not both")
    articles = read_articles(paths)
    if kafka:
        asyncio.run(_publish_to_kafka(kafka, topic, articles))
        for article in articles:
            typer.echo(article.id)
    else:
        _post_articles((api or "http://127.0.0.1:8081").rstrip("/") + "/articles", articles)


INGEST_BATCH = 500
INGEST_BATCH_BYTES = 1_000_000  # under the API's default body limit (1 MiB of text + 64 KiB)


def request_batches(articles: list[Article]) -> list[list[dict[str, object]]]:
    """Articles as JSON bodies the API accepts: at most INGEST_BATCH articles and, but for a single
    large article, INGEST_BATCH_BYTES each."""
    batches: list[list[dict[str, object]]] = []
    size = 0
    for article in articles:
        item = article.model_dump(mode="json", exclude_none=True)
        item_size = len(json.dumps(item, ensure_ascii=False).encode("utf-8")) + 2
        if not batches or len(batches[-1]) >= INGEST_BATCH or size + item_size > INGEST_BATCH_BYTES:
            batches.append([])
            size = 0
        batches[-1].append(item)
        size += item_size
    return batches


def _post_articles(url: str, articles: list[Article]) -> None:
    """Posts in batches the API accepts, printing each batch's ids as it is accepted; duplicates
    are named on stderr, a refusal stops with its reason."""
    token = ConnectionSettings().api_token
    headers = {"Authorization": f"Bearer {token.get_secret_value()}"} if token else {}
    with httpx.Client(timeout=60.0, headers=headers) as client:
        for body in request_batches(articles):
            try:
                response = client.post(url, json=body)
            except httpx.HTTPError as error:
                typer.echo(f"error: cannot reach {url}: {error}", err=True)
                raise typer.Exit(1) from None
            if response.status_code == 409 and response.json().get("title") == "Duplicate article":
                for item in body:
                    typer.echo(f"{item['id']}: accepted before, not published again", err=True)
                continue
            if response.status_code != 202:
                typer.echo(f"error: {response.status_code} {response.text}", err=True)
                raise typer.Exit(1)
            answer = response.json()
            for article_id in answer["ids"]:
                typer.echo(article_id)
            for duplicate in answer.get("duplicates", []):
                typer.echo(f"{duplicate}: accepted before, not published again", err=True)


async def _publish_to_kafka(bootstrap: str, topic: str, articles: list[Article]) -> None:
    publisher = KafkaArticlePublisher(bootstrap, topic, **kafka_producer_options(ConnectionSettings()))
    await publisher.start()
    try:
        await publisher.publish(articles)
    finally:
        await publisher.stop()


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(help="Files (.txt, .json, .jsonl) or '-' for stdin.")],
) -> None:
    """Extract claims offline (no Kafka): one claim JSON object per line."""
    for article in read_articles(paths):
        extraction = extract_article(article)
        if extraction.outcome != "ok":
            typer.echo(f"{extraction.article_id}: {extraction.outcome}", err=True)
        for claim in extraction.claims:
            typer.echo(json.dumps(claim.model_dump(mode="json"), ensure_ascii=False))


@app.command(name="eval")
def evaluate(gold: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """Score the extractor against a gold file: recall, precision and per-field accuracy."""
    typer.echo(format_report(evaluate_gold_file(gold)))


@app.command()
def dlq(
    replay_offsets: Annotated[
        list[str] | None,
        typer.Option("--replay", help="Replay PARTITION/OFFSET (repeatable) or 'all' onto its topic."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per dead letter.")] = False,
    topic: Annotated[
        DeadLetterSource,
        typer.Option("--topic", help="articles: the extractor's dead letters; claims: the alert service's."),
    ] = DeadLetterSource.ARTICLES,
) -> None:
    """List dead letters (bad records set aside from `articles` or `claims`), or replay them."""
    settings = ConnectionSettings()
    dlq_topic, origin = dlq_topics(settings, topic.value)
    letters = asyncio.run(dead_letters(settings, dlq_topic))
    if replay_offsets:
        wanted = set(replay_offsets)
        chosen = [letter for letter in letters if "all" in wanted or letter.position in wanted]
        missing = wanted - {"all"} - {letter.position for letter in chosen}
        if missing:
            typer.echo(f"error: no dead letter at {', '.join(sorted(missing))}", err=True)
            raise typer.Exit(2)
        count = asyncio.run(replay(settings, origin, chosen))
        typer.echo(f"replayed {count} dead letters onto {origin}")
        return
    if as_json:
        for letter in letters:
            typer.echo(json.dumps(letter.as_json(), ensure_ascii=False))
        return
    if not letters:
        typer.echo(f"no dead letters in {dlq_topic}")
        return
    for letter in letters:
        row = letter.as_json()
        typer.echo(f"{row['partition']}/{row['offset']}  {row['key']}  {row['error']}: {row['reason']}")


@app.command()
def demo(
    seeds: Annotated[Path, typer.Option(help="Folder of articles to push.")] = Path("seeds"),
) -> None:
    """Start the embedded stack, push the seed articles through the API, show claims and alerts, stop."""
    raise typer.Exit(demo_module.run(seeds))


register_alert_commands(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
