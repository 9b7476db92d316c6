"""Confidence intervals and tests: every eval number travels with its count and a 95% CI.

Proportions use the Wilson score interval (sane at 0/n and n/n, unlike the normal one).
Latencies use a percentile bootstrap with a fixed seed, so a report is reproducible.
Regression tests: exact one-sided McNemar when both runs answered the same cases (paired),
a one-sided two-proportion z-test otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

Z_95 = 1.959963984540054
BOOTSTRAP_SEED = 20261125
BOOTSTRAP_RESAMPLES = 2000


def wilson_interval(k: int, n: int, *, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval of k successes in n trials ((0, 1) when n == 0)."""
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"need 0 <= k <= n, got k={k} n={n}")
    if n == 0:
        return 0.0, 1.0
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def proportion(k: int, n: int) -> dict[str, object]:
    """A proportion as stored in results: value, k, n and its 95% Wilson CI."""
    low, high = wilson_interval(k, n)
    return {"value": (k / n) if n else None, "k": k, "n": n, "ci": [low, high]}


def bootstrap_interval(
    values: Sequence[float],
    statistic: Callable[[np.ndarray], float],
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> tuple[float, float]:
    """Percentile bootstrap 95% CI of `statistic` over `values` (deterministic seed)."""
    data = np.asarray(values, dtype=float)
    if data.size == 0:
        return math.nan, math.nan
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, data.size, size=(resamples, data.size))
    q = getattr(statistic, "quantile", None)
    if q is not None:  # vectorized: one call for all resamples
        stats = np.quantile(data[picks], q, axis=1)
    else:
        stats = np.array([statistic(data[row]) for row in picks])
    return float(np.percentile(stats, 2.5)), float(np.percentile(stats, 97.5))


def quantile_stat(q: float) -> Callable[[np.ndarray], float]:
    """The q-quantile (0..1) as a statistic for `bootstrap_interval`."""

    def statistic(data: np.ndarray) -> float:
        return float(np.quantile(data, q))

    statistic.quantile = q  # type: ignore[attr-defined]
    return statistic


def summarize_latency(latencies: Sequence[float]) -> dict[str, object]:
    """p50 and p95 of latencies (seconds) with bootstrap CIs, plus the count and mean."""
    if not latencies:
        return {"n": 0, "p50": None, "p95": None, "mean": None}
    data = np.asarray(latencies, dtype=float)
    out: dict[str, object] = {"n": int(data.size), "mean": float(data.mean())}
    for name, q in (("p50", 0.5), ("p95", 0.95)):
        low, high = bootstrap_interval(data, quantile_stat(q))
        out[name] = {"value": float(np.quantile(data, q)), "ci": [low, high]}
    return out


def summarize_rate(numerators: Sequence[float], denominators: Sequence[float]) -> dict:
    """Ratio of sums (e.g. tokens per second) with a bootstrap CI over cases."""
    num, den = np.asarray(numerators, float), np.asarray(denominators, float)
    if num.size == 0 or den.sum() <= 0:
        return {"n": int(num.size), "value": None, "ci": [None, None]}
    pairs = np.stack([num, den], axis=1)
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    picks = rng.integers(0, num.size, size=(BOOTSTRAP_RESAMPLES, num.size))
    sample = pairs[picks]  # resamples x n x 2
    ratios = sample[:, :, 0].sum(axis=1) / np.maximum(sample[:, :, 1].sum(axis=1), 1e-12)
    low, high = np.percentile(ratios, [2.5, 97.5])
    return {"n": int(num.size), "value": float(num.sum() / den.sum()), "ci": [low, high]}


def two_proportion_p(k_a: int, n_a: int, k_b: int, n_b: int) -> float:
    """One-sided p-value that B's rate is lower than A's (pooled z-test)."""
    if n_a == 0 or n_b == 0:
        return 1.0
    pooled = (k_a + k_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if se == 0:
        return 1.0
    z = (k_a / n_a - k_b / n_b) / se
    return 0.5 * math.erfc(z / math.sqrt(2))


def mcnemar_p(a_only: int, b_only: int) -> float:
    """One-sided exact McNemar p-value that B is worse, from the discordant pairs.

    `a_only`: cases A got right and B wrong; `b_only`: the reverse.
    """
    n = a_only + b_only
    if n == 0:
        return 1.0
    # P(X >= a_only) for X ~ Binomial(n, 1/2)
    return sum(math.comb(n, i) for i in range(a_only, n + 1)) / 2**n
