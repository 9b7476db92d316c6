"""The tool shortlist: a classifier on real sentence embeddings, trained and calibrated by
training/shortlist_fit.py, loaded back with its checks, and the grammar it narrows (the
client over a real socket)."""

from __future__ import annotations

import dataclasses
import json
import shutil

import numpy as np
import pytest
from llm_fake_openai import FakeOpenAI

from llm.client import ToolCallClient
from llm.errors import ArtifactError, UnusableOutput
from llm.tool_shortlist import (
    ALTERNATIVE_FLOOR,
    DECLINE_FLOOR,
    SURE_ASKED,
    SURE_CHANGE,
    Encoder,
    ShortlistWeights,
    ToolShortlist,
    smallest_set,
)
from tools.registry import ToolRegistry
from training.shortlist_fit import calibrate_mass, fit_shortlist, sample_per_family

PHRASINGS = {
    "delete_deployment": [
        "delete the {x} deployment",
        "remove deployment {x} from the cluster",
        "get rid of {x}, we do not need it anymore",
        "tear down the {x} app",
    ],
    "scale_deployment": [
        "scale {x} to 5 replicas",
        "run 3 copies of {x}",
        "bump {x} up to ten pods",
        "scale down {x} to one replica",
    ],
    "get_pod_logs": [
        "show me the logs of {x}",
        "what did {x} print before it crashed",
        "tail the {x} logs",
        "fetch recent log lines from {x}",
    ],
    "no_action": [
        "what is the weather like in {x}",
        "tell me a joke about {x}",
        "thanks, {x} looks great",
        "who won the football match in {x}",
    ],
}
# no_action's reason for each of its phrasings (the shortlist's argument classifier)
REASONS = ["out_of_scope", "chit_chat", "chit_chat", "out_of_scope"]
NAMES = ["web", "checkout", "billing", "search", "cart", "auth"]


def records(split_names: list[str]) -> list[dict]:
    out = []
    for tool, phrasings in PHRASINGS.items():
        for number, phrasing in enumerate(phrasings):
            for name in split_names:
                text = phrasing.format(x=name)
                args = {"reason": REASONS[number]} if tool == "no_action" else {"name": name}
                out.append(
                    {
                        "family": f"{tool}.{number}",
                        "tool": tool,
                        "target": {"tool": tool, "args": args},
                        "messages": [
                            {"role": "system", "content": "cluster=us-central"},
                            {"role": "user", "content": text},
                        ],
                    }
                )
    return out


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return Encoder()


@pytest.fixture(scope="module")
def trained(tmp_path_factory, encoder) -> tuple:
    folder = tmp_path_factory.mktemp("shortlist")
    weights = fit_shortlist(
        records(NAMES[:4]),
        records(NAMES[4:]),
        folder,
        per_family=3,
        coverage=0.95,
        data_hash="test-data",
        encoder=encoder,
    )
    return folder, weights


def test_sample_keeps_at_most_n_per_family():
    sample = sample_per_family(records(NAMES), 2)
    families = [r["family"] for r in sample]
    assert len(sample) == 2 * len(set(families)) == 32
    assert all(families.count(f) == 2 for f in set(families))


def test_smallest_set_takes_the_most_probable_until_the_mass():
    probs = np.array([0.1, 0.6, 0.25, 0.05])
    assert list(smallest_set(probs, 0.5)) == [1]
    assert list(smallest_set(probs, 0.8)) == [1, 2]
    assert list(smallest_set(probs, 0.99)) == [1, 2, 0, 3]


def test_calibration_picks_the_smallest_mass_that_reaches_the_coverage():
    tools = ["a", "b", "c"]
    probs = np.array([[0.7, 0.2, 0.1], [0.6, 0.3, 0.1], [0.5, 0.45, 0.05], [0.9, 0.05, 0.05]])
    # b is expected twice where a is most probable: a shortlist must hold two tools there
    mass, reached, size = calibrate_mass(probs, ["a", "b", "b", "a"], tools, coverage=0.75)
    assert reached >= 0.75 and 0.5 <= mass <= 0.95
    lower, lower_reached, _ = calibrate_mass(probs, ["a", "b", "b", "a"], tools, coverage=0.5)
    assert lower == 0.5 and lower_reached == 0.5  # "a" alone holds half of them
    assert size >= 1.25


