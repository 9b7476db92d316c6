"""The tools a kubectl command typed in chat asks for (llm/kubectl_command.py)."""

from __future__ import annotations

import json

import pytest

from llm.kubectl_command import COMMANDS, GET, command_tools
from tools.registry import ToolRegistry
from training.data_gen import DATA_VERSION, GENERATED_DIR


@pytest.mark.parametrize(
    ("text", "tools"),
    [
        # the test split of 2026-12-07 17:41: events read as the pod's description
        (
            "k get ev --field-selector involvedObject.kind=Pod,involvedObject.name=gw-1",
            ("get_events",),
        ),
        ("kubectl get evetns --field-selector involvedObject.name=harbor-ui-7", ("get_events",)),
        ("quick one: k get dpeloy --namespace qa cc @alice", ("list_deployments",)),
        ("KUBECTL GET DEPLOY/scheduler -O JSON", ("describe_deployment",)),
        # a list, or the one object the command names
        ("kubectl get pods -o wide", ("list_pods",)),
        ("kubectl get pods in the staging ns!", ("list_pods",)),
        ("k get deploy :rocket:", ("list_deployments",)),
        ("kubectl get po web-7d4b9c-x2x9k -o yaml", ("describe_pod",)),
        ("kubectl get deployment `kestrel-web` -o wide", ("describe_deployment",)),
        ("k get no --context=us-central", ("list_nodes",)),
        # verbs and sub-commands, typos one edit away
        ("`kubectl codon ip-10-143-184-58` please!", ("cordon_node",)),
        ("k darin node-1", ("drain_node",)),
        ("kubectl uncordon gke-main-pool-2", ("uncordon_node",)),
        ("kubectl rollout undo deploy/web", ("rollback_deployment",)),
        ("kubectl rollout restart deploy/web", ("restart_deployment",)),
        ("kubectl set resources deploy/sync --limits=cpu=1", ("set_resources",)),
        ("kubectl delete service/api --wait=false", ("delete_service",)),
        ("kubectl create ns team-x", ("create_namespace",)),
        ("kubectl logs web-1 -c envoy", ("get_pod_logs",)),
        # commands our tools do not implement, prose, and requests about functions
        ("kubectl edit deploy web", ()),
        ("k get secrets -n prod", ()),
        ("kubectl delete ns staging", ()),
        ("kubectl rollout status deploy/web", ()),
        ("ok k thanks", ()),
        ("the lambda equivalent of `kubectl get pods`", ()),
        ("`kubectl get` but for lambddas", ()),
        ("please get the pods of web", ()),
    ],
)
def test_a_kubectl_command_names_its_tools(text, tools):
    assert command_tools(text) == tools


def test_every_tool_a_command_names_is_a_registered_tool():
    names = set(ToolRegistry().names())
    for entry in [*COMMANDS.values(), GET]:
        groups = entry.values() if isinstance(entry, dict) else [entry]
        assert {tool for tools in groups for tool in tools} <= names


def test_no_request_of_our_data_is_read_as_another_tools_command():
    """Each request of the data that types a command we read asks for one of its tools, or
    has to be asked about (a command without its object: "kubectl drain")."""
    read = 0
    for split in ("train", "valid", "test"):
        for line in (GENERATED_DIR / DATA_VERSION / f"{split}.jsonl").open():
            record = json.loads(line)
            tools = command_tools(record["messages"][-2]["content"])
            if tools:
                read += 1
                assert record["target"]["tool"] in (*tools, "clarify"), record["id"]
    assert read > 2000  # the data types kubectl often: the check checked something
