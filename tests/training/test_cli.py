"""`chatops train` / `chatops data` wiring: help from config docstrings, clear errors."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from training.cli import register


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app, serve=typer.Typer())
    return app


def test_train_help_lists_documented_fields():
    result = CliRunner().invoke(_app(), ["train", "--help"], terminal_width=200)
    assert result.exit_code == 0
    for field in ("lora_rank", "base_steps", "vocab_size", "head_dim"):
        assert field in result.output
    assert "--base-model" in result.output


def test_unknown_config_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(_app(), ["train", "--config", "nosuch", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "No training config 'nosuch'" in result.output


def test_bad_config_field_is_named(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("lora_rank: -3\nbogus: 1\n")
    result = CliRunner().invoke(_app(), ["train", "--config", str(bad), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "lora_rank" in result.output and "bogus" in result.output


def test_head_dim_vllm_cannot_serve_is_refused(tmp_path):
    bad = tmp_path / "odd.yaml"
    bad.write_text("hidden_size: 200\nnum_heads: 4\n")
    result = CliRunner().invoke(_app(), ["train", "--config", str(bad), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "head_dim 50" in result.output


def test_data_card_prints_committed_card():
    result = CliRunner().invoke(_app(), ["data", "card"])
    assert result.exit_code == 0
    assert "| scale_deployment |" in result.output and "Held-out families" in result.output