def test_the_trained_shortlist_is_written_with_what_it_was_built_from(trained, encoder):
    folder, weights = trained
    info = json.loads((folder / "shortlist.json").read_text())
    assert info["tools"] == sorted(PHRASINGS)
    assert info["encoder_identity"] == encoder.identity
    assert info["data_hash"] == "test-data" and info["per_family"] == 3
    assert info["examples"] == 16 * 3
    assert info["valid"]["coverage"] >= 0.95
    assert 0.5 <= info["mass"] <= 0.999


def test_unseen_phrasings_rank_their_tool_first(trained, encoder):
    shortlist = ToolShortlist.load(trained[0], encoder=encoder)
    cases = {
        "please purge the orders deployment": "delete_deployment",
        "I need 4 replicas of orders": "scale_deployment",
        "orders logs please": "get_pod_logs",
    }
    for text, tool in cases.items():
        assert next(iter(shortlist.probabilities(text))) == tool, text


def test_offered_tools_keep_unknown_tools_and_the_declines(trained, encoder):
    shortlist = ToolShortlist.load(trained[0], encoder=encoder)
    registry_tools = ToolRegistry().names()
    offered = shortlist.offered("please purge the orders deployment", registry_tools).tools
    assert "delete_deployment" in offered
    # no_action is the decline this classifier knows; clarify it never saw
    assert {"clarify", "no_action"} <= set(offered)
    assert "scale_deployment" not in offered  # clearly not about scaling
    # tools the classifier never saw (added after training) are never ruled out
    assert "create_hpa" in offered and "lambda_delete_function" in offered
    assert list(offered) == [t for t in registry_tools if t in offered]  # the registry's order


def fixed_shortlist(encoder, probabilities: dict[str, float], mass=0.9) -> ToolShortlist:
    """A classifier that gives every request the same `probabilities` (the rest of the
    registry's tools share what is left)."""
    tools = ToolRegistry().names()
    rest = (1 - sum(probabilities.values())) / (len(tools) - len(probabilities))
    probs = np.array([probabilities.get(tool, rest) for tool in tools])
    dimension = len(encoder.encode(["x"])[0])
    weights = ShortlistWeights(
        tools=tools,
        weights=np.zeros((len(tools), dimension), dtype=np.float32),
        bias=np.log(probs).astype(np.float32),
        mass=mass,
        encoder_identity=encoder.identity,
        meta={},
    )
    return ToolShortlist(weights, encoder)


def test_only_the_decline_the_classifier_prefers_is_offered(encoder):
    registry = ToolRegistry()
    sure = {"delete_deployment": 0.9, "clarify": 0.06, "no_action": 0.03}
    offer = fixed_shortlist(encoder, sure).offered("drop orders", registry.names())
    assert offer.tools == ("delete_deployment", "clarify") and offer.decline == "clarify"
    other_way = {**sure, "clarify": 0.03, "no_action": 0.06}
    offer = fixed_shortlist(encoder, other_way).offered("drop orders", registry.names())
    assert offer.tools == ("delete_deployment", "no_action")


def test_a_confident_read_or_a_sure_lone_change_gets_no_decline(encoder):
    registry = ToolRegistry()
    read_only = registry.read_only_names()
    assert "list_pods" in read_only and "delete_deployment" not in read_only
    confident_read = {"list_pods": 0.8, "describe_pod": 0.17, "clarify": 0.01, "no_action": 0.005}
    offer = fixed_shortlist(encoder, confident_read).offered(
        "ls pods", registry.names(), read_only=read_only
    )
    assert offer.tools == ("describe_pod", "list_pods") and offer.decline == "clarify"
    sure_change = {"delete_deployment": SURE_CHANGE + 0.001, "clarify": 0.01, "no_action": 0.005}
    offer = fixed_shortlist(encoder, sure_change).offered(
        "x", registry.names(), read_only=read_only
    )
    assert offer.tools == ("delete_deployment",) and offer.decline == "clarify"
    # declines at or above the floor, a change below SURE_CHANGE, two changes, or reads
    # not known as such: one decline
    unsure_read = {"list_pods": 0.9, "clarify": DECLINE_FLOOR, "no_action": 0.005}
    unsure_change = {**sure_change, "delete_deployment": SURE_CHANGE - 0.001}
    two_changes = {"delete_deployment": 0.5, "scale_deployment": 0.48, "clarify": 0.01}
    for probabilities, read in [
        (unsure_read, read_only),
        (unsure_change, read_only),
        (two_changes, read_only),
        (confident_read, ()),
    ]:
        offer = fixed_shortlist(encoder, probabilities).offered(
            "x", registry.names(), read_only=read
        )
        assert offer.tools[-1] == "clarify" and len(offer.tools) in (2, 3), probabilities
        assert "no_action" not in offer.tools


