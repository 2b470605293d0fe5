"""Properties that hold for any input (hypothesis): the ingest API's parsing refuses only with
ArticleInputError, and the number parser never raises and gives spans inside the text.

The extractor's own property (never raises, spans reproduce) is in test_extract_robustness.py.
`tests/fuzz_run.py` runs the same targets on 100,000+ inputs (not part of `make test`).
"""

from __future__ import annotations

import contextlib
import json
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimwatch_extract.numbers import find_numbers
from claimwatch_ingest.parsing import (
    ArticleInputError,
    articles_from_body,
    articles_from_jsonl,
    articles_from_stdin_text,
)

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=20,
)
ARTICLE_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.text(max_size=30), st.integers(), st.none()),
        "text": st.one_of(st.text(max_size=300), st.integers(), st.none(), st.lists(st.text(max_size=5))),
        "language": st.one_of(st.sampled_from(["de", "en", "fr", ""]), st.integers()),
        "title": st.text(max_size=20),
        "published_at": st.one_of(st.text(max_size=25), st.integers(), st.just("2024-11-05T10:00:00Z")),
        "url": st.text(max_size=30),
        "extra": JSON_VALUES,
    },
)
BODIES = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=400).map(str.encode),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    ARTICLE_LIKE.map(lambda a: json.dumps(a).encode()),
    st.lists(ARTICLE_LIKE, max_size=4).map(lambda a: json.dumps(a).encode()),
    st.integers(1, 5000).map(lambda depth: b"[" * depth + b"]" * depth),
)
CONTENT_TYPES = st.sampled_from(
    ["application/json", "", "text/plain", "text/plain; charset=utf-8", "application/x+json", "image/png"]
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=BODIES, content_type=CONTENT_TYPES)
def test_ingest_parsing_refuses_only_with_article_input_error(body: bytes, content_type: str) -> None:
    try:
        articles = articles_from_body(body, content_type, max_batch=3)
    except ArticleInputError as error:
        refusal = error
    else:
        assert 1 <= len(articles) <= 3
        assert all(article.id and article.text.strip() for article in articles)
        return
    assert refusal.problems, "a refusal names at least one field"
    assert all(problem.field and problem.reason for problem in refusal.problems)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400))
def test_stdin_and_jsonl_parsing_refuse_only_with_article_input_error(text: str) -> None:
    for parse in (articles_from_stdin_text, lambda t: articles_from_jsonl(t, "stdin")):
        with contextlib.suppress(ArticleInputError):
            parse(text)


NUMBERISH = st.lists(
    st.sampled_from(
        [
            "1",
            "12",
            "1.150",
            "1,150",
            "600.000",
            "600,000",
            "0,5",
            "2.5",
            "1\u202f000",
            "10-12",
            "zwei-",
            "bis",
            "to",
            "between",
            "and",
            "Millionen",
            "million",
            "bn",
            "$",
            "€",
            "5bn",
            "3m",
            "zwölftausend",
            "twenty-one",
            "hundred",
            "Tausende",
            "thousands",
            "ein",
            "one",
            "%",
            ",",
            ".",
            " ",
            "\n",
            "-",
            "–",
            "F-16",
            "2014",
            "12:30",
            "3.4.2024",
            "mehr als",
            "über",
            "rund",
            "fast",
            "x",
            "99999999999999999999",
        ]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.text(max_size=300), NUMBERISH), lang=st.sampled_from(["de", "en"]))
def test_number_parser_never_raises_and_spans_lie_in_the_text(text: str, lang: str) -> None:
    mentions = find_numbers(text, "de" if lang == "de" else "en")
    previous_start = -1
    for mention in mentions:
        assert 0 <= mention.start < mention.end <= len(text)
        assert mention.start >= previous_start, "in text order"
        previous_start = mention.start
        assert not math.isnan(mention.value)
        if mention.value_max is not None:
            assert not math.isnan(mention.value_max)
