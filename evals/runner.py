"""Run a planner over cases and record, per case, what it proposed and how it matched.

A planner is anything with `propose(text, *, context, live) -> Proposal` (the `Planner`
protocol of llm/client.py: the vLLM client, the keyword baseline...). A planner error
(unusable output, timeout) is recorded against the case; a server that is down stops the
run, since every following case would fail for the same reason.

A case record is a JSON-ready dict:
  id, text, source, difficulty, style, context, expected_tool, expected, expected_policy,
  actual ({tool, args} or None), error, error_kind, retried, raw,
  tool_ok, exact, args [{name, ok, expected, actual, reason}], unexpected [...],
  actual_policy, latency_s, completion_tokens, offered_tools (the tool shortlist, or None)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from typing import Any, Protocol

from evals.cases import Case
from evals.judging import PolicyJudge
from evals.matching import defaults_of, match_call


class Planner(Protocol):
    """Structural twin of llm.client.Planner (kept here so evals type-check on their own)."""

    def propose(self, text: str, *, context: dict[str, Any], live: dict[str, list[str]]) -> Any: ...


def _fatal_errors() -> tuple[type[BaseException], ...]:
    try:
        from llm.errors import AdapterMissing, ModelUnavailable
    except ImportError:  # pragma: no cover - before llm/errors.py exists
        return ()
    return (ModelUnavailable, AdapterMissing)


def run_case(
    case: Case, planner: Planner, *, registry: Any, judge: PolicyJudge | None = None
) -> dict[str, Any]:
    """Ask the planner about one case and judge the answer."""
    record: dict[str, Any] = {
        "id": case.id,
        "text": case.text,
        "source": case.source,
        "difficulty": case.difficulty,
        "style": list(case.style),
        "context": case.context.as_dict(),
        "expected_tool": case.tool,
        "expected": case.expect.model_dump(mode="json"),
        "expected_policy": case.policy,
        "actual": None,
        "error": None,
        "error_kind": None,
        "retried": False,
        "raw": None,
        "actual_policy": None,
        "latency_s": None,
        "completion_tokens": None,
        "offered_tools": None,
    }
    started = time.perf_counter()
    try:
        proposal = planner.propose(case.text, context=case.context.as_dict(), live=case.live)
    except _fatal_errors():
        raise
    except Exception as exc:  # noqa: BLE001 - any planner failure is a failed case
        record.update(error=str(exc)[:500], error_kind=type(exc).__name__)
        record["latency_s"] = time.perf_counter() - started
        proposal = None
    if proposal is not None:
        call = proposal.call
        record.update(
            actual=call.as_dict(),
            retried=bool(getattr(proposal, "retried", False)),
            raw=getattr(proposal, "raw", None),
            latency_s=getattr(proposal, "latency_s", None) or (time.perf_counter() - started),
            completion_tokens=getattr(proposal, "completion_tokens", None),
            offered_tools=_listed(getattr(proposal, "offered_tools", None)),
        )
        if judge is not None:
            try:
                record["actual_policy"] = judge.decide(call, context=case.context)
            except Exception as exc:  # noqa: BLE001 - a judge failure must not end the run
                record["actual_policy"] = f"<judge error: {type(exc).__name__}>"
    defaults = defaults_of(registry.args_model(case.tool)) if case.tool in registry.names() else {}
    verdict = match_call(case.expect, record["actual"], defaults=defaults, context=case.context)
    record.update(
        tool_ok=verdict.tool_ok,
        exact=verdict.exact,
        args=[_plain(a) for a in verdict.args],
        unexpected=[_plain(a) for a in verdict.unexpected],
    )
    return record


def _listed(tools: Any) -> list[str] | None:
    return None if tools is None else list(tools)


def _plain(result: Any) -> dict[str, Any]:
    out = asdict(result)
    for key in ("expected", "actual"):
        if out[key] is not None and not isinstance(
            out[key], str | int | float | bool | list | dict
        ):
            out[key] = repr(out[key])
    return out


def run_cases(
    cases: Iterable[Case],
    planner: Planner,
    *,
    registry: Any,
    judge: PolicyJudge | None = None,
    concurrency: int = 1,
    on_done: Callable[[dict[str, Any]], None] | None = None,
) -> list[dict[str, Any]]:
    """Run every case (in order; `concurrency` > 1 sends requests in parallel)."""
    cases = list(cases)

    def one(case: Case) -> dict[str, Any]:
        record = run_case(case, planner, registry=registry, judge=judge)
        if on_done is not None:
            on_done(record)
        return record

    if concurrency <= 1:
        return [one(case) for case in cases]
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(one, cases))
