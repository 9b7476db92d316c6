"""Reading model artifacts: missing and corrupt files give clear errors; schema hash checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llm.artifacts import check_schema_hash, read_artifact
from llm.errors import ArtifactError, SchemaMismatch
from llm.prompt import CHAT_TEMPLATE, PROMPT_FORMAT
from tools.registry import ToolRegistry


def write_artifact(root: Path, *, schema_hash: str, rank: int = 8) -> Path:
    """Artifact layout with placeholder weights (reading never loads them)."""
    base, adapter = root / "base", root / "adapter"
    base.mkdir(parents=True)
    adapter.mkdir()
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json"):
        (base / name).write_text("{}")
    (base / "model.safetensors").write_bytes(b"weights")
    (adapter / "adapter_config.json").write_text(json.dumps({"r": rank}))
    (adapter / "adapter_model.safetensors").write_bytes(b"weights")
    meta = {
        "name": "unit",
        "base_model": "in-house",
        "family": "llama",
        "prompt_format": PROMPT_FORMAT,
        "chat_template": CHAT_TEMPLATE,
        "tool_schema_hash": schema_hash,
    }
    (root / "artifact.json").write_text(json.dumps(meta))
    return root


@pytest.fixture(scope="module")
def registry() -> ToolRegistry:
    return ToolRegistry()


def test_reads_a_complete_artifact(tmp_path, registry):
    artifact = read_artifact(write_artifact(tmp_path / "a", schema_hash=registry.schema_hash()))
    assert artifact.name == "unit"
    assert artifact.lora_rank == 8
    assert artifact.adapter_dir == tmp_path / "a" / "adapter"
    check_schema_hash(artifact, registry)  # matching hash: no error


def test_missing_directory_says_how_to_train(tmp_path):
    with pytest.raises(ArtifactError, match="chatops train"):
        read_artifact(tmp_path / "nothing")


@pytest.mark.parametrize(
    ("path", "content", "message"),
    [
        ("artifact.json", None, "artifact.json is missing"),
        ("artifact.json", "{not json", "artifact.json is corrupt"),
        ("artifact.json", "[1, 2]", "must be a JSON object"),
        ("base/config.json", None, "lacks config.json"),
        ("base/model.safetensors", None, "no weights"),
        ("base/model.safetensors", "", "empty"),
        ("adapter/adapter_model.safetensors", None, "lacks adapter_model.safetensors"),
        ("adapter/adapter_config.json", "{}", "no valid rank"),
        ("adapter/adapter_config.json", "{oops", "corrupt"),
    ],
)
def test_broken_files_are_named(tmp_path, path, content, message):
    root = write_artifact(tmp_path / "a", schema_hash="x")
    if content is None:
        (root / path).unlink()
    else:
        (root / path).write_text(content)
    with pytest.raises(ArtifactError, match=message) as caught:
        read_artifact(root)
    assert str(root) in str(caught.value)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("tool_schema_hash", "", "lacks tool_schema_hash"),
        ("family", "gpt", "Unknown model family"),
        ("prompt_format", "other-v0", "prompt format 'other-v0'"),
    ],
)
def test_bad_metadata_is_refused(tmp_path, key, value, message):
    root = write_artifact(tmp_path / "a", schema_hash="x")
    meta = json.loads((root / "artifact.json").read_text())
    meta[key] = value
    (root / "artifact.json").write_text(json.dumps(meta))
    with pytest.raises(ArtifactError, match=message):
        read_artifact(root)


def test_adapter_is_optional_when_not_required(tmp_path):
    root = write_artifact(tmp_path / "a", schema_hash="x")
    for path in (root / "adapter").iterdir():
        path.unlink()
    (root / "adapter").rmdir()
    assert read_artifact(root, require_adapter=False).adapter_dir is None
    with pytest.raises(ArtifactError, match="LoRA adapter folder is missing"):
        read_artifact(root)


def test_schema_mismatch_names_both_hashes_and_the_fix(tmp_path, registry):
    artifact = read_artifact(write_artifact(tmp_path / "a", schema_hash="0123456789abcdef"))
    with pytest.raises(SchemaMismatch) as caught:
        check_schema_hash(artifact, registry)
    message = str(caught.value)
    assert "0123456789abcdef" in message
    assert registry.schema_hash() in message
    assert "retrain" in message


def test_server_refuses_a_mismatched_adapter_before_starting(tmp_path, registry):
    from llm.server import VllmServer

    root = write_artifact(tmp_path / "a", schema_hash="0123456789abcdef")
    with pytest.raises(SchemaMismatch):
        VllmServer(root, registry=registry)
    # Without the adapter the base model may still be served.
    server = VllmServer(root, registry=registry, with_adapter=False)
    assert server.model_name == "unit"
    assert "--enable-lora" not in server.command(port=1234, gpu=False)


def test_falcon_adapters_are_refused_with_the_reason(tmp_path, registry):
    from llm.server import VllmServer

    root = write_artifact(tmp_path / "a", schema_hash=registry.schema_hash())
    meta = json.loads((root / "artifact.json").read_text())
    (root / "artifact.json").write_text(json.dumps({**meta, "family": "falcon"}))
    with pytest.raises(ArtifactError, match="no LoRA support for the falcon family"):
        VllmServer(root, registry=registry)
    assert VllmServer(root, registry=registry, with_adapter=False).model_name == "unit"
