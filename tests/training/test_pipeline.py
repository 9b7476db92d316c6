"""The pipeline end to end on a 2-layer model: artifact files, falling loss, cache, resume."""

from __future__ import annotations

import json
import time

import pytest

from llm.prompt import CHAT_TEMPLATE, PROMPT_FORMAT, SPECIAL_TOKENS
from tools.registry import ToolRegistry
from training.pipeline import cache_key, train_model

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def trained(small_data, tmp_path_factory, tiny_config):
    out = tmp_path_factory.mktemp("models")
    config = tiny_config()
    started = time.monotonic()
    artifact = train_model(config, out_root=out, progress=False, data_root=small_data)
    return artifact, out, config, time.monotonic() - started


def test_artifact_has_every_file(trained):
    artifact, _, _, _ = trained
    for name in ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"):
        assert (artifact / "base" / name).is_file(), name
    for name in ("adapter_config.json", "adapter_model.safetensors"):
        assert (artifact / "adapter" / name).is_file(), name
    assert (artifact / "loss.png").read_bytes()[:4] == b"\x89PNG"
    meta = json.loads((artifact / "artifact.json").read_text())
    assert meta["family"] == "llama"
    assert meta["prompt_format"] == PROMPT_FORMAT
    assert meta["chat_template"] == CHAT_TEMPLATE
    assert meta["tool_schema_hash"] == ToolRegistry().schema_hash()
    assert meta["tokenizer"]["special_tokens"] == list(SPECIAL_TOKENS)
    assert len(meta["data_hash"]) == 16
    assert meta["config"]["lora_steps"] == 12
    assert 0.0 <= meta["metrics"]["test"]["schema_valid"] <= 1.0
    seconds = meta["metrics"]["seconds"]  # every stage, so a timing can be read off it
    assert set(seconds) == {"data", "base", "lora", "eval", "total"}
    assert seconds["total"] >= seconds["data"] + seconds["base"] + seconds["lora"] - 0.3
    tok_config = json.loads((artifact / "base" / "tokenizer_config.json").read_text())
    assert tok_config["chat_template"] == CHAT_TEMPLATE
    base_config = json.loads((artifact / "base" / "config.json").read_text())
    assert base_config["num_hidden_layers"] == 2
    assert base_config["hidden_size"] // base_config["num_attention_heads"] == 32


def test_losses_fall(trained):
    import torch

    _, out, config, _ = trained
    (work,) = (out / ".work").iterdir()
    for name in ("base.ckpt", "lora.ckpt"):
        losses = torch.load(work / name, weights_only=False)["losses"]
        assert len(losses) == 12
        assert sum(losses[-3:]) / 3 < sum(losses[:3]) / 3, (name, losses)


def test_rerun_is_a_cache_hit(trained, small_data):
    artifact, out, config, first = trained
    stamp = (artifact / "artifact.json").stat().st_mtime_ns
    started = time.monotonic()
    again = train_model(config, out_root=out, progress=False, data_root=small_data)
    assert again == artifact
    assert (artifact / "artifact.json").stat().st_mtime_ns == stamp
    assert time.monotonic() - started < max(5.0, first / 4)


def test_cache_key_changes_with_data_config_schema_and_base(tiny_config):
    config = tiny_config()
    parts = {"data": "d1", "config": config, "schema": "s1", "base": "b1"}
    key = cache_key(**parts)
    assert cache_key(**parts) == key
    changed = [
        {**parts, "data": "d2"},
        {**parts, "config": tiny_config(lora_steps=13)},
        {**parts, "schema": "s2"},
        {**parts, "base": "b2"},
    ]
    assert len({key, *(cache_key(**p) for p in changed)}) == 5
    # bookkeeping fields do not change the result, so they do not change the key
    assert cache_key(**{**parts, "config": tiny_config(threads=1, checkpoint_every=2)}) == key
