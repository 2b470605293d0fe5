"""The results as markdown tables, a last line of key=value figures, and `bench/results.json`."""

from __future__ import annotations

import itertools
import json
import math
import platform
import statistics
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.extraction import ExtractionResult
from bench.peers import PeerResult
from bench.soak import FLAT_MB, KEPT_UP_SECONDS, SERVICES, STORES, SoakResult
from bench.suites import SuiteResult

MB = 1024 * 1024

TARGETS = {
    "extract_articles_per_s": (">=", 500.0),
    "quantulum3_ratio": (">=", 20.0),
    "e2e_articles_per_s": (">=", 300.0),
    "e2e_rate50_p99_ms": ("<=", 250.0),
    # issue 6, "memory flat over a 10-minute run at 50 articles/s": the largest RSS growth of
    # ingest, extract and alert after the warm-up minute (Tansu and Redis keep the data in memory)
    "soak_service_rss_growth_mb": ("<", FLAT_MB),
}


@dataclass
class Report:
    mode: str
    extraction: ExtractionResult | None = None
    peers: list[PeerResult] = field(default_factory=list)
    suites: list[SuiteResult] = field(default_factory=list)
    soak: SoakResult | None = None
    notes: list[str] = field(default_factory=list)
    speed: list[tuple[str, float]] = field(default_factory=list)
    """(when, CPU ms of `calibration.loop_ms`'s fixed loop): the machine's speed before each part."""


def machine() -> dict[str, str]:
    model = ""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next(
            (ln.split(":", 1)[1].strip() for ln in out.splitlines() if ln.startswith("Model name")), ""
        )
    except OSError:
        pass
    try:
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        load = "?"
    import os

    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": str(os.cpu_count()),
        "cpu_model": model,
        "python": platform.python_version(),
        "loadavg_at_end": load,
    }


def _f(value: float, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:,.{digits}f}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def extraction_table(x: ExtractionResult) -> str:
    rates = x.language_rates()
    rows = [
        ["articles (3-4 kB, half de, half en)", f"{x.articles} ({_f(x.kilobytes / x.articles, 2)} kB avg)"],
        ["passes (median counts)", f"{len(x.passes)}, spread {_f(x.spread * 100)}%"],
        ["articles/s, one core (wall)", _f(x.articles_per_s)],
        ["articles/s per CPU second", _f(x.articles_per_cpu_s)],
        ["µs per kB", _f(x.us_per_kb, 0)],
        [
            "ms per article p50 / p99",
            f"{_f(_pct(x.us_per_article, 50) / 1000, 2)} / {_f(_pct(x.us_per_article, 99) / 1000, 2)}",
        ],
        *[[f"articles/s, {lang} only", _f(rate)] for lang, rate in rates.items()],
        ["claims per article", _f(x.claims_per_article)],
        ["peak traced Python memory (tracemalloc)", f"{_f(x.tracemalloc_peak / MB)} MB"],
        ["RSS per pass (MB)", " → ".join(_f(r / MB) for r in x.rss_per_pass)],
    ]
    return _table(["extraction core", "value"], rows)


def _pct(values: list[float], q: float) -> float:
    from bench.measure import percentile

    return percentile(values, q)


def peers_table(x: ExtractionResult | None, peers: list[PeerResult]) -> str:
    rows = []
    for p in peers:
        if not p.available:
            rows.append([p.name, p.scope, "n/a", "n/a", "n/a", p.note])
            continue
        rows.append(
            [
                p.name,
                p.scope,
                str(p.articles),
                _f(p.per_s, 2),
                _f(p.ours_per_s, 1),
                f"{_f(p.ours_ratio, 2)}x ({p.note})",
            ]
        )
    return _table(["peer", "articles", "n", "peer articles/s", "ours articles/s", "ours / peer"], rows)


