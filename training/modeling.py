"""Models: our small LLaMA base from scratch, or a local LLaMA/Falcon checkpoint, plus LoRA.

vLLM must load the saved base and the adapter: LoRA targets only linear layers (no new
embedding rows in the adapter), and a checkpoint that lacks our prompt markers gets them
added to its vocabulary before fine-tuning (saved with the base).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from llm.prompt import CONTEXT_MARK, END_MARK, SPECIAL_TOKENS

LORA_TARGETS = {
    "llama": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
    "falcon": ["query_key_value", "dense", "dense_h_to_4h", "dense_4h_to_h"],
}


# Plain matmul attention: at our base's sizes (3 heads, <= 160 tokens) it trains faster on
# the CPU than torch's fused SDPA kernel (~20% per step here, more under bf16). Training
# only: vLLM brings its own attention kernels.
TRAIN_ATTENTION = "eager"


class BaseModelError(ValueError):
    """A --base-model checkpoint cannot be used (missing, unsupported family)."""


def build_llama(config: Any, tokenizer: Any) -> Any:
    """A freshly initialized LLaMA sized by the training config."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(config.seed)
    model_config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=config.hidden_size,
        intermediate_size=config.intermediate_size,
        num_hidden_layers=config.num_layers,
        num_attention_heads=config.num_heads,
        num_key_value_heads=config.num_heads,
        # RoPE has no position weights, so a window past the trained lengths costs nothing:
        # a long request (a URL in an env var) then gets an answer instead of a refusal.
        max_position_embeddings=max(512, config.max_seq_len, config.base_seq_len),
        tie_word_embeddings=True,
        bos_token_id=tokenizer.convert_tokens_to_ids(CONTEXT_MARK),
        eos_token_id=tokenizer.convert_tokens_to_ids(END_MARK),
        pad_token_id=tokenizer.convert_tokens_to_ids(END_MARK),
        rms_norm_eps=1e-5,
        attn_implementation=TRAIN_ATTENTION,
    )
    return LlamaForCausalLM(model_config)


def model_family(model_type: str) -> str:
    """'llama' or 'falcon' from a checkpoint's config.model_type."""
    if model_type in ("llama", "mistral"):
        return "llama"
    if model_type in ("falcon", "RefinedWeb", "RefinedWebModel"):
        return "falcon"
    raise BaseModelError(
        f"Unsupported base model type {model_type!r}: --base-model takes a LLaMA or Falcon "
        "checkpoint."
    )


def load_base_checkpoint(path: str) -> tuple[Any, Any, str]:
    """Model, tokenizer and family of a local checkpoint, with our markers in its vocab."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = Path(path)
    if not (folder / "config.json").is_file():
        raise BaseModelError(f"--base-model {path}: no config.json there (a local HF folder).")
    try:
        model_type = json.loads((folder / "config.json").read_text())["model_type"]
    except (json.JSONDecodeError, KeyError, TypeError):
        raise BaseModelError(f"--base-model {path}: config.json has no model_type.") from None
    family = model_family(model_type)  # refuse before loading anything heavy
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    model = AutoModelForCausalLM.from_pretrained(str(folder), dtype=torch.float32)
    missing = [t for t in SPECIAL_TOKENS if t not in tokenizer.get_vocab()]
    if missing:
        add_marker_tokens(model, tokenizer, missing)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = END_MARK
    tokenizer.eos_token = END_MARK
    model.config.eos_token_id = tokenizer.convert_tokens_to_ids(END_MARK)
    model.config.pad_token_id = tokenizer.pad_token_id
    return model, tokenizer, family


def add_marker_tokens(model: Any, tokenizer: Any, markers: list[str]) -> None:
    """Add prompt markers as special tokens; each new row starts as the mean embedding of
    the marker's own text pieces, so the four markers start distinct and meaningful."""
    import torch

    pieces = {m: tokenizer(m.strip("<|>"), add_special_tokens=False)["input_ids"] for m in markers}
    tokenizer.add_special_tokens({"additional_special_tokens": list(SPECIAL_TOKENS)})
    model.resize_token_embeddings(len(tokenizer), mean_resizing=False)
    with torch.no_grad():
        for matrix in {id(m): m for m in _embedding_matrices(model)}.values():
            for marker, ids in pieces.items():
                row = tokenizer.convert_tokens_to_ids(marker)
                matrix[row] = matrix[ids].mean(dim=0) if ids else matrix.mean(dim=0)


def _embedding_matrices(model: Any) -> list[Any]:
    matrices = [model.get_input_embeddings().weight]
    output = model.get_output_embeddings()
    if output is not None:
        matrices.append(output.weight)
    return matrices


def wrap_lora(model: Any, *, family: str, config: Any) -> Any:
    """The model with a fresh LoRA adapter on the family's linear layers."""
    import torch
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(config.seed + 1)
    lora = LoraConfig(
        r=config.lora_rank,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=LORA_TARGETS[family],
        bias="none",
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, lora)


def count_parameters(model: Any) -> int:
    """Number of parameters (tied weights counted once)."""
    return sum(p.numel() for p in {id(p): p for p in model.parameters()}.values())
