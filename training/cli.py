"""`chatops train` and `chatops data generate|card`. Heavy imports stay inside commands."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from training.config import describe_fields
from training.data_gen import DATA_VERSION

TRAIN_HELP = (
    "Train the model: generated data -> BPE tokenizer -> in-house LLaMA base -> LoRA "
    "(peft). Cached by (data, config, tool schema, base) hash and resumable.\n\n"
    "Config fields (YAML in training/configs/):\n\n"
    + "\n\n".join(f"- {line}" for line in describe_fields().splitlines())
)


def register(app: typer.Typer, *, serve: typer.Typer) -> None:
    """Add `train` and the `data` group to the chatops app."""
    data = typer.Typer(help="Generate the chat data set and its data card.", no_args_is_help=True)
    app.add_typer(data, name="data")

    @app.command("train", help=TRAIN_HELP)
    def train(
        config: str = typer.Option(
            "default", "--config", help="quick | default | path to a YAML config."
        ),
        base_model: str | None = typer.Option(
            None, "--base-model", help="Local LLaMA or Falcon checkpoint to fine-tune instead."
        ),
        out: Path = typer.Option(
            Path("artifacts/models"), "--out", help="Folder that receives <name>/."
        ),
        quiet: bool = typer.Option(False, "--quiet", help="No progress bars."),
    ) -> None:
        from training.config import ConfigError
        from training.modeling import BaseModelError
        from training.pipeline import train_model

        started = time.monotonic()
        try:
            artifact = train_model(config, out_root=out, base_model=base_model, progress=not quiet)
        except (ConfigError, BaseModelError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        import json

        meta = json.loads((artifact / "artifact.json").read_text())
        typer.echo(f"model artifact: {artifact}")
        for split in meta["config"]["eval_splits"]:
            scores = meta["metrics"].get(split, {})
            typer.echo(
                f"{split}: tool {scores.get('tool_accuracy', 0):.1%}  exact "
                f"{scores.get('exact_call', 0):.1%}  clarify/no_action recall "
                f"{scores.get('non_action_recall', 0):.1%}  (n={scores.get('count', 0)})"
            )
        # This run's wall time (seconds when everything was cached); the model's and the
        # shortlist's training times are those of the run that trained them.
        shortlist = meta.get("shortlist") or {}
        typer.echo(
            f"done in {time.monotonic() - started:.0f} s; the model trained in "
            f"{meta['metrics']['seconds']['total']} s, its shortlist in "
            f"{shortlist.get('seconds', '-')} s"
        )

    @data.command("generate")
    def generate(
        version: str = typer.Option(DATA_VERSION, "--version", help="Data set version folder."),
        seed: int = typer.Option(1234, "--seed", help="Seed for splits and draws."),
        man_dir: Path | None = typer.Option(
            None, "--man-dir", help="Refresh datasets/corpus from kubectl*.1.gz man pages here."
        ),
    ) -> None:
        """Write datasets/generated/VERSION/{train,valid,test}.jsonl and the data card."""
        from training.corpus import extract_man_corpus
        from training.data_gen import (
            GenerationError,
            GenerationSettings,
            generate_dataset,
            load_registry_checker,
        )
        from training.templates import TemplateError

        if man_dir is not None:
            try:
                typer.echo(f"man corpus: {extract_man_corpus(man_dir)}")
            except FileNotFoundError as exc:
                typer.echo(f"error: {exc}", err=True)
                raise typer.Exit(2) from None
        registry, known = load_registry_checker()
        try:
            folder = generate_dataset(
                GenerationSettings(version=version, seed=seed),
                registry=registry,
                registry_tools=known,
            )
        except (GenerationError, TemplateError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        typer.echo(f"data set: {folder}")
        typer.echo((folder / "DATA_CARD.md").read_text())

    @data.command("card")
    def card(
        version: str = typer.Option(DATA_VERSION, "--version", help="Data set version."),
    ) -> None:
        """Print the data card of a generated data set."""
        from training.data_gen import GENERATED_DIR

        path = GENERATED_DIR / version / "DATA_CARD.md"
        if not path.is_file():
            typer.echo(f"error: no data card at {path}; run `chatops data generate`.", err=True)
            raise typer.Exit(2)
        typer.echo(path.read_text())