@pytest.mark.parametrize(
    "probabilities, decline",
    [
        # unsure of the read: the decline the classifier prefers, held back till now
        (
            {"describe_pod": 0.8, "clarify": 0.03, "no_action": 0.08},
            "no_action",
        ),
        # sure of it: the request left out which pod, so the client asks (clarify), though
        # the classifier ranks no_action higher
        ({"describe_pod": SURE_ASKED, "clarify": 0.003, "no_action": 0.008}, "clarify"),
    ],
)
def test_the_client_offers_a_decline_when_no_offered_tool_can_be_written(
    encoder, probabilities, decline
):
    """describe_pod needs a pod the request names; without one only a decline is left."""
    registry = ToolRegistry()
    shortlist = fixed_shortlist(encoder, probabilities)
    answer = (
        '{"tool":"no_action","args":{"reason":"out_of_scope"}}'
        if decline == "no_action"
        else clarify_answer(shortlist, "describe the pod please")
    )
    if decline == "clarify":  # describe_pod is the likely action: its question
        assert "Which pod should I describe?" in answer
    with FakeOpenAI(contents=[answer]) as fake:
        client = ToolCallClient(
            base_url=fake.base_url, model="planton", registry=registry, shortlist=shortlist
        )
        proposal = client.propose("describe the pod please", context={}, live={})
    assert proposal.call.tool == decline
    assert proposal.offered_tools[-1] == decline and "describe_pod" in proposal.offered_tools
    branches = fake.requests[0]["response_format"]["json_schema"]["schema"]["anyOf"]
    assert [b["properties"]["tool"]["const"] for b in branches] == [decline]


def clarify_answer(shortlist, text):
    """A clarify call asking the question the shortlist judges for `text` (the grammar
    pins it: llm/clarify_questions.py)."""
    registry = ToolRegistry()
    offer = shortlist.offered(text, registry.names(), read_only=registry.read_only_names())
    return json.dumps({"tool": "clarify", "args": offer.judged["clarify"]})


def offered_branches(shortlist, text, live, answer):
    """The tools the client offers for `text` and the tools its grammar can write."""
    with FakeOpenAI(contents=[answer]) as fake:
        client = ToolCallClient(
            base_url=fake.base_url, model="planton", registry=ToolRegistry(), shortlist=shortlist
        )
        proposal = client.propose(text, context={}, live=live)
    branches = fake.requests[0]["response_format"]["json_schema"]["schema"]["anyOf"]
    return proposal.offered_tools, {b["properties"]["tool"]["const"] for b in branches}


def test_an_action_the_request_cannot_fill_gives_way_to_the_next_it_can(encoder):
    """No deployment is called auth-token: set_resources cannot be written, the lambda can."""
    shortlist = fixed_shortlist(
        encoder,
        {"set_resources": 0.95, "lambda_update_config": 0.02, "clarify": 0.01, "no_action": 0.01},
    )
    text = "auth-token is maxing out its RAM, up it to 768MB"
    answer = '{"tool":"lambda_update_config","args":{"name":"auth-token","memory_mb":768}}'
    offered, written = offered_branches(shortlist, text, {"deployment": ["web"]}, answer)
    assert offered == ("lambda_update_config", "set_resources", "clarify")
    assert written == {"lambda_update_config", "clarify"}


def test_a_value_given_by_its_role_brings_a_tool_that_can_take_it(encoder):
    """describe_pod has no log filter; the request gives one ("for exception")."""
    probabilities = {"describe_pod": 0.95, "get_pod_logs": 0.02, "no_action": 0.01}
    pod = "webhooks-dzdngggk6f-x9n52"
    text = f"scan the output of pod {pod} for exception"
    answer = f'{{"tool":"get_pod_logs","args":{{"name":"{pod}","grep":"exception"}}}}'
    offered, written = offered_branches(fixed_shortlist(encoder, probabilities), text, {}, answer)
    assert offered == ("describe_pod", "get_pod_logs")  # a sure read: no decline
    assert written == set(offered)
    # an offered tool that takes it, a request that gives nothing by role, or a tool below
    # ALTERNATIVE_FLOOR: nothing more
    describe = f'{{"tool":"describe_pod","args":{{"name":"{pod}"}}}}'
    logs = f'{{"tool":"get_pod_logs","args":{{"name":"{pod}","container":"envoy"}}}}'
    for probs, request, expected in [
        ({"get_pod_logs": 0.95, "set_image": 0.02}, f"envoy container logs of pod {pod}", logs),
        (probabilities, f"describe pod {pod}", describe),
        ({**probabilities, "get_pod_logs": ALTERNATIVE_FLOOR / 2}, text, describe),
        # nor a tool riskier than the offered ones: a name given is no reason to offer
        # deleting a deployment so named (list_pods has no name)
        (
            {"list_pods": 0.95, "delete_deployment": 0.02, "no_action": 0.01},
            "list the pods of the app called web",
            '{"tool":"list_pods","args":{}}',
        ),
    ]:
        shortlist = fixed_shortlist(encoder, probs)
        offered, _ = offered_branches(shortlist, request, {}, expected)
        assert len([tool for tool in offered if tool != "no_action"]) == 1, (probs, offered)


