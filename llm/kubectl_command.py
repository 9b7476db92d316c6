"""The tools a kubectl command typed in chat asks for ("k get ev --field-selector ...").

People who run clusters type kubectl into chat, and a kubectl command says exactly which
operation it wants: `kubectl get events` reads events, whatever else the request says about
a pod. Our tool shortlist (llm/tool_shortlist.py) reads requests by meaning and can miss
this: it offered describe_pod alone for "k get ev --field-selector
involvedObject.kind=Pod,involvedObject.name=gateway-lf4zk2qh4-hflzw", 6 requests of the
test split of the release of 2026-12-07 17:41. So the client offers the command's tools
instead of the classifier's actions (llm/client.py); the model still writes the call, and
a command that leaves out what it acts on ("kubectl drain") is still asked about.

Only commands our tools implement are read; any other ("kubectl edit", "kubectl get
secrets", "kubectl delete ns") is left to the classifier, which declines them. Verbs and
resources are read as kubectl spells them, with its short names ("po", "deploy", "ev") and
chat's typos ("darin", "dpeloy"): one edit away from exactly one known word of four letters
or more ("get" and "set" are one edit apart, so short words must be exact).

A request that speaks of cloud functions is not read ("the lambda equivalent of `kubectl
get pods`" lists functions).
"""

from __future__ import annotations

import re

from llm.grounding import one_edit, speaks_of_functions

# The command word, then up to three words: verb, resource or sub-command, and a name
_COMMAND = re.compile(
    r"(?<![\w./-])(?:kubectl|kubeclt|kubctl|k)\s+(\S+)((?:\s+\S+){0,3})", re.IGNORECASE
)
# What may follow "kubectl get pods" in chat without naming a pod ("in the staging ns")
_PROSE = frozenset(
    "in on over for at from of across and with to the please pls plz ty thx thanks cc asap".split()
)
_NAME = re.compile(r"[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?")

# kubectl's resource names and short names, by the resource they name
RESOURCES = {
    "pods": ("po", "pod", "pods"),
    "deployments": ("deploy", "deployment", "deployments", "deployments.apps", "deploy.apps"),
    "nodes": ("no", "node", "nodes"),
    "events": ("ev", "event", "events"),
    "services": ("svc", "service", "services"),
    "namespaces": ("ns", "namespace", "namespaces"),
}
_ALIASES = {alias: resource for resource, aliases in RESOURCES.items() for alias in aliases}

# "kubectl get": the list, or the description of the one object the command names
# ("kubectl get deploy search -o yaml", "kubectl get po/web-1")
GET = {
    "pods": ("list_pods", "describe_pod"),
    "deployments": ("list_deployments", "describe_deployment"),
    "nodes": ("list_nodes", "list_nodes"),
    "events": ("get_events", "get_events"),
}
# verb -> tools, or verb -> {resource or sub-command -> tools}
COMMANDS: dict[str, tuple[str, ...] | dict[str, tuple[str, ...]]] = {
    "get": {resource: tools[:1] for resource, tools in GET.items()},
    "describe": {"pods": ("describe_pod",), "deployments": ("describe_deployment",)},
    "logs": ("get_pod_logs",),
    "events": ("get_events",),
    "scale": ("scale_deployment",),
    "autoscale": ("create_hpa",),
    "rollout": {"restart": ("restart_deployment",), "undo": ("rollback_deployment",)},
    "set": {"image": ("set_image",), "env": ("set_env",), "resources": ("set_resources",)},
    "cordon": ("cordon_node",),
    "uncordon": ("uncordon_node",),
    "drain": ("drain_node",),
    "delete": {"deployments": ("delete_deployment",), "services": ("delete_service",)},
    "create": {"deployments": ("deploy_app",), "namespaces": ("create_namespace",)},
}


def command_tools(text: str) -> tuple[str, ...]:
    """The tools the first kubectl command of `text` our tools implement asks for; () for
    none (no command, one we do not implement, or a request about cloud functions)."""
    if speaks_of_functions(text):
        return ()
    for match in _COMMAND.finditer(text):
        verb = _closest(match.group(1), COMMANDS)
        if verb is None:
            continue
        entry = COMMANDS[verb]
        if isinstance(entry, tuple):
            return entry
        words = [w.strip("`") for w in match.group(2).split()]
        at = next((i for i, w in enumerate(words) if not w.startswith("-")), None)
        if at is None:
            continue
        piece, _, name = words[at].partition("/")  # "deploy/web"
        word = _closest(piece, _ALIASES)
        key = _ALIASES[word] if word is not None else _closest(piece, entry)
        if verb == "get" and key in GET:
            named = bool(name) or (at + 1 < len(words) and _names_one(words[at + 1]))
            return GET[key][1:] if named else GET[key][:1]
        if key in entry:
            return entry[key]
    return ()


def _names_one(word: str) -> bool:
    """Whether `word`, right after "kubectl get pods", names one ("web-1"; not "-o", "in")."""
    if word.startswith(":"):  # an emoji, ":rocket:"
        return False
    word = word.strip("`.,;:!?'\"")
    return bool(_NAME.fullmatch(word)) and word not in _PROSE


def _closest(word: str, known) -> str | None:
    """`word` lower-cased if known, else the one known word of four letters or more one edit
    (a letter added, dropped, changed, or two swapped) away from it; None otherwise."""
    word = word.lower().strip(".,;:!?'\"")
    if word in known:
        return word
    near = [k for k in known if len(k) >= 4 and one_edit(word, k)]
    return near[0] if len(near) == 1 else None
