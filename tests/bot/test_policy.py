"""Policy files: clear errors naming the line; decisions for a table of calls."""

from __future__ import annotations

import re

import pytest

from bot.policy import DecisionKind, load_policy, parse_policy
from bot.settings import DEFAULT_POLICY
from bot.yaml_lines import ConfigError

TOOLS = ["list_pods", "deploy_service", "delete_deployment", "drain_node", "scale_deployment"]

POLICY = """\
users:
  alice: [developer]
  bob: [operator]
  slack:U999: [operator]
groups:
  sre:
    members: [carol]
    roles: [operator]
everyone: [viewer]
roles:
  viewer:
    - tools: ["list_*"]
  developer:
    - tools: ["*"]
      namespaces: [staging, dev-*]
      max_risk: write
  operator:
    - tools: ["*"]
      max_risk: destructive
approvers:
  - roles: [operator]
    namespaces: [staging, prod]
modes:
  default: execute-with-approval
  rules:
    - namespace: monitoring
      mode: read-only
    - cluster: lab
      mode: suggest-only
approvals:
  write: 1
  destructive: 1
  destructive_production: 2
"""


@pytest.fixture(scope="module")
def policy():
    return parse_policy(POLICY, source="policy.yaml", tool_names=TOOLS)


A, N, R, S = (
    DecisionKind.ALLOW,
    DecisionKind.NEEDS_APPROVAL,
    DecisionKind.REFUSE,
    DecisionKind.SUGGEST_ONLY,
)


@pytest.mark.parametrize(
    ("user", "tool", "risk", "cluster", "namespace", "production", "kind", "approvals"),
    [
        ("dave", "list_pods", "read", "c1", "prod", True, A, 0),  # everyone: viewer
        ("dave", "deploy_service", "write", "c1", "staging", False, R, 0),  # no rule
        ("alice", "deploy_service", "write", "c1", "staging", False, N, 1),
        ("alice", "deploy_service", "write", "c1", "dev-42", False, N, 1),  # glob
        ("alice", "deploy_service", "write", "c1", "prod", True, R, 0),  # not her namespace
        ("alice", "delete_deployment", "destructive", "c1", "staging", False, R, 0),  # too risky
        ("alice", "drain_node", "destructive", "c1", None, False, R, 0),  # cluster-wide
        ("bob", "delete_deployment", "destructive", "c1", "staging", False, N, 1),
        ("bob", "delete_deployment", "destructive", "c1", "prod", True, N, 2),
        ("bob", "drain_node", "destructive", "c1", None, True, N, 2),
        ("bob", "scale_deployment", "write", "c1", "monitoring", False, R, 0),  # read-only ns
        ("bob", "list_pods", "read", "c1", "monitoring", False, A, 0),
        ("bob", "deploy_service", "write", "lab", "staging", False, S, 0),  # suggest-only
        ("carol", "delete_deployment", "destructive", "c1", "prod", True, N, 2),  # via group
        ("U999", "scale_deployment", "write", "c1", "staging", False, R, 0),  # local U999
        ("bob", "deploy_service", "no-such-risk", "c1", "staging", False, N, 1),  # fail closed
        ("alice", "deploy_service", "no-such-risk", "c1", "staging", False, R, 0),
    ],
)
def test_decisions(policy, user, tool, risk, cluster, namespace, production, kind, approvals):
    decision = policy.decide(
        platform="local",
        user_id=user,
        tool=tool,
        risk=risk,
        cluster=cluster,
        namespace=namespace,
        production=production,
    )
    assert (decision.kind, decision.approvals) == (kind, approvals), decision.reason


def test_platform_qualified_user(policy):
    decision = policy.decide(
        platform="slack",
        user_id="U999",
        tool="scale_deployment",
        risk="write",
        cluster="c1",
        namespace="staging",
        production=False,
    )
    assert decision.kind is DecisionKind.NEEDS_APPROVAL


def test_refusal_says_why(policy):
    decision = policy.decide(
        platform="local",
        user_id="alice",
        tool="delete_deployment",
        risk="destructive",
        cluster="c1",
        namespace="staging",
        production=False,
    )
    assert "destructive" in decision.reason and "at most write" in decision.reason


@pytest.mark.parametrize(
    ("user", "namespace", "allowed"),
    [
        ("bob", "staging", True),
        ("bob", "dev-1", False),
        ("carol", "prod", True),
        ("alice", "staging", False),
        ("U999", "staging", False),
    ],
)
def test_approvers(policy, user, namespace, allowed):
    assert (
        policy.may_approve(platform="local", user_id=user, cluster="c1", namespace=namespace)
        is allowed
    )


def _error_of(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_policy(text, source="bad.yaml", tool_names=TOOLS)
    return str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("      max_risk: write\n", "      max_risk: huge\n", "roles.developer.0.max_risk: Input"),
        ("  bob: [operator]\n", "  bob: [operatr]\n", "users.bob.0: unknown role 'operatr'"),
        (
            '    - tools: ["list_*"]\n',
            '    - tools: ["lst_*"]\n',
            "viewer.0.tools.0: 'lst_*' matches no",
        ),
        (
            "      mode: read-only\n",
            "      mode: readonly\n",
            "modes.rules.0.mode: Input should be",
        ),
        ("approvals:\n", "approval:\n", "approval: Extra inputs are not permitted"),
        (
            "  destructive_production: 2\n",
            "  destructive_production: 9\n",
            "less than or equal to 5",
        ),
        ("  bob: [operator]\n", "  alice: [operator]\n", "duplicate key 'alice'"),
        ("    roles: [operator]\n", "    roles: [operator]\n    color: blue\n", "sre.color: Extra"),
    ],
)
def test_bad_policy_names_the_line(old, new, expected):
    assert old in POLICY
    text = POLICY.replace(old, new, 1)
    changed = new.splitlines()[-1]
    line = text[: text.index(changed)].count("\n") + 1
    message = _error_of(text)
    assert f"bad.yaml:{line}:" in message and expected in message, message


def test_yaml_syntax_error_names_the_line():
    text = POLICY.replace("    members: [carol]\n", "    members: [carol\n", 1)
    assert re.match(r"bad\.yaml:(8|9): not valid YAML", _error_of(text))


def test_missing_policy_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read policy file"):
        load_policy(tmp_path / "nope.yaml")


def test_embedded_default_policy_loads():
    policy = load_policy(DEFAULT_POLICY)
    decision = policy.decide(
        platform="local",
        user_id="alice",
        tool="deploy_service",
        risk="write",
        cluster="sandbox",
        namespace="staging",
        production=False,
    )
    assert decision.kind is DecisionKind.NEEDS_APPROVAL
    assert policy.may_approve(
        platform="local", user_id="bob", cluster="sandbox", namespace="staging"
    )
