"""Grounding of long and hostile messages: no crash, and the same reading as short ones.

Its cost is measured by `python -m llm.grounding_bench` (llm/BENCHMARKS.md), not here."""

from __future__ import annotations

import pytest

from llm.grounding import _digits_value, given_prefix, ground_request, typed_pairs
from llm.grounding_bench import LIVE, SHAPES, main


def test_a_number_longer_than_python_converts_is_read_not_a_crash():
    huge = "9" * 5000  # int("9" * 5000) raises ValueError (4,300 digits at most)
    grounding = ground_request(f"scale web to {huge} replicas", LIVE, {})
    assert huge in grounding.live["mentioned"]
    assert _digits_value("007") == "7" and _digits_value("000") == "0"
    assert _digits_value("\u0664\u0662") == "42"  # Arabic-Indic digits, as int() read them


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_hostile_shape_is_grounded(shape):
    # 5,000 characters: "one number" is past Python's 4,300-digit limit on int()
    grounding = ground_request(SHAPES[shape](5000), LIVE, {})
    assert grounding.live["deployment"]  # a grounding came back, with its known names


def test_early_exits_keep_the_readings():
    assert given_prefix("lambdas named api-something") == "api-"
    assert given_prefix("pods matching ^report-") == "report-"
    assert given_prefix("img-* images") == "img-"
    assert given_prefix("a-" * 2000) is None
    assert typed_pairs("set a=b=LOG_LEVEL=debug") == ["LOG_LEVEL=debug"]
    assert typed_pairs("a=" * 2000) == []


def test_the_benchmark_prints_a_row_per_shape(capsys):
    main(["--lengths", "50,100"])
    table = capsys.readouterr().out
    for shape in SHAPES:
        assert f"| {shape} |" in table
    assert "| message | 50 chars | 100 chars |" in table
    with pytest.raises(SystemExit):
        main(["--lengths", "ten"])