def test_the_next_action_is_never_riskier_than_the_offered_one_nor_a_read_for_a_change(encoder):
    """A timeout the request does not give is no reason to offer deleting the function, nor
    to describe it instead: the decline asks (the validation split, 2026-12-07)."""
    shortlist = fixed_shortlist(
        encoder,
        {
            "gcf_update_config": 0.9,
            "gcf_delete_function": 0.05,
            "gcf_describe_function": 0.02,
            "clarify": 0.01,
            "no_action": 0.01,
        },
        mass=0.55,
    )
    text = "raise the timeout on cloud function maple"
    offered, written = offered_branches(shortlist, text, {}, clarify_answer(shortlist, text))
    assert "gcf_delete_function" not in offered and "gcf_describe_function" not in offered
    assert written == {"clarify"}


def test_a_read_may_stand_in_for_a_read(encoder):
    """No deployment is called auth-token: its logs stand in for describing it."""
    shortlist = fixed_shortlist(
        encoder,
        {"describe_deployment": 0.9, "get_pod_logs": 0.06, "clarify": 0.02, "no_action": 0.02},
        mass=0.55,
    )
    answer = '{"tool":"get_pod_logs","args":{"name":"auth-token"}}'
    offered, written = offered_branches(
        shortlist, "what is auth-token doing?", {"deployment": ["web"]}, answer
    )
    assert "get_pod_logs" in offered and "get_pod_logs" in written


def test_a_list_never_stands_in_for_an_action_the_request_cannot_fill(encoder):
    """A list needs no value, so it could stand in for any action: it never does."""
    shortlist = fixed_shortlist(
        encoder,
        {"drain_node": 0.8, "list_nodes": 0.1, "clarify": 0.02, "no_action": 0.06},
        mass=0.55,
    )
    answer = '{"tool":"no_action","args":{"reason":"unsafe"}}'
    offered, written = offered_branches(shortlist, "please drain a node", {}, answer)
    assert offered == ("drain_node", "no_action") and written == {"no_action"}


def test_a_sure_action_that_can_be_written_keeps_the_preferred_decline(encoder):
    """ "delete orders" names what it deletes: no question to ask, no_action stays the decline."""
    registry = ToolRegistry()
    shortlist = fixed_shortlist(
        encoder, {"delete_deployment": SURE_ASKED, "clarify": 0.01, "no_action": 0.08}
    )
    answer = '{"tool":"delete_deployment","args":{"name":"orders"}}'
    with FakeOpenAI(contents=[answer]) as fake:
        client = ToolCallClient(
            base_url=fake.base_url, model="planton", registry=registry, shortlist=shortlist
        )
        proposal = client.propose("delete orders", context={}, live={"deployment": ["orders"]})
    assert proposal.offered_tools == ("delete_deployment", "no_action")
    branches = fake.requests[0]["response_format"]["json_schema"]["schema"]["anyOf"]
    assert {b["properties"]["tool"]["const"] for b in branches} == {
        "delete_deployment",
        "no_action",
    }


def test_an_index_of_another_encoder_is_refused(trained, encoder, tmp_path):
    folder = tmp_path / "other"
    shutil.copytree(trained[0], folder)
    info = json.loads((folder / "shortlist.json").read_text())
    info["encoder_identity"] = "0123456789abcdef"
    (folder / "shortlist.json").write_text(json.dumps(info))
    with pytest.raises(ArtifactError, match="trained on encoder 0123456789abcdef"):
        ToolShortlist.load(folder, encoder=encoder)


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda f: (f / "classifier.npz").unlink(), "No tool shortlist"),
        (lambda f: (f / "classifier.npz").write_bytes(b"not numpy"), "corrupt"),
        (lambda f: (f / "shortlist.json").write_text("{"), "corrupt"),
        (lambda f: (f / "shortlist.json").write_text('{"format": "x"}'), "is not a"),
    ],
)
def test_a_damaged_shortlist_is_refused_with_its_folder(trained, tmp_path, damage, message):
    folder = tmp_path / "damaged"
    shutil.copytree(trained[0], folder)
    damage(folder)
    with pytest.raises(ArtifactError, match=message):
        ShortlistWeights.read(folder)


