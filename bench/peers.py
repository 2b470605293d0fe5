"""Part 2: the peers on the same corpus in the same run: quantulum3 (English) and a blank spaCy pipeline.

quantulum3 runs as installed by plain `pip install quantulum3`: without its optional `classifier`
extra (scikit-learn), so it disambiguates units by its rules; it needs no download at run time.
The spaCy peer is the least a comparable extractor must do: `spacy.blank(lang)` tokenisation plus
one Matcher rule, a number followed by up to two words and a unit noun (the same unit nouns for
both languages' rules as our lexicon counts: people, soldiers, weapons). It finds candidates only:
no value parsing, no qualifier, metric, subject, source or period, so it is a floor, not a peer in
what it delivers.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bench.corpus import Corpus
from bench.extraction import ExtractionResult
from bench.measure import pin_to_one_core, unpin

UNIT_NOUNS = {
    "en": [
        "soldiers",
        "troops",
        "people",
        "civilians",
        "children",
        "men",
        "women",
        "fighters",
        "servicemen",
        "casualties",
        "dead",
        "wounded",
        "prisoners",
        "refugees",
        "tanks",
        "vehicles",
        "drones",
        "missiles",
        "rockets",
        "shells",
        "rounds",
        "helicopters",
        "aircraft",
        "jets",
        "ships",
        "howitzers",
        "launchers",
        "systems",
        "attacks",
        "strikes",
        "bombs",
        "guns",
    ],
    "de": [
        "Soldaten",
        "Soldatinnen",
        "Truppen",
        "Menschen",
        "Zivilisten",
        "Kinder",
        "Männer",
        "Frauen",
        "Kämpfer",
        "Tote",
        "Toten",
        "Verletzte",
        "Verletzten",
        "Verwundete",
        "Gefangene",
        "Flüchtlinge",
        "Panzer",
        "Fahrzeuge",
        "Drohnen",
        "Raketen",
        "Marschflugkörper",
        "Granaten",
        "Geschosse",
        "Hubschrauber",
        "Flugzeuge",
        "Kampfjets",
        "Schiffe",
        "Haubitzen",
        "Raketenwerfer",
        "Systeme",
        "Angriffe",
        "Bomben",
        "Geschütze",
        "Schuss",
    ],
}


@dataclass(frozen=True)
class PeerResult:
    name: str
    scope: str  # which articles
    articles: int
    available: bool
    note: str = ""
    seconds: float = float("nan")
    ours_per_s: float = float("nan")  # our extractor over exactly these articles
    found: int = 0  # quantities or matches the peer reported

    @property
    def per_s(self) -> float:
        return self.articles / self.seconds if self.available and self.seconds else float("nan")

    @property
    def ours_ratio(self) -> float:
        """How many times our throughput is the peer's (>1: we are faster)."""
        return self.ours_per_s / self.per_s if self.available else float("nan")


def _timed(work: Callable[[], int]) -> tuple[float, int]:
    start = time.perf_counter()
    found = work()
    return time.perf_counter() - start, found


def run_quantulum(corpus: Corpus, ours: ExtractionResult, *, limit: int | None) -> PeerResult:
    indices = [i for i, lang in enumerate(corpus.languages) if lang == "en"][:limit]
    scope = f"English articles ({'first ' + str(limit) if limit else 'all'})"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "classifier dependencies not installed": on purpose
            from quantulum3 import parser  # type: ignore[import-untyped]
    except Exception as error:  # not installed or broken: say so, never fake a figure
        return PeerResult("quantulum3", scope, len(indices), False, note=f"cannot run here: {error!r}")
    texts = [corpus.articles[i].text for i in indices]
    pin_to_one_core()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for text in texts[:2]:  # warm-up: unit tables load on first use
                parser.parse(text)
            seconds, found = _timed(lambda: sum(len(parser.parse(text)) for text in texts))
    except Exception as error:
        return PeerResult("quantulum3", scope, len(indices), False, note=f"failed here: {error!r}")
    finally:
        unpin()
    return PeerResult(
        "quantulum3",
        scope,
        len(indices),
        True,
        note="no classifier extra (rule disambiguation)",
        seconds=seconds,
        ours_per_s=ours.rate_of(indices),
        found=found,
    )


def _spacy_matchers() -> dict[str, tuple[Any, Any]]:
    import spacy
    from spacy.matcher import Matcher

    out: dict[str, tuple[Any, Any]] = {}
    for lang, nouns in UNIT_NOUNS.items():
        nlp = spacy.blank(lang)
        matcher = Matcher(nlp.vocab)
        attr = "LOWER" if lang == "en" else "TEXT"
        words = [n.lower() for n in nouns] if lang == "en" else nouns
        matcher.add(
            "FIGURE",
            [[{"LIKE_NUM": True}, {"IS_ALPHA": True, "OP": "{0,2}"}, {attr: {"IN": words}}]],
        )
        out[lang] = (nlp, matcher)
    return out


def run_spacy(corpus: Corpus, ours: ExtractionResult) -> PeerResult:
    scope = "all articles (blank de/en: tokenise + 1 Matcher rule)"
    try:
        matchers = _spacy_matchers()
    except Exception as error:
        return PeerResult("spaCy blank+Matcher", scope, len(corpus.articles), False, note=repr(error))
    by_lang: dict[str, list[str]] = {}
    for article, lang in zip(corpus.articles, corpus.languages, strict=True):
        by_lang.setdefault(lang, []).append(article.text)

    def work(texts_of: dict[str, list[str]]) -> int:
        found = 0
        for lang, texts in texts_of.items():
            nlp, matcher = matchers[lang]
            for doc in nlp.pipe(texts, batch_size=64):
                found += len(matcher(doc))
        return found

    pin_to_one_core()
    try:
        work({lang: texts[:20] for lang, texts in by_lang.items()})
        seconds, found = _timed(lambda: work(by_lang))
    finally:
        unpin()
    return PeerResult(
        "spaCy blank+Matcher",
        scope,
        len(corpus.articles),
        True,
        note="candidates only: a floor",
        seconds=seconds,
        ours_per_s=ours.articles_per_s,
        found=found,
    )


def run_peers(corpus: Corpus, ours: ExtractionResult, *, quantulum_limit: int | None) -> list[PeerResult]:
    return [run_quantulum(corpus, ours, limit=quantulum_limit), run_spacy(corpus, ours)]


__all__: Sequence[str] = ["PeerResult", "run_peers"]
