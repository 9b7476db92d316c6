"""`chatops eval release`: every suite against the keyword baseline, the bare base, the
adapter (and optionally a weakened adapter), the gate comparisons, and a summary.

One vLLM server per artifact answers both the bare base and the adapter, so a full run
starts the (slow on a CPU) server once or twice instead of once per suite and model.
`--merge-adapter` serves the adapter as the bot serves it, merged into the base; the bare
base then needs a server of its own.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

from evals.cli import DEFAULT_ASSISTANT, load_factory
from evals.compare import compare_results, format_comparison
from evals.report import read_result

CALL_SUITES = ("synthetic", "handwritten")
SUMMARY_METRICS = (
    ("tool_accuracy", "tool"),
    ("exact_accuracy", "exact"),
    ("schema_validity", "schema-valid"),
    ("non_action_recall", "clarify/no_action recall"),
    ("non_action_precision", "clarify/no_action precision"),
    ("policy_agreement", "policy agreement"),
)


def _run(suite: str, model: str, *, out: Path, command: str, **options: Any) -> Path:
    from evals.cli import run_suite

    json_path, _, _ = run_suite(suite=suite, model=model, out=out, command=command, **options)
    return json_path


def _served_runs(
    artifact: Path, *, suites: tuple[str, ...], out: Path, command: str, names: dict[str, str],
    base: bool, assistant: str, concurrency: int, limit: int | None = None,
    merge_adapter: bool = False,
) -> dict[tuple[str, str], Path]:  # fmt: skip
    """Run the suites for `artifact`'s adapter (and its bare base).

    With the LoRA path one server answers both, vLLM applying the adapter per request. A
    merged adapter (folded into the base, llm/merging.py) leaves no bare base on its server,
    so the base then gets a server of its own."""
    from evals.planners import artifact_meta
    from llm.server import VllmServer
    from tools.registry import ToolRegistry

    kinds = ("adapter", "base") if base else ("adapter",)
    # (serve the adapter?, merged?, the kinds this server answers for)
    servers = [(True, False, kinds)]
    if merge_adapter:
        servers = [(True, True, ("adapter",))] + ([(False, False, ("base",))] if base else [])
    runs: dict[tuple[str, str], Path] = {}
    for with_adapter, merged, answered in servers:
        with VllmServer(
            artifact, port=0, with_adapter=with_adapter, merge_adapter=merged,
            registry=ToolRegistry(),
        ) as server:  # fmt: skip
            served = {"adapter": server.adapter_name, "base": server.base_model_name}
            for kind in answered:
                info = {"artifact": str(artifact), "artifact_meta": artifact_meta(artifact),
                        "kind": kind}  # fmt: skip
                if kind == "adapter":
                    info["adapter_merged"] = merged
                for suite in suites:
                    runs[(suite, names[kind])] = _run(
                        suite, server.base_url, out=out, command=command,
                        served_name=served[kind],
                        # the adapter is served as the bot serves it, with its tool
                        # shortlist; the bare base alone
                        shortlist_from=artifact if kind == "adapter" else None,
                        concurrency=concurrency, assistant_spec=assistant, label=names[kind],
                        limit=limit, model_info=info,
                    )  # fmt: skip
    return runs


def run_release(
    *, artifact: Path, weak: Path | None, out: Path, suites: tuple[str, ...],
    assistant: str = DEFAULT_ASSISTANT, concurrency: int = 1, limit: int | None = None,
    merge_adapter: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """All runs, comparisons and SUMMARY.md; returns {"runs": ..., "gates": ...}."""
    command = "chatops " + shlex.join(sys.argv[1:]) if sys.argv[1:] else "evals.release"
    if "scenarios" in suites:
        # Fail now on a wrong --assistant, not after the other suites and a vLLM start.
        load_factory(assistant, option="--assistant")
    runs: dict[tuple[str, str], Path] = {}
    for suite in suites:
        runs[(suite, "keyword")] = _run(
            suite, "keyword", out=out, command=command, assistant_spec=assistant, limit=limit
        )
    name = artifact.name
    runs |= _served_runs(
        artifact, suites=suites, out=out, command=command, base=True, assistant=assistant,
        names={"adapter": f"{name}-adapter", "base": f"{name}-base"}, concurrency=concurrency,
        limit=limit, merge_adapter=merge_adapter,
    )  # fmt: skip
    # The gate must pass from the bare base to the adapter (the value of fine-tuning);
    # keyword -> adapter shows where the model stands against the rules.
    gates = []
    for suite in suites:
        adapter = runs[(suite, f"{name}-adapter")]
        gates.append((suite, runs[(suite, f"{name}-base")], adapter))
        gates.append((suite, runs[(suite, "keyword")], adapter))
    if weak is not None:
        weak_suites = tuple(s for s in suites if s != "scenarios")
        runs |= _served_runs(
            weak, suites=weak_suites, out=out, command=command, base=False, assistant=assistant,
            names={"adapter": f"{weak.name}-weak-adapter"}, concurrency=concurrency, limit=limit,
            merge_adapter=merge_adapter,
        )  # fmt: skip
        for suite in weak_suites:
            gates.append(
                (
                    suite,
                    runs[(suite, f"{name}-adapter")],
                    runs[(suite, f"{weak.name}-weak-adapter")],
                )
            )
    verdicts = [_gate(suite, a, b, out) for suite, a, b in gates]
    write_summary(
        runs, verdicts, out=out, command=command,
        assistant=assistant if "scenarios" in suites else None,
    )  # fmt: skip
    return {"runs": runs, "gates": verdicts}


def _gate(suite: str, path_a: Path, path_b: Path, out: Path) -> dict[str, Any]:
    comparison = compare_results(read_result(path_a), read_result(path_b))
    text = format_comparison(comparison, name_a=str(path_a), name_b=str(path_b))
    gate_path = (
        out / f"gate-{suite}-{path_a.stem.split('-', 1)[1]}-vs-{path_b.stem.split('-', 1)[1]}.txt"
    )
    gate_path.write_text(f"$ chatops eval compare {path_a} {path_b}\n{text}\n", encoding="utf-8")
    return {"suite": suite, "a": str(path_a), "b": str(path_b), "passed": comparison["passed"],
            "regressions": comparison["regressions"], "file": str(gate_path)}  # fmt: skip


def _cell(metric: dict[str, Any] | None) -> str:
    if not metric or metric.get("value") is None:
        return "-"
    low, high = 100 * metric["ci"][0], 100 * metric["ci"][1]
    return f"{100 * metric['value']:.1f}% ({metric['k']}/{metric['n']}, CI {low:.0f}-{high:.0f})"


def write_summary(
    runs: dict[tuple[str, str], Path], gates: list[dict[str, Any]], *, out: Path, command: str,
    assistant: str | None = None,
) -> Path:  # fmt: skip
    """SUMMARY.md: one table per suite (95% Wilson CIs), latency, and the gate verdicts.
    `assistant`: the engine wiring the scenario suite ran (shown even when it was the
    default and so is not on the command line)."""
    lines = ["# Eval results", "", f"Command: `{command}`", ""]
    if assistant:
        lines += [f"Scenario assistant: `{assistant}`", ""]
    first = read_result(next(iter(runs.values())))
    lines += [f"Machine: {first['machine']}  ", f"Date: {first['date']}", ""]
    for suite in dict.fromkeys(s for s, _ in runs):
        lines += [f"## {suite}", ""]
        results = {label: read_result(path) for (s, label), path in runs.items() if s == suite}
        if suite == "scenarios":
            names = [
                ("scenario_pass_rate", "scenarios passed"),
                ("decision_agreement", "decisions"),
                ("state_checks", "cluster state checks"),
            ]
        else:
            names = list(SUMMARY_METRICS)
        lines.append("| metric | " + " | ".join(results) + " |")
        lines.append("|---|" + "---|" * len(results))
        for key, title in names:
            lines.append(
                f"| {title} | "
                + " | ".join(_cell(r["metrics"].get(key)) for r in results.values())
                + " |"
            )
        p50 = [r["metrics"]["latency_s"].get("p50") for r in results.values()]
        lines.append(
            "| latency p50 | "
            + " | ".join(f"{1000 * p['value']:.0f} ms" if p else "-" for p in p50)
            + " |"
        )
        lines.append("")
    lines += ["## Release gate", ""]
    for gate in gates:
        verdict = "PASS" if gate["passed"] else "FAIL (" + ", ".join(gate["regressions"]) + ")"
        pair = f"`{Path(gate['a']).name}` -> `{Path(gate['b']).name}`"
        details = Path(gate["file"]).name
        lines.append(f"- {gate['suite']}: {pair}: **{verdict}** ([details]({details}))")
    path = out / "SUMMARY.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
