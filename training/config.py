"""Training settings: one typed model, every field documented; YAML files in training/configs/.

The field docstrings are the documentation and the CLI help (`chatops train --help` lists
them). A config file is untrusted input: unknown keys and bad values are clear errors.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from training.data_gen import DATA_VERSION
from training.precision import Precision

CONFIG_DIR = Path(__file__).resolve().parent / "configs"


class ConfigError(ValueError):
    """A training config cannot be used; the message says which file and field."""


# Fields that do not change the model's weights (the shortlist has its own key).
NOT_IN_DIGEST = {
    "name",
    "threads",
    "checkpoint_every",
    "shortlist_per_family",
    "shortlist_coverage",
    "shortlist_fine_tune_epochs",
}


class TrainConfig(BaseModel):
    """Everything that decides what `chatops train` produces."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    name: str = Field(default="default", pattern=r"^[a-z0-9][a-z0-9_-]{0,40}$")
    """Artifact name: the model lands in <out>/<name>/."""
    seed: int = 0
    """Seed for model init, batching and LoRA init."""

    # data
    data_version: str = Field(default=DATA_VERSION, pattern=r"^v[0-9]+$")
    """Generated data set under datasets/generated/ (generated when missing)."""
    train_limit: int | None = Field(default=None, ge=1)
    """Use at most this many training records (None: all)."""
    max_seq_len: int = Field(default=160, ge=32, le=2048)
    """Longest token sequence; longer examples are dropped (counted in metrics)."""

    # tokenizer
    vocab_size: int = Field(default=3000, ge=300, le=65536)
    """BPE vocabulary size before the JSON-fragment tokens are added."""

    # in-house base (ignored with --base-model)
    hidden_size: int = Field(default=192, ge=32)
    """Width of the LLaMA base."""
    num_layers: int = Field(default=3, ge=1)
    """Decoder layers of the base."""
    num_heads: int = Field(default=3, ge=1)
    """Attention heads; head_dim = hidden_size / num_heads must be 32, 64, 80, 96, 112,
    128 or 256 (vLLM's CPU attention supports only these)."""
    intermediate_size: int = Field(default=512, ge=32)
    """MLP width of the base."""
    base_steps: int = Field(default=450, ge=0)
    """Pretraining steps of the base on plain request/call text and man pages."""
    base_batch_size: int = Field(default=32, ge=1)
    """Sequences per pretraining step."""
    base_seq_len: int = Field(default=96, ge=16)
    """Packed sequence length for pretraining."""
    base_lr: float = Field(default=3e-3, gt=0)
    """Peak learning rate of pretraining (cosine decay after warmup)."""
    base_text_weight: float = Field(default=1.0, ge=0, le=1)
    """Loss weight, in pretraining, of the tokens around the calls (channel, request, man
    pages); the calls' own tokens weigh 1.0. Below 1 spends a small base's capacity on the
    task (copying names into calls) rather than on predicting free text."""

    # LoRA fine-tuning
    lora_steps: int = Field(default=450, ge=1)
    """LoRA fine-tuning steps (loss on the answer: call JSON + end mark)."""
    lora_batch_size: int = Field(default=32, ge=1)
    """Examples per LoRA step."""
    lora_lr: float = Field(default=3e-3, gt=0)
    """Peak learning rate of LoRA fine-tuning."""
    lora_rank: int = Field(default=32, ge=1, le=256)
    """LoRA rank r (serving needs --max-lora-rank >= r)."""
    lora_alpha: int = Field(default=64, ge=1)
    """LoRA scaling alpha."""
    lora_dropout: float = Field(default=0.0, ge=0, lt=1)
    """Dropout on the LoRA path."""
    warmup_steps: int = Field(default=20, ge=0)
    """Linear warmup steps of both phases."""
    weight_decay: float = Field(default=0.0, ge=0)
    """AdamW weight decay."""

    # tool shortlist (llm/tool_shortlist.py); outside the model's cache key: changing it
    # rebuilds only the shortlist
    shortlist_per_family: int = Field(default=16, ge=0)
    """Training requests per phrasing family the shortlist's classifier learns from
    (0: no shortlist, the grammar offers every tool)."""
    shortlist_fine_tune_epochs: float = Field(default=0, ge=0, le=20)
    """Epochs of fine-tuning the shortlist's sentence encoder on those requests (0: the
    pretrained encoder as it is, with a logistic regression on its embeddings; ~2 epochs
    of 8 per family add ~8 min of training on 2 cores and ~10 points of first-tool
    accuracy, training/RESULTS.md)."""
    shortlist_coverage: float = Field(default=0.95, gt=0, le=1)
    """Share of validation requests whose shortlist must hold the expected tool; sets
    the shortlist's probability mass (larger: more tools offered, fewer wrongly removed)."""

    # bookkeeping
    checkpoint_every: int = Field(default=50, ge=1)
    """Save a resumable checkpoint every N steps of each phase."""
    eval_splits: tuple[str, ...] = ("valid", "test")
    """Splits scored in-process after training (greedy decoding) into artifact metrics."""
    eval_limit: int | None = Field(default=None, ge=1)
    """Score at most this many records per split (None: all)."""
    threads: int | None = Field(default=None, ge=1)
    """torch threads (None: torch's default)."""
    precision: Precision = "auto"
    """Training arithmetic: 'bf16' autocasts matrix products to bfloat16 (weights and
    optimizer stay fp32), 'fp32' does not, 'auto' picks bf16 where the CPU the pipeline
    trains on has it natively (AVX512-BF16/AMX; ~1.7x faster steps on this machine) and
    fp32 elsewhere. The artifact records the format used; the cache key uses it."""

    def digest(self) -> str:
        """Hash of every field that changes the result (name and threads excluded)."""
        fields = self.model_dump(mode="json", exclude=NOT_IN_DIGEST)
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:16]


def load_config(spec: str | Path) -> TrainConfig:
    """A config by name (`quick`, `default`: training/configs/NAME.yaml) or by path."""
    path = Path(spec)
    if not path.suffix and not path.exists():
        path = CONFIG_DIR / f"{spec}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in CONFIG_DIR.glob("*.yaml")))
        raise ConfigError(f"No training config {spec!r}: give a path or one of {known}.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a config is a mapping of field: value")
    try:
        config = TrainConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"{path}: {problems}") from None
    head_dim = config.hidden_size // config.num_heads
    if config.hidden_size % config.num_heads or head_dim not in (32, 64, 80, 96, 112, 128, 256):
        raise ConfigError(
            f"{path}: hidden_size/num_heads = {config.hidden_size}/{config.num_heads} gives "
            f"head_dim {head_dim}; vLLM's CPU attention needs 32, 64, 80, 96, 112, 128 or 256"
        )
    return config


def describe_fields() -> str:
    """Every config field with its type, default and docstring (the CLI help)."""
    lines = []
    for name, field in TrainConfig.model_fields.items():
        doc = " ".join((field.description or "").split())
        lines.append(f"{name} (default {field.default!r}): {doc}")
    return "\n".join(lines)
