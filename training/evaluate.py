"""A quick in-process score: greedy decoding with transformers on a data split.

Not the official served evaluation (that goes through vLLM, in evals/); it is what the
pipeline writes into artifact.json so every artifact carries its own numbers.
Scoring rules follow evals/: `cluster`/`namespace` compare after filling the channel
default on both sides; a clarify counts by its tool (the question is free text).
"""

from __future__ import annotations

import json
from typing import Any

from llm.prompt import END_MARK, render_prompt

NON_ACTIONS = ("clarify", "no_action")


def _normalized(call: Any, context: dict[str, Any]) -> dict[str, Any]:
    data = call.as_dict()
    args = dict(data["args"])
    for key in ("cluster", "namespace"):
        if key in type(call.args).model_fields and args.get(key) is None and context.get(key):
            args[key] = context[key]
    if data["tool"] == "clarify":
        args = {}
    return {"tool": data["tool"], "args": args}


def score_call(raw: str, record: dict[str, Any], registry: Any) -> dict[str, bool]:
    """Verdicts for one generated answer against its record."""
    expected_tool = record["target"]["tool"]
    verdict = {"json": False, "valid": False, "tool": False, "exact": False}
    try:
        parsed = json.loads(raw)
        verdict["json"] = True
    except json.JSONDecodeError:
        return verdict
    verdict["tool"] = isinstance(parsed, dict) and parsed.get("tool") == expected_tool
    try:
        call = registry.parse_call(parsed)
    except Exception:  # noqa: BLE001 - any invalid call is just "not valid" here
        return verdict
    verdict["valid"] = True
    expected = registry.parse_call(record["target"])
    context = record.get("context", {})
    verdict["exact"] = _normalized(call, context) == _normalized(expected, context)
    return verdict


def generate_answers(
    model: Any, tokenizer: Any, records: list[dict[str, Any]], *, batch_size: int = 48
) -> list[str]:
    """Greedy answers (text before the end mark) for each record's request and context."""
    import torch

    end_id = tokenizer.convert_tokens_to_ids(END_MARK)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else end_id
    answers: list[str] = []
    model.eval()
    for start in range(0, len(records), batch_size):
        chunk = records[start : start + batch_size]
        prompts = [
            tokenizer(
                render_prompt(r["messages"][1]["content"], r.get("context")),
                add_special_tokens=False,
            )["input_ids"]
            for r in chunk
        ]
        width = max(len(p) for p in prompts)
        ids = torch.full((len(prompts), width), pad_id, dtype=torch.long)
        mask = torch.zeros_like(ids)
        for row, prompt in enumerate(prompts):  # left padding for batched generation
            ids[row, width - len(prompt) :] = torch.tensor(prompt)
            mask[row, width - len(prompt) :] = 1
        with torch.no_grad():
            out = model.generate(
                input_ids=ids,
                attention_mask=mask,
                max_new_tokens=96,
                do_sample=False,
                eos_token_id=end_id,
                pad_token_id=pad_id,
            )
        for row in out[:, width:].tolist():
            if end_id in row:
                row = row[: row.index(end_id)]
            answers.append(tokenizer.decode(row, skip_special_tokens=False).strip())
    return answers


def score_split(model: Any, tokenizer: Any, records: list[dict[str, Any]], registry: Any) -> dict:
    """Rates over a split: json, schema-valid, tool choice, exact call, non-action recall."""
    answers = generate_answers(model, tokenizer, records)
    totals = {"json": 0, "valid": 0, "tool": 0, "exact": 0}
    non_action_total = non_action_hit = 0
    per_tool: dict[str, list[int]] = {}
    failures = []
    for record, answer in zip(records, answers, strict=True):
        verdict = score_call(answer, record, registry)
        for key in totals:
            totals[key] += verdict[key]
        tool = record["target"]["tool"]
        per_tool.setdefault(tool, [0, 0])
        per_tool[tool][0] += verdict["exact"]
        per_tool[tool][1] += 1
        if tool in NON_ACTIONS:
            non_action_total += 1
            non_action_hit += verdict["tool"]
        if not verdict["exact"] and len(failures) < 25:
            failures.append({"text": record["messages"][1]["content"], "got": answer,
                             "want": record["messages"][2]["content"]})  # fmt: skip
    count = max(1, len(records))
    return {
        "count": len(records),
        "json_rate": totals["json"] / count,
        "schema_valid": totals["valid"] / count,
        "tool_accuracy": totals["tool"] / count,
        "exact_call": totals["exact"] / count,
        "non_action_recall": non_action_hit / max(1, non_action_total),
        "exact_by_tool": {t: round(h / n, 4) for t, (h, n) in sorted(per_tool.items())},
        "failures": failures,
    }
