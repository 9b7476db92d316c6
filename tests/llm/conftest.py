"""One real vLLM server for all serving tests (a start costs minutes of CPU here).

The model is the training pipeline's quick model (`training.pipeline.train_model("quick")`,
cached by data/config/schema hash so a rerun returns at once). Set CHATOPS_TEST_MODEL=tiny to
use a tiny random LLaMA with a random LoRA adapter instead (no training; it proves the
serving mechanics but not model quality), or to an artifact folder to test that model.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def model_source() -> str:
    """'quick' (pipeline-trained), 'tiny' (random) or an artifact folder (CHATOPS_TEST_MODEL)."""
    choice = os.environ.get("CHATOPS_TEST_MODEL", "auto")
    if choice == "auto":
        found = importlib.util.find_spec("training.pipeline") is not None
        return "quick" if found else "tiny"
    if choice not in ("quick", "tiny") and not Path(choice).is_dir():
        raise ValueError(f"CHATOPS_TEST_MODEL must be auto, quick, tiny or a folder: {choice!r}")
    return choice


MODELS = REPO / "artifacts" / "models"  # gitignored; not pruned like pytest's tmp folders


@pytest.fixture(scope="session")
def tiny_artifact() -> Path:
    """A tiny random LLaMA + random LoRA artifact (no training), cached per tool schema."""
    from llm_tiny_model import build_tiny_artifact

    from tools.registry import ToolRegistry

    # A tool change gives a new schema hash and a new tiny model.
    folder = MODELS / f"test-tiny-{ToolRegistry().schema_hash()}"
    if not (folder / "artifact.json").is_file():
        partial = MODELS / f".{folder.name}-{os.getpid()}"
        shutil.rmtree(partial, ignore_errors=True)
        build_tiny_artifact(partial)
        shutil.rmtree(folder, ignore_errors=True)
        partial.rename(folder)
    return folder


@pytest.fixture(scope="session")
def llm_artifact(request) -> Path:
    """A model artifact directory (artifact.json, base/, adapter/) for the running registry."""
    source = model_source()
    if source == "quick":
        from training.pipeline import train_model

        return train_model("quick", out_root=MODELS, progress=False)
    if source == "tiny":
        return request.getfixturevalue("tiny_artifact")
    return Path(source)  # an existing artifact, e.g. artifacts/models/default


@pytest.fixture(scope="session")
def vllm_server(llm_artifact):
    """A running vLLM server with the artifact's base model and its adapter named 'planton'."""
    from llm.server import VllmServer

    log = REPO / "runs" / "llm-tests" / f"vllm-{time.strftime('%Y%m%d-%H%M%S')}.log"
    # Startup is ~25 s on an idle 2-core machine but minutes when the cores are shared.
    server = VllmServer(
        llm_artifact, port=0, adapter_name="planton", log_path=log, startup_timeout_s=1200
    )
    with server:
        print(f"vLLM ready in {server.startup_s:.1f} s on {server.base_url} (log {log})")
        yield server
