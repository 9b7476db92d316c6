"""Load the hand-written templates and split them by family.

Templates are every `*.yaml` under `datasets/templates/`, subfolders included: the
Kubernetes tools and clarify/no_action at the top, the cloud tools in `cloud/`.
A file holds one tool's families:

    tool: scale_deployment
    families:
      - family: scale.imperative        # unique id; the unit of the train/valid/test split
        style: imperative               # imperative|question|polite|terse|slack|typo|...
        args: {name: "{deployment}", replicas: "{replicas}"}
        texts:
          - "scale {deployment} to {replicas} replicas{scope}"

`{slot}` draws a value (training/slots.py); `{scope}` may add a namespace/cluster phrase
that lands in the call; an argument written as "{slot}" takes the slot's typed value.
Malformed files raise `TemplateError` naming the file and the family.

A file may add `written_for: v3`: families written after a data version was released. They
are split among themselves, so every family an earlier version held out stays held out
with the same records, and a new model's scores on the earlier splits compare with the old
model's (the new version's splits hold the earlier ones plus the new held-out families).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from training.catalogue import TEMPLATE_TOOLS
from training.slots import SAMPLERS, SLOT_RE, slot_kind

SPLITS = ("train", "valid", "test")
FILE_KEYS = {"tool", "families", "written_for"}
SCOPE_SLOT = "scope"


class TemplateError(ValueError):
    """A template file is malformed; the message names the file and family."""


@dataclass(frozen=True)
class Family:
    """A group of phrasings of one request kind; all its texts share the target args."""

    tool: str
    family: str
    style: str
    texts: tuple[str, ...]
    args: dict[str, Any]
    text_args: tuple[dict[str, Any] | None, ...]
    """Per-text argument overrides (a text written as {text: ..., args: ...}), else None."""
    stratum: str
    """Families are split within a stratum: the tool (no_action: the tool and reason), and
    the data version the family was written for, when it is later than the first ones."""
    source: str


def _slots_in(value: Any) -> set[str]:
    if isinstance(value, str):
        return set(SLOT_RE.findall(value))
    if isinstance(value, dict):
        return set().union(*(_slots_in(k) | _slots_in(v) for k, v in value.items()), set())
    if isinstance(value, list):
        return set().union(*(_slots_in(v) for v in value), set())
    return set()


def load_file(path: Path) -> list[Family]:
    """The families of one template file, checked for shape and slot use."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TemplateError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not {"tool", "families"} <= set(data) <= FILE_KEYS:
        raise TemplateError(f"{path}: expected keys 'tool', 'families' (and 'written_for')")
    tool = data["tool"]
    written_for = data.get("written_for")
    if written_for is not None and not (
        isinstance(written_for, str) and re.fullmatch(r"v[0-9]+", written_for)
    ):
        raise TemplateError(f"{path}: written_for must be a data version like 'v3'")
    if tool not in TEMPLATE_TOOLS:
        raise TemplateError(f"{path}: unknown tool {tool!r}")
    families = []
    for entry in data["families"]:
        where = f"{path}: family {entry.get('family')!r}" if isinstance(entry, dict) else path
        if not isinstance(entry, dict) or not {"family", "args", "texts"} <= set(entry):
            raise TemplateError(f"{where}: needs family, args and texts")
        unknown = set(entry) - {"family", "style", "args", "texts"}
        if unknown:
            raise TemplateError(f"{where}: unknown keys {sorted(unknown)}")
        raw_texts = entry["texts"] if isinstance(entry["texts"], list) else []
        texts, text_args = [], []
        for item in raw_texts:
            if isinstance(item, dict) and set(item) == {"text", "args"}:
                texts.append(item["text"])
                text_args.append({**entry["args"], **item["args"]})
            else:
                texts.append(item)
                text_args.append(None)
        if not texts or not all(isinstance(t, str) and t.strip() for t in texts):
            raise TemplateError(f"{where}: texts must be non-empty strings or {{text, args}}")
        for text, own_args in zip(texts, text_args, strict=True):
            arg_slots = _slots_in(own_args if own_args is not None else entry["args"])
            text_slots = set(SLOT_RE.findall(text)) - {SCOPE_SLOT}
            missing = arg_slots - text_slots
            if missing:
                raise TemplateError(f"{where}: text {text!r} lacks slots {sorted(missing)}")
            extra = text_slots - arg_slots
            if extra and tool not in ("clarify", "no_action"):
                raise TemplateError(f"{where}: text {text!r} has slots {sorted(extra)} not in args")
            bad = {s for s in text_slots if slot_kind(s) not in SAMPLERS}
            if bad:
                raise TemplateError(f"{where}: unknown slots {sorted(bad)} in {text!r}")
        reason = entry["args"].get("reason") if tool == "no_action" else None
        families.append(
            Family(
                tool=tool,
                family=str(entry["family"]),
                style=str(entry.get("style", "plain")),
                texts=tuple(texts),
                args=dict(entry["args"]),
                text_args=tuple(text_args),
                stratum=(f"{tool}:{reason}" if reason else tool)
                + (f"@{written_for}" if written_for else ""),
                source=path.name,
            )
        )
    return families


