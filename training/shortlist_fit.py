"""Train the tool shortlist (llm/tool_shortlist.py) of a model artifact.

A multinomial logistic regression on sentence embeddings of training requests (at most
`per_family` requests of each phrasing family: families repeat one phrasing with other
values, and a few of each teach the classifier as much as all, at a fraction of the
encoding time), then the shortlist's probability mass calibrated on the validation split:
the smallest mass on a grid whose shortlists hold the expected tool of at least `coverage`
of the validation requests (clarify and no_action count as held: they are always offered).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from llm.tool_shortlist import ALWAYS_OFFERED, Encoder, ShortlistWeights, smallest_set, softmax

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


def shortlist_key(*, data: str, per_family: int, coverage: float, encoder: str) -> str:
    fields = {"data": data, "per_family": per_family, "coverage": coverage, "encoder": encoder}
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:16]


def calibrate_mass(
    probabilities: np.ndarray, expected: list[str], tools: list[str], coverage: float
) -> tuple[float, float, float]:
    """(mass, coverage reached, mean shortlist size) of the smallest mass on MASS_GRID whose
    shortlists hold at least `coverage` of `expected`; the largest mass when none does."""
    held_always = set(ALWAYS_OFFERED)
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
    encoder: Encoder | None = None,
    progress: bool = False,
) -> ShortlistWeights:
    """Train, calibrate and save the shortlist into `folder`; returns it."""
    from sklearn.linear_model import LogisticRegression

    encoder = encoder or Encoder()
    sample = sample_per_family(train, per_family)
    tools = sorted({r["tool"] for r in sample})
    if len(tools) < 2:
        raise ValueError(f"a shortlist needs at least two tools in the data, got {tools}")
    vectors = encoder.encode([r["messages"][1]["content"] for r in sample], progress=progress)
    labels = np.array([tools.index(r["tool"]) for r in sample])
    classifier = LogisticRegression(C=REGULARIZATION_C, max_iter=2000).fit(vectors, labels)
    weights = classifier.coef_.astype(np.float32)
    bias = classifier.intercept_.astype(np.float32)
    if len(tools) == 2:  # sklearn keeps one row for two classes: make it a softmax pair
        weights = np.vstack([-weights / 2, weights / 2])
        bias = np.array([-bias[0] / 2, bias[0] / 2], dtype=np.float32)
    valid = [r for r in valid if r["tool"] in tools]
    probs = softmax(encoder.encode([r["messages"][1]["content"] for r in valid]) @ weights.T + bias)
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
                data=data_hash, per_family=per_family, coverage=coverage, encoder=encoder.identity
            ),
            "encoder": encoder.name,
            "data_hash": data_hash,
            "per_family": per_family,
            "examples": len(sample),
            "regularization_c": REGULARIZATION_C,
            "valid": {
                "requests": len(valid),
                "coverage_target": coverage,
                "coverage": round(reached, 4),
                "mean_tools": round(mean_size, 2),
                "top1_accuracy": round(top1 / max(len(valid), 1), 4),
            },
        },
    )
    shortlist.save(folder)
    return shortlist
