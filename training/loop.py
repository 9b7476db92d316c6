"""The explicit training loop (fit) and the batches it eats; resumable by checkpoint.

`fit` runs steps [start, steps): the batch of step k is a pure function of (seed, k), so a
run resumed from a checkpoint sees exactly the batches an uninterrupted run would have.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from training.precision import autocast


def lr_at(step: int, *, peak: float, warmup: int, total: int) -> float:
    """Linear warmup, then cosine decay to 10% of the peak."""
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))


def batch_indices(step: int, *, count: int, batch_size: int, seed: int) -> list[int]:
    """Indices of step `step`'s batch: epochs are seeded permutations of range(count)."""
    import numpy as np

    per_epoch = max(1, count // batch_size)
    epoch, position = divmod(step, per_epoch)
    order = np.random.default_rng([seed, epoch]).permutation(count)
    return order[position * batch_size : (position + 1) * batch_size].tolist()


def pack_tokens(
    documents: list[list[int]],
    *,
    seq_len: int,
    separator: int,
    weights: list[list[float]] | None = None,
) -> tuple[Any, Any]:
    """Concatenate documents (separated by `separator`) into rows of `seq_len` tokens.

    Returns (ids, loss weights) of the same shape: each token's weight as the target of
    the previous position (default 1.0; the separator always 1.0)."""
    import torch

    stream: list[int] = []
    stream_weights: list[float] = []
    for index, doc in enumerate(documents):
        stream.extend(doc)
        stream_weights.extend(weights[index] if weights is not None else [1.0] * len(doc))
        stream.append(separator)
        stream_weights.append(1.0)
    rows = len(stream) // seq_len
    ids = torch.tensor(stream[: rows * seq_len], dtype=torch.long).view(rows, seq_len)
    kept = torch.tensor(stream_weights[: rows * seq_len], dtype=torch.float).view(rows, seq_len)
    return ids, kept


def weighted_lm_loss(logits: Any, input_ids: Any, weights: Any) -> Any:
    """Next-token cross-entropy where each target token counts with its weight."""
    import torch

    targets, target_weights = input_ids[:, 1:], weights[:, 1:]
    per_token = torch.nn.functional.cross_entropy(
        logits[:, :-1].reshape(-1, logits.size(-1)).float(),
        targets.reshape(-1),
        reduction="none",
    )
    flat = target_weights.reshape(-1)
    return (per_token * flat).sum() / flat.sum().clamp(min=1e-6)


def pad_examples(examples: list[tuple[list[int], list[int]]], *, pad_id: int) -> dict[str, Any]:
    """Right-padded input_ids/attention_mask/labels (labels -100 where no loss)."""
    import torch

    width = max(len(ids) for ids, _ in examples)
    input_ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    labels = torch.full((len(examples), width), -100, dtype=torch.long)
    mask = torch.zeros((len(examples), width), dtype=torch.long)
    for row, (ids, target) in enumerate(examples):
        input_ids[row, : len(ids)] = torch.tensor(ids)
        labels[row, : len(target)] = torch.tensor(target)
        mask[row, : len(ids)] = 1
    return {"input_ids": input_ids, "attention_mask": mask, "labels": labels}


def _trainable_state(model: Any) -> dict[str, Any]:
    names = {name for name, p in model.named_parameters() if p.requires_grad}
    return {k: v for k, v in model.state_dict().items() if k in names}


def fit(
    model: Any,
    *,
    make_batch: Callable[[int], dict[str, Any]],
    steps: int,
    lr: float,
    warmup: int,
    weight_decay: float,
    checkpoint: Path,
    checkpoint_every: int,
    progress: bool,
    desc: str,
    precision: Literal["bf16", "fp32"] = "fp32",
) -> list[float]:
    """Train `model`'s trainable parameters for `steps` steps; return the loss per step.

    Saves {step, trainable weights, optimizer, losses} to `checkpoint` every
    `checkpoint_every` steps and at the end; a later call resumes from it. `precision`
    bf16 runs each forward pass under bf16 autocast (training/precision.py).
    """
    import torch
    from tqdm.auto import tqdm

    params = [p for p in model.parameters() if p.requires_grad]
    device_type = params[0].device.type  # autocast where the model computes
    optimizer = torch.optim.AdamW(params, lr=lr, betas=(0.9, 0.95), weight_decay=weight_decay)
    start, losses = 0, []
    if checkpoint.is_file():
        state = torch.load(checkpoint, map_location="cpu", weights_only=False)
        model.load_state_dict(state["model"], strict=False)
        optimizer.load_state_dict(state["optimizer"])
        start, losses = state["step"], list(state["losses"])
    model.train()
    bar = tqdm(total=steps, initial=start, desc=desc, disable=not progress, leave=True)
    for step in range(start, steps):
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step, peak=lr, warmup=warmup, total=steps)
        batch = make_batch(step)
        weights = batch.pop("loss_weights", None)
        with autocast(precision, device_type):
            if weights is None:
                loss = model(**batch).loss
            else:  # a weighted objective (see pack_tokens): the model gives logits only
                loss = weighted_lm_loss(
                    model(input_ids=batch["input_ids"]).logits, batch["input_ids"], weights
                )
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(float(loss.detach()))
        bar.update(1)
        bar.set_postfix(loss=f"{sum(losses[-20:]) / len(losses[-20:]):.3f}")
        done = step + 1
        if done % checkpoint_every == 0 or done == steps:
            _save_atomic(
                {
                    "step": done,
                    "model": _trainable_state(model),
                    "optimizer": optimizer.state_dict(),
                    "losses": losses,
                },
                checkpoint,
            )
    bar.close()
    model.eval()
    return losses


def _save_atomic(state: dict[str, Any], path: Path) -> None:
    import torch

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)
