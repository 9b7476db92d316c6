"""Case files: the format loads, and malformed cases fail with file, line and reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.cases import CaseError, check_cases_against_registry, load_cases
from evals.suites import HANDWRITTEN_DIR

GOOD = """\
defaults:
  context: {cluster: us-central, namespace: staging}
  policy: needs_approval
cases:
  - id: one
    text: scale web to 3
    expect: {tool: scale_deployment, args: {name: web, replicas: 3}}
    difficulty: easy
    style: [imperative]
  - id: two
    text: hello
    context: {user: bob}
    policy: null
    expect:
      tool: no_action
      args: {reason: {any_of: [chit_chat, out_of_scope]}}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_cases_load_with_defaults(tmp_path):
    one, two = load_cases(write(tmp_path, "good.yaml", GOOD))
    assert one.context.namespace == "staging" and one.policy == "needs_approval"
    assert one.expect.args["replicas"].any_of == [3]
    assert two.context.cluster == "us-central" and two.context.user == "bob"
    assert two.policy is None
    assert two.expect.args["reason"].any_of == ["chit_chat", "out_of_scope"]
    assert one.source.endswith("good.yaml:5") and two.source.endswith("good.yaml:10")


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (GOOD.replace("    difficulty: easy", "    difficulty: trivial"), 5, "difficulty"),
        (GOOD.replace("    text: hello\n", ""), 10, "text"),
        (GOOD.replace("expect: {tool: scale_deployment,", "expect: {tool: Scale!,"), 5, "tool"),
        (GOOD.replace("any_of: [chit_chat, out_of_scope]", "any_of: []"), 10, "any_of"),
        (GOOD.replace("id: two", "id: one"), 10, "duplicate case id"),
        (GOOD.replace("    style: [imperative]", "    style: [Imperative]"), 5, "lower_snake_case"),
        (GOOD.replace("    policy: null", "    policy: maybe"), 10, "policy"),
        (GOOD.replace("text: scale web to 3", "text: [scale"), 7, "not valid YAML"),
        (GOOD + "  - just a string\n", 17, "must be a mapping"),
    ],
)
def test_malformed_yaml_names_file_line_and_reason(tmp_path, text, line, reason):
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(CaseError) as info:
        load_cases(path)
    assert info.value.path == str(path)
    assert info.value.line == line, str(info.value)
    assert reason in info.value.reason
    assert str(info.value).startswith(f"{path}:{line}: ")


def test_malformed_jsonl_names_line(tmp_path):
    good = {"id": "a", "text": "list pods", "expect": {"tool": "list_pods"}}
    bad = {"id": "b", "text": "list pods", "expect": {"tool": "list_pods"}, "colour": "red"}
    lines = [json.dumps(good), "", json.dumps(bad)]
    path = write(tmp_path, "cases.jsonl", "\n".join(lines))
    with pytest.raises(CaseError) as info:
        load_cases(path)
    assert (info.value.line, "colour" in info.value.reason) == (3, True)
    path = write(tmp_path, "broken.jsonl", json.dumps(good) + "\n{not json\n")
    with pytest.raises(CaseError, match=r"broken.jsonl:2: not valid JSON"):
        load_cases(path)


def test_unknown_tool_or_argument_is_caught_against_the_registry(tmp_path, registry):
    text = GOOD.replace("args: {name: web, replicas: 3}", "args: {name: web, replicas: 3, size: 2}")
    cases = load_cases(write(tmp_path, "args.yaml", text))
    with pytest.raises(
        CaseError, match=r"args.yaml:5: one: scale_deployment has no argument 'size'"
    ):
        check_cases_against_registry(cases, registry)
    text = GOOD.replace("replicas: 3}", "replicas: 500}")
    cases = load_cases(write(tmp_path, "range.yaml", text))
    with pytest.raises(CaseError, match="expected call is not valid"):
        check_cases_against_registry(cases, registry)


def test_handwritten_suite_is_valid_and_covers_every_tool(registry):
    cases = load_cases(HANDWRITTEN_DIR)
    check_cases_against_registry(cases, registry)
    assert len(cases) >= 150
    tools = {case.tool for case in cases}
    missing = set(registry.names()) - tools
    assert not missing, f"tools without a hand-written case: {sorted(missing)}"
    styles = {tag for case in cases for tag in case.style}
    assert {"typo", "indirect", "multi_cluster", "unsafe", "ambiguous"} <= styles
    assert sum(case.difficulty == "easy" for case in cases) >= 30