def template_files(folder: Path) -> list[Path]:
    """Every template file under `folder`, subfolders included, in a fixed order."""
    return sorted(folder.rglob("*.yaml"), key=lambda path: path.relative_to(folder).as_posix())


def load_templates(folder: Path) -> list[Family]:
    """Every family in `template_files(folder)`; family ids must be unique."""
    families: list[Family] = []
    for path in template_files(folder):
        families.extend(load_file(path))
    seen: dict[str, str] = {}
    for family in families:
        if family.family in seen:
            raise TemplateError(
                f"family id {family.family!r} used in {seen[family.family]} and {family.source}"
            )
        seen[family.family] = family.source
    if not families:
        raise TemplateError(f"no template files in {folder}")
    return families


def signature(family: Family) -> set[tuple[str, str]]:
    """What a family teaches: (tool, argument name) pairs (no_action: the reason)."""
    if family.tool == "no_action":
        return {(family.tool, str(family.args.get("reason")))}
    keys = set(family.args)
    for own in family.text_args:
        keys |= set(own or {})
    return {(family.tool, key) for key in keys} | {(family.tool, "")}


def split_families(
    families: list[Family], *, seed: int, test_fraction: float, valid_fraction: float
) -> dict[str, str]:
    """Family id -> split; no family is in two splits.

    Within each stratum (a tool), families are ordered by a seeded hash; the first go to
    test, the next to valid, but only while another family with the same signature stays
    in training for each of its arguments: a held-out family tests new phrasings (and new
    combinations of known arguments), never an argument the model was not trained on.
    """
    by_stratum: dict[str, list[Family]] = {}
    for family in families:
        by_stratum.setdefault(family.stratum, []).append(family)
    splits = {}
    for members in by_stratum.values():
        ordered = sorted(
            members, key=lambda f: hashlib.sha256(f"{seed}:{f.family}".encode()).hexdigest()
        )
        in_train: dict[tuple[str, str], int] = {}
        for family in ordered:
            for key in signature(family):
                in_train[key] = in_train.get(key, 0) + 1
        count = len(ordered)
        wanted = {
            "test": max(1, round(count * test_fraction)) if count >= 3 else 0,
            "valid": max(1, round(count * valid_fraction)) if count >= 5 else 0,
        }
        for family in ordered:
            splits[family.family] = "train"
            for split in ("test", "valid"):
                keys = signature(family)
                if wanted[split] and all(in_train[key] > 1 for key in keys):
                    splits[family.family] = split
                    wanted[split] -= 1
                    for key in keys:
                        in_train[key] -= 1
                    break
    return splits
