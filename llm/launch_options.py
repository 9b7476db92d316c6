"""Choices for launching vLLM that do not need a running server: flags, ports, limits."""

from __future__ import annotations

import json
import socket
from pathlib import Path

# llguidance with whitespace off: 100% schema-valid output here (shared/FINDINGS.md);
# the per-request whitespace options are ignored by vLLM, so they are set server-wide.
STRUCTURED_OUTPUTS_CONFIG = {
    "backend": "guidance",
    "disable_any_whitespace": True,
    "disable_additional_properties": True,
}
# Families whose vLLM model class supports LoRA (FalconForCausalLM does not in vLLM 0.32).
LORA_FAMILIES = ("llama",)
# vLLM accepts only these --max-lora-rank values.
LORA_RANKS = (1, 8, 16, 32, 64, 128, 256, 320, 512)


def find_free_port(host: str = "127.0.0.1") -> int:
    """An ephemeral port that is free right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def cuda_available() -> bool:
    """True when torch sees a CUDA device (then the GPU build of vLLM is expected)."""
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def lora_rank_flag(rank: int) -> int:
    """The smallest --max-lora-rank vLLM accepts that fits an adapter of `rank`."""
    for allowed in LORA_RANKS:
        if allowed >= rank:
            return allowed
    raise ValueError(f"LoRA rank {rank} is larger than vLLM supports ({LORA_RANKS[-1]}).")


def tail(path: Path, *, lines: int = 40) -> str:
    """The last `lines` lines of a log file ('' when it does not exist)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def default_max_model_len(base_dir: Path, *, cap: int = 1024) -> int:
    """The base model's position limit (config.json), capped: small KV cache, fast start."""
    try:
        config = json.loads((base_dir / "config.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return cap
    for key in ("max_position_embeddings", "n_positions", "max_seq_len"):
        value = config.get(key) if isinstance(config, dict) else None
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return min(int(value), cap)
    return cap


def checkpoint_dtype(base_dir: Path) -> str | None:
    """The weights' dtype from config.json ("dtype" or the older "torch_dtype"), if given."""
    try:
        config = json.loads((base_dir / "config.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    if not isinstance(config, dict):
        return None
    value = config.get("dtype") or config.get("torch_dtype")
    return value if isinstance(value, str) else None
