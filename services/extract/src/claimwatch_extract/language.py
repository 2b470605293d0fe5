"""Which language an article is in, when it does not say.

py3langid (a maintained fork of langid.py, naive Bayes over byte n-grams, model bundled in the
wheel, numpy its only dependency) rather than
lingua-language-detector (more accurate on very short text but a ~100 MB wheel and slower on
whole articles). We rank a restricted set of languages: German and English plus the languages
European news most often comes in, so that a French or Ukrainian article is recognised as
such (`unsupported_language`) instead of being forced into the nearer of German and English.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import numpy as np
from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

SUPPORTED = ("de", "en")
_CANDIDATES = [
    "de",
    "en",
    "fr",
    "es",
    "it",
    "nl",
    "pl",
    "ru",
    "uk",
    "pt",
    "tr",
    "sv",
    "da",
    "no",
    "cs",
    "ar",
    "zh",
]
# langid's cost grows with the sample; 350 and 700 characters gave the same language on every
# text of `bench.snapshot` (992 articles), and 350 saves ~0.4 ms per article.
_SAMPLE_CHARS = 350
_LETTERS = re.compile(r"[^\W\d_]{2,}")


# py3langid's byte DFA (an Aho-Corasick automaton over byte n-grams of up to 6 bytes) forgets
# what came more than this many bytes before: after any 6 bytes, from whatever state, it is in
# the state those 6 bytes lead to from the start (tests/unit/test_extract_language.py checks it).
_DFA_MEMORY = 6


class _Identifier(LanguageIdentifier):  # type: ignore[misc]
    """py3langid's identifier, walking its byte DFA for all positions of a sample at once: the
    state after each byte is the one the 6 bytes up to it lead to from the start, so numpy takes
    five steps over the whole sample (the first two bytes in one) instead of Python one per byte."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.next_state = np.frombuffer(self.tk_nextmove, dtype=np.dtype(self.tk_nextmove.typecode))
        self.row_start = np.asarray(self._rowbase, dtype=np.intp)
        self.feature_at = np.asarray(self.tk_output, dtype=np.intp)
        every_byte = np.arange(256, dtype=np.intp)
        after_one = self.next_state[self.row_start[0] + every_byte]
        # the state two bytes lead to from the start, by the bytes (the first times 256 plus the second)
        self.after_two = self.next_state[(self.row_start[after_one][:, None] + every_byte).ravel()]
        # a byte that leaves the start state as it is: put before the sample, it gives the first
        # positions six bytes too
        self.blank = bytes([int(np.flatnonzero(after_one == 0)[0])])

    def states(self, data: bytes) -> Any:
        """The DFA's state after each byte of `data` (what py3langid's walk passes through)."""
        size = len(data)
        # each position's six bytes: the five before it (blanks before the sample) and its own
        codes = np.frombuffer(self.blank * (_DFA_MEMORY - 1) + data, dtype=np.uint8).astype(np.intp)
        states = self.after_two[(codes[:size] << 8) | codes[1 : size + 1]]
        for offset in range(2, _DFA_MEMORY):
            states = self.next_state[self.row_start[states] + codes[offset : offset + size]]
        return states

    def _raw_score(self, text: bytes) -> Any:
        """What py3langid's `_raw_score` gives: its `_sparse_score` of the features counted in
        the order each first turns up (the order the product sums in)."""
        found, counts = _counted_in_first_seen_order(self.feature_at[self.states(text)])
        if not len(found):
            return super()._raw_score(text)
        rows = self.nb_ptc.take(found, axis=0)
        return np.log1p(counts.astype(np.float32)) @ rows + self.nb_pc


def _counted_in_first_seen_order(values: Any) -> tuple[Any, Any]:
    """The distinct `values` that are not negative (features; -1 is none) in the order each first
    turns up, and how often each does: `np.unique` with first indices and counts, reordered by
    those indices, in fewer numpy calls (one sort of each value with its position in the low bits)."""
    shift = len(values).bit_length()
    keyed = np.sort((values << shift) | np.arange(len(values)))  # by value, then position
    keyed = keyed[keyed.searchsorted(0) :]  # the negative values sort first
    size = len(keyed)
    if not size:
        return keyed, keyed
    value_of = keyed >> shift
    begins = np.empty(size, dtype=bool)  # where a value's run begins in `keyed`
    begins[0] = True
    np.not_equal(value_of[1:], value_of[:-1], out=begins[1:])
    starts = begins.nonzero()[0]
    ends = np.empty_like(starts)
    ends[:-1] = starts[1:]
    ends[-1] = size
    order = (keyed[starts] & ((1 << shift) - 1)).argsort()  # by the position each is first seen at
    return value_of[starts][order], (ends - starts)[order]


@cache
def _identifier() -> LanguageIdentifier:
    ident = _Identifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(_CANDIDATES)
    # The model's float16 table, restricted to our languages (column-major), as a row-major
    # float32 copy: numpy then gathers an article's rows without converting each value, and
    # the scores come out the same bit for bit (float16 converts to float32 exactly, and the
    # float32 product is what numpy computes from float16 too).
    ident.nb_ptc = np.ascontiguousarray(ident.nb_ptc, dtype=np.float32)
    return ident


def detect_language(text: str) -> str | None:
    """'de', 'en', another ISO 639-1 code, or None for text without words."""
    sample = text[:_SAMPLE_CHARS]
    # two words or more: what findall finds first, without scanning the rest of the sample
    first = _LETTERS.search(sample)
    if first is None or _LETTERS.search(sample, first.end()) is None:
        return None
    lang, _ = _identifier().classify(sample)
    return str(lang)
