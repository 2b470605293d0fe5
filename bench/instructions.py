"""Instructions per article of the extraction core, counted by valgrind's callgrind.

`python -m bench.instructions [--warm-up N] [--articles N]` runs this module again under
`valgrind --tool=callgrind` with collection off, extracts N corpus articles to warm up (lexicons
compiled, key tables filled), switches collection on with `callgrind_control`, extracts the next
N articles and switches it off; it prints the instructions counted per article. Timings on these
shared VMs move by ±15 % between runs, a count does not: the same build, articles and
PYTHONHASHSEED (fixed to 0 here) give the same count within ~0.5 %, whatever else the machine
runs, so two builds can be compared on a busy machine. Instructions are not seconds (cache
misses and branch mispredictions are not in them): a change that a count favours is still
confirmed by timings. Callgrind runs the code ~50x slower: the defaults take ~2 minutes.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

_COLLECTED = re.compile(r"Collected : (\d+)")


def _child(warm_up: int, articles: int) -> None:
    from bench.corpus import build_corpus
    from claimwatch_extract.extractor import extract_article

    corpus = build_corpus(warm_up + articles).articles
    for article in corpus[:warm_up]:
        extract_article(article)
    collect("on")
    for article in corpus[warm_up : warm_up + articles]:
        extract_article(article)
    collect("off")


def collect(state: str) -> None:
    """In a process under callgrind: start ("on") or stop ("off") counting."""
    pid = str(os.getpid())  # under valgrind the process keeps its pid
    subprocess.run(["callgrind_control", f"--instr={state}", pid], check=True, capture_output=True)


def count(warm_up: int, articles: int) -> int:
    """Instructions counted over `articles` articles after `warm_up` others."""
    return callgrind_count("bench.instructions", [f"--warm-up={warm_up}", f"--articles={articles}"])


def callgrind_count(module: str, child_args: list[str]) -> int:
    """Instructions counted while `python -m module --child *child_args` had `collect` on."""
    missing = [tool for tool in ("valgrind", "callgrind_control") if shutil.which(tool) is None]
    if missing:
        sys.exit(f"python -m {module} needs {' and '.join(missing)} on PATH (Debian: apt install valgrind)")
    with tempfile.TemporaryDirectory(prefix="bench-callgrind-") as tmp:
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={Path(tmp) / 'callgrind.out'}",
            sys.executable,
            "-m",
            module,
            "--child",
            *child_args,
        ]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"callgrind run failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--warm-up", type=int, default=100)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.warm_up, args.articles)
        return
    total = count(args.warm_up, args.articles)
    per_article = total / args.articles
    print(f"{total:,} instructions over {args.articles} articles after {args.warm_up} of warm-up")
    print(f"{per_article:,.0f} instructions per article")
    print(f"instructions_per_article={per_article:.0f} articles={args.articles} warm_up={args.warm_up}")


if __name__ == "__main__":
    main()