def test_weights_that_do_not_fit_their_tools_are_refused(trained, tmp_path):
    folder = tmp_path / "misfit"
    shutil.copytree(trained[0], folder)
    info = json.loads((folder / "shortlist.json").read_text())
    info["tools"] = info["tools"][:2]
    (folder / "shortlist.json").write_text(json.dumps(info))
    with pytest.raises(ArtifactError, match="do not fit together"):
        ShortlistWeights.read(folder)


def test_the_client_offers_the_grammar_only_the_shortlist(trained, encoder):
    shortlist = ToolShortlist.load(trained[0], encoder=encoder)
    registry = ToolRegistry()
    text = "please purge the orders deployment"
    offered = shortlist.offered(text, registry.names()).tools
    answer = '{"tool":"delete_deployment","args":{"name":"orders"}}'
    with FakeOpenAI(contents=[answer]) as fake:
        client = ToolCallClient(
            base_url=fake.base_url, model="planton", registry=registry, shortlist=shortlist
        )
        proposal = client.propose(text, context={}, live={})
    assert proposal.call.tool == "delete_deployment"
    assert proposal.offered_tools == offered
    branches = fake.requests[0]["response_format"]["json_schema"]["schema"]["anyOf"]
    sent = [b["properties"]["tool"]["const"] for b in branches]
    # (the grammar also drops branches no answer can fill: no tool beyond the offered ones)
    assert set(sent) <= set(offered) and "delete_deployment" in sent
    assert "scale_deployment" not in sent


def test_a_tool_outside_the_shortlist_is_refused_even_without_a_grammar(trained, encoder):
    # A server that ignores the grammar answers with a tool the shortlist took away: the
    # client's own check refuses it, says which tools were offered, and retries once.
    shortlist = ToolShortlist.load(trained[0], encoder=encoder)
    registry = ToolRegistry()
    wrong = '{"tool":"scale_deployment","args":{"name":"orders","replicas":3}}'
    with FakeOpenAI(contents=[wrong, wrong]) as fake:
        client = ToolCallClient(
            base_url=fake.base_url, model="planton", registry=registry, shortlist=shortlist
        )
        with pytest.raises(UnusableOutput, match="not a tool this request can be about"):
            client.propose("please purge the orders deployment", context={}, live={})
    assert "delete_deployment" in fake.requests[1]["messages"][-1]["content"]


def test_training_gives_an_artifact_its_shortlist_once_and_removes_it_on_request(tmp_path):
    from training.config import TrainConfig
    from training.pipeline import ensure_shortlist

    data = tmp_path / "data"
    data.mkdir()
    for split, names in (("train", NAMES[:4]), ("valid", NAMES[4:])):
        lines = [json.dumps(r) for r in records(names)]
        (data / f"{split}.jsonl").write_text("\n".join(lines) + "\n")
    artifact = tmp_path / "artifact"
    artifact.mkdir()
    (artifact / "artifact.json").write_text(json.dumps({"name": "t"}))
    config = TrainConfig(shortlist_per_family=2)

    ensure_shortlist(artifact, config, data, "data-1", progress=False)
    meta = json.loads((artifact / "artifact.json").read_text())
    assert meta["name"] == "t" and meta["shortlist"]["examples"] == 32
    assert meta["shortlist"]["seconds"] > 0  # its training time, which the model's omits
    assert meta["shortlist"]["head"]["labels"] == ["chit_chat", "out_of_scope"]
    assert ToolShortlist.of_artifact(artifact).weights.head.labels == ["chit_chat", "out_of_scope"]
    weights = artifact / "shortlist" / "classifier.npz"
    built = weights.stat().st_mtime_ns
    ensure_shortlist(artifact, config, data, "data-1", progress=False)
    assert weights.stat().st_mtime_ns == built  # same key: not rebuilt

    # a shortlist built before the reason head gets the head, and keeps its classifier
    before = ShortlistWeights.read(artifact / "shortlist")
    dataclasses.replace(before, head=None).save(artifact / "shortlist")
    ensure_shortlist(artifact, config, data, "data-1", progress=False)
    after = ShortlistWeights.read(artifact / "shortlist")
    assert after.head is not None and after.meta["key"] == before.meta["key"]
    assert np.array_equal(after.weights, before.weights)
    ensure_shortlist(artifact, config, data, "data-2", progress=False)
    assert json.loads((artifact / "shortlist" / "shortlist.json").read_text())["data_hash"] == (
        "data-2"
    )  # other data: rebuilt
    assert not list(artifact.glob("*.partial"))

    ensure_shortlist(artifact, TrainConfig(shortlist_per_family=0), data, "data-2")
    assert not (artifact / "shortlist").exists()
    assert "shortlist" not in json.loads((artifact / "artifact.json").read_text())
    assert ToolShortlist.of_artifact(artifact) is None


