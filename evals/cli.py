"""`chatops eval`: run a suite against a planner; `chatops eval compare`: the release gate."""

from __future__ import annotations

import importlib
import importlib.util
import re
import shlex
import sys
from pathlib import Path
from typing import Any

import typer

DEFAULT_OUT = Path("evals/results")
# The whole engine behind the scenario suite. evals never imports bot, so the wiring is
# named here and imported by name at run time (load_factory).
DEFAULT_ASSISTANT = "bot.eval_assistant:make_assistant"
ASSISTANT_HELP = (
    "Scenarios: the engine under test, MODULE:FUNCTION or FILE.py:FUNCTION, "
    "FUNCTION(env) -> Assistant (see evals/scenario_run.py)."
)
MERGE_HELP = (
    "With an artifact: serve its adapter merged into the base, as the bot serves it "
    "(llm/merging.py): the same calls, faster on a CPU."
)


def load_factory(spec: str, *, option: str) -> Any:
    """`module:function` or `path/file.py:function` -> the function (a plug-in seam: the
    engine wiring and policy judges live outside evals). A spec that names nothing
    loadable is a BadParameter of `option` saying what was not found."""
    module_name, _, attribute = spec.rpartition(":")
    if not module_name or not attribute:
        raise typer.BadParameter(
            f"{spec!r}: expected MODULE:FUNCTION (e.g. {DEFAULT_ASSISTANT}) or FILE.py:FUNCTION",
            param_hint=option,
        )
    if module_name.endswith(".py"):
        module = _load_file(Path(module_name), spec=spec, option=option)
    else:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            # Only a missing module *named by the spec* is a bad value; a module that is
            # there but fails its own imports is a real error and keeps its traceback.
            if exc.name is None or not (module_name + ".").startswith(exc.name + "."):
                raise
            raise typer.BadParameter(
                f"{spec!r}: no module named {exc.name!r} importable from here",
                param_hint=option,
            ) from None
    factory = getattr(module, attribute, None)
    if not callable(factory):
        raise typer.BadParameter(
            f"{spec!r}: {module_name} has no function {attribute!r}", param_hint=option
        )
    return factory


def _load_file(path: Path, *, spec: str, option: str) -> Any:
    if not path.is_file():
        raise typer.BadParameter(f"{spec!r}: no file {str(path)!r}", param_hint=option)
    module_spec = importlib.util.spec_from_file_location(path.stem, path)
    if module_spec is None or module_spec.loader is None:
        raise typer.BadParameter(f"{spec!r}: cannot load {str(path)!r}", param_hint=option)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:80] or "model"


def run_suite(
    *,
    suite: str,
    model: str,
    out: Path,
    served_name: str | None = None,
    base: bool = False,
    limit: int | None = None,
    concurrency: int = 1,
    judge_spec: str | None = None,
    assistant_spec: str = DEFAULT_ASSISTANT,
    progress: bool = True,
    command: str | None = None,
    label: str | None = None,
    model_info: dict[str, Any] | None = None,
    grounding: bool = True,
    shortlist: bool = True,
    shortlist_from: Path | None = None,
    merge_adapter: bool = False,
) -> tuple[Path, Path, dict[str, Any]]:
    """Run one suite; write `<suite>-<model>.json` and `.html` under `out`."""
    from tqdm import tqdm

    from evals.judging import build_risk_judge
    from evals.metrics import compute_metrics
    from evals.planners import open_planner
    from evals.report import build_result, write_report, write_result
    from evals.runner import run_cases
    from evals.suites import load_suite
    from tools.registry import ToolRegistry

    registry = ToolRegistry()
    judge = (
        load_factory(judge_spec, option="--judge")(registry)
        if judge_spec
        else build_risk_judge(registry)
    )
    command = command or "chatops " + shlex.join(sys.argv[1:])
    if suite == "scenarios":
        from evals.scenario_suite import run_scenario_suite

        return run_scenario_suite(
            label=label,
            model_info=model_info,
            model=model, out=out, assistant_spec=assistant_spec, limit=limit,
            progress=progress, command=command, served_name=served_name, base=base,
            shortlist=shortlist, shortlist_from=shortlist_from, merge_adapter=merge_adapter,
        )  # fmt: skip
    cases = load_suite(suite, judge=judge, registry=registry)[: limit or None]
    with open_planner(
        model,
        registry=registry,
        served_name=served_name,
        base=base,
        grounding=grounding,
        shortlist=shortlist,
        shortlist_from=shortlist_from,
        merge_adapter=merge_adapter,
    ) as opened:
        planner, description = opened
        description = {**description, **(model_info or {}), "name": label or description["name"]}
        if not grounding:
            description["grounding"] = False
        with tqdm(
            total=len(cases), desc=f"{suite} / {description['name']}", disable=not progress
        ) as bar:
            records = run_cases(
                cases,
                planner,
                registry=registry,
                judge=judge,
                concurrency=concurrency,
                on_done=lambda _record: bar.update(1),
            )
    suite_name = Path(suite).stem if Path(suite).exists() else suite
    result = build_result(
        suite=suite_name,
        model=description,
        metrics=compute_metrics(records),
        records=records,
        command=command,
    )
    stem = f"{slug(suite_name)}-{slug(description['name'])}"
    json_path = write_result(result, out / f"{stem}.json")
    html_path = write_report(result, out / f"{stem}.html")
    return json_path, html_path, result


