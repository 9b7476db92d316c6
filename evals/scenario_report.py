"""HTML report of a scenario run: metrics with CIs, decisions by kind, every scenario."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from evals.plots import encode_png, figure
from evals.report import TEMPLATE_DIR


def plot_decisions(by_kind: dict[str, dict[str, Any]]) -> str:
    """Bars: share of steps whose expected reply kind the assistant gave, per kind."""
    kinds = list(by_kind)
    fig, ax = figure(6, 2.5)
    values = [by_kind[k]["value"] or 0.0 for k in kinds]
    errors = [
        [max(0.0, v - by_kind[k]["ci"][0]) for v, k in zip(values, kinds, strict=True)],
        [max(0.0, by_kind[k]["ci"][1] - v) for v, k in zip(values, kinds, strict=True)],
    ]
    ax.bar(kinds, values, yerr=errors, capsize=3, color="#55a868")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("agreement")
    ax.set_title("expected reply kind given (95% CI)", fontsize=9)
    return encode_png(fig)


def write_scenario_report(result: dict[str, Any], path: Path) -> Path:
    metrics = result["metrics"]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True)
    names = ("scenario_pass_rate", "decision_agreement", "state_checks")
    html = env.get_template("scenarios.html.jinja").render(
        result=result,
        proportions=[(n, metrics[n]) for n in names]
        + [(f"decision: {k}", v) for k, v in metrics["decision_by_kind"].items()],
        image=plot_decisions(metrics["decision_by_kind"]),
        pct=lambda v: "-" if v is None else f"{100 * v:.1f}%",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
