"""The benchmark's arithmetic and reports, against a real socket (no vLLM needed)."""

from __future__ import annotations

import json
import os

import pytest
from llm_fake_openai import FakeOpenAI
from typer.testing import CliRunner

from llm.bench import _proc_rss, percentile, process_rss_bytes

GOOD = '{"tool":"no_action","args":{"reason":"chit_chat"}}'


def test_percentile_interpolates():
    assert percentile([3.0, 1.0, 2.0, 4.0], 50) == 2.5
    assert percentile([1.0, 2.0], 95) == pytest.approx(1.95)
    assert percentile([7.0], 95) == 7.0


def test_rss_of_this_process_with_and_without_psutil():
    with_psutil, from_proc = process_rss_bytes(os.getpid()), _proc_rss(os.getpid())
    assert with_psutil > 10 * 2**20
    assert abs(with_psutil - from_proc) < 0.2 * with_psutil


def test_bench_command_writes_json_and_markdown(tmp_path):
    from bot.cli import build_app

    out = tmp_path / "bench" / "fake"
    with FakeOpenAI(default=GOOD) as fake:
        argv = ["bench", "--url", fake.base_url, "--model", "planton", "--requests", "6"]
        argv += ["--concurrency", "1,3", "--server-pid", str(os.getpid()), "--out", str(out)]
        result = CliRunner().invoke(build_app(), argv)
    assert result.exit_code == 0, result.output
    report = json.loads(out.with_suffix(".json").read_text())
    assert [level["concurrency"] for level in report["levels"]] == [1, 3]
    assert all(level["requests"] == 6 and level["requests_per_s"] > 0 for level in report["levels"])
    assert report["ttft"]["ttft_p50_s"] > 0 and report["server_rss_gib"] > 0
    # Warm-up + 2 levels of 6 + 5 streamed TTFT samples reached the server.
    assert len(fake.requests) == 1 + 12 + 5
    markdown = out.with_suffix(".md").read_text()
    assert "| 3 | 6 |" in markdown and "chatops bench" in markdown


def test_bench_rejects_bad_levels(tmp_path):
    from bot.cli import build_app

    result = CliRunner().invoke(build_app(), ["bench", "--concurrency", "1,eight"])
    assert result.exit_code == 2 and "integers" in result.output


def test_serve_model_without_an_artifact_says_how_to_train(tmp_path):
    from bot.cli import build_app

    result = CliRunner().invoke(build_app(), ["serve", "model", "--artifact", str(tmp_path / "x")])
    assert result.exit_code == 2 and "chatops train" in result.output