def print_summary(result: dict[str, Any]) -> None:
    metrics = result["metrics"]
    names = (
        "tool_accuracy", "exact_accuracy", "schema_validity", "non_action_recall",
        "policy_agreement", "scenario_pass_rate", "decision_agreement", "state_checks",
    )  # fmt: skip
    for name in (n for n in names if n in metrics):
        m = metrics[name]
        value = "-" if m["value"] is None else f"{100 * m['value']:.1f}%"
        low, high = 100 * m["ci"][0], 100 * m["ci"][1]
        typer.echo(f"{name:20} {value:>7}  ({m['k']}/{m['n']}, 95% CI {low:.1f}-{high:.1f}%)")
    p50 = metrics.get("latency_s", {}).get("p50")
    if p50:
        typer.echo(f"{'latency p50':20} {1000 * p50['value']:.1f} ms")


def register(app: typer.Typer, *, serve: typer.Typer) -> None:
    """Add `chatops eval` (run a suite) and `chatops eval compare` (the gate)."""
    eval_app = typer.Typer(
        help="Evaluate a planner on a suite; compare two results (release gate)."
    )
    app.add_typer(eval_app, name="eval")

    @eval_app.callback(invoke_without_command=True)
    def evaluate(
        ctx: typer.Context,
        suite: str = typer.Option(None, help="handwritten | easy | synthetic | scenarios | PATH."),
        model: str = typer.Option(
            None, help="keyword | http(s)://HOST:PORT/v1 | artifact folder or name."
        ),
        out: Path = typer.Option(DEFAULT_OUT, help="Folder for the JSON result and HTML report."),
        served_name: str = typer.Option(
            None, help="Model/adapter name on the server (URL models)."
        ),
        base: bool = typer.Option(False, help="With an artifact: serve the bare base, no adapter."),
        limit: int = typer.Option(None, help="Only the first N cases (smoke runs)."),
        concurrency: int = typer.Option(1, help="Parallel requests (latency is per request)."),
        judge: str = typer.Option(
            None,
            help="MODULE:FUNCTION or FILE.py:FUNCTION, FUNCTION(registry) -> PolicyJudge; "
            "default: the risk judge (evals/judging.py).",
        ),
        assistant: str = typer.Option(DEFAULT_ASSISTANT, help=ASSISTANT_HELP),
        progress: bool = typer.Option(True, help="Show a progress bar."),
        grounding: bool = typer.Option(
            True,
            help="Typed arguments (nodes, images, numbers...) only from the request's words; "
            "scopes, deployments and closed choices (service, runtime) the named ones when "
            "any is named; a name the request gives is written (llm/grounding.py). "
            "--no-grounding measures the model without it.",
        ),
        shortlist: bool = typer.Option(
            True,
            help="With an artifact's adapter: offer the grammar only the tools the artifact's "
            "tool shortlist keeps for each request (llm/tool_shortlist.py). --no-shortlist "
            "measures the model choosing among all tools.",
        ),
        shortlist_from: Path = typer.Option(
            None,
            help="With a server URL: the artifact whose tool shortlist to use (the one the "
            "server serves).",
        ),
        merge_adapter: bool = typer.Option(False, "--merge-adapter", help=MERGE_HELP),
    ) -> None:
        """Run SUITE against MODEL; writes a JSON result and an HTML report."""
        if ctx.invoked_subcommand is not None:
            return
        if not suite or not model:
            raise typer.BadParameter("both --suite and --model are needed (see --help)")
        json_path, html_path, result = run_suite(
            suite=suite, model=model, out=out, served_name=served_name, base=base, limit=limit,
            concurrency=concurrency, judge_spec=judge, assistant_spec=assistant, progress=progress,
            grounding=grounding, shortlist=shortlist, shortlist_from=shortlist_from,
            merge_adapter=merge_adapter,
        )  # fmt: skip
        print_summary(result)
        typer.echo(f"wrote {json_path} and {html_path}")

    @eval_app.command("release")
    def release(
        artifact: Path = typer.Option(Path("artifacts/models/default"), help="Model artifact."),
        weak: Path = typer.Option(None, help="A weakened artifact: the gate must fail for it."),
        out: Path = typer.Option(DEFAULT_OUT, help="Folder for results, gates and SUMMARY.md."),
        suites: str = typer.Option("synthetic,handwritten,scenarios", help="Comma-separated."),
        assistant: str = typer.Option(DEFAULT_ASSISTANT, help=ASSISTANT_HELP),
        concurrency: int = typer.Option(1, help="Parallel requests per run."),
        limit: int = typer.Option(None, help="Only the first N cases of each suite (smoke)."),
        merge_adapter: bool = typer.Option(
            False, "--merge-adapter", help=MERGE_HELP + " The bare base gets its own server."
        ),
    ) -> None:
        """Keyword baseline, bare base, adapter (and weak adapter) on every suite, plus gates."""
        from evals.release import run_release

        summary = run_release(
            artifact=artifact, weak=weak, out=out, suites=tuple(suites.split(",")),
            assistant=assistant, concurrency=concurrency, limit=limit, merge_adapter=merge_adapter,
        )  # fmt: skip
        for gate in summary["gates"]:
            verdict = "PASS" if gate["passed"] else "FAIL " + ",".join(gate["regressions"])
            typer.echo(
                f"gate {gate['suite']}: {Path(gate['a']).name} -> {Path(gate['b']).name}: {verdict}"
            )
        typer.echo(f"wrote {out / 'SUMMARY.md'}")

    @eval_app.command("compare")
    def compare(
        a: Path = typer.Argument(..., help="Reference result (e.g. the released adapter)."),
        b: Path = typer.Argument(..., help="Candidate result on the same suite."),
        alpha: float = typer.Option(0.05, help="Significance level of the one-sided tests."),
        min_drop: float = typer.Option(
            0.0, help="Ignore drops smaller than this (0.02 = 2 points)."
        ),
    ) -> None:
        """Differences per metric and per tool; exit 1 when B is worse than A beyond noise."""
        from evals.compare import compare_results, format_comparison
        from evals.report import read_result

        try:
            result_a, result_b = read_result(a), read_result(b)
        except ValueError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from None
        if result_a.get("suite") != result_b.get("suite"):
            typer.echo(
                f"warning: different suites ({result_a.get('suite')} vs {result_b.get('suite')})",
                err=True,
            )
        comparison = compare_results(result_a, result_b, alpha=alpha, min_drop=min_drop)
        typer.echo(format_comparison(comparison, name_a=str(a), name_b=str(b)))
        if not comparison["passed"]:
            raise typer.Exit(1)
