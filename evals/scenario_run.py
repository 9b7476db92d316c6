"""Run scenarios through a whole assistant (the engine) and judge the cluster's state.

evals never imports bot. The engine is plugged in through two small protocols:

    class Assistant(Protocol):
        def handle(self, text: str, *, user: str, channel: str) -> Sequence[Reply]: ...
        def decide(self, approval_id: str, *, user: str, approve: bool) -> Sequence[Reply]: ...

    Reply: any object with `kind` ("answer" | "approval" | "refusal" | "clarify" | "info" |
    "error"), `text` and `approval_id` -- bot.chat.ChatReply fits as it is.

and a factory `make_assistant(env: ScenarioEnvironment) -> Assistant`, named by
`chatops eval --suite scenarios --assistant MODULE:FUNCTION` (or `FILE.py:FUNCTION`) and
imported by name at run time. The default, `bot.eval_assistant:make_assistant`, builds the
engine from `env.tool_settings` (the clusters), `env.channels` (channel id -> default
cluster/namespace), `env.planner` (the model under test) and `env.workdir` (room for a
SQLite store), with the default policy (users alice/erin: developer, bob/carol/frank:
operator, dave: viewer).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from evals.cluster_state import ClusterAccess, apply_operation, verify_check
from evals.scenarios import Channel, Scenario
from evals.stats import proportion, summarize_latency


class Reply(Protocol):
    kind: Any
    text: str
    approval_id: str | None


class Assistant(Protocol):
    def handle(self, text: str, *, user: str, channel: str) -> Sequence[Reply]: ...

    def decide(self, approval_id: str, *, user: str, approve: bool) -> Sequence[Reply]: ...


@dataclass
class ScenarioEnvironment:
    """What an assistant factory gets to build the engine under test."""

    tool_settings: Any
    """tools.settings.ToolSettings with the clusters (us-central, eu-west)."""
    channels: dict[str, dict[str, str]]
    """Channel id -> {"cluster": alias, "namespace": name} (the channel defaults)."""
    planner: Any
    """The planner (model) under test: llm.client.Planner."""
    workdir: Path
    """A private folder (e.g. for the SQLite store)."""


def channel_id(channel: Channel) -> str:
    """The channel id scenarios with this default cluster/namespace talk in."""
    return f"eval-{channel.cluster}-{channel.namespace}"


def channels_of(scenarios: Sequence[Scenario]) -> dict[str, dict[str, str]]:
    return {channel_id(s.channel): s.channel.model_dump() for s in scenarios}


def _kind(reply: Any) -> str:
    return str(getattr(reply.kind, "value", reply.kind))


def run_scenario(scenario: Scenario, assistant: Assistant, access: ClusterAccess) -> dict[str, Any]:
    """Setup, steps, verify, cleanup (always); a JSON-ready record of what happened."""
    record: dict[str, Any] = {
        "id": scenario.id, "description": scenario.description, "source": scenario.source,
        "difficulty": scenario.difficulty, "style": list(scenario.style),
        "steps": [], "verify": [], "error": None,
    }  # fmt: skip
    try:
        for operation in scenario.setup:
            apply_operation(access, operation, scenario.channel)
        approval_id: str | None = None
        for step in scenario.steps:
            started = time.perf_counter()
            if step.say is not None:
                replies = list(
                    assistant.handle(step.say, user=step.user, channel=channel_id(scenario.channel))
                )
            elif approval_id is None:
                replies = []
            else:
                replies = list(
                    assistant.decide(approval_id, user=step.user, approve=bool(step.approve))
                )
            latency = time.perf_counter() - started
            kinds = [_kind(r) for r in replies]
            approval_id = next(
                (r.approval_id for r in replies if _kind(r) == "approval"), approval_id
            )
            texts = " | ".join(r.text for r in replies)
            ok = (step.expect is None or step.expect in kinds) and (
                step.expect_text is None or step.expect_text.lower() in texts.lower()
            )
            record["steps"].append(
                {
                    "user": step.user, "say": step.say, "approve": step.approve,
                    "expected": step.expect, "expect_text": step.expect_text, "got": kinds,
                    "text": texts[:600], "ok": ok, "latency_s": latency,
                }
            )  # fmt: skip
        for check in scenario.verify:
            problems = verify_check(access, check, scenario.channel)
            record["verify"].append(
                {
                    "check": check.model_dump(exclude_defaults=True),
                    "ok": not problems,
                    "problems": problems,
                }
            )
    except Exception as exc:  # noqa: BLE001 - a broken scenario is a failed scenario
        record["error"] = f"{type(exc).__name__}: {exc}"[:500]
    finally:
        for operation in scenario.cleanup:
            try:
                apply_operation(access, operation, scenario.channel)
            except Exception as exc:  # noqa: BLE001 - report, keep cleaning
                record["error"] = (record["error"] or "") + f" cleanup {operation.action}: {exc}"
    record["passed"] = (
        record["error"] is None
        and all(s["ok"] for s in record["steps"])
        and all(v["ok"] for v in record["verify"])
    )
    return record


def scenario_metrics(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Pass rate, reply-kind agreement per step (the engine's decisions), state checks."""
    steps = [s for r in records for s in r["steps"] if s["expected"]]
    checks = [v for r in records for v in r["verify"]]
    by_kind: dict[str, list[bool]] = {}
    for step in steps:
        by_kind.setdefault(step["expected"], []).append(step["ok"])
    return {
        "cases": len(records),
        "scenario_pass_rate": proportion(sum(r["passed"] for r in records), len(records)),
        "decision_agreement": proportion(sum(s["ok"] for s in steps), len(steps)),
        "decision_by_kind": {k: proportion(sum(v), len(v)) for k, v in sorted(by_kind.items())},
        "state_checks": proportion(sum(v["ok"] for v in checks), len(checks)),
        "errors": sum(r["error"] is not None for r in records),
        "latency_s": summarize_latency([s["latency_s"] for r in records for s in r["steps"]]),
    }
