"""Which number format training computes in.

bf16 autocast runs the matrix products in bfloat16 while weights, gradients and the
optimizer stay fp32. Where the device has native bf16 (x86 CPUs with AVX512-BF16 or AMX,
CUDA GPUs of the Ampere generation on) it trains ~1.7x faster per step for the same loss
curve; elsewhere bf16 is emulated and slower, so `auto` picks fp32 there.

The pipeline trains on the CPU (it never moves a model to a GPU), so `auto` is resolved
for the CPU; `fit` autocasts on whichever device the model's parameters are on.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Literal

Precision = Literal["auto", "bf16", "fp32"]


def native_bf16(device_type: str = "cpu") -> bool:
    """True when `device_type` ("cpu" or "cuda") computes bfloat16 products in hardware."""
    import torch

    if device_type == "cuda":
        return torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    # Private probes (torch >= 2.1); a torch without them is treated as lacking bf16.
    probes = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in probes)


def resolve_precision(setting: Precision, device_type: str = "cpu") -> Literal["bf16", "fp32"]:
    """The concrete format for a config's `precision` (auto: bf16 where native)."""
    if setting == "auto":
        return "bf16" if native_bf16(device_type) else "fp32"
    return setting


def autocast(precision: Literal["bf16", "fp32"], device_type: str) -> AbstractContextManager:
    """The context a training step runs in on `device_type`: bf16 autocast, or a no-op."""
    import torch

    return torch.autocast(device_type, dtype=torch.bfloat16, enabled=precision == "bf16")