def suite_table(s: SuiteResult) -> str:
    rows = []
    for r in s.runs:
        offered = f"{r.rate:g}/s" if r.rate else "burst (50/request, 4 in flight)"
        total = r.latency()
        rows.append(
            [
                r.name,
                str(s.workers.get(r.name, 1)),
                str(r.articles),
                offered,
                _f(r.accept_rate),
                _f(r.throughput),
                f"{_f(total['p50'], 0)} / {_f(total['p95'], 0)} / {_f(total['p99'], 0)}",
                _f(r.latency("accepted", "extracted")["p50"], 0),
                _f(r.latency("extracted", "alerted")["p50"], 0),
                _f(r.latency("posted", "answered")["p50"], 0),
                f"{r.alerted}/{r.articles}",
            ]
        )
    table = _table(
        [
            "run",
            "workers",
            "n",
            "offered",
            "accepted/s",
            "e2e articles/s",
            "accept→alert ms p50/p95/p99",
            "accept→claim p50",
            "claim→alert p50",
            "HTTP p50",
            "alerted",
        ],
        rows,
    )
    cpu_rows = []
    for r in s.runs:
        per = r.cpu_ms_per_article()
        names = ["ingest", "extract", "alert", "tansu", "redis", "bench client"]
        cpu_rows.append([r.name] + [_f(per.get(n, float("nan")), 1) for n in names])
    cpu = _table(
        ["CPU ms per article", "ingest", "extract", "alert", "tansu", "redis", "bench client"], cpu_rows
    )
    mem_rows = []
    for r in s.runs:
        for name in ("ingest", "extract", "alert", "tansu", "redis"):
            if name in r.memory_after:
                mem_rows.append(
                    [
                        r.name,
                        name,
                        _f(r.memory_before.get(name, 0) / MB),
                        _f(r.memory_after[name] / MB),
                        _f(r.memory_max.get(name, 0) / MB),
                    ]
                )
    mem = _table(["RSS MB", "service", "before", "after", "max"], mem_rows)
    return "\n\n".join([table, cpu, mem])


def soak_tables(r: SoakResult) -> str:
    rows = []
    previous = None
    for s in r.samples:
        span = s.at - previous.at if previous is not None else 0.0
        rows.append(
            [
                f"{s.at:.0f}",
                s.phase,
                str(s.posted),
                str(s.accepted),
                str(s.alerted),
                str(s.lag),
                _f(s.window_alerts / span) if span > 0 else "-",
                f"{_f(_pct(s.window_ms, 50), 0)} / {_f(_pct(s.window_ms, 99), 0)}",
                *[_f(s.rss.get(n, 0) / MB) for n in SERVICES],
            ]
        )
        previous = s
    samples = _table(
        ["t s", "phase", "posted", "accepted", "alerted", "lag", "alerts/s", "accept→alert ms p50 / p99"]
        + [f"{n} MB" for n in SERVICES],
        rows,
    )
    cpu_rows = []
    for earlier, s in itertools.pairwise(r.samples):
        busy = s.cpu_percent_since(earlier)
        cpu_rows.append([f"{s.at:.0f}", s.phase, *[_f(busy.get(n, math.nan), 0) for n in SERVICES]])
    cpu = _table(["t s", "phase"] + [f"{n} CPU %" for n in SERVICES], cpu_rows)
    base, end = r.baseline, r.end
    growth, per_minute = r.growth_mb(), r.growth_mb_per_minute()
    mem_rows = []
    for n in growth:
        if n in STORES:
            kb = growth[n] * 1024 / max(1, end.accepted - base.accepted)
            verdict = f"keeps the data: {_f(kb)} kB per article accepted"
        else:
            verdict = "flat" if growth[n] < FLAT_MB else "GROWS"
            verdict = verdict if r.long_enough else f"{verdict}? (too short to tell)"
        mem_rows.append(
            [n, _f(base.rss[n] / MB), _f(end.rss[n] / MB), _f(growth[n]), _f(per_minute[n], 2), verdict]
        )
    memory = _table(
        [
            "RSS MB",
            f"after warm-up (t={base.at:.0f}s)",
            f"end of offer (t={end.at:.0f}s)",
            "growth MB",
            "MB/min",
            f"flat (< {FLAT_MB:g} MB)?",
        ],
        mem_rows,
    )
    lat = r.latency_after_warm_up()
    memory_verdict = ("flat" if r.flat else "NOT flat") if r.long_enough else "not judged (run too short)"
    summary = (
        f"offered {r.rate:g}/s for {r.seconds:g}s (sent in {r.send_seconds:.1f}s): {r.posted} posted, "
        f"{r.alerted}/{r.posted} alerted; lag at end of offer {end.lag} "
        f"({'kept up' if r.kept_up else 'did NOT keep up'}: at most {KEPT_UP_SECONDS:g} s of offer waiting); "
        f"{_f(r.alerts_per_s)} alerts/s after warm-up; accept→alert after warm-up "
        f"p50 {_f(lat['p50'], 0)} ms, p99 {_f(lat['p99'], 0)} ms; memory {memory_verdict} "
        f"(flat: ingest, extract and alert each grow < {FLAT_MB:g} MB after warm-up)"
    )
    cpu_title = "CPU of each process since the previous sample, in % of one core"
    return "\n\n".join([samples, f"{cpu_title}\n\n{cpu}", memory, summary])


