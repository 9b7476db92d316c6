"""The base's weighted objective: call tokens count fully, the text around them less."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from training.loop import pack_tokens, weighted_lm_loss  # noqa: E402


def test_packing_keeps_each_tokens_weight_in_place():
    ids, weights = pack_tokens(
        [[1, 2, 3], [4, 5]], seq_len=4, separator=0, weights=[[0.1, 0.1, 1.0], [0.5, 1.0]]
    )
    assert ids.tolist() == [[1, 2, 3, 0]]  # 7 tokens, one full row of 4
    assert weights.tolist() == [[pytest.approx(0.1), pytest.approx(0.1), 1.0, 1.0]]


def test_all_ones_is_the_plain_language_model_loss():
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    model = LlamaForCausalLM(
        LlamaConfig(
            vocab_size=50,
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=1,
            num_attention_heads=1,
            num_key_value_heads=1,
        )
    )
    ids = torch.randint(0, 50, (3, 12))
    plain = model(input_ids=ids, labels=ids).loss
    logits = model(input_ids=ids).logits
    assert weighted_lm_loss(logits, ids, torch.ones(3, 12)).item() == pytest.approx(
        plain.item(), rel=1e-5
    )
    # zero weight on every target but the last: only that token's loss is left
    mask = torch.zeros(3, 12)
    mask[:, -1] = 1.0
    last = torch.nn.functional.cross_entropy(logits[:, -2], ids[:, -1])
    assert weighted_lm_loss(logits, ids, mask).item() == pytest.approx(last.item(), rel=1e-5)
