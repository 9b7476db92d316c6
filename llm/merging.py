"""Fold a LoRA adapter into its base weights, for serving without the LoRA path.

On the CPU, vLLM's LoRA kernels cost about as much per token as the whole tiny model
(llm/BENCHMARKS.md). A merged checkpoint answers like base + adapter at the base's speed;
it is served under the adapter's name, and the bare base is then not served.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

from llm.artifacts import Artifact
from llm.errors import ServerStartError
from llm.launch_options import tail

TOKENIZER_FILES = (
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "chat_template.jinja",
    "generation_config.json",
)


def merge_adapter(artifact: Artifact, out_dir: Path) -> Path:
    """Write base + adapter merged into `out_dir` (an HF checkpoint vLLM loads); returns it."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    if artifact.adapter_dir is None:
        raise ValueError(f"Artifact {artifact.root} has no adapter to merge.")
    base = AutoModelForCausalLM.from_pretrained(artifact.base_dir, dtype=torch.float32)
    merged = PeftModel.from_pretrained(base, artifact.adapter_dir).merge_and_unload()
    partial = out_dir.with_name(out_dir.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    merged.save_pretrained(partial, safe_serialization=True)
    for name in TOKENIZER_FILES:
        if (artifact.base_dir / name).is_file():
            shutil.copy2(artifact.base_dir / name, partial / name)
    shutil.rmtree(out_dir, ignore_errors=True)
    partial.rename(out_dir)
    return out_dir


def merge_in_subprocess(
    artifact: Artifact, out_dir: Path, *, log_path: Path, timeout_s: float
) -> float:
    """`merge_adapter` in a child process logging to `log_path`; returns the seconds taken."""
    started = time.monotonic()
    command = [sys.executable, "-m", "llm.merging", str(artifact.root), str(out_dir)]
    with open(log_path, "ab") as log:
        try:
            done = subprocess.run(
                command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                timeout=timeout_s,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise ServerStartError(f"Merging the adapter took over {timeout_s:.0f} s.") from None
    if done.returncode != 0:
        raise ServerStartError(f"Merging the adapter failed (log: {log_path}):\n" + tail(log_path))
    return time.monotonic() - started


if __name__ == "__main__":  # python -m llm.merging ARTIFACT_DIR OUT_DIR (used by VllmServer)
    import sys

    from llm.artifacts import read_artifact

    print(merge_adapter(read_artifact(sys.argv[1]), Path(sys.argv[2])), flush=True)
