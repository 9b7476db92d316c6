"""Our BPE tokenizer: byte-level BPE on our corpus, the prompt markers as special tokens,
and the JSON skeleton of calls as whole tokens so an answer is few tokens long.

`{"tool":"scale_deployment","args":{` is one token, `","replicas":` another: a typical
call is 6-12 tokens, which is what latency per request is made of.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from llm.prompt import CHAT_TEMPLATE, END_MARK, SPECIAL_TOKENS

# Part of the training cache key: a change here must retrain, not reuse an old artifact.
TOKENIZER_VERSION = "ws-isolated-bpe-2"


def json_fragments(tool_fields: dict[str, list[str]]) -> list[str]:
    """Added tokens for the fixed parts of call JSON, from tool name -> argument names."""
    fragments = {'{"tool":"', '"}}', "}}", '"]}}', "]}}", '"}', '"]', '":"', '","'}
    for tool, fields in tool_fields.items():
        fragments.add(f'{{"tool":"{tool}","args":{{')
        fragments.add(f'{{"tool":"{tool}","args":{{}}}}')
        for key in fields:
            for head in ("", ",", '",', "],", "},"):
                fragments.add(f'{head}"{key}":"')
                fragments.add(f'{head}"{key}":')
                fragments.add(f'{head}"{key}":["')
                fragments.add(f'{head}"{key}":{{"')
    return sorted(fragments)


def registry_fields() -> dict[str, list[str]]:
    """Tool name -> argument names from the running registry (catalogue as a fallback)."""
    from training.catalogue import CATALOGUE

    fields = {tool: list(specs) for tool, specs in CATALOGUE.items()}
    try:
        from tools.registry import ToolRegistry

        registry = ToolRegistry()
        for name in registry.names():
            fields[name] = list(registry.args_model(name).model_fields)
    except Exception:  # noqa: BLE001 - a broken tool module must not block tokenizer training
        pass
    return fields


def train_tokenizer(texts: list[str], *, vocab_size: int, fragments: list[str]) -> Any:
    """Train byte-level BPE on `texts`; return a PreTrainedTokenizerFast with our template."""
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        pre_tokenizers,
        trainers,
    )
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE())
    # Whitespace is split off first, so a word is the same tokens in the request
    # (" web-7" would otherwise be "Ġweb") and inside the call JSON ("web"): a tiny model
    # then copies names and numbers token by token instead of learning two spellings.
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(r"\s+"), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
        ]
    )
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer=trainer)
    tokenizer.add_tokens([AddedToken(f, normalized=False, special=False) for f in fragments])
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        eos_token=END_MARK,
        pad_token=END_MARK,
        additional_special_tokens=list(SPECIAL_TOKENS),
        clean_up_tokenization_spaces=False,
    )
    fast.chat_template = CHAT_TEMPLATE
    return fast


def save_tokenizer(tokenizer: Any, folder: Path) -> None:
    """Save tokenizer.json + tokenizer_config.json with `chat_template` inside the config."""
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(str(folder))
    config_path = folder / "tokenizer_config.json"
    config = json.loads(config_path.read_text())
    config["chat_template"] = CHAT_TEMPLATE
    config_path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n")
    jinja = folder / "chat_template.jinja"
    if jinja.exists():  # the same template lives in tokenizer_config.json (spec'd place)
        jinja.unlink()


def load_tokenizer(folder: Path) -> Any:
    """The tokenizer saved by `save_tokenizer` (or any HF tokenizer folder)."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(folder))
