"""The stack's processes seen from outside: resident memory and CPU seconds of each, by service."""

from __future__ import annotations

import os
from dataclasses import dataclass

import psutil  # type: ignore[import-untyped]

_NAMES = {
    "claimwatch_ingest": "ingest",
    "claimwatch_extract": "extract",
    "claimwatch_alert": "alert",
    "redis-server": "redis",
    "redis": "redis",
    "tansu": "tansu",
}


def _service(process: psutil.Process) -> str | None:
    try:
        words = " ".join(process.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None
    for marker, name in _NAMES.items():
        if marker in words:
            return name
    return None


@dataclass(frozen=True)
class Sample:
    rss: dict[str, int]  # by service name (extract workers summed as extract, also extract#pid)
    cpu: dict[str, float]  # user + system seconds so far


def sample() -> Sample:
    """RSS and CPU seconds of every descendant of this process that is a stack service."""
    me = psutil.Process(os.getpid())
    times = me.cpu_times()
    rss: dict[str, int] = {"bench client": me.memory_info().rss}
    cpu: dict[str, float] = {"bench client": times.user + times.system}
    for child in psutil.Process(os.getpid()).children(recursive=True):
        name = _service(child)
        if name is None:
            continue
        try:
            mem = child.memory_info().rss
            times = child.cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        seconds = times.user + times.system
        keys = [name] if name != "extract" else ["extract", f"extract#{child.pid}"]
        for key in keys:
            rss[key] = rss.get(key, 0) + mem
            cpu[key] = cpu.get(key, 0.0) + seconds
    return Sample(rss, cpu)


def cpu_delta(before: Sample, after: Sample) -> dict[str, float]:
    return {name: after.cpu[name] - before.cpu.get(name, 0.0) for name in after.cpu}
