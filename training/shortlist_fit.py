"""Train the tool shortlist (llm/tool_shortlist.py) of a model artifact.

A classifier on sentence embeddings of training requests (at most `per_family` requests
of each phrasing family: families repeat one phrasing with other values, and a few of
each teach the classifier as much as all, at a fraction of the encoding time). Two ways:

- `fine_tune_epochs: 0`: a multinomial logistic regression on the packaged encoder's
  embeddings, which stay as they are (~2 min here);
- `fine_tune_epochs > 0`: the encoder is fine-tuned together with a linear head on the
  same requests (cross-entropy) and saved into the shortlist. Its embeddings then
  separate our tools: first-tool accuracy on the validation split 79.6% -> 89.7%, on the
  test split 80.2% -> 88.9% (8 per family, 2 epochs, training/RESULTS.md), for ~8 min of
  training on 2 cores.

Then the shortlist's probability mass is calibrated on the validation split:
the smallest mass on a grid whose shortlists hold the expected tool of at least `coverage`
of the validation requests. An expected clarify or no_action counts as held: the mass is
about actions, and which decline is offered is the classifier's ranking of the two
(llm/tool_shortlist.py).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from llm.tool_shortlist import (
    DECLINES,
    ENCODER_DIR,
    ArgumentHead,
    Encoder,
    ShortlistWeights,
    smallest_set,
    softmax,
)

# fine-tuning (fine_tune_epochs > 0): the pretrained encoder learns slowly, the new head fast
FINE_TUNE_BATCH = 32
ENCODER_LR = 5e-5
HEAD_LR = 1e-2
FINE_TUNE_WEIGHT_DECAY = 0.01
FINE_TUNE_SEED = 0
FINE_TUNE_METHOD = "cross-entropy-v1"  # in the key: a change of the recipe rebuilds
# The argument the shortlist classifies besides the tool: no_action's reason. Our model
# wrote the wrong reason in 25 of its 39 no_action answers on the validation split
# (2026-12-06); a logistic regression on the shortlist's embeddings, 40 requests per family,
# is right for 85% of the split's 48 no_action requests (97% of the test split's 144).
DECLINE_REASON = ("no_action", "reason")
HEAD_PER_FAMILY = 40
MASS_GRID = tuple(round(0.5 + 0.01 * i, 2) for i in range(50)) + (0.995, 0.999)
REGULARIZATION_C = 10.0  # sklearn's inverse L2 strength; 1-100 within a point on valid


def sample_per_family(records: list[dict[str, Any]], per_family: int) -> list[dict[str, Any]]:
    """The first `per_family` records of each family, in file order (the generator
    already shuffles values within a family)."""
    seen: Counter[str] = Counter()
    picked = []
    for record in records:
        if seen[record["family"]] < per_family:
            seen[record["family"]] += 1
            picked.append(record)
    return picked


def shortlist_key(
    *, data: str, per_family: int, coverage: float, encoder: str, fine_tune_epochs: float = 0
) -> str:
    fields: dict[str, Any] = {
        "data": data,
        "per_family": per_family,
        "coverage": coverage,
        "encoder": encoder,
    }
    if fine_tune_epochs:  # keys of frozen-encoder shortlists stay what they were
        fields["fine_tune"] = [fine_tune_epochs, FINE_TUNE_METHOD]
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:16]


def calibrate_mass(
    probabilities: np.ndarray, expected: list[str], tools: list[str], coverage: float
) -> tuple[float, float, float]:
    """(mass, coverage reached, mean shortlist size) of the smallest mass on MASS_GRID whose
    shortlists hold at least `coverage` of `expected`; the largest mass when none does."""
    held_always = set(DECLINES)
    result = (MASS_GRID[-1], 0.0, float(len(tools)))
    for mass in MASS_GRID:
        sets = [{tools[i] for i in smallest_set(p, mass)} for p in probabilities]
        held = [want in s or want in held_always for want, s in zip(expected, sets, strict=True)]
        reached = sum(held) / len(held)
        result = (mass, reached, sum(map(len, sets)) / len(sets))
        if reached >= coverage:
            break
    return result


def fit_shortlist(
    train: list[dict[str, Any]],
    valid: list[dict[str, Any]],
    folder: Path,
    *,
    per_family: int,
    coverage: float,
    data_hash: str,
    fine_tune_epochs: float = 0,
    encoder: Encoder | None = None,
    progress: bool = False,
) -> ShortlistWeights:
    """Train, calibrate and save the shortlist into `folder`; returns it. `encoder` is
    the pretrained one to start from (default: the packaged one)."""
    started = time.monotonic()
    encoder = encoder or Encoder()
    base_identity, base_name = encoder.identity, encoder.name
    sample = sample_per_family(train, per_family)
    tools = sorted({r["tool"] for r in sample})
    if len(tools) < 2:
        raise ValueError(f"a shortlist needs at least two tools in the data, got {tools}")
    texts = [request_text(r) for r in sample]
    labels = np.array([tools.index(r["tool"]) for r in sample])
    if fine_tune_epochs:
        weights, bias = fine_tune_encoder(
            encoder.path, texts, labels, len(tools), folder / ENCODER_DIR,
            epochs=fine_tune_epochs, progress=progress,
        )  # fmt: skip
        encoder = Encoder(folder / ENCODER_DIR)
    else:
        weights, bias = _logistic_regression(encoder.encode(texts, progress=progress), labels)
    valid = [r for r in valid if r["tool"] in tools]
    probs = softmax(encoder.encode([request_text(r) for r in valid]) @ weights.T + bias)
    expected = [r["tool"] for r in valid]
    mass, reached, mean_size = calibrate_mass(probs, expected, tools, coverage)
    top1 = sum(tools[int(p.argmax())] == want for p, want in zip(probs, expected, strict=True))
    shortlist = ShortlistWeights(
        tools=tools,
        weights=weights,
        bias=bias,
        mass=mass,
        encoder_identity=encoder.identity,
        meta={
            "key": shortlist_key(
                data=data_hash,
                per_family=per_family,
                coverage=coverage,
                encoder=base_identity,
                fine_tune_epochs=fine_tune_epochs,
            ),
            "encoder": f"{base_name}, fine-tuned" if fine_tune_epochs else base_name,
            "base_encoder": base_identity,
            "fine_tune": (
                {
                    "epochs": fine_tune_epochs,
                    "method": FINE_TUNE_METHOD,
                    "batch": FINE_TUNE_BATCH,
                    "encoder_lr": ENCODER_LR,
                    "head_lr": HEAD_LR,
                }
                if fine_tune_epochs
                else None
            ),
            "data_hash": data_hash,
            "per_family": per_family,
            "examples": len(sample),
            "regularization_c": None if fine_tune_epochs else REGULARIZATION_C,
            "valid": {
                "requests": len(valid),
                "coverage_target": coverage,
                "coverage": round(reached, 4),
                "mean_tools": round(mean_size, 2),
                "top1_accuracy": round(top1 / max(len(valid), 1), 4),
            },
            "seconds": round(time.monotonic() - started, 1),  # encoding and calibration too
        },
    )
    shortlist.save(folder)
    return shortlist


def head_key(shortlist: ShortlistWeights) -> str:
    """The argument classifier's key: its shortlist (data and encoder) and its recipe."""
    fields = {
        "shortlist": shortlist.meta.get("key"),
        "encoder": shortlist.encoder_identity,
        "tool_argument": list(DECLINE_REASON),
        "per_family": HEAD_PER_FAMILY,
        "c": REGULARIZATION_C,
    }
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:16]


