"""Read a model artifact directory written by training (`artifact.json`, `base/`, `adapter/`).

Everything in it is untrusted input: a missing or corrupt file gives an `ArtifactError`
that names the file and says what to do, and nothing is served from a half-written artifact.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llm.errors import ArtifactError, SchemaMismatch
from llm.prompt import PROMPT_FORMAT

REQUIRED_META = (
    "name",
    "base_model",
    "family",
    "prompt_format",
    "chat_template",
    "tool_schema_hash",
)
RETRAIN = "Retrain with `chatops train`."
BASE_FILES = ("config.json", "tokenizer.json", "tokenizer_config.json")
ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors")
FAMILIES = ("llama", "falcon")


@dataclass(frozen=True)
class Artifact:
    """A validated model artifact on disk."""

    root: Path
    """The artifact directory."""
    meta: dict[str, Any]
    """The parsed `artifact.json`."""
    base_dir: Path
    """HF checkpoint loadable by vLLM."""
    adapter_dir: Path | None
    """The LoRA adapter, or None when the artifact has none."""
    lora_rank: int | None = None
    """`r` from adapter_config.json (vLLM's --max-lora-rank must be at least this)."""

    @property
    def name(self) -> str:
        return str(self.meta["name"])

    @property
    def chat_template(self) -> str:
        return str(self.meta["chat_template"])

    @property
    def tool_schema_hash(self) -> str:
        return str(self.meta["tool_schema_hash"])


def _read_json(path: Path, *, what: str) -> dict[str, Any]:
    if not path.is_file():
        raise ArtifactError(f"{what} is missing: {path}. {RETRAIN}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ArtifactError(f"{what} is corrupt ({path}): {exc}. {RETRAIN}") from None
    if not isinstance(data, dict):
        raise ArtifactError(f"{what} must be a JSON object: {path}.")
    return data


def _check_files(folder: Path, names: tuple[str, ...], *, what: str) -> None:
    if not folder.is_dir():
        raise ArtifactError(f"{what} folder is missing: {folder}. {RETRAIN}")
    missing = [n for n in names if not (folder / n).is_file()]
    if missing:
        raise ArtifactError(f"{what} in {folder} lacks {', '.join(missing)}. {RETRAIN}")
    weights = list(folder.glob("*.safetensors")) + list(folder.glob("*.bin"))
    if not weights:
        raise ArtifactError(f"{what} in {folder} has no weights (*.safetensors).")
    for weight in weights:
        if weight.stat().st_size == 0:
            raise ArtifactError(f"{what} weights {weight} are empty (corrupt).")


def read_artifact(root: Path | str, *, require_adapter: bool = True) -> Artifact:
    """Validate and read the artifact at `root`; raise `ArtifactError` naming what is wrong."""
    root = Path(root)
    if not root.is_dir():
        raise ArtifactError(
            f"No model artifact at {root}. Train one with `chatops train` "
            "(the default is artifacts/models/default)."
        )
    meta = _read_json(root / "artifact.json", what="artifact.json")
    missing = [key for key in REQUIRED_META if not meta.get(key)]
    if missing:
        raise ArtifactError(f"{root / 'artifact.json'} lacks {', '.join(missing)}.")
    if meta["family"] not in FAMILIES:
        raise ArtifactError(
            f"Unknown model family {meta['family']!r} in {root}; expected one of {FAMILIES}."
        )
    if meta["prompt_format"] != PROMPT_FORMAT:
        raise ArtifactError(
            f"Artifact {root} uses prompt format {meta['prompt_format']!r} but this code speaks "
            f"{PROMPT_FORMAT!r}. Retrain with `chatops train`."
        )
    base_dir = root / "base"
    _check_files(base_dir, BASE_FILES, what="Base model")
    _read_json(base_dir / "config.json", what="base/config.json")
    adapter_dir: Path | None = root / "adapter"
    rank = None
    if adapter_dir.exists() or require_adapter:
        _check_files(adapter_dir, ADAPTER_FILES, what="LoRA adapter")
        adapter_config = _read_json(
            adapter_dir / "adapter_config.json", what="adapter/adapter_config.json"
        )
        rank = adapter_config.get("r")
        if not isinstance(rank, int) or isinstance(rank, bool) or rank < 1:
            raise ArtifactError(
                f"adapter/adapter_config.json in {root} has no valid rank `r`: {rank!r}."
            )
    else:
        adapter_dir = None
    return Artifact(
        root=root, meta=meta, base_dir=base_dir, adapter_dir=adapter_dir, lora_rank=rank
    )


def check_schema_hash(artifact: Artifact, registry: Any) -> None:
    """Refuse an adapter trained for another tool schema than `registry` (a ToolRegistry)."""
    running = registry.schema_hash()
    if artifact.tool_schema_hash != running:
        raise SchemaMismatch(
            f"The adapter in {artifact.root} was trained for tool schema "
            f"{artifact.tool_schema_hash}, but the running tool registry has schema {running}. "
            "The tools changed since training: "
            "retrain the model (`chatops train`) so it knows the current tools, "
            "or serve the base model without the adapter (`--no-adapter`)."
        )