@pytest.fixture(scope="module")
def fine_tuned(tmp_path_factory, encoder) -> tuple:
    folder = tmp_path_factory.mktemp("fine-tuned")
    weights = fit_shortlist(
        records(NAMES[:4]),
        records(NAMES[4:]),
        folder,
        per_family=3,
        coverage=0.95,
        data_hash="test-data",
        fine_tune_epochs=12,
        encoder=encoder,
    )
    return folder, weights


def test_a_fine_tuned_shortlist_carries_its_own_encoder(fine_tuned, trained, encoder):
    folder, weights = fine_tuned
    info = json.loads((folder / "shortlist.json").read_text())
    own = Encoder(folder / "encoder")
    assert info["encoder_identity"] == own.identity != encoder.identity  # the weights moved
    assert info["base_encoder"] == encoder.identity
    assert info["fine_tune"]["epochs"] == 12 and info["regularization_c"] is None
    assert info["key"] != trained[1].meta["key"]  # fine-tuning is part of the key
    shortlist = ToolShortlist.load(folder)  # no encoder given: the shortlist's own
    cases = {
        "please purge the orders deployment": "delete_deployment",
        "I need 4 replicas of orders": "scale_deployment",
        "orders logs please": "get_pod_logs",
    }
    for text, tool in cases.items():
        assert next(iter(shortlist.probabilities(text))) == tool, text
    with pytest.raises(ArtifactError, match="trained on encoder"):
        ToolShortlist.load(folder, encoder=encoder)  # the pretrained one does not fit


def test_training_rebuilds_a_fine_tuned_shortlist_that_lost_its_encoder(tmp_path):
    from training.config import TrainConfig
    from training.pipeline import ensure_shortlist

    data = tmp_path / "data"
    data.mkdir()
    for split, names in (("train", NAMES[:4]), ("valid", NAMES[4:])):
        lines = [json.dumps(r) for r in records(names)]
        (data / f"{split}.jsonl").write_text("\n".join(lines) + "\n")
    artifact = tmp_path / "artifact"
    artifact.mkdir()
    (artifact / "artifact.json").write_text(json.dumps({"name": "t"}))
    config = TrainConfig(shortlist_per_family=2, shortlist_fine_tune_epochs=1)

    ensure_shortlist(artifact, config, data, "data-1", progress=False)
    meta = json.loads((artifact / "artifact.json").read_text())
    assert meta["shortlist"]["fine_tune"]["epochs"] == 1
    weights = artifact / "shortlist" / "encoder" / "model.safetensors"
    assert ToolShortlist.of_artifact(artifact) is not None
    weights.unlink()
    with pytest.raises(ArtifactError):
        ToolShortlist.of_artifact(artifact)
    ensure_shortlist(artifact, config, data, "data-1", progress=False)  # same key, rebuilt
    assert weights.is_file() and ToolShortlist.of_artifact(artifact) is not None


def test_the_bot_refuses_a_damaged_shortlist_as_a_config_error(trained, tmp_path):
    from bot.assembly import build_planner
    from bot.settings import ModelSettings, Settings
    from bot.yaml_lines import ConfigError

    artifact = tmp_path / "artifact"
    shutil.copytree(trained[0], artifact / "shortlist")
    (artifact / "shortlist" / "shortlist.json").write_text("{")
    model = ModelSettings(base_url="http://127.0.0.1:9/v1", artifact=artifact)
    with pytest.raises(ConfigError, match="model.artifact: The tool shortlist .* is corrupt"):
        build_planner(Settings(model=model), registry=ToolRegistry())


