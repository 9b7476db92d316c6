"""The keyword/regex baseline planner: no model, deterministic, fast.

It implements the same `Planner` protocol as the vLLM client, so it is both the floor the
trained model must beat in evals and a quick planner for tests that do not need a model.
Rules are ordered from specific to general; the first that matches picks the tool, the
argument builders fill what the message says, and `ToolRegistry.parse_call` validates the
result. When a needed argument is missing (or invalid) it asks (`clarify`) rather than
guessing; risky phrasings become `no_action: unsafe`.
"""

from __future__ import annotations

import functools
import json
import re
import time
from collections.abc import Callable
from typing import Any

from llm.baseline_args import Missing, Scope, kubernetes_builders
from llm.baseline_extract import Message, normalize
from tools.registry import InvalidCall, ToolRegistry

UNSAFE = (
    r"\b(delete|remove|wipe|drain|destroy|kill|nuke)\b.*\b(every|all)\b.*\b(namespaces?|nodes|deployments|pods)\b",
    r"\bwipe\b|\bnuke\b|rm -rf|cluster-admin|\bsudo\b|\bdrop (all|every|the) (tables|databases?)\b",
    r"\bsecrets?\b.*\b(values?|print|dump|show|reveal)\b|\b(print|dump|show|reveal)\b.*\bsecrets?\b",
    r"\baudit\b.*\b(off|disable|delete|stop)\b|\b(turn off|disable|delete|stop)\b.*\baudit\b",
    r"\b(skip|bypass|without)\b.*\bapprov|ignore (your|all|previous|the) (instructions|rules)",
)
CHIT_CHAT = (
    r"^(hi|hello|hey|yo|hiya|thanks|thank you|thx|ty|cheers|good (morning|afternoon|evening|night)"
    r"|lol|ok|okay|cool|nice|great|awesome|you('| a)?re|how are you)\b"
)
# Words that show the person wants something done here, but not what exactly.
VAGUE_ACTION = (
    r"\b(scale|restart|deploy|delete|remove|roll ?back|image|env|memory|cpu|namespace|autoscal\w*"
    r"|drain|cordon|fix|faster|slow|broken|update|upgrade|change|create|install|lambda|function)\b"
)

Rule = tuple[str, Callable[[Message], bool]]


def _any(*patterns: str) -> Callable[[Message], bool]:
    return lambda m: m.has(*patterns)


def _all(*checks: Callable[[Message], bool]) -> Callable[[Message], bool]:
    return lambda m: all(check(m) for check in checks)


IMAGE_REF = r"[a-z0-9./-]+:[a-z0-9_][a-z0-9_.-]*"
SERVICE = r"\b(redis|postgres|postgresql|nginx)\b"
DEPLOY_VERB = (
    r"\b(deploy|spin up|install|set up|setup|put|launch|run|start|create|need|give me|get)\b"
)

# Ordered: the first rule that matches picks the tool.
RULES: tuple[Rule, ...] = (
    ("lambda_", _any(r"\blambdas?\b|\baws function")),
    ("gcf_", _any(r"cloud functions?|\bgcf\b|\bgcp function|\bgoogle function")),
    (
        "uncordon_node",
        _any(r"\buncordon\b|take pods again|schedul\w* (on it )?again|back into rotation"),
    ),
    ("cordon_node", _any(r"\bcordon\b|stop scheduling|unschedulable")),
    ("drain_node", _any(r"\bdrain\b|\bevacuate\b")),
    ("create_hpa", _any(r"autoscal|\bhpa\b|scale itself|scales? (itself )?between")),
    ("rollback_deployment", _any(r"roll ?back|\brevert\b|\bundo\b")),
    ("restart_deployment", _any(r"\brestart\b|\bbounce\b|\brecycle\b")),
    (
        "deploy_app",
        _all(
            _any(IMAGE_REF),
            _any(r"\b(as|named|called|new app)\b|port"),
            _any(DEPLOY_VERB + r"|\bnew app\b"),
        ),
    ),
    (
        "set_env",
        _any(r"\b[a-z_][a-z0-9_]*=\S", r"\benv\b|\benvironment\b|\bunset\b|\bvars?\b|logging"),
    ),
    ("create_namespace", _all(_any(r"\bnamespace\b"), _any(r"\b(create|new|make|add|need)\b"))),
    (
        "delete_service",
        _all(_any(r"\b(delete|remove|drop|tear down|destroy)\b"), _any(r"\b(service|svc)\b")),
    ),
    ("delete_deployment", _any(r"\b(delete|remove|tear down|destroy|get rid of)\b")),
    ("set_image", _any(r"\bimage\b", r"\b(update|upgrade|ship|bump|roll out|set)\b.*" + IMAGE_REF)),
    (
        "set_resources",
        _all(
            _any(r"\b(memory|mem|ram|cpu|resources?)\b|oom"),
            _any(r"\b(limit|request|requests|limits|bump|give|raise|more|resources|set)\b"),
            lambda m: not m.has(DEPLOY_VERB + r".*" + SERVICE, SERVICE + r".*\b(with|w/)\b"),
        ),
    ),
    ("deploy_service", _all(_any(SERVICE), _any(DEPLOY_VERB + r"|\bcache\b"))),
    ("deploy_app", _all(_any(IMAGE_REF), _any(DEPLOY_VERB))),
    (
        "scale_deployment",
        _any(r"\bscale\b|\breplicas?\b|\binstances\b|\bpods? running\b|\bbump\b.*\bto \d+"),
    ),
    ("get_pod_logs", _any(r"\blogs?\b|\btail\b|\bgrep\b")),
    ("get_events", _any(r"\bevents?\b|what happened")),
    ("describe_pod", _any(r"\b[a-z0-9-]+-[a-z0-9]{8,10}-[a-z0-9]{5}\b")),
    ("list_nodes", _any(r"\bnodes?\b")),
    ("list_pods", _any(r"\bpods?\b")),
    ("describe_deployment", _any(r"\bdescribe\b|\bdetails?\b|\bstatus\b|how is|doing\b")),
    ("list_deployments", _any(r"\bdeployments?\b|\bapps\b|deployed|running|\bworkloads\b")),
)


