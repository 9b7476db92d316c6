"""`chatops eval --suite scenarios`: sandbox clusters + the engine under test + a report."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from evals.scenario_run import ScenarioEnvironment, channels_of, run_scenario, scenario_metrics
from evals.scenarios import load_scenarios

SCENARIOS_DIR = Path(__file__).resolve().parent / "cases" / "scenarios"


@contextlib.contextmanager
def sandbox_clusters(workdir: Path) -> Iterator[Any]:
    """Two sandbox clusters: us-central (demo seed, default) and eu-west (empty)."""
    from tools.k8s.sandbox import SandboxServer
    from tools.settings import ClusterSettings, ToolSettings

    with (
        SandboxServer(seed="demo", pod_ready_delay_s=0.05) as demo,
        SandboxServer(seed=None, pod_ready_delay_s=0.05) as empty,
    ):
        us = demo.write_kubeconfig(workdir / "us-central.yaml", context="us-central")
        eu = empty.write_kubeconfig(workdir / "eu-west.yaml", context="eu-west")
        yield ToolSettings(
            clusters={
                "us-central": ClusterSettings(context="us-central", kubeconfig=str(us)),
                "eu-west": ClusterSettings(context="eu-west", kubeconfig=str(eu)),
            },
            default_cluster="us-central",
        )


def run_scenarios(
    scenarios: list[Any], *, make_assistant: Any, planner: Any, tool_settings: Any, workdir: Path,
    on_done: Any = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """Run every scenario against the clusters, each with a freshly built assistant.

    A fresh engine per scenario keeps scenarios independent (no approvals, caches or
    audit records carried over) and sees the objects the scenario's setup just created.
    """
    from evals.cluster_state import ClusterAccess

    channels = channels_of(scenarios)
    access = ClusterAccess(tool_settings)
    records = []
    try:
        for scenario in scenarios:
            folder = workdir / scenario.id
            folder.mkdir(parents=True, exist_ok=True)
            env = ScenarioEnvironment(
                tool_settings=tool_settings, channels=channels, planner=planner, workdir=folder
            )
            assistant = make_assistant(env)
            try:
                records.append(run_scenario(scenario, assistant, access))
            finally:
                close = getattr(assistant, "close", None)
                if callable(close):
                    close()
            if on_done:
                on_done(records[-1])
    finally:
        access.close()
    return records


def run_scenario_suite(
    *, model: str, out: Path, assistant_spec: str | None, limit: int | None, progress: bool,
    command: str, served_name: str | None = None, base: bool = False,
    scenarios_path: Path = SCENARIOS_DIR, label: str | None = None,
    model_info: dict[str, Any] | None = None, shortlist: bool = True,
    shortlist_from: Path | None = None, merge_adapter: bool = False,
) -> tuple[Path, Path, dict[str, Any]]:  # fmt: skip
    """Run the scenario suite; writes `scenarios-<model>.json` and `.html` under `out`."""
    from tqdm import tqdm

    from evals.cli import DEFAULT_ASSISTANT, load_factory, slug
    from evals.planners import open_planner
    from evals.report import build_result, write_result
    from evals.scenario_report import write_scenario_report
    from tools.registry import ToolRegistry

    if assistant_spec is None:
        raise ValueError(
            "the scenario suite runs the whole engine: pass --assistant MODULE:FUNCTION "
            f"(default {DEFAULT_ASSISTANT}; a FUNCTION(env) -> Assistant, see "
            "evals/scenario_run.py)"
        )
    make_assistant = load_factory(assistant_spec, option="--assistant")
    scenarios = load_scenarios(scenarios_path)[: limit or None]
    registry = ToolRegistry()
    with tempfile.TemporaryDirectory(prefix="chatops-scenarios-") as folder:
        workdir = Path(folder)
        with (
            sandbox_clusters(workdir) as tool_settings,
            open_planner(
                model,
                registry=registry,
                served_name=served_name,
                base=base,
                shortlist=shortlist,
                shortlist_from=shortlist_from,
                merge_adapter=merge_adapter,
            ) as (planner, description),  # fmt: skip
        ):
            description = {
                **description,
                **(model_info or {}),
                "name": label or description["name"],
            }
            with tqdm(
                total=len(scenarios),
                desc=f"scenarios / {description['name']}",
                disable=not progress,
            ) as bar:
                records = run_scenarios(
                    scenarios, make_assistant=make_assistant, planner=planner,
                    tool_settings=tool_settings, workdir=workdir, on_done=lambda _r: bar.update(1),
                )  # fmt: skip
    result = build_result(
        suite="scenarios", model={**description, "assistant": assistant_spec},
        metrics=scenario_metrics(records), records=records, command=command,
    )  # fmt: skip
    stem = f"scenarios-{slug(description['name'])}"
    return (
        write_result(result, out / f"{stem}.json"),
        write_scenario_report(result, out / f"{stem}.html"),
        result,
    )
