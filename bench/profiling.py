"""Profiles behind bench/README.md: `python -m bench.profiling extraction|e2e [--articles N]`.

extraction: pyinstrument over the pure extractor (one process, corpus articles).
e2e: the embedded stack under a burst, with py-spy sampling the ingest, extract and alert
processes from outside (`py-spy record --format raw`); prints each one's heaviest functions,
inclusive (time on the stack) and self (time at the top of the stack).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.corpus import build_corpus


def profile_extraction(articles: int) -> None:
    from pyinstrument import Profiler

    from claimwatch_extract.extractor import extract_article

    corpus = build_corpus(articles)
    for article in corpus.articles[:20]:
        extract_article(article)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for article in corpus.articles:
        extract_article(article)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def _frame_name(frame: str) -> str:
    # py-spy raw frames look like "function (module/file.py:line)"; keep function and file
    name, _, where = frame.partition(" (")
    return f"{name} ({where.rsplit(':', 1)[0].rstrip(')')})" if where else name


def summarise(raw: Path, top: int = 25) -> str:
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_frame_name(f) for f in stack.split(";") if f]
        if not frames:
            continue
        total += count
        own[frames[-1]] += count
        for name in set(frames):
            inclusive[name] += count
    if not total:
        return "  (no samples)"
    lines = [f"  {total} samples; inclusive:"]
    lines += [f"    {100 * n / total:5.1f}%  {name}" for name, n in inclusive.most_common(top)]
    lines.append("  self:")
    lines += [f"    {100 * n / total:5.1f}%  {name}" for name, n in own.most_common(top)]
    return "\n".join(lines)


def profile_e2e(articles: int, rate: float | None = None) -> None:
    from bench.e2e import run_e2e
    from bench.synthetic import synthetic_articles
    from claimwatch.stack import StackSettings, running_stack

    corpus = build_corpus(600)
    spy = Path(sys.executable).with_name("py-spy")
    out_dir = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    log_path = out_dir / "stack.log"
    with log_path.open("w") as log, running_stack(StackSettings(), free_ports=True, out=log) as stack:
        topics = {
            "articles": stack.settings.topic_articles,
            "claims": stack.settings.topic_claims,
            "alerts": stack.settings.topic_alerts,
        }

        def burst(name: str, first: int, count: int, rate: float | None = None) -> None:
            items = synthetic_articles(corpus, name, first, count)
            asyncio.run(
                run_e2e(
                    name=name,
                    ingest_url=stack.ingest_url,
                    bootstrap=stack.kafka_bootstrap,
                    topics=topics,
                    items=items,
                    rate=rate,
                )
            )

        burst("warm", 0, 20)
        spies = {}
        for name, process in stack.supervisor.processes.items():
            raw = out_dir / f"{name}.txt"
            spies[name] = (
                raw,
                subprocess.Popen(
                    [
                        str(spy),
                        "record",
                        "--pid",
                        str(process.pid),
                        "--format",
                        "raw",
                        "--rate",
                        "200",
                        "--output",
                        str(raw),
                        "--nonblocking",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                ),
            )
        burst("profiled", 1000, articles, rate)
        for _, spy_process in spies.values():
            spy_process.send_signal(2)  # SIGINT: py-spy writes its output and exits
        for _, spy_process in spies.values():
            spy_process.wait(timeout=60)
    for name, (raw, _) in spies.items():
        print(f"== {name} ({raw})")
        print(summarise(raw) if raw.exists() else "  (py-spy wrote nothing)")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profiling")
    parser.add_argument("what", choices=["extraction", "e2e"])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--rate", type=float, default=None, help="e2e: one article per request at this rate")
    args = parser.parse_args()
    if args.what == "extraction":
        profile_extraction(args.articles)
    else:
        profile_e2e(args.articles, args.rate)
    return 0


if __name__ == "__main__":
    sys.exit(main())