def choose_tool(message: Message, available: set[str]) -> str | None:
    """The first rule whose tool exists and whose predicate matches (prefix rules: cloud)."""
    for tool, predicate in RULES:
        if tool.endswith("_"):
            if predicate(message) and any(n.startswith(tool) for n in available):
                return tool
            continue
        if tool in available and predicate(message):
            return tool
    return None


def plan_call(
    text: str,
    *,
    live: dict[str, list[str]],
    available: set[str],
    fields_of: Callable[[str], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The call dict (not yet validated) the baseline proposes for a message.

    `fields_of(tool)` gives a tool's argument fields (cloud builders only fill fields the
    tool has).
    """
    message = normalize(text)
    if message.has(*UNSAFE) or any(re.search(p, message.original.lower()) for p in UNSAFE):
        return {"tool": "no_action", "args": {"reason": "unsafe"}}
    tool = choose_tool(message, available)
    if tool is None:
        if re.search(CHIT_CHAT, message.text) and len(message.words) <= 8:
            return {"tool": "no_action", "args": {"reason": "chit_chat"}}
        if message.has(VAGUE_ACTION):
            return clarify("What exactly should I do, and on which deployment or resource?")
        return {"tool": "no_action", "args": {"reason": "out_of_scope"}}
    scope = Scope.from_message(message, live)
    builder = all_builders().get(tool.rstrip("_"))
    if builder is None:
        return clarify("I cannot do that kind of request yet. Can you rephrase it?")
    extra = {"live": live, "fields_of": fields_of} if tool.endswith("_") else {}
    try:
        name, args = builder(message, scope, available, **extra)
    except Missing as missing:
        return clarify(missing.question)
    return {"tool": name, "args": args}


@functools.cache
def all_builders() -> dict[str, Callable[..., tuple[str, dict[str, Any]]]]:
    """Argument builders by tool name ("lambda_"/"gcf_" pick the cloud tool themselves)."""
    builders = kubernetes_builders()
    try:
        from llm.baseline_cloud import cloud_builders
    except ImportError:  # pragma: no cover - cloud builders are optional
        return builders
    return {**builders, **cloud_builders()}


def clarify(question: str) -> dict[str, Any]:
    """A clarify call; the question is reduced to the characters its schema allows."""
    text = re.sub(r"[^A-Za-z0-9 ,.'?()/:-]", " ", question)
    return {"tool": "clarify", "args": {"question": re.sub(r" +", " ", text).strip()[:200]}}


class KeywordPlanner:
    """Keyword/regex baseline implementing the `Planner` protocol of llm/client.py."""

    model_name = "keyword-baseline"

    def __init__(self, *, registry: ToolRegistry | None = None) -> None:
        self.registry = registry or ToolRegistry()
        self._available = set(self.registry.names(include_non_actions=False))

    def propose(self, text: str, *, context: dict[str, Any], live: dict[str, list[str]]) -> Any:
        """Propose one validated call; never raises for any chat text."""
        from llm.client import Proposal

        started = time.perf_counter()
        raw_call = plan_call(
            text,
            live=live or {},
            available=self._available,
            fields_of=lambda name: self.registry.args_model(name).model_fields,
        )
        try:
            call = self.registry.parse_call(raw_call)
        except InvalidCall as exc:
            question = "I could not build a valid call from that. Can you rephrase it?"
            call = self.registry.parse_call(clarify(question))
            raw_call = {**raw_call, "error": str(exc)[:200]}
        return Proposal(
            call=call,
            raw=json.dumps(raw_call, sort_keys=True),
            model=self.model_name,
            adapter=None,
            latency_s=time.perf_counter() - started,
            completion_tokens=0,
            retried=False,
        )