def soak_figures(r: SoakResult) -> dict[str, float | int | str]:
    out: dict[str, float | int | str] = {
        "soak_seconds": round(r.seconds),
        "soak_rate": int(r.rate) if float(r.rate).is_integer() else r.rate,
        "soak_posted": r.posted,
        "soak_alerted": r.alerted,
        "soak_all_alerted": "yes" if r.alerted == r.posted else "no",
        "soak_lag_end": r.end.lag,
        "soak_kept_up": "yes" if r.kept_up else "no",
        "soak_alerts_per_s": round(r.alerts_per_s, 1),
        "soak_p99_ms": round(r.latency_after_warm_up()["p99"]),
    }
    growth = r.growth_mb()
    for name, mb in growth.items():
        out[f"soak_rss_growth_mb_{name}"] = round(mb, 1)
    services = [mb for name, mb in growth.items() if name not in STORES]
    if services and r.long_enough:  # else the target row says "not run": too short to judge
        out["soak_service_rss_growth_mb"] = round(max(services), 1)
    return out


def figures(report: Report) -> dict[str, float | int | str]:
    out: dict[str, float | int | str] = {"mode": report.mode}
    for when, ms in report.speed:
        out[f"machine_loop_ms_{when}"] = round(ms)
    x = report.extraction
    if x is not None:
        out["extract_articles_per_s"] = round(x.articles_per_s, 1)
        out["extract_us_per_kb"] = round(x.us_per_kb)
        out["extract_traced_peak_mb"] = round(x.tracemalloc_peak / MB, 1)
        out["extract_rss_growth_mb"] = round((x.rss_per_pass[-1] - x.rss_per_pass[1]) / MB, 1)
    for p in report.peers:
        key = "quantulum3_ratio" if p.name == "quantulum3" else "spacy_blank_ratio"
        out[key] = round(p.ours_ratio, 2) if p.available else "n/a"
    for s in report.suites:
        for r in s.runs:
            lat = r.latency()
            out[f"{s.part}_{r.name}_articles_per_s"] = round(r.throughput, 1)
            out[f"{s.part}_{r.name}_p99_ms"] = round(lat["p99"])
            if r.missing:
                out[f"{s.part}_{r.name}_missing"] = r.missing
    e2e = next((s for s in report.suites if s.part == "e2e"), None)
    if e2e is not None:
        bursts = [r.throughput for r in e2e.runs if r.rate is None]
        if bursts:
            out["e2e_articles_per_s"] = round(statistics.median(bursts), 1)  # of all the bursts
        rate50 = next((r for r in e2e.runs if r.rate == 50), None)
        if rate50 is not None:
            out["e2e_rate50_p99_ms"] = round(rate50.latency()["p99"])
    if report.soak is not None:
        out |= soak_figures(report.soak)
    for key, (op, target) in TARGETS.items():
        value = out.get(key)
        if isinstance(value, int | float):
            met = {">=": value >= target, "<=": value <= target, "<": value < target}[op]
            out[f"target_{key}"] = "met" if met else "missed"
    return out


def render(report: Report, info: dict[str, str]) -> str:
    parts = [
        f"claimwatch bench ({report.mode}), {info['date']}, {info['cpus']} CPUs ({info['cpu_model']}), "
        f"Python {info['python']}, load average at end {info['loadavg_at_end']} "
        "(the benchmark's own stack included: a figure above the CPU count does not mean other work)",
    ]
    if report.speed:
        checks = ", ".join(f"{when} {ms:.0f}" for when, ms in report.speed)
        parts.append(
            f"machine speed (CPU ms of a fixed Python loop, `bench/calibration.py`; lower is faster; "
            f"it moves between runs on these VMs): {checks}"
        )
    if report.extraction is not None:
        parts.append(extraction_table(report.extraction))
    if report.peers:
        parts.append(peers_table(report.extraction, report.peers))
    for s in report.suites:
        title = f"{s.part}: {s.partitions} partitions, stack up in {s.startup_seconds:.1f}s"
        parts.append(f"{title}\n\n{suite_table(s)}")
        parts += [f"note: {n}" for s_ in [s] for n in s_.notes]
        parts += [f"note ({r.name}): {n}" for r in s.runs for n in r.notes]
    if report.soak is not None:
        k = report.soak
        title = f"soak: {k.partitions} partitions, stack up in {k.startup_seconds:.1f}s, sampled every 30s"
        parts.append(f"{title}\n\n{soak_tables(k)}")
        parts += [f"note (soak): {n}" for n in k.notes]
    target_rows = []
    figs = figures(report)
    for key, (op, target) in TARGETS.items():
        target_rows.append(
            [key, f"{op} {target:g}", str(figs.get(key, "not run")), str(figs.get(f"target_{key}", "-"))]
        )
    parts.append(_table(["target", "wanted", "measured", ""], target_rows))
    parts += [f"note: {n}" for n in report.notes]
    return "\n\n".join(parts)


