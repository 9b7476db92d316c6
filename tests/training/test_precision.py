"""bf16 training: 'auto' resolves by the hardware, and a bf16 run learns as fp32 does."""

from __future__ import annotations

import pytest

from training.config import ConfigError, TrainConfig, load_config
from training.loop import batch_indices, fit
from training.precision import native_bf16, resolve_precision

torch = pytest.importorskip("torch")


def test_auto_resolves_to_what_the_hardware_does_natively():
    assert resolve_precision("auto") == ("bf16" if native_bf16("cpu") else "fp32")
    # judged per device: a machine without CUDA has no native bf16 there, whatever its CPU
    if not torch.cuda.is_available():
        assert not native_bf16("cuda")
        assert resolve_precision("auto", "cuda") == "fp32"
    assert resolve_precision("fp32") == "fp32"
    assert resolve_precision("bf16") == "bf16"


def test_a_config_rejects_an_unknown_precision(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("precision: fp16\n")
    with pytest.raises(ConfigError, match="precision"):
        load_config(path)


def test_precision_is_part_of_the_cache_digest():
    assert TrainConfig(precision="bf16").digest() != TrainConfig(precision="fp32").digest()


def _train(precision: str, tmp_path) -> list[float]:
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=32,
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        attn_implementation="eager",
    )
    model = LlamaForCausalLM(config)
    # A learnable stream: each row counts up from a random start (next token = this + 1).
    starts = torch.randint(0, 32, (64, 1), generator=torch.Generator().manual_seed(1))
    data = (starts + torch.arange(24)) % 32

    def make_batch(step):
        rows = data[batch_indices(step, count=len(data), batch_size=16, seed=2)]
        return {"input_ids": rows, "labels": rows}

    return fit(
        model,
        make_batch=make_batch,
        steps=60,
        lr=1e-2,
        warmup=5,
        weight_decay=0.0,
        checkpoint=tmp_path / f"{precision}.ckpt",
        checkpoint_every=100,
        progress=False,
        desc="t",
        precision=precision,
    )


def test_bf16_training_learns_like_fp32(tmp_path):
    fp32, bf16 = _train("fp32", tmp_path), _train("bf16", tmp_path)
    assert fp32 != bf16  # autocast did change the arithmetic
    assert bf16[-1] < 0.25 * bf16[0]  # and the bf16 run learned the counting rule
    assert bf16[-1] == pytest.approx(fp32[-1], abs=0.15)