def reason_head(encoder, favoured: str, labels=("chit_chat", "out_of_scope", "unsafe")):
    """An argument classifier of no_action's reason that always picks `favoured`."""
    from llm.tool_shortlist import ArgumentHead

    dimension = len(encoder.encode(["x"])[0])
    return ArgumentHead(
        tool="no_action",
        argument="reason",
        labels=list(labels),
        weights=np.zeros((len(labels), dimension), dtype=np.float32),
        bias=np.array([1.0 if label == favoured else 0.0 for label in labels], np.float32),
        meta={"key": "test"},
    )


def test_the_reason_head_learns_why_a_request_is_declined(trained, encoder, tmp_path):
    from training.shortlist_fit import fit_reason_head

    folder, weights = trained
    head = fit_reason_head(weights, encoder, records(NAMES[:4]), records(NAMES[4:]))
    assert head.labels == ["chit_chat", "out_of_scope"]
    assert (head.tool, head.argument) == ("no_action", "reason")
    assert head.meta["valid"]["requests"] == 8
    with_head = dataclasses.replace(weights, head=head)
    copy = tmp_path / "with-head"
    shutil.copytree(folder, copy)
    with_head.save(copy)
    read = ShortlistWeights.read(copy)
    assert read.head.labels == head.labels and np.array_equal(read.head.weights, head.weights)
    shortlist = ToolShortlist(read, encoder)
    tools = ToolRegistry().names()
    # unseen names: the phrasing decides
    for text, reason in [
        ("thanks, zebra looks great", "chit_chat"),
        ("what is the weather like in zebra", "out_of_scope"),
    ]:
        assert shortlist.offered(text, tools).judged["no_action"] == {"reason": reason}


def test_a_shortlist_without_a_head_judges_nothing(trained, encoder):
    folder, weights = trained
    assert weights.head is None and ShortlistWeights.read(folder).head is None
    offer = ToolShortlist(weights, encoder).offered("thanks", ToolRegistry().names())
    assert set(offer.judged) == {"clarify"}  # its question only: no reason to judge


def test_a_damaged_reason_head_is_refused(trained, encoder, tmp_path):
    folder, weights = trained
    damaged = tmp_path / "damaged-head"
    shutil.copytree(folder, damaged)
    dataclasses.replace(weights, head=reason_head(encoder, "unsafe")).save(damaged)
    info = json.loads((damaged / "shortlist.json").read_text())
    info["argument_head"]["labels"] = ["unsafe"]  # three rows of weights, one label
    (damaged / "shortlist.json").write_text(json.dumps(info))
    with pytest.raises(ArtifactError, match="argument classifier .* is corrupt"):
        ShortlistWeights.read(damaged)


def test_the_client_pins_the_judged_reason_in_the_grammar(encoder):
    """The grammar gives no_action only the reason the head chose; an answer with another
    one (a server that ignores the grammar) is sent back once, then refused."""
    registry = ToolRegistry()
    shortlist = fixed_shortlist(encoder, {"no_action": 0.9, "clarify": 0.05})
    shortlist = ToolShortlist(
        dataclasses.replace(shortlist.weights, head=reason_head(encoder, "unsafe")), encoder
    )
    answer = '{"tool":"no_action","args":{"reason":"unsafe"}}'
    with FakeOpenAI(contents=[answer]) as fake:
        client = ToolCallClient(
            base_url=fake.base_url, model="planton", registry=registry, shortlist=shortlist
        )
        proposal = client.propose("wipe every node in prod", context={}, live={})
    assert proposal.call.args.reason == "unsafe"
    branches = fake.requests[0]["response_format"]["json_schema"]["schema"]["anyOf"]
    (no_action,) = [b for b in branches if b["properties"]["tool"]["const"] == "no_action"]
    assert no_action["properties"]["args"]["properties"]["reason"] == {"const": "unsafe"}

    wrong = '{"tool":"no_action","args":{"reason":"chit_chat"}}'
    with FakeOpenAI(contents=[wrong, wrong]) as fake:
        client = ToolCallClient(
            base_url=fake.base_url, model="planton", registry=registry, shortlist=shortlist
        )
        with pytest.raises(UnusableOutput, match="no_action.reason = 'chit_chat'"):
            client.propose("wipe every node in prod", context={}, live={})
    assert "it must be 'unsafe'" in fake.requests[1]["messages"][-1]["content"]


