"""How fast the machine is at the moment: these VMs' speed moves between runs and within one.

On 2026-12-06 the same build ran the extraction core at 524 articles/s at 20:56 UTC and at 275-291
from 21:09 on (one pass to the next of a run 37 % apart), with nothing else running. A fixed loop
of pure Python is timed before each part of the bench and printed with the report. It is a rough
check only: in the runs of 21:34 and 21:49 UTC it read 69-115 ms while extraction stayed at
339-352 articles/s, so a slow phase can be there without the loop showing it.
"""

from __future__ import annotations

import time

LOOP = 3_000_000


def loop_ms() -> float:
    """CPU milliseconds of `LOOP` integer additions in a Python loop, the best of three."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        total = 0
        for number in range(LOOP):
            total += number
        best = min(best, time.process_time() - started)
    return best * 1000
