"""Compare two result files: differences per metric and per tool, and the release gate.

The gate fails when B is worse than A beyond noise on a gated metric. When both runs
answered the same cases (same ids), per-case metrics use the exact one-sided McNemar
test on the cases where they disagree (paired, so small real drops are caught and
coin-flip noise is not); otherwise a one-sided two-proportion z-test. Significance
level `alpha` (default 0.05) and a minimum drop `min_drop` (default 0: any significant
drop fails) are parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from evals.metrics import GATED_METRICS, metric_value
from evals.stats import mcnemar_p, two_proportion_p

# Per-case flags behind a gated metric when the comparison can be paired.
PAIRED_FLAGS = {
    "tool_accuracy": lambda r: bool(r["tool_ok"]),
    "exact_accuracy": lambda r: bool(r["exact"]),
    "schema_validity": lambda r: r["actual"] is not None,
    "scenario_pass_rate": lambda r: bool(r["passed"]),
}
SCENARIO_GATED = ("scenario_pass_rate", "decision_agreement", "state_checks")


@dataclass(frozen=True)
class MetricDelta:
    """One gated or reported metric of A and B."""

    name: str
    a: float | None
    b: float | None
    n_a: int
    n_b: int
    p_value: float | None
    test: str
    gated: bool
    regressed: bool

    @property
    def delta(self) -> float | None:
        return None if self.a is None or self.b is None else self.b - self.a


def _paired(records_a: list[dict], records_b: list[dict]) -> dict[str, tuple[dict, dict]] | None:
    ids_a = {r["id"]: r for r in records_a}
    ids_b = {r["id"]: r for r in records_b}
    if not ids_a or set(ids_a) != set(ids_b):
        return None
    return {case_id: (ids_a[case_id], ids_b[case_id]) for case_id in ids_a}


def compare_metric(
    name: str,
    result_a: dict[str, Any],
    result_b: dict[str, Any],
    *,
    alpha: float = 0.05,
    min_drop: float = 0.0,
    gated: bool = True,
) -> MetricDelta:
    """Compare one proportion metric of two results."""
    ma, mb = metric_value(result_a["metrics"], name), metric_value(result_b["metrics"], name)
    pairs = _paired(result_a.get("records", []), result_b.get("records", []))
    if pairs is not None and name in PAIRED_FLAGS:
        flag = PAIRED_FLAGS[name]
        a_only = sum(flag(a) and not flag(b) for a, b in pairs.values())
        b_only = sum(flag(b) and not flag(a) for a, b in pairs.values())
        p_value, test = mcnemar_p(a_only, b_only), f"mcnemar {a_only}/{b_only}"
    else:
        p_value = two_proportion_p(ma["k"], ma["n"], mb["k"], mb["n"])
        test = "two-proportion z"
    a, b = ma["value"], mb["value"]
    dropped = a is not None and b is not None and (a - b) > min_drop
    regressed = gated and dropped and p_value < alpha
    return MetricDelta(name, a, b, ma["n"], mb["n"], p_value, test, gated, regressed)


def compare_results(
    result_a: dict[str, Any],
    result_b: dict[str, Any],
    *,
    gated: tuple[str, ...] = GATED_METRICS + SCENARIO_GATED,
    alpha: float = 0.05,
    min_drop: float = 0.0,
) -> dict[str, Any]:
    """All metric deltas, per-tool deltas, latency and the gate verdict.

    Metrics missing from either result (call metrics of a scenario run) are skipped.
    """
    names = list(dict.fromkeys([*gated, "argument_accuracy", "non_action_precision"]))
    present = [n for n in names if n in result_a["metrics"] and n in result_b["metrics"]]
    metrics = [
        compare_metric(n, result_a, result_b, alpha=alpha, min_drop=min_drop, gated=n in gated)
        for n in present
        if metric_value(result_a["metrics"], n)["n"] or metric_value(result_b["metrics"], n)["n"]
    ]
    per_tool = {}
    tools_a = result_a["metrics"].get("per_tool", {})
    tools_b = result_b["metrics"].get("per_tool", {})
    for tool in sorted(set(tools_a) | set(tools_b)):
        ea = tools_a.get(tool, {}).get("exact_accuracy", {}).get("value")
        eb = tools_b.get(tool, {}).get("exact_accuracy", {}).get("value")
        per_tool[tool] = {"a": ea, "b": eb, "n": tools_b.get(tool, {}).get("n", 0)}
    latency = {
        "p50_a": _p50(result_a),
        "p50_b": _p50(result_b),
    }
    regressions = [m.name for m in metrics if m.regressed]
    return {
        "metrics": metrics,
        "per_tool": per_tool,
        "latency": latency,
        "paired": _paired(result_a.get("records", []), result_b.get("records", [])) is not None,
        "regressions": regressions,
        "passed": not regressions,
    }


def _p50(result: dict[str, Any]) -> float | None:
    p50 = result["metrics"].get("latency_s", {}).get("p50")
    return p50["value"] if p50 else None


def format_comparison(comparison: dict[str, Any], *, name_a: str, name_b: str) -> str:
    """Plain-text table of a comparison (what `chatops eval compare` prints)."""
    lines = [f"A = {name_a}", f"B = {name_b}", ""]
    lines.append(f"{'metric':26} {'A':>8} {'B':>8} {'delta':>8} {'p':>8}  test")
    for m in comparison["metrics"]:
        flag = "  REGRESSION" if m.regressed else ("" if m.gated else "  (not gated)")
        lines.append(
            f"{m.name:26} {_pct(m.a):>8} {_pct(m.b):>8} {_signed(m.delta):>8} "
            f"{m.p_value:8.3f}  {m.test}{flag}"
        )
    lat = comparison["latency"]
    lines += ["", f"latency p50 (s): A {_num(lat['p50_a'])}  B {_num(lat['p50_b'])}", ""]
    lines.append(f"{'tool':26} {'exact A':>8} {'exact B':>8} {'delta':>8} {'n':>5}")
    for tool, row in comparison["per_tool"].items():
        delta = None if row["a"] is None or row["b"] is None else row["b"] - row["a"]
        lines.append(
            f"{tool:26} {_pct(row['a']):>8} {_pct(row['b']):>8} {_signed(delta):>8} {row['n']:>5}"
        )
    verdict = "PASS" if comparison["passed"] else "FAIL: " + ", ".join(comparison["regressions"])
    lines += ["", f"gate: {verdict}"]
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _signed(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:+.1f}"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
