"""A real vLLM server on a model artifact: valid calls, live enums, adapters, retries."""

from __future__ import annotations

import json

import pytest

from llm.client import ToolCallClient
from llm.errors import AdapterMissing, UnusableOutput
from llm.grounding import ground_request
from tools.registry import ToolRegistry

# The first test also waits for the session's server (training and startup).
pytestmark = [pytest.mark.vllm, pytest.mark.timeout(1800)]

CONTEXT = {"cluster": "us-central", "namespace": "staging", "user": "alice"}
LIVE = {
    "cluster": ["us-central", "eu-west"],
    "namespace": ["default", "staging", "prod"],
    "deployment": ["web", "api", "worker"],
}
# Easy requests with the tool a person means (the quick model must get most of them).
EASY = [
    ("deploy redis with 2gb of memory", "deploy_service"),
    ("scale web to 3 replicas", "scale_deployment"),
    ("restart the api deployment", "restart_deployment"),
    ("list deployments in prod", "list_deployments"),
    ("show me the logs of worker", "get_pod_logs"),
    ("roll back checkout in prod", "rollback_deployment"),
    ("describe deployment api", "describe_deployment"),
    ("list the pods in staging", "list_pods"),
    ("set the image of web to nginx:1.27", "set_image"),
    ("thanks, you are great!", "no_action"),
    ("what is the weather in paris tomorrow?", "no_action"),
]


@pytest.fixture(scope="module")
def registry() -> ToolRegistry:
    return ToolRegistry()


def client(server, registry, *, model: str | None = None) -> ToolCallClient:
    name = model or server.model_name
    return ToolCallClient(base_url=server.base_url, model=name, registry=registry, timeout_s=120)


def test_proposals_are_schema_valid(vllm_server, registry):
    jsonschema = pytest.importorskip("jsonschema")
    planner = client(vllm_server, registry)
    schema = registry.call_schema(LIVE)
    for text, _ in EASY[:5]:
        proposal = planner.propose(text, context=CONTEXT, live=LIVE)
        jsonschema.validate(json.loads(proposal.raw), schema)
        assert proposal.call.tool in registry.names()
        assert proposal.adapter == "planton" and proposal.completion_tokens > 0


def live_values(call, registry) -> dict[str, str]:
    """Arguments the model wrote whose field is marked x-live, by kind. A default the model
    left out (get_events' limit of 20) is ours, not the model's: it is not checked."""
    found = {}
    for name, field in registry.args_model(call.tool).model_fields.items():
        kind = (field.json_schema_extra or {}).get("x-live")
        value = getattr(call.args, name)
        if kind and value is not None and name in call.args.model_fields_set:
            found[kind] = value
    return found


class DeploymentToolsRegistry(ToolRegistry):
    """Only tools whose `name` must be a live deployment (no clarify/no_action to dodge)."""

    def __init__(self, full: ToolRegistry) -> None:
        names = ("restart_deployment", "scale_deployment", "describe_deployment")
        super().__init__(tools=[full.get(name) for name in names])

    def names(self, *, include_non_actions: bool = True) -> list[str]:
        return sorted(self.tools)


def test_live_enums_restrict_values(vllm_server, registry):
    # Names no training example has: only the per-request enum can produce them (and a
    # request acts only on a deployment it names: llm/grounding.py).
    live = {"cluster": ["mars-1"], "namespace": ["lab"], "deployment": ["zebra", "yak"]}
    planner = client(vllm_server, DeploymentToolsRegistry(registry))
    for text in ("restart zebra in prod", "scale yak to 2", "describe the zebra deployment"):
        call = planner.propose(text, context={"cluster": "mars-1"}, live=live).call
        values = live_values(call, registry)
        assert values["deployment"] in live["deployment"], call.as_dict()
        assert values.get("cluster", "mars-1") == "mars-1", call.as_dict()
        assert values.get("namespace", "lab") == "lab", call.as_dict()
    # With the full registry, whatever live field the model uses is a live value too,
    # and a field the user must have typed (`mentioned`) holds a word of the request:
    # the served call passes the registry's own grounding check for that request.
    full = client(vllm_server, registry)
    for text in ("restart zebra in prod", "scale yak to 2", "restart web in prod"):
        context = {"cluster": "mars-1"}
        call = full.propose(text, context=context, live=live).call
        grounding = ground_request(text, live, context)
        registry.check_grounded(
            call,
            grounding.live,
            required_kinds=grounding.required_kinds,
            omitted_kinds=grounding.omitted_kinds,
            given=grounding.given,
        )