def key_values(figs: dict[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in figs.items())


def to_json(report: Report, info: dict[str, str]) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "machine": info,
        "mode": report.mode,
        "figures": figures(report),
        "notes": report.notes,
    }
    x = report.extraction
    if x is not None:
        doc["extraction"] = {
            "articles": x.articles,
            "kilobytes": x.kilobytes,
            "pass_wall_seconds": [p.wall for p in x.passes],
            "pass_cpu_seconds": [p.cpu for p in x.passes],
            "articles_per_s": x.articles_per_s,
            "articles_per_cpu_s": x.articles_per_cpu_s,
            "us_per_kb": x.us_per_kb,
            "language_rates": x.language_rates(),
            "claims_per_article": x.claims_per_article,
            "tracemalloc_peak_bytes": x.tracemalloc_peak,
            "rss_per_pass_bytes": x.rss_per_pass,
            "peak_rss_bytes": x.peak_rss,
            "pinned_cpu": x.cpu,
        }
    doc["peers"] = [
        {
            "name": p.name,
            "scope": p.scope,
            "articles": p.articles,
            "available": p.available,
            "note": p.note,
            "seconds": p.seconds,
            "articles_per_s": p.per_s,
            "ours_articles_per_s": p.ours_per_s,
            "ours_ratio": p.ours_ratio,
            "found": p.found,
        }
        for p in report.peers
    ]
    doc["suites"] = [
        {
            "part": s.part,
            "partitions": s.partitions,
            "startup_seconds": s.startup_seconds,
            "notes": s.notes,
            "runs": [
                {
                    "name": r.name,
                    "mode": r.mode,
                    "articles": r.articles,
                    "rate": r.rate,
                    "workers": s.workers.get(r.name, 1),
                    "send_seconds": r.send_seconds,
                    "accept_rate": r.accept_rate,
                    "throughput": r.throughput,
                    "alerted": r.alerted,
                    "complete": r.complete,
                    "http_errors": r.http_errors,
                    "latency_ms": {
                        "accept_to_alert": r.latency(),
                        "accept_to_claim": r.latency("accepted", "extracted"),
                        "claim_to_alert": r.latency("extracted", "alerted"),
                        "http": r.latency("posted", "answered"),
                        "post_to_accept": r.latency("posted", "accepted"),
                    },
                    "cpu_ms_per_article": r.cpu_ms_per_article(),
                    "rss_before": r.memory_before,
                    "rss_after": r.memory_after,
                    "rss_max": r.memory_max,
                    "notes": r.notes,
                }
                for r in s.runs
            ],
        }
        for s in report.suites
    ]
    if report.soak is not None:
        doc["soak"] = soak_json(report.soak)
    return doc


def soak_json(r: SoakResult) -> dict[str, Any]:
    return {
        "seconds": r.seconds,
        "rate": r.rate,
        "partitions": r.partitions,
        "startup_seconds": r.startup_seconds,
        "send_seconds": r.send_seconds,
        "http_errors": r.http_errors,
        "posted": r.posted,
        "alerted": r.alerted,
        "kept_up": r.kept_up,
        "alerts_per_s_after_warm_up": r.alerts_per_s,
        "latency_ms_after_warm_up": r.latency_after_warm_up(),
        "baseline_at": r.baseline.at,
        "end_at": r.end.at,
        "rss_growth_mb": r.growth_mb(),
        "rss_growth_mb_per_minute": r.growth_mb_per_minute(),
        "flat": r.flat,
        "flat_threshold_mb": FLAT_MB,
        "samples": [
            {
                "at": s.at,
                "phase": s.phase,
                "posted": s.posted,
                "accepted": s.accepted,
                "alerted": s.alerted,
                "lag": s.lag,
                "window_alerts": s.window_alerts,
                "window_accept_to_alert_ms": {"p50": _pct(s.window_ms, 50), "p99": _pct(s.window_ms, 99)},
                "rss_bytes": s.rss,
                "cpu_seconds": s.cpu,
            }
            for s in r.samples
        ],
        "notes": r.notes,
    }


def write_json(path: Path, doc: dict[str, Any]) -> None:
    def clean(value: Any) -> Any:
        if isinstance(value, float) and math.isnan(value):
            return None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    path.write_text(json.dumps(clean(doc), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
