"""A long fuzz run (not part of `make test`): `uv run python -m tests.fuzz_run [--examples N]`.

Drives the same properties as tests/unit/test_fuzz_properties.py (and the extractor's, from
test_extract_robustness.py) through hypothesis with N examples each, plus N raw records through the
extractor's and the alert service's record routing (which must turn anything into claims or a dead
letter, never raise). Prints one line per target with its count, failures and time.
"""

from __future__ import annotations

import argparse
import json
import random
import time
import traceback
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings

from claimwatch_alert.claim_records import route_claim
from claimwatch_extract.routing import route_article
from tests.unit import test_fuzz_properties as properties

SUPPRESS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]


def run_property(name: str, test: Callable[..., None], examples: int) -> tuple[str, int, str | None]:
    inner = test.hypothesis.inner_test  # type: ignore[attr-defined]  # set by @given
    strategies = test.hypothesis._given_kwargs  # type: ignore[attr-defined]  # hypothesis keeps them here
    counted = 0

    def counting(**kwargs: object) -> None:
        nonlocal counted
        counted += 1
        inner(**kwargs)

    wrapped = settings(max_examples=examples, deadline=None, suppress_health_check=SUPPRESS, database=None)(
        given(**strategies)(counting)
    )
    try:
        wrapped()
    except Exception:
        return name, counted, traceback.format_exc(limit=3)
    return name, counted, None


def mutate(seed: bytes, rand: random.Random) -> bytes:
    data = bytearray(seed)
    for _ in range(rand.randint(1, 8)):
        choice = rand.random()
        position = rand.randrange(len(data) + 1)
        if choice < 0.4 and data:
            data[min(position, len(data) - 1)] = rand.randrange(256)
        elif choice < 0.7:
            data[position:position] = bytes(rand.randrange(256) for _ in range(rand.randint(1, 4)))
        else:
            del data[position : position + rand.randint(1, 6)]
    return bytes(data)


ARTICLE_SEEDS = [
    json.dumps(
        {"id": "a1", "text": "Russland hat mindestens 1.150 Soldaten verloren, teilte der Generalstab mit."}
    ),
    json.dumps(
        {"text": "More than 600,000 Russian soldiers were killed or wounded, NATO said.", "language": "en"}
    ),
    json.dumps([{"text": "x"}]),
]


def run_routing(examples: int, seed: int = 5) -> list[tuple[str, int, str | None]]:
    """Mutated articles and claims through the pure routers: claims or one dead letter, never raising."""
    from tests.integration.test_alert_support import make_claim

    claim_seeds = [
        make_claim("fuzz", 600_000).model_dump_json(),
        make_claim("f2", 5, value_max=9).model_dump_json(),
    ]
    rand = random.Random(seed)
    results = []
    for name, seeds, route in (
        ("route_article (mutated records)", ARTICLE_SEEDS, route_article),
        ("route_claim (mutated records)", claim_seeds, route_claim),
    ):
        failure = None
        for _ in range(examples):
            value = mutate(rand.choice(seeds).encode(), rand)
            try:
                route(b"k", value)
            except Exception:
                failure = f"{value!r}\n{traceback.format_exc(limit=3)}"
                break
        results.append((name, examples, failure))
    return results


def report(label: str, count: int, failure: str | None, seconds: float) -> None:
    print(f"{label:34} {count:>8} inputs  {'FAILED' if failure else 'ok':6} {seconds:7.1f}s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=25_000, help="examples per target")
    args = parser.parse_args()
    from tests.unit import test_extract_robustness as extractor

    targets: list[tuple[str, Callable[..., None]]] = [
        ("ingest parsing (bodies)", properties.test_ingest_parsing_refuses_only_with_article_input_error),
        (
            "ingest parsing (stdin, jsonl)",
            properties.test_stdin_and_jsonl_parsing_refuse_only_with_article_input_error,
        ),
        ("number parser", properties.test_number_parser_never_raises_and_spans_lie_in_the_text),
        ("extractor", extractor.test_never_raises_and_spans_reproduce),
    ]
    total = 0
    failed = False
    for name, test in targets:
        started = time.monotonic()
        label, count, failure = run_property(name, test, args.examples)
        total += count
        failed = failed or failure is not None
        report(label, count, failure, time.monotonic() - started)
        if failure:
            print(failure)
    started = time.monotonic()
    for label, count, failure in run_routing(args.examples):
        total += count
        failed = failed or failure is not None
        report(label, count, failure, time.monotonic() - started)
        if failure:
            print(failure)
    print(f"{'total':34} {total:>8} inputs  {'FAILED' if failed else 'ok'}")
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
