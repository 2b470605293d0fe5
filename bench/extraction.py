"""Part 1: the pure extraction core on one core: articles/s, µs per kB, memory."""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from collections.abc import Sequence
from dataclasses import dataclass

from bench.corpus import Corpus
from bench.measure import peak_rss_bytes, pin_to_one_core, rss_bytes, unpin
from claimwatch_extract.extractor import extract_article
from claimwatch_schemas import Article


@dataclass(frozen=True)
class Pass:
    """One pass over the corpus: seconds per article (wall), total wall and CPU seconds, claims."""

    seconds: list[float]
    wall: float
    cpu: float
    claims: int


@dataclass(frozen=True)
class ExtractionResult:
    articles: int
    kilobytes: float
    passes: list[Pass]
    languages: list[str]
    tracemalloc_peak: int  # bytes Python allocated at the peak of a pass over a part of the corpus
    rss_per_pass: list[int]  # resident set size after each pass: growth across passes means a leak
    peak_rss: int
    cpu: int | None

    @property
    def median(self) -> Pass:
        ordered = sorted(self.passes, key=lambda p: p.wall)
        return ordered[len(ordered) // 2]

    @property
    def articles_per_s(self) -> float:
        return self.articles / self.median.wall

    @property
    def articles_per_cpu_s(self) -> float:
        return self.articles / self.median.cpu

    @property
    def us_per_kb(self) -> float:
        return self.median.wall * 1e6 / self.kilobytes

    @property
    def us_per_article(self) -> list[float]:
        return [s * 1e6 for s in self.median.seconds]

    def rate_of(self, indices: Sequence[int]) -> float:
        """Articles/s over a subset of the corpus, from the median pass's per-article times."""
        seconds = sum(self.median.seconds[i] for i in indices)
        return len(indices) / seconds if seconds else float("nan")

    def language_rates(self) -> dict[str, float]:
        return {
            lang: self.rate_of([i for i, la in enumerate(self.languages) if la == lang])
            for lang in sorted(set(self.languages))
        }

    @property
    def claims_per_article(self) -> float:
        return self.median.claims / self.articles

    @property
    def spread(self) -> float:
        """(slowest - fastest) / median pass: how noisy the machine was."""
        walls = [p.wall for p in self.passes]
        return (max(walls) - min(walls)) / statistics.median(walls)


def one_pass(articles: Sequence[Article]) -> Pass:
    gc.collect()
    seconds: list[float] = []
    claims = 0
    clock = time.perf_counter
    cpu0, wall0 = time.process_time(), clock()
    for article in articles:
        t0 = clock()
        claims += len(extract_article(article).claims)
        seconds.append(clock() - t0)
    return Pass(seconds, clock() - wall0, time.process_time() - cpu0, claims)


def run_extraction(corpus: Corpus, *, runs: int, warmup: int = 30, traced: int = 50) -> ExtractionResult:
    """Warm-up, then `runs` timed passes over the whole corpus pinned to one CPU; the median counts."""
    articles = corpus.articles
    cpu = pin_to_one_core()
    try:
        one_pass(articles[:warmup])  # lexicons compiled, language model loaded, caches warm
        passes: list[Pass] = []
        rss: list[int] = [rss_bytes()]
        for _ in range(runs):
            passes.append(one_pass(articles))
            rss.append(rss_bytes())
        tracemalloc.start()
        one_pass(articles[:traced])
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        unpin()
    return ExtractionResult(
        articles=len(articles),
        kilobytes=corpus.total_bytes / 1024,
        passes=passes,
        languages=corpus.languages,
        tracemalloc_peak=traced_peak,
        rss_per_pass=rss,
        peak_rss=peak_rss_bytes(),
        cpu=cpu,
    )