def test_missing_adapter_on_a_real_server(vllm_server, registry):
    planner = client(vllm_server, registry, model="no-such-adapter")
    with pytest.raises(AdapterMissing, match="no-such-adapter"):
        planner.propose("scale web to 3", context=CONTEXT, live=LIVE)


class DropDatabaseRegistry(ToolRegistry):
    """A registry whose schema only allows a call its own parser rejects (a mismatch)."""

    def call_schema(self, live=None, **grounding):
        args = {"type": "object", "properties": {}, "additionalProperties": False}
        props = {"tool": {"const": "drop_database"}, "args": args}
        return {"type": "object", "properties": props, "required": ["tool", "args"]}


def test_unsatisfiable_request_is_retried_once_then_unusable(vllm_server):
    planner = client(vllm_server, DropDatabaseRegistry())
    with pytest.raises(UnusableOutput, match="Unknown tool 'drop_database'") as caught:
        planner.propose("drop the database", context=CONTEXT, live={})
    assert json.loads(caught.value.raw) == {"tool": "drop_database", "args": {}}


# The quick model (training/configs/quick.yaml) must beat the bare base on easy requests,
# served the same way; the logprob test below shows vLLM computes what training computes.
def test_the_adapter_matters(vllm_server, registry, llm_artifact):
    tuned = client(vllm_server, registry)
    bare = client(vllm_server, registry, model=vllm_server.base_model_name)
    assert bare.served_adapter() is None and tuned.served_adapter() == "planton"
    tuned_calls = [tuned.propose(t, context=CONTEXT, live=LIVE) for t, _ in EASY]
    bare_calls = [bare.propose(t, context=CONTEXT, live=LIVE) for t, _ in EASY]
    assert [p.raw for p in tuned_calls] != [p.raw for p in bare_calls]
    if json.loads((llm_artifact / "artifact.json").read_text())["base_model"] == "tiny-random":
        return  # random weights: different answers is all there is to show
    expected = [tool for _, tool in EASY]
    tuned_right = sum(p.call.tool == e for p, e in zip(tuned_calls, expected, strict=True))
    bare_right = sum(p.call.tool == e for p, e in zip(bare_calls, expected, strict=True))
    answers = [p.raw for p in tuned_calls]
    assert tuned_right > bare_right, (tuned_right, bare_right, answers)
    assert tuned_right >= len(EASY) // 2, answers


def test_served_adapter_computes_what_training_computes(vllm_server, llm_artifact):
    """vLLM's LoRA path gives the same token probabilities as transformers + peft."""
    import httpx
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from llm.prompt import render_prompt

    prompt = render_prompt("scale web to 3 replicas", CONTEXT)
    base_dir = llm_artifact / "base"
    tokenizer = AutoTokenizer.from_pretrained(base_dir)
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    base = AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.float32)
    tuned = PeftModel.from_pretrained(base, llm_artifact / "adapter")
    for name, use_adapter in ((vllm_server.model_name, True), (vllm_server.base_model_name, False)):
        body = {"model": name, "prompt": prompt_ids, "max_tokens": 8, "temperature": 0}
        body |= {"logprobs": 1, "return_token_ids": True}
        choice = httpx.post(f"{vllm_server.base_url}/completions", json=body, timeout=120).json()
        choice = choice["choices"][0]
        served_ids, served_logprobs = choice["token_ids"], choice["logprobs"]["token_logprobs"]
        ids = torch.tensor([prompt_ids + served_ids])
        with torch.no_grad():
            if use_adapter:
                logits = tuned(input_ids=ids).logits
            else:
                with tuned.disable_adapter():
                    logits = tuned(input_ids=ids).logits
        logprobs = torch.log_softmax(logits[0, len(prompt_ids) - 1 : -1], dim=-1)
        expected = [logprobs[i, t].item() for i, t in enumerate(served_ids)]
        assert served_logprobs == pytest.approx(expected, abs=0.05), (name, served_ids)
