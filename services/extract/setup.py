"""Compiles the extraction core with mypyc (the same type-annotated Python, as C extensions).

The core is pure rule code over `re`; mypyc makes its Python parts about 1.4x faster on one core
(bench/README.md). `CLAIMWATCH_EXTRACT_PURE=1` builds the plain Python package instead, for a
machine without a C compiler or a quick edit-test loop; both run the same tests.
"""

from __future__ import annotations

import os

from setuptools import setup

# The modules on the hot path. lexicons.py (pydantic models, loaded once) and the Kafka/Faust
# adapters stay plain Python.
COMPILED = ["alternation", "attribution", "extractor", "numbers", "sentences"]


def _ext_modules() -> list[object]:
    if os.environ.get("CLAIMWATCH_EXTRACT_PURE", "") not in ("", "0"):
        return []
    from mypyc.build import mypycify

    # The build environment holds only setuptools and mypy: the other packages the core imports
    # (pydantic, claimwatch_schemas, yaml) are typed as Any there, which changes nothing at run time.
    sources = [f"src/claimwatch_extract/{name}.py" for name in COMPILED]
    return list(mypycify(["--config-file=", "--ignore-missing-imports", *sources], opt_level="3"))


setup(ext_modules=_ext_modules())
