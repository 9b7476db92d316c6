"""Fixtures for the training tests: a small generated data set and a tiny config."""

from __future__ import annotations

from pathlib import Path

import pytest

from training.config import TrainConfig
from training.data_gen import GenerationSettings, generate_dataset, load_registry_checker


@pytest.fixture(scope="session")
def registry_check():
    """The tool registry and the catalogue tools it knows."""
    return load_registry_checker()


@pytest.fixture(scope="session")
def small_data(tmp_path_factory, registry_check) -> Path:
    """A generated data set with few samples per family (root folder holding DATA_VERSION/)."""
    registry, known = registry_check
    root = tmp_path_factory.mktemp("data")
    settings = GenerationSettings(per_family={"train": 5, "valid": 2, "test": 3})
    generate_dataset(settings, out_root=root, registry=registry, registry_tools=known)
    return root


@pytest.fixture(scope="session")
def tiny_config():
    """Factory of tiny configs (keyword overrides)."""
    return make_tiny_config


def make_tiny_config(**overrides) -> TrainConfig:
    """A 2-layer model that trains in seconds on a CPU."""
    fields = dict(
        name="tiny",
        train_limit=300,
        vocab_size=400,
        hidden_size=64,
        num_layers=2,
        num_heads=2,
        intermediate_size=128,
        base_steps=12,
        base_batch_size=8,
        base_seq_len=64,
        base_lr=3e-3,
        lora_steps=12,
        lora_batch_size=8,
        lora_lr=3e-3,
        lora_rank=8,
        lora_alpha=16,
        warmup_steps=2,
        checkpoint_every=4,
        eval_splits=("test",),
        eval_limit=6,
    )
    fields.update(overrides)
    return TrainConfig(**fields)
