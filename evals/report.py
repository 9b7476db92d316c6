"""Result files (JSON) and HTML reports of one eval run."""

from __future__ import annotations

import json
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2

from evals.plots import plot_confusion, plot_latency, plot_per_tool

TEMPLATE_DIR = Path(__file__).parent / "templates"
PROPORTION_METRICS = (
    "tool_accuracy",
    "exact_accuracy",
    "schema_validity",
    "schema_valid_first_try",
    "non_action_precision",
    "non_action_recall",
    "clarify_precision",
    "clarify_recall",
    "no_action_precision",
    "no_action_recall",
    "policy_agreement",
)


def describe_machine() -> str:
    """Short description of where a run happened (cores, accelerator if torch sees one)."""
    import os

    cpus = os.cpu_count() or 0
    return f"{platform.machine()} {platform.system()}, {cpus} cores, {_accelerator()}"


def _accelerator() -> str:
    """GPU name from nvidia-smi when there is one (importing torch would take seconds)."""
    import shutil
    import subprocess

    if shutil.which("nvidia-smi") is None:
        return "no GPU"
    try:
        names = subprocess.run(
            ["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.split("\n")  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return "no GPU"
    names = [n.strip() for n in names if n.strip()]
    return f"GPU {names[0]} x{len(names)}" if names else "no GPU"


def build_result(
    *,
    suite: str,
    model: dict[str, Any],
    metrics: dict[str, Any],
    records: list[dict[str, Any]],
    command: str,
    machine: str | None = None,
) -> dict[str, Any]:
    """The JSON document of one run."""
    return {
        "suite": suite,
        "model": model,
        "command": command,
        "machine": machine or describe_machine(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cases": len(records),
        "metrics": metrics,
        "records": records,
    }


def write_result(result: dict[str, Any], path: Path) -> Path:
    """Write a result file: readable header and metrics, then one compact line per record."""
    path.parent.mkdir(parents=True, exist_ok=True)
    head = json.dumps({k: v for k, v in result.items() if k != "records"}, indent=1)
    records = ",\n".join(json.dumps(r, separators=(",", ":")) for r in result["records"])
    text = head[:-2] + ',\n "records": [\n' + records + "\n ]\n}\n"
    path.write_text(text, encoding="utf-8")
    return path


def read_result(path: Path) -> dict[str, Any]:
    """Read a result file; a clear error when it is not one."""
    try:
        result = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not a readable result file: {exc}") from None
    if not isinstance(result, dict) or "metrics" not in result or "records" not in result:
        raise ValueError(f"{path}: not an eval result (no 'metrics' and 'records')")
    return result


def _why(record: dict[str, Any]) -> str:
    if record.get("error_kind"):
        return f"{record['error_kind']}: {record.get('error') or ''}"
    if not record["tool_ok"]:
        return "wrong tool"
    wrong = [f"{a['name']} ({a['reason']})" for a in record["args"] if not a["ok"]]
    wrong += [f"{a['name']} (unexpected)" for a in record["unexpected"]]
    return ", ".join(wrong)


def render_report(result: dict[str, Any]) -> str:
    """The HTML report: metrics with CIs, plots (embedded PNGs) and the failure list."""
    metrics = result["metrics"]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    failures = [
        {
            **r,
            "expected_json": json.dumps(r["expected"], sort_keys=True),
            "actual_json": json.dumps(r["actual"], sort_keys=True) if r["actual"] else "-",
            "why": _why(r),
        }
        for r in result["records"]
        if not r["exact"]
    ]
    latencies = [r["latency_s"] for r in result["records"] if r.get("latency_s") is not None]
    groups = [(f"difficulty: {k}", v) for k, v in metrics["per_difficulty"].items()]
    groups += [(f"style: {k}", v) for k, v in metrics["per_style"].items()]
    images = {
        "per_tool": plot_per_tool(metrics["per_tool"]),
        "confusion": plot_confusion(metrics["confusion"]),
        "latency": plot_latency(latencies),
    }
    return env.get_template("report.html.jinja").render(
        result=result,
        metrics=metrics,
        proportions=[(name, metrics[name]) for name in PROPORTION_METRICS]
        + [("argument_accuracy", metrics["argument_accuracy"]["overall"])],
        latency=metrics["latency_s"],
        tps=metrics["tokens_per_s"],
        groups=groups,
        images=images,
        failures=failures,
        pct=lambda v: "-" if v is None else f"{100 * v:.1f}%",
        num=lambda v: "-" if v is None else f"{v:.1f}",
        ms=lambda q: "-" if not q else f"{1000 * q['value']:.1f} ms",
        ms_ci=lambda q: "-" if not q else f"{1000 * q['ci'][0]:.1f} – {1000 * q['ci'][1]:.1f} ms",
    )


def write_report(result: dict[str, Any], path: Path) -> Path:
    """Write the HTML report next to (or instead of) the JSON result."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(result), encoding="utf-8")
    return path