def fit_reason_head(
    shortlist: ShortlistWeights,
    encoder: Encoder,
    train: list[dict[str, Any]],
    valid: list[dict[str, Any]],
) -> ArgumentHead | None:
    """The classifier of no_action's reason on the shortlist's embeddings (logistic
    regression on `HEAD_PER_FAMILY` training requests per family); None when the training
    data gives fewer than two reasons. The embeddings stay as the shortlist has them: this
    takes seconds, not a fine-tuning."""
    tool, argument = DECLINE_REASON

    def labelled(records: list[dict[str, Any]]) -> list[tuple[str, str]]:
        return [
            (request_text(r), str(r["target"]["args"][argument]))
            for r in records
            if r["tool"] == tool and argument in r["target"].get("args", {})
        ]

    examples = labelled(sample_per_family(train, HEAD_PER_FAMILY))
    labels = sorted({label for _, label in examples})
    if len(labels) < 2:
        return None
    vectors = encoder.encode([text for text, _ in examples])
    weights, bias = _logistic_regression(
        vectors, np.array([labels.index(label) for _, label in examples])
    )
    held_out = [(text, label) for text, label in labelled(valid) if label in labels]
    right = 0
    if held_out:
        scores = encoder.encode([text for text, _ in held_out]) @ weights.T + bias
        chosen = [labels[int(i)] for i in scores.argmax(1)]
        right = sum(c == label for c, (_, label) in zip(chosen, held_out, strict=True))
    return ArgumentHead(
        tool=tool,
        argument=argument,
        labels=labels,
        weights=weights,
        bias=bias,
        meta={
            "key": head_key(shortlist),
            "examples": len(examples),
            "per_family": HEAD_PER_FAMILY,
            "regularization_c": REGULARIZATION_C,
            "valid": {
                "requests": len(held_out),
                "accuracy": round(right / len(held_out), 4) if held_out else None,
            },
        },
    )


