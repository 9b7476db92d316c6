"""Resuming from a checkpoint continues exactly where an uninterrupted run would be."""

from __future__ import annotations

import pytest

from training.loop import batch_indices, fit

torch = pytest.importorskip("torch")


def _model_and_batches():
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=64,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=1,
        num_key_value_heads=1,
    )
    model = LlamaForCausalLM(config)
    data = torch.randint(0, 64, (40, 16), generator=torch.Generator().manual_seed(1))

    def make_batch(step):
        rows = data[batch_indices(step, count=len(data), batch_size=4, seed=3)]
        return {"input_ids": rows, "labels": rows}

    return model, make_batch


def _fit(model, make_batch, steps, path):
    return fit(
        model,
        make_batch=make_batch,
        steps=steps,
        lr=1e-2,
        warmup=1,
        weight_decay=0.0,
        checkpoint=path,
        checkpoint_every=3,
        progress=False,
        desc="t",
    )


class Interrupted(Exception):
    """Stands for a killed process."""


def test_resume_matches_uninterrupted_run(tmp_path):
    model, batches = _model_and_batches()
    straight = _fit(model, batches, 8, tmp_path / "straight.ckpt")

    model, batches = _model_and_batches()

    def crashing(step):
        if step == 5:
            raise Interrupted
        return batches(step)

    with pytest.raises(Interrupted):
        _fit(model, crashing, 8, tmp_path / "resumed.ckpt")  # checkpoint at step 3 only
    assert torch.load(tmp_path / "resumed.ckpt", weights_only=False)["step"] == 3
    model, batches = _model_and_batches()  # a new process: fresh weights, same checkpoint
    resumed = _fit(model, batches, 8, tmp_path / "resumed.ckpt")
    assert resumed == pytest.approx(straight, rel=1e-4)


def test_batches_cover_each_epoch():
    seen = [i for step in range(10) for i in batch_indices(step, count=40, batch_size=4, seed=1)]
    assert sorted(seen) == list(range(40))