def test_the_client_pins_the_question_of_the_likely_action(encoder):
    """clarify may ask only the question of the action the classifier ranks first; an
    answer with another question (a server that ignores the grammar) is sent back once."""
    registry = ToolRegistry()
    shortlist = fixed_shortlist(
        encoder, {"clarify": 0.6, "create_namespace": 0.35, "no_action": 0.05}
    )
    text = "new ns pls"
    asked = '{"tool":"clarify","args":{"question":"What should the new namespace be called?"}}'
    with FakeOpenAI(contents=[asked]) as fake:
        client = ToolCallClient(
            base_url=fake.base_url, model="planton", registry=registry, shortlist=shortlist
        )
        proposal = client.propose(text, context={}, live={})
    assert proposal.call.args.question == "What should the new namespace be called?"
    branches = fake.requests[0]["response_format"]["json_schema"]["schema"]["anyOf"]
    (clarify,) = [b for b in branches if b["properties"]["tool"]["const"] == "clarify"]
    assert clarify["properties"]["args"]["properties"]["question"] == {
        "const": "What should the new namespace be called?"
    }
    wrong = '{"tool":"clarify","args":{"question":"Which deployment should I roll back?"}}'
    with FakeOpenAI(contents=[wrong, asked]) as fake:
        client = ToolCallClient(
            base_url=fake.base_url, model="planton", registry=registry, shortlist=shortlist
        )
        assert client.propose(text, context={}, live={}).retried
    assert (
        "it must be 'What should the new namespace be called?'"
        in (fake.requests[1]["messages"][-1]["content"])
    )


def test_a_judged_value_the_tool_cannot_take_is_left_to_the_model():
    registry = ToolRegistry()
    schema = registry.call_schema(
        {}, offered=["no_action"], judged={"no_action": {"reason": "bored", "mood": "x"}}
    )
    reason = schema["anyOf"][0]["properties"]["args"]["properties"]["reason"]
    assert "const" not in reason and reason["pattern"].startswith("^(out_of_scope")


def test_a_kubectl_command_offers_its_tools_in_place_of_the_classifiers(encoder):
    """The classifier read "k get ev ... involvedObject.name=<pod>" as describe_pod (the
    test split of 2026-12-07 17:41); the command asks for events."""
    shortlist = fixed_shortlist(encoder, {"describe_pod": 0.95, "no_action": 0.01})
    pod = "gateway-lf4zk2qh4-hflzw"
    text = f"k get ev --field-selector involvedObject.kind=Pod,involvedObject.name={pod}"
    answer = f'{{"tool":"get_events","args":{{"name":"{pod}"}}}}'
    offered, written = offered_branches(shortlist, text, {}, answer)
    assert offered == ("get_events",) and written == {"get_events"}
    # the decline the classifier offers stays; a command without its object is asked about
    shortlist = fixed_shortlist(encoder, {"delete_deployment": 0.6, "no_action": 0.3})
    text = "kubectl drain --ignore-daemonsets --delete-emptydir-data"
    offered, written = offered_branches(shortlist, text, {}, clarify_answer(shortlist, text))
    assert offered == ("drain_node", "clarify") and written == {"clarify"}
    offered, _ = offered_branches(
        shortlist,
        "k drain node-7 --ignore-daemonsets",
        {},
        '{"tool":"drain_node","args":{"node":"node-7"}}',
    )
    assert offered == ("drain_node", "no_action")
    # a change the command asks for keeps a decline where the classifier, sure of a read,
    # offered none
    shortlist = fixed_shortlist(encoder, {"list_nodes": 0.97, "clarify": 0.001, "no_action": 0.01})
    drain = '{"tool":"drain_node","args":{"node":"node-7"}}'
    offered, _ = offered_branches(shortlist, "k drain node-7", {}, drain)
    assert offered == ("drain_node", "no_action")
    offered, _ = offered_branches(shortlist, "k get no", {}, '{"tool":"list_nodes","args":{}}')
    assert offered == ("list_nodes",)


def test_a_new_name_given_brings_a_tool_that_types_a_name(encoder):
    """set_image's name is a known deployment, not a name the request types: "running
    somewhere as score-otter" gives a new object's name, so deploy_app is offered too (the
    test split of 2026-12-07 17:41)."""
    shortlist = fixed_shortlist(encoder, {"set_image": 0.95, "deploy_app": 0.02, "no_action": 0.01})
    text = "would it be possible to get ghcr.io/acme/web:v11 running somewhere as score-otter?"
    answer = '{"tool":"deploy_app","args":{"name":"score-otter","image":"ghcr.io/acme/web:v11"}}'
    live = {"deployment": ["score-otter", "web"]}
    offered, written = offered_branches(shortlist, text, live, answer)
    assert offered == ("deploy_app", "set_image") and written == set(offered)