def request_text(record: dict[str, Any]) -> str:
    """The user's request of a data set record (its chat messages: system, user, ...)."""
    return record["messages"][1]["content"]


def _logistic_regression(vectors: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(weights, bias) of a softmax classifier on frozen embeddings."""
    from sklearn.linear_model import LogisticRegression

    classifier = LogisticRegression(C=REGULARIZATION_C, max_iter=2000).fit(vectors, labels)
    weights = classifier.coef_.astype(np.float32)
    bias = classifier.intercept_.astype(np.float32)
    if weights.shape[0] == 1:  # sklearn keeps one row for two classes: make a softmax pair
        weights = np.vstack([-weights / 2, weights / 2])
        bias = np.array([-bias[0] / 2, bias[0] / 2], dtype=np.float32)
    return weights, bias


def fine_tune_encoder(
    start: Path,
    texts: list[str],
    labels: np.ndarray,
    n_classes: int,
    out: Path,
    *,
    epochs: float,
    progress: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Fine-tune the sentence encoder at `start` with a linear head on `texts` -> `labels`
    (cross-entropy on the unit-length sentence embedding, as `Encoder.encode` gives it),
    save the encoder to `out` (a sentence-transformers folder) and return the head's
    (weights, bias): the shortlist's classifier."""
    import torch
    from sentence_transformers import SentenceTransformer
    from tqdm.auto import tqdm

    torch.manual_seed(FINE_TUNE_SEED)
    order = np.random.default_rng(FINE_TUNE_SEED)
    model = SentenceTransformer(str(start), device="cpu")
    head = torch.nn.Linear(model.get_embedding_dimension(), n_classes)
    optimizer = torch.optim.AdamW(
        [
            {"params": model.parameters(), "lr": ENCODER_LR},
            {"params": head.parameters(), "lr": HEAD_LR},
        ],
        weight_decay=FINE_TUNE_WEIGHT_DECAY,
    )
    per_epoch = max(1, len(texts) // FINE_TUNE_BATCH)
    steps = max(1, round(per_epoch * epochs))
    targets = torch.as_tensor(labels, dtype=torch.long)
    model.train()
    batches: list[np.ndarray] = []
    for _ in tqdm(range(steps), desc="fine-tuning the shortlist encoder", disable=not progress):
        if not batches:  # a new epoch: every request once, in a new order
            batches = list(np.array_split(order.permutation(len(texts)), per_epoch))
        batch = batches.pop()
        features = model.tokenize([texts[i] for i in batch])
        embedding = model(features)["sentence_embedding"]
        loss = torch.nn.functional.cross_entropy(head(embedding), targets[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    model.save(str(out))
    return (
        head.weight.detach().numpy().astype(np.float32),
        head.bias.detach().numpy().astype(np.float32),
    )
