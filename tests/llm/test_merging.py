"""A merged checkpoint answers like base + adapter (what `--merge-adapter` serves)."""

from __future__ import annotations

import json

import pytest
from test_artifacts import write_artifact

from llm.artifacts import read_artifact
from llm.errors import ServerStartError
from llm.merging import merge_adapter
from llm.server import VllmServer
from tools.registry import ToolRegistry


def test_merged_server_serves_the_merged_weights_under_the_adapter_name(tmp_path):
    root = write_artifact(tmp_path / "a", schema_hash=ToolRegistry().schema_hash())
    meta = json.loads((root / "artifact.json").read_text())
    (root / "artifact.json").write_text(json.dumps({**meta, "family": "falcon"}))
    server = VllmServer(root, merge_adapter=True, adapter_name="ops")  # Falcon: fine merged
    flags = " ".join(server.command(port=1, gpu=False))
    assert "--enable-lora" not in flags and "--served-model-name ops " in flags
    assert "merged --served-model-name ops" in flags and server.model_name == "ops"


def test_merged_weights_give_the_adapters_logits(tiny_artifact, tmp_path):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    artifact = read_artifact(tiny_artifact)
    merged_dir = merge_adapter(artifact, tmp_path / "merged")
    tokenizer = AutoTokenizer.from_pretrained(merged_dir)
    ids = tokenizer(
        "<|context|>cluster=us-central\n<|user|>scale web\n<|call|>", return_tensors="pt"
    )
    base = AutoModelForCausalLM.from_pretrained(artifact.base_dir, dtype=torch.float32)
    with torch.no_grad():
        bare = base(**ids).logits
        tuned = PeftModel.from_pretrained(base, artifact.adapter_dir)(**ids).logits
        merged = AutoModelForCausalLM.from_pretrained(merged_dir)(**ids).logits
    assert not torch.allclose(bare, tuned, atol=1e-3)  # the adapter changes the answer
    torch.testing.assert_close(merged, tuned, atol=1e-4, rtol=1e-4)
    assert (merged_dir / "tokenizer.json").is_file()


def test_a_failed_merge_is_a_start_error_with_the_log(tmp_path):
    root = write_artifact(tmp_path / "a", schema_hash=ToolRegistry().schema_hash())
    server = VllmServer(root, merge_adapter=True, log_path=tmp_path / "v.log")
    with pytest.raises(ServerStartError, match="Merging the adapter failed(.|\n)*Error"):
        server.start()  # placeholder weights: transformers cannot load them
    assert server.process is None
