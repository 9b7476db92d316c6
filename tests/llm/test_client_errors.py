"""The client over real sockets: retries, unusable output, timeouts, a server that is down."""

from __future__ import annotations

import json
import socket

import pytest
from llm_fake_openai import FakeOpenAI

from llm.client import ToolCallClient, grammar_schema
from llm.errors import AdapterMissing, ModelTimeout, ModelUnavailable, UnusableOutput
from llm.grounding import given_values, mentioned_values
from tools.registry import ToolRegistry
from tools.request_schema import MENTIONED_KIND

GOOD = '{"tool":"no_action","args":{"reason":"chit_chat"}}'
CONTEXT = {"cluster": "us-central", "namespace": "staging", "user": "alice"}


@pytest.fixture(scope="module")
def registry() -> ToolRegistry:
    return ToolRegistry()


def client_for(fake: FakeOpenAI, registry, *, model="planton", timeout_s=5.0) -> ToolCallClient:
    return ToolCallClient(
        base_url=fake.base_url, model=model, registry=registry, timeout_s=timeout_s
    )


def test_valid_answer_is_parsed_and_the_request_is_constrained(registry):
    with FakeOpenAI(contents=[GOOD]) as fake:
        proposal = client_for(fake, registry).propose("hi!", context=CONTEXT, live={})
    assert proposal.call.tool == "no_action"
    assert (proposal.retried, proposal.adapter, proposal.completion_tokens) == (False, "planton", 7)
    request = fake.requests[0]
    assert request["temperature"] == 0
    assert request["messages"][0] == {
        "role": "system",
        "content": "cluster=us-central namespace=staging user=alice",
    }
    schema = request["response_format"]["json_schema"]["schema"]
    words = {MENTIONED_KIND: mentioned_values("hi!")}
    given = given_values("hi!")  # flags it gives: not a previous run's logs
    assert schema == grammar_schema(registry.call_schema(words, given=given))


def test_live_enums_are_sent_per_request(registry):
    live = {"cluster": ["us-central", "eu-west"], "deployment": ["web", "api", "worker"]}
    with FakeOpenAI(contents=[GOOD]) as fake:
        client_for(fake, registry).propose(
            "restart web and api on us-central, then on eu-west", context=CONTEXT, live=live
        )
    sent = json.dumps(fake.requests[0]["response_format"])
    assert '"enum": ["eu-west", "us-central"]' in sent  # both clusters are named
    assert '"enum": ["api", "web"]' in sent  # the named ones of the known deployments


def test_invalid_answer_is_retried_once_with_the_error(registry):
    with FakeOpenAI(contents=['{"tool":"no_action","args":{"reason":"bored"}}', GOOD]) as fake:
        proposal = client_for(fake, registry).propose("hi", context=CONTEXT, live={})
    assert proposal.retried and proposal.call.tool == "no_action"
    assert proposal.completion_tokens == 14
    retry = fake.requests[1]["messages"]
    assert retry[2] == {
        "role": "assistant",
        "content": '{"tool":"no_action","args":{"reason":"bored"}}',
    }
    assert retry[3]["role"] == "user" and "reason" in retry[3]["content"]


def test_invalid_twice_is_unusable_output(registry):
    with FakeOpenAI(
        contents=['{"tool": "nuke_everything"', '{"tool":"drop_db","args":{}}']
    ) as fake:
        with pytest.raises(UnusableOutput) as caught:
            client_for(fake, registry).propose("hi", context=CONTEXT, live={})
    assert len(fake.requests) == 2
    assert "Not valid JSON" in fake.requests[1]["messages"][3]["content"]
    assert caught.value.raw == '{"tool":"drop_db","args":{}}'
    assert "drop_db" in caught.value.error


def test_cut_off_answer_says_so(registry):
    cut = '{"tool":"clarify","args":{"question":"which'
    with FakeOpenAI(contents=[cut, cut], finish_reason="length") as fake:
        with pytest.raises(
            UnusableOutput, match="cut off at max_tokens=the model's context length"
        ):
            client_for(fake, registry).propose("hi", context=CONTEXT, live={})


def test_refused_retry_is_unusable_output(registry):
    with FakeOpenAI(contents=['{"tool":"x"}'], status=400) as fake:
        with pytest.raises(UnusableOutput, match="retry was refused.*prompt too long"):
            client_for(fake, registry).propose("hi", context=CONTEXT, live={})
    assert len(fake.requests) == 2


def test_missing_adapter_is_named(registry):
    with FakeOpenAI(contents=[GOOD], models={"base": None}) as fake:
        with pytest.raises(AdapterMissing, match="'planton'.*serves \\['base'\\]"):
            client_for(fake, registry).propose("hi", context=CONTEXT, live={})
    assert fake.requests == []


def test_404_for_the_model_on_completion_is_adapter_missing(registry):
    # The adapter was unloaded after the client looked it up.
    with FakeOpenAI(contents=[GOOD, GOOD]) as fake:
        client = client_for(fake, registry)
        client.propose("hi", context=CONTEXT, live={})
        del fake.models["planton"]
        with pytest.raises(AdapterMissing, match="does not exist"):
            client.propose("hi", context=CONTEXT, live={})


def test_base_model_has_no_adapter(registry):
    with FakeOpenAI(contents=[GOOD]) as fake:
        proposal = client_for(fake, registry, model="base").propose("hi", context={}, live={})
    assert proposal.adapter is None and proposal.model == "base"


def test_server_error_is_unavailable(registry):
    with FakeOpenAI(status=500) as fake:
        with pytest.raises(ModelUnavailable, match="500"):
            client_for(fake, registry).propose("hi", context=CONTEXT, live={})


def test_server_down_is_unavailable(registry):
    with socket.socket() as sock:  # a port that was free a moment ago: nobody listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = ToolCallClient(base_url=f"http://127.0.0.1:{port}/v1", model="m", registry=registry)
    with pytest.raises(ModelUnavailable, match="unreachable"):
        client.propose("hi", context=CONTEXT, live={})


def test_slow_server_is_a_timeout(registry):
    with FakeOpenAI(contents=[GOOD], delay_s=2.0) as fake:
        with pytest.raises(ModelTimeout, match="0.5 s"):
            client_for(fake, registry, timeout_s=0.5).propose("hi", context=CONTEXT, live={})


def test_every_call_schema_compiles_for_the_grammar_backend(registry):
    llguidance = pytest.importorskip("llguidance")
    live = {"cluster": ["us-central"], "namespace": ["prod"], "deployment": ["web"]}
    for schema in (registry.call_schema(), registry.call_schema(live)):
        grammar = llguidance.LLMatcher.grammar_from_json_schema(grammar_schema(schema))
        assert llguidance.LLMatcher.validate_grammar(grammar) == ""
