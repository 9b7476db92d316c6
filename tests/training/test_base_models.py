"""--base-model: tiny random LLaMA and Falcon checkpoints built here fine-tune and save."""

from __future__ import annotations

import json

import pytest

from llm.prompt import SPECIAL_TOKENS
from training.data_gen import DATA_VERSION, read_split
from training.modeling import LORA_TARGETS, BaseModelError, load_base_checkpoint
from training.pipeline import train_model

pytestmark = pytest.mark.slow


def _plain_tokenizer(texts):
    """A small BPE tokenizer that does NOT know our prompt markers (like a foreign base)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=["</s>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer=trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="</s>")


def _checkpoint(family, folder, texts):
    import torch
    from transformers import FalconConfig, FalconForCausalLM, LlamaConfig, LlamaForCausalLM

    tokenizer = _plain_tokenizer(texts)
    torch.manual_seed(0)
    if family == "llama":
        config = LlamaConfig(
            vocab_size=len(tokenizer),
            hidden_size=64,
            intermediate_size=128,
            num_hidden_layers=2,
            num_attention_heads=2,
            num_key_value_heads=2,
            tie_word_embeddings=False,
        )
        model = LlamaForCausalLM(config)
    else:
        config = FalconConfig(
            vocab_size=len(tokenizer), hidden_size=64, num_hidden_layers=2, num_attention_heads=2
        )
        model = FalconForCausalLM(config)
    model.save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
    return folder


@pytest.mark.parametrize("family", ["llama", "falcon"])
def test_base_model_path_trains_an_adapter(family, small_data, tmp_path, tiny_config):
    texts = [r["messages"][1]["content"] for r in read_split(small_data / DATA_VERSION, "train")]
    base = _checkpoint(family, tmp_path / f"tiny-{family}", texts)
    config = tiny_config(name=f"ext-{family}", lora_steps=4, eval_limit=2)
    artifact = train_model(
        config, out_root=tmp_path / "out", base_model=str(base), progress=False,
        data_root=small_data,
    )  # fmt: skip
    meta = json.loads((artifact / "artifact.json").read_text())
    assert meta["family"] == family
    assert meta["base_model"] == str(base.resolve())
    adapter = json.loads((artifact / "adapter" / "adapter_config.json").read_text())
    assert set(adapter["target_modules"]) == set(LORA_TARGETS[family])
    assert (artifact / "adapter" / "adapter_model.safetensors").stat().st_size > 0
    # the saved base knows our markers and its embeddings were resized to match
    model, tokenizer, loaded_family = load_base_checkpoint(str(artifact / "base"))
    assert loaded_family == family
    assert all(t in tokenizer.get_vocab() for t in SPECIAL_TOKENS)
    assert model.get_input_embeddings().weight.shape[0] >= len(tokenizer)


def test_marker_rows_start_distinct(small_data, tmp_path):
    import torch

    texts = [r["messages"][1]["content"] for r in read_split(small_data / DATA_VERSION, "train")]
    base = _checkpoint("llama", tmp_path / "tiny", texts)
    model, tokenizer, _ = load_base_checkpoint(str(base))
    rows = model.get_input_embeddings().weight[
        tokenizer.convert_tokens_to_ids(list(SPECIAL_TOKENS))
    ]
    assert not torch.allclose(rows[0], rows[1]) and not torch.allclose(rows[2], rows[3])


def test_unknown_family_is_refused(tmp_path):
    from transformers import GPT2Config, GPT2LMHeadModel

    GPT2LMHeadModel(GPT2Config(n_layer=1, n_embd=32, n_head=2, vocab_size=100)).save_pretrained(
        str(tmp_path / "gpt2")
    )
    with pytest.raises(BaseModelError, match="LLaMA or Falcon"):
        load_base_checkpoint(str(tmp_path / "gpt2"))
    with pytest.raises(BaseModelError, match="no config.json"):
        load_base_checkpoint(str(tmp_path / "nowhere"))
