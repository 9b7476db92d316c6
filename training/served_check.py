"""Score a trained artifact served by vLLM on a data split (the trainer's own check).

    python -m training.served_check artifacts/models/default --split test [--limit N]

The official evaluation lives in evals/ (`chatops eval`); this is the short loop a trainer
runs after `chatops train`: same records, same scoring as the in-process check, but
through the real server (structured outputs, live enums from each record).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from training.data_gen import DATA_VERSION, GENERATED_DIR, read_split
from training.evaluate import NON_ACTIONS, score_call


def check_served(artifact: Path, *, split: str, limit: int | None, version: str) -> dict:
    """Start vLLM on `artifact`, propose a call for each record, return the rates."""
    from llm.client import ToolCallClient
    from llm.errors import PlannerError
    from llm.server import VllmServer
    from llm.tool_shortlist import ToolShortlist
    from tools.registry import ToolRegistry

    records = read_split(GENERATED_DIR / version, split)[:limit]
    registry = ToolRegistry()
    totals = {"json": 0, "valid": 0, "tool": 0, "exact": 0}
    latencies, non_action, non_action_hit, errors = [], 0, 0, 0
    with VllmServer(artifact, port=0, with_adapter=True, adapter_name="planton") as server:
        client = ToolCallClient(
            base_url=server.base_url,
            model=server.model_name,
            registry=registry,
            timeout_s=30.0,
            shortlist=ToolShortlist.of_artifact(artifact),
        )
        for record in records:
            started = time.monotonic()
            try:
                proposal = client.propose(
                    record["messages"][1]["content"],
                    context=record["context"],
                    live=record["live"],
                )
                raw = json.dumps(proposal.call.as_dict())
            except PlannerError:
                errors += 1
                raw = ""
            latencies.append(time.monotonic() - started)
            verdict = score_call(raw, record, registry)
            for key in totals:
                totals[key] += verdict[key]
            if record["target"]["tool"] in NON_ACTIONS:
                non_action += 1
                non_action_hit += verdict["tool"]
    count = max(1, len(records))
    return {
        "split": split,
        "count": len(records),
        "schema_valid": totals["valid"] / count,
        "tool_accuracy": totals["tool"] / count,
        "exact_call": totals["exact"] / count,
        "non_action_recall": non_action_hit / max(1, non_action),
        "planner_errors": errors,
        "latency_p50_s": statistics.median(latencies) if latencies else None,
        "latency_p95_s": statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("artifact", type=Path, help="Artifact folder (artifacts/models/NAME).")
    parser.add_argument("--split", default="test", help="Data split to score.")
    parser.add_argument("--limit", type=int, default=None, help="Score at most N records.")
    parser.add_argument("--version", default=DATA_VERSION, help="Data set version.")
    args = parser.parse_args()
    result = check_served(args.artifact, split=args.split, limit=args.limit, version=args.version)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
