"""Language detection gives what py3langid itself gives, bit for bit, by a faster route."""

from __future__ import annotations

import random

import numpy as np
from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

from claimwatch_extract.language import _CANDIDATES, _DFA_MEMORY, _identifier

_CHARACTERS = "abcdefghijklmnopqrstuvwxyzäöüßéèçñ ABCXYZ.,;:-'\"0123456789\n\tЖжщыїєłśćαβγ中文العربية"


def test_the_byte_dfa_forgets_what_came_before_its_memory() -> None:
    """From any state, `_DFA_MEMORY` bytes lead where they lead from the start: every pair
    (state from anywhere, state from the start) reached by the same bytes has met by then."""
    ident = _identifier()
    next_state = ident.next_state.astype(np.int64)
    row_start = ident.row_start.astype(np.int64)
    count = len(ident.feature_at)
    from_any, from_start = np.arange(count, dtype=np.int64), np.zeros(count, dtype=np.int64)
    every_byte = np.arange(256, dtype=np.int64)
    for _ in range(_DFA_MEMORY):
        apart: list[np.ndarray] = []
        for lo in range(0, len(from_any), 4096):  # 4,096 pairs at a time: ~25 MB, not ~1 GB
            a = next_state[(row_start[from_any[lo : lo + 4096], None] + every_byte).ravel()]
            b = next_state[(row_start[from_start[lo : lo + 4096], None] + every_byte).ravel()]
            apart.append(np.unique(a[a != b] * count + b[a != b]))
        pairs = np.unique(np.concatenate(apart))
        from_any, from_start = pairs // count, pairs % count
    assert len(from_any) == 0


def test_scores_are_py3langids_own_bit_for_bit() -> None:
    plain = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    plain.set_languages(_CANDIDATES)
    ours = _identifier()
    rnd = random.Random(1)
    samples = ["", "a", "ab", "Zürich", "\x00\x00", "Die Ukraine meldet 1.150 Tote.", "UKRAINE SAID"]
    lengths = [*range(60), *range(60), *range(60), *[350] * 50]
    samples += ["".join(rnd.choice(_CHARACTERS) for _ in range(length)) for length in lengths]
    for sample in samples:
        assert ours._decide(sample).tobytes() == plain._decide(sample).tobytes(), sample
