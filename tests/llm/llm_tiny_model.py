"""Build a tiny random LLaMA artifact (base + random LoRA adapter) in the artifact layout.

Used by the serving tests until (and as a fallback when) the training pipeline's quick model
is unavailable. It has the real prompt format, the real special tokens and a real tool-schema
hash, so vLLM loads it exactly like a trained artifact.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from llm.prompt import CHAT_TEMPLATE, PROMPT_FORMAT, SPECIAL_TOKENS, render_prompt
from tools.registry import ToolRegistry

LORA_RANK = 8


def _corpus(registry: ToolRegistry) -> list[str]:
    """Text to fit the byte-level BPE on: the schema and a few prompts."""
    lines = [json.dumps(registry.call_schema())]
    for text in ("deploy redis with 2gb to staging", "scale web to 3", "hello there"):
        lines.append(render_prompt(text, {"cluster": "us-central", "namespace": "staging"}))
    return lines


def build_tokenizer(folder: Path, *, registry: ToolRegistry):
    """A byte-level BPE tokenizer with the prompt's special tokens, saved to `folder`."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=600,
        special_tokens=["<unk>", "<s>", *SPECIAL_TOKENS],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(_corpus(registry), trainer=trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<s>",
        eos_token=SPECIAL_TOKENS[-1],
        unk_token="<unk>",
        pad_token="<unk>",
        additional_special_tokens=list(SPECIAL_TOKENS[:-1]),
    )
    fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(folder)
    return fast


def build_tiny_artifact(root: Path, *, seed: int = 0) -> Path:
    """Write `root/{base,adapter,artifact.json}` for a random 2-layer LLaMA; returns root."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import LlamaConfig, LlamaForCausalLM

    registry = ToolRegistry()
    torch.manual_seed(seed)
    base_dir, adapter_dir = root / "base", root / "adapter"
    tokenizer = build_tokenizer(base_dir, registry=registry)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=2048,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=False,
    )
    model = LlamaForCausalLM(config)
    model.save_pretrained(base_dir)
    lora = LoraConfig(
        r=LORA_RANK,
        lora_alpha=2 * LORA_RANK,
        target_modules=["q_proj", "k_proj", "v_proj", "o_proj"],
        init_lora_weights=False,  # random B as well as A: the adapter must change outputs
    )
    peft_model = get_peft_model(model, lora)
    with torch.no_grad():  # make the adapter's effect large enough to show
        for name, param in peft_model.named_parameters():
            if "lora_" in name:
                param.mul_(4.0)
    peft_model.save_pretrained(adapter_dir)
    meta = {
        "name": "tiny",
        "base_model": "tiny-random",
        "family": "llama",
        "prompt_format": PROMPT_FORMAT,
        "chat_template": CHAT_TEMPLATE,
        "tokenizer": "byte-level-bpe-600",
        "tool_schema_hash": registry.schema_hash(),
        "data_hash": "none",
        "config": {"lora_rank": LORA_RANK, "seed": seed},
        "metrics": {},
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (root / "artifact.json").write_text(json.dumps(meta, indent=2))
    return root


if __name__ == "__main__":
    import sys

    print(build_tiny_artifact(Path(sys.argv[1])))
