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


@cache
def _identifier() -> LanguageIdentifier:
    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
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
    if len(_LETTERS.findall(sample)) < 2:
        return None
    lang, _ = _identifier().classify(sample)
    return str(lang)
