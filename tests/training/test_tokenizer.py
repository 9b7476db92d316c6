"""The BPE tokenizer: special tokens intact, round trip, compact calls, chat template saved."""

from __future__ import annotations

import json

import pytest

from llm.prompt import CHAT_TEMPLATE, SPECIAL_TOKENS, chat_messages, render_prompt, render_target
from training.corpus import man_documents, tokenizer_texts
from training.data_gen import DATA_VERSION, read_split
from training.tokenizer import (
    json_fragments,
    load_tokenizer,
    registry_fields,
    save_tokenizer,
    train_tokenizer,
)


@pytest.fixture(scope="module")
def tokenizer(small_data, tmp_path_factory):
    records = read_split(small_data / DATA_VERSION, "train")
    trained = train_tokenizer(
        tokenizer_texts(records, man_documents()[:50]),
        vocab_size=500,
        fragments=json_fragments(registry_fields()),
    )
    folder = tmp_path_factory.mktemp("tok")
    save_tokenizer(trained, folder)
    return load_tokenizer(folder), folder


def test_round_trip_with_special_tokens(tokenizer):
    tok, _ = tokenizer
    call = {"tool": "scale_deployment", "args": {"name": "web", "replicas": 3}}
    text = render_prompt("scale web to 3 🚀 `now` ünïcode", {"cluster": "us-central"})
    text += render_target(call)
    ids = tok(text, add_special_tokens=False)["input_ids"]
    assert tok.decode(ids) == text
    for marker in SPECIAL_TOKENS:
        marker_id = tok.convert_tokens_to_ids(marker)
        assert tok(marker, add_special_tokens=False)["input_ids"] == [marker_id]
        assert ids.count(marker_id) == text.count(marker)
    assert tok.eos_token in SPECIAL_TOKENS


def test_calls_are_few_tokens(tokenizer):
    tok, _ = tokenizer
    call = {"tool": "restart_deployment", "args": {"name": "web"}}
    ids = tok(json.dumps(call, separators=(",", ":")), add_special_tokens=False)["input_ids"]
    assert len(ids) <= 4, [tok.decode([i]) for i in ids]
    scale = {"tool": "scale_deployment", "args": {"name": "web", "replicas": 12, "namespace": "x"}}
    assert len(tok(json.dumps(scale, separators=(",", ":")))["input_ids"]) <= 10


def test_saved_config_has_chat_template(tokenizer):
    tok, folder = tokenizer
    config = json.loads((folder / "tokenizer_config.json").read_text())
    assert config["chat_template"] == CHAT_TEMPLATE
    rendered = tok.apply_chat_template(
        chat_messages("list pods", {"cluster": "eu-west"}),
        tokenize=False,
        add_generation_prompt=True,
    )
    assert rendered == render_prompt("list pods", {"cluster": "eu-west"})
