"""Suites by name: where their cases come from.

- `handwritten`: evals/cases/handwritten (our own words, >= 150 cases);
- `easy`: the handwritten cases tagged `difficulty: easy` (runs in the normal tests);
- `synthetic`: the training pipeline's template-held-out test split
  (datasets/generated/<DATA_VERSION>/test.jsonl), converted to cases;
- `scenarios`: engine-level cases (evals/cases/scenarios, see evals.scenarios);
- any path to a case file or folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evals.cases import Case, CaseContext, CaseError, build_case, load_cases
from training.data_gen import DATA_VERSION, GENERATED_DIR

CASES_DIR = Path(__file__).resolve().parent / "cases"
HANDWRITTEN_DIR = CASES_DIR / "handwritten"
SCENARIOS_DIR = CASES_DIR / "scenarios"
SYNTHETIC_TEST = GENERATED_DIR / DATA_VERSION / "test.jsonl"
CALL_SUITES = ("handwritten", "easy", "synthetic")


def load_suite(name: str, *, judge: Any = None, registry: Any = None) -> list[Case]:
    """Cases of a call-level suite by name (or path). `judge` fills synthetic policies."""
    if name == "handwritten":
        return load_cases(HANDWRITTEN_DIR)
    if name == "easy":
        return [c for c in load_cases(HANDWRITTEN_DIR) if c.difficulty == "easy"]
    if name == "synthetic":
        return load_synthetic(SYNTHETIC_TEST, judge=judge, registry=registry)
    path = Path(name)
    if path.exists():
        if path.suffix == ".jsonl" and _looks_generated(path):
            return load_synthetic(path, judge=judge, registry=registry)
        return load_cases(path)
    known = ", ".join((*CALL_SUITES, "scenarios"))
    raise CaseError(name, 0, f"unknown suite (known: {known}, or a path to a case file)")


def _looks_generated(path: Path) -> bool:
    with path.open(encoding="utf-8") as handle:
        first = handle.readline()
    try:
        return "messages" in json.loads(first)
    except json.JSONDecodeError:
        return False


def load_synthetic(path: Path, *, judge: Any = None, registry: Any = None) -> list[Case]:
    """Cases from a generated split file (records with messages, target, context, live)."""
    if not path.exists():
        raise CaseError(
            path, 0, "synthetic split not generated yet: run `chatops data` (training pipeline)"
        )
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            cases.append(_synthetic_case(json.loads(line), f"{path}:{number}", judge, registry))
        except (ValueError, KeyError, TypeError) as exc:
            raise CaseError(path, number, f"not a generated record: {exc}") from None
    return cases


def _synthetic_case(record: dict[str, Any], source: str, judge: Any, registry: Any) -> Case:
    user = next(m["content"] for m in record["messages"] if m["role"] == "user")
    target = record["target"]
    context = {
        k: v
        for k, v in (record.get("context") or {}).items()
        if k in ("cluster", "namespace", "user")
    }
    tags = [t for t in record.get("tags", []) if t.replace("_", "").isalnum() and t == t.lower()]
    raw = {
        "id": record["id"],
        "text": user,
        "context": context,
        "expect": {"tool": target["tool"], "args": _exact_args(target)},
        "style": tags,
        "difficulty": "medium",
    }
    if record.get("live"):
        raw["live"] = record["live"]
    case = build_case(raw, source=source)
    if judge is not None and registry is not None and not case.expect.is_non_action:
        call = registry.parse_call(target)
        decision = judge.decide(call, context=CaseContext(**context))
        case = case.model_copy(update={"policy": decision})
    return case


def _exact_args(target: dict[str, Any]) -> dict[str, Any]:
    """Target args as exact expectations (dict values wrapped so they are not read as specs)."""
    args = {}
    for name, value in (target.get("args") or {}).items():
        args[name] = {"any_of": [value]} if isinstance(value, dict) else value
    if target["tool"] == "clarify":
        args.pop("question", None)  # any question is fine; only the decision to ask counts
    return args
