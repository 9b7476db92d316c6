"""`train_model`: data -> tokenizer -> in-house base -> LoRA SFT -> scored artifact.

setup (config, data, cache key) -> fit (base pretraining, then LoRA) -> validate (greedy
scores) -> write the artifact the spec describes (base/, adapter/, artifact.json, loss.png).
Work in progress lives in <out_root>/.work/<name>-<cache key>/ with resumable checkpoints;
an artifact whose cache key (data, config, schema, base) matches is returned at once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from llm.errors import ArtifactError
from llm.prompt import (
    CHAT_TEMPLATE,
    END_MARK,
    PROMPT_FORMAT,
    SPECIAL_TOKENS,
    render_prompt,
)
from training.allocator import keep_freed_memory
from training.config import TrainConfig, load_config
from training.corpus import man_documents, pair_parts, tokenizer_texts
from training.data_gen import GENERATED_DIR, GenerationSettings, read_split
from training.modeling import TRAIN_ATTENTION
from training.precision import resolve_precision
from training.tokenizer import TOKENIZER_VERSION

INHOUSE_BASE = "planton-inhouse-llama"
TOKENIZER_SAMPLE = 4000


def data_hash(folder: Path) -> str:
    """Hash of the generated split files."""
    digest = hashlib.sha256()
    for split in ("train", "valid", "test"):
        digest.update((folder / f"{split}.jsonl").read_bytes())
    return digest.hexdigest()[:16]


def ensure_data(version: str, *, root: Path = GENERATED_DIR) -> Path:
    """The data set folder; generated (seeded, registry-checked) when train.jsonl is missing."""
    folder = root / version
    if not all((folder / f"{s}.jsonl").is_file() for s in ("train", "valid", "test")):
        from training.data_gen import generate_dataset, load_registry_checker

        registry, known = load_registry_checker()
        generate_dataset(
            GenerationSettings(version=version),
            out_root=root,
            registry=registry,
            registry_tools=known,
        )
    return folder


def _base_identity(base_model: str | None) -> str:
    if base_model is None:
        return INHOUSE_BASE
    folder = Path(base_model).resolve()
    digest = hashlib.sha256(str(folder).encode())
    for path in sorted(folder.glob("*")):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_size}:{int(stat.st_mtime)}".encode())
    return digest.hexdigest()[:16]


def cache_key(*, data: str, config: TrainConfig, schema: str, base: str) -> str:
    """Key of one training result: same data, config, tool schema and base -> same model."""
    text = json.dumps([data, config.digest(), schema, base, TOKENIZER_VERSION])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _cached(artifact: Path, key: str) -> bool:
    meta = artifact / "artifact.json"
    if not meta.is_file():
        return False
    try:
        data = json.loads(meta.read_text())
    except json.JSONDecodeError:
        return False
    needed = ("base/config.json", "adapter/adapter_model.safetensors", "loss.png")
    return data.get("cache_key") == key and all((artifact / n).is_file() for n in needed)


def _sft_examples(records: list[dict], tokenizer: Any, max_len: int) -> tuple[list, int]:
    examples, dropped = [], 0
    for record in records:
        prompt = tokenizer(
            render_prompt(record["messages"][1]["content"], record["context"]),
            add_special_tokens=False,
        )["input_ids"]
        # the assistant message is the call exactly as rendered (tool first, schema order)
        answer_text = record["messages"][2]["content"] + END_MARK
        answer = tokenizer(answer_text, add_special_tokens=False)["input_ids"]
        if len(prompt) + len(answer) > max_len:
            dropped += 1
            continue
        examples.append((prompt + answer, [-100] * len(prompt) + answer))
    return examples, dropped


def _pretrain_base(config: TrainConfig, records: list[dict], work: Path, progress: bool) -> Any:
    """Tokenizer and from-scratch base (cached in `work`); returns (model, tokenizer, losses)."""
    from transformers import LlamaForCausalLM

    from training.loop import batch_indices, fit, pack_tokens
    from training.modeling import build_llama
    from training.tokenizer import (
        json_fragments,
        load_tokenizer,
        registry_fields,
        save_tokenizer,
        train_tokenizer,
    )

    tok_dir, base_dir = work / "tokenizer", work / "base"
    man = man_documents()
    if not (tok_dir / "tokenizer.json").is_file():
        sample = records[:TOKENIZER_SAMPLE]
        tokenizer = train_tokenizer(
            tokenizer_texts(sample, man),
            vocab_size=config.vocab_size,
            fragments=json_fragments(registry_fields()),
        )
        save_tokenizer(tokenizer, tok_dir)
    tokenizer = load_tokenizer(tok_dir)
    losses_path = work / "base_losses.json"
    if not (base_dir / "model.safetensors").is_file():
        model = build_llama(config, tokenizer)
        ids, weights = _base_documents(config, records, man, tokenizer)
        end_id = tokenizer.convert_tokens_to_ids(END_MARK)
        blocks, block_weights = pack_tokens(
            ids, seq_len=config.base_seq_len, separator=end_id, weights=weights
        )

        def make_batch(step: int) -> dict:
            picks = batch_indices(
                step, count=len(blocks), batch_size=config.base_batch_size, seed=config.seed
            )
            if config.base_text_weight == 1.0:  # plain language modelling
                return {"input_ids": blocks[picks], "labels": blocks[picks]}
            return {"input_ids": blocks[picks], "loss_weights": block_weights[picks]}

        losses = []
        if config.base_steps:
            losses = fit(
                model,
                make_batch=make_batch,
                steps=config.base_steps,
                lr=config.base_lr,
                warmup=config.warmup_steps,
                weight_decay=config.weight_decay,
                checkpoint=work / "base.ckpt",
                checkpoint_every=config.checkpoint_every,
                progress=progress,
                desc="base pretraining",
                precision=config.precision,
            )
        seed_marker_embeddings(model, tokenizer)
        model.save_pretrained(str(base_dir), safe_serialization=True)
        save_tokenizer(tokenizer, base_dir)
        losses_path.write_text(json.dumps(losses))
    model = LlamaForCausalLM.from_pretrained(str(base_dir), attn_implementation=TRAIN_ATTENTION)
    return model, tokenizer, json.loads(losses_path.read_text())


def _base_documents(
    config: TrainConfig, records: list[dict], man: list[str], tokenizer: Any
) -> tuple[list[list[int]], list[list[float]]]:
    """Token ids of the base's documents and each token's loss weight: calls 1.0, the text
    around them (channel, request, man pages) `config.base_text_weight`."""
    heads, calls = zip(*(pair_parts(r) for r in records), strict=True) if records else ((), ())
    head_ids = tokenizer(list(heads), add_special_tokens=False)["input_ids"] if heads else []
    call_ids = tokenizer(list(calls), add_special_tokens=False)["input_ids"] if calls else []
    man_ids = tokenizer(man, add_special_tokens=False)["input_ids"] if man else []
    low = config.base_text_weight
    ids = [h + c for h, c in zip(head_ids, call_ids, strict=True)] + man_ids
    weights = [[low] * len(h) + [1.0] * len(c) for h, c in zip(head_ids, call_ids, strict=True)]
    weights += [[low] * len(m) for m in man_ids]
    return ids, weights


# The plain words that play each marker's part in the base's pretraining documents.
MARKER_WORDS = {"<|context|>": "channel:", "<|user|>": "\nrequest:", "<|call|>": "\ncall:"}


def seed_marker_embeddings(model: Any, tokenizer: Any) -> None:
    """Start each prompt marker at the mean embedding of the words it stands for in the
    pretraining text ("request:" for <|user|>): the adapter then starts from a prompt
    the base half understands instead of from random rows."""
    import torch

    weight = model.get_input_embeddings().weight
    with torch.no_grad():
        for marker, words in MARKER_WORDS.items():
            ids = tokenizer(words, add_special_tokens=False)["input_ids"]
            weight[tokenizer.convert_tokens_to_ids(marker)] = weight[ids].mean(dim=0)


def _external_base(base_model: str, work: Path) -> tuple[Any, Any, str]:
    from training.modeling import load_base_checkpoint
    from training.tokenizer import save_tokenizer

    model, tokenizer, family = load_base_checkpoint(base_model)
    base_dir = work / "base"
    if not (base_dir / "config.json").is_file():
        model.save_pretrained(str(base_dir), safe_serialization=True)
        save_tokenizer(tokenizer, base_dir)
    return model, tokenizer, family


def plot_losses(path: Path, *, base: list[float], lora: list[float]) -> None:
    """loss.png: pretraining and LoRA loss curves (raw and smoothed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [(title, values) for title, values in (("base", base), ("LoRA", lora)) if values]
    fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 3.5), squeeze=False)
    for ax, (title, values) in zip(axes[0], panels, strict=True):
        window = max(1, len(values) // 40)
        smooth = [sum(values[max(0, i - window) : i + 1]) / len(values[max(0, i - window) : i + 1])
                  for i in range(len(values))]  # fmt: skip
        ax.plot(values, alpha=0.3, label="loss")
        ax.plot(smooth, label="smoothed")
        ax.set_title(f"{title} ({len(values)} steps)")
        ax.set_xlabel("step")
        ax.set_yscale("log")
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def train_model(
    config: str | Path | TrainConfig = "default",
    *,
    out_root: Path = Path("artifacts/models"),
    base_model: str | None = None,
    progress: bool = True,
    data_root: Path = GENERATED_DIR,
) -> Path:
    """Train (or return the cached) model artifact; returns <out_root>/<name>."""
    import torch

    from tools.registry import ToolRegistry
    from training.evaluate import score_split
    from training.loop import batch_indices, fit, pad_examples
    from training.modeling import count_parameters, wrap_lora

    started = time.monotonic()
    config = config if isinstance(config, TrainConfig) else load_config(config)
    # 'auto' becomes what this machine uses, so the cache key and the artifact say it.
    config = config.model_copy(update={"precision": resolve_precision(config.precision)})
    registry = ToolRegistry()
    schema = registry.schema_hash()
    folder = ensure_data(config.data_version, root=data_root)
    data_done = time.monotonic()
    data = data_hash(folder)
    key = cache_key(data=data, config=config, schema=schema, base=_base_identity(base_model))
    artifact = Path(out_root) / config.name
    if _cached(artifact, key):
        ensure_shortlist(artifact, config, folder, data, progress=progress)
        return artifact
    if config.threads:
        torch.set_num_threads(config.threads)
    keep_freed_memory()
    work = Path(out_root) / ".work" / f"{config.name}-{key}"
    work.mkdir(parents=True, exist_ok=True)
    records = read_split(folder, "train")[: config.train_limit]

    if base_model is None:
        model, tokenizer, base_losses = _pretrain_base(config, records, work, progress)
        family = "llama"
    else:
        model, tokenizer, family = _external_base(base_model, work)
        base_losses = []
    base_done = time.monotonic()
    base_params = count_parameters(model)

    examples, dropped = _sft_examples(records, tokenizer, config.max_seq_len)
    peft_model = wrap_lora(model, family=family, config=config)
    pad_id = tokenizer.pad_token_id

    def make_batch(step: int) -> dict:
        picks = batch_indices(
            step, count=len(examples), batch_size=config.lora_batch_size, seed=config.seed + 7
        )
        return pad_examples([examples[i] for i in picks], pad_id=pad_id)

    lora_losses = fit(
        peft_model,
        make_batch=make_batch,
        steps=config.lora_steps,
        lr=config.lora_lr,
        warmup=config.warmup_steps,
        weight_decay=config.weight_decay,
        checkpoint=work / "lora.ckpt",
        checkpoint_every=config.checkpoint_every,
        progress=progress,
        desc="LoRA fine-tuning",
        precision=config.precision,
    )
    # Only the LoRA matrices: a resized vocabulary is saved with the base (vLLM loads
    # adapters of linear layers; embedding rows in an adapter would not be served).
    peft_model.save_pretrained(
        str(work / "adapter"), safe_serialization=True, save_embedding_layers=False
    )
    lora_done = time.monotonic()

    metrics: dict[str, Any] = {"dropped_too_long": dropped}
    for split in config.eval_splits:
        rows = read_split(folder, split)[: config.eval_limit]
        metrics[split] = score_split(peft_model, tokenizer, rows, registry)
    metrics["seconds"] = {  # the shortlist's own time is in its meta (ensure_shortlist)
        "data": round(data_done - started, 1),
        "base": round(base_done - data_done, 1),  # the tokenizer's training included
        "lora": round(lora_done - base_done, 1),
        "eval": round(time.monotonic() - lora_done, 1),
        "total": round(time.monotonic() - started, 1),
    }
    metrics["final_loss"] = {
        "base": base_losses[-1] if base_losses else None,
        "lora": lora_losses[-1],
    }
    meta = {
        "name": config.name,
        "base_model": INHOUSE_BASE if base_model is None else str(Path(base_model).resolve()),
        "family": family,
        "prompt_format": PROMPT_FORMAT,
        "chat_template": CHAT_TEMPLATE,
        "tokenizer": {
            "file": "base/tokenizer.json",
            "vocab_size": len(tokenizer),
            "special_tokens": list(SPECIAL_TOKENS),
            "kind": "byte-level BPE" if base_model is None else "from the base checkpoint",
        },
        "tool_schema_hash": schema,
        "data_hash": data,
        "data_version": config.data_version,
        "cache_key": key,
        "config": config.model_dump(mode="json"),
        "hyperparameters": {
            "model": model.config.to_dict() if hasattr(model, "config") else {},
            "parameters": base_params,
            "lora": {
                "r": config.lora_rank,
                "alpha": config.lora_alpha,
                "targets": list(peft_model.peft_config["default"].target_modules),
            },
        },  # fmt: skip
        "metrics": metrics,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    _write_artifact(artifact, work, meta, base_losses, lora_losses)
    ensure_shortlist(artifact, config, folder, data, progress=progress)
    return artifact


def ensure_shortlist(
    artifact: Path, config: TrainConfig, folder: Path, data: str, *, progress: bool = True
) -> None:
    """Give `artifact` the tool shortlist `config` asks for (llm/tool_shortlist.py), unless
    it has it already, and record it in artifact.json; `shortlist_per_family: 0` removes it."""
    from llm.tool_shortlist import (
        ENCODER_DIR,
        SHORTLIST_DIR,
        Encoder,
        ShortlistWeights,
        default_encoder_path,
        encoder_identity,
    )
    from training.shortlist_fit import fit_shortlist, head_key, shortlist_key

    target = artifact / SHORTLIST_DIR
    meta_file = artifact / "artifact.json"
    meta = json.loads(meta_file.read_text())
    if not config.shortlist_per_family:
        shutil.rmtree(target, ignore_errors=True)
        meta.pop("shortlist", None)
    else:
        # the key needs only the encoder's weight hash: a cached rerun loads no model
        key = shortlist_key(
            data=data,
            per_family=config.shortlist_per_family,
            coverage=config.shortlist_coverage,
            encoder=encoder_identity(default_encoder_path()),
            fine_tune_epochs=config.shortlist_fine_tune_epochs,
        )
        try:
            current = ShortlistWeights.read(target)
            # a fine-tuned shortlist is whole only with its own encoder
            intact = current.meta.get("key") == key and (
                not current.meta.get("fine_tune")
                or encoder_identity(target / ENCODER_DIR) == current.encoder_identity
            )
        except ArtifactError:
            intact = False
        recorded = meta.get("shortlist", {})
        if not intact or recorded.get("key") != key:
            staging = artifact / (SHORTLIST_DIR + ".partial")
            shutil.rmtree(staging, ignore_errors=True)
            if progress:
                tuned = config.shortlist_fine_tune_epochs
                how = f", encoder fine-tuned for {tuned:g} epochs" if tuned else ""
                per_family = config.shortlist_per_family
                print(f"Training the tool shortlist ({per_family} per family{how})...")
            fit_shortlist(
                read_split(folder, "train")[: config.train_limit],
                read_split(folder, "valid"),
                staging,
                per_family=config.shortlist_per_family,
                coverage=config.shortlist_coverage,
                data_hash=data,
                fine_tune_epochs=config.shortlist_fine_tune_epochs,
                encoder=Encoder(),
                progress=progress,
            )
            shutil.rmtree(target, ignore_errors=True)
            staging.rename(target)
            current = ShortlistWeights.read(target)
        elif recorded.get("head_key") == head_key(current) and (
            current.head.meta.get("key") == head_key(current)
            if current.head
            else recorded.get("head") is None  # the data gives fewer than two reasons
        ):
            return
        current = _with_reason_head(target, current, config, folder, progress=progress)
        meta["shortlist"] = {
            **current.meta,
            "mass": current.mass,
            "tools": len(current.tools),
            "head": current.head.info() if current.head else None,
            "head_key": head_key(current),
        }
    partial = meta_file.with_suffix(".json.partial")
    partial.write_text(json.dumps(meta, indent=2, default=str) + "\n")
    partial.replace(meta_file)


def _with_reason_head(
    target: Path, shortlist: Any, config: TrainConfig, folder: Path, *, progress: bool
) -> Any:
    """The shortlist in `target` with its classifier of no_action's reason fitted and saved
    (seconds: the embeddings are the shortlist's own)."""
    from llm.tool_shortlist import ENCODER_DIR, Encoder
    from training.shortlist_fit import fit_reason_head

    if progress:
        print("Fitting the shortlist's classifier of decline reasons...")
    own = target / ENCODER_DIR
    encoder = Encoder(own) if own.is_dir() else Encoder()
    head = fit_reason_head(
        shortlist,
        encoder,
        read_split(folder, "train")[: config.train_limit],
        read_split(folder, "valid"),
    )
    shortlist = dataclasses.replace(shortlist, head=head)
    staging = target.with_name(target.name + ".head.partial")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(target, staging)
    shortlist.save(staging)
    shutil.rmtree(target)
    staging.rename(target)
    return shortlist


def _write_artifact(artifact: Path, work: Path, meta: dict, base: list, lora: list) -> None:
    """Assemble the artifact next to its final place, then swap it in."""
    staging = artifact.with_name(artifact.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    shutil.copytree(work / "base", staging / "base")
    shutil.copytree(work / "adapter", staging / "adapter")
    plot_losses(staging / "loss.png", base=base, lora=lora)
    (staging / "artifact.json").write_text(json.dumps(meta, indent=2, default=str) + "\n")
    if artifact.exists():
        shutil.rmtree(artifact)
    staging.rename(artifact)
