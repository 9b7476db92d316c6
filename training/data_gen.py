"""Generate the versioned chat data set from the templates: `datasets/generated/<version>/`.

Each record is one request in chat format with its target call, channel context, live
values and tags. Splits are by template family (test families never appear in training).
Every Kubernetes target is checked against the spec catalogue and, for each tool the
registry already has, with `ToolRegistry().parse_call`; cloud targets (Lambda, Cloud
Functions) with `parse_call` only. Any failure stops generation (never skipped).
Seeded: the same templates and seed give byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llm.prompt import END_MARK, chat_messages, render_target
from training.catalogue import (
    CATALOGUE,
    NON_ACTION_TOOLS,
    REGISTRY_ONLY_TOOLS,
    CatalogueError,
    check_call,
    order_args,
)
from training.data_card import write_card
from training.slots import (
    NAMESPACES,
    SLOT_RE,
    USERS,
    Filler,
    draw_slots,
    slot_kind,
)
from training.styling import (
    CODE_SLOTS,
    COMMAND_STYLES,
    abbreviate,
    add_typo,
    choose_scope,
    decorate,
)
from training.templates import (
    SCOPE_SLOT,
    SPLITS,
    Family,
    load_templates,
    split_families,
    template_files,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = REPO_ROOT / "datasets" / "templates"
GENERATED_DIR = REPO_ROOT / "datasets" / "generated"
# The data set version the templates produce now: bumped whenever templates change the
# splits (v2: 20 more phrasing families per tool), so figures name the data they ran on.
# A later round of families is marked `written_for: vN` (training/templates.py) so that
# v2's held-out families stay held out; data v3 (162 such families) was trained and
# rejected on 2026-12-07 (training/RESULTS.md).
DATA_VERSION = "v2"
CLUSTER_ONLY_TOOLS = (
    "list_nodes",
    "create_namespace",
    "cordon_node",
    "uncordon_node",
    "drain_node",
)
LIVE_NAMESPACES = ("default", "staging", "prod", "monitoring")
LIVE_DEPLOYMENTS = ("web", "api", "worker", "checkout")
# The cloud aliases the demo and eval settings configure (evals/judging.py, evals/cases.py);
# every request is offered them, as the bot offers every configured alias.
LIVE_AWS_ACCOUNTS = ("dev-aws", "prod-aws")
LIVE_GCP_PROJECTS = ("dev-gcp", "prod-gcp")


class GenerationError(ValueError):
    """A template produced an invalid target; names the family, the text and the reason."""


@dataclass(frozen=True)
class GenerationSettings:
    """How much data to draw and how noisy it is."""

    version: str = DATA_VERSION
    """Data set version: the folder under datasets/generated/."""
    seed: int = 1234
    """Seed for the split and every draw (same seed, same bytes)."""
    per_family: dict[str, int] = field(
        default_factory=lambda: {"train": 70, "valid": 12, "test": 16}
    )
    """Samples drawn per family in each split (duplicates are dropped)."""
    test_fraction: float = 0.2
    """Share of each tool's families held out for test."""
    valid_fraction: float = 0.1
    """Share of each tool's families held out for validation."""
    scope_rate: float = 0.35
    """Probability that a `{scope}` slot names a namespace and/or cluster."""
    typo_rate: float = 0.12
    """Probability of one typo in a request."""
    abbreviation_rate: float = 0.2
    """Probability of one chat abbreviation (deployment -> deploy)."""
    code_span_rate: float = 0.12
    """Probability that a name is typed as a `code span`."""
    noise: float = 0.6
    """Strength of chat decorations (prefixes, emoji, case)."""


def load_registry_checker() -> tuple[Any, list[str]]:
    """The tool registry and the template tools it knows (checked with parse_call)."""
    from tools.registry import ToolRegistry

    registry = ToolRegistry()
    known = [name for name in (*CATALOGUE, *REGISTRY_ONLY_TOOLS) if name in registry.names()]
    return registry, known


def _fill_args(value: Any, slots: dict[str, Filler], key: str = "") -> Any:
    if isinstance(value, str):
        whole = SLOT_RE.fullmatch(value)
        if whole:
            filled = slots[whole.group(1)].value
            if isinstance(filled, tuple):  # an env pair: one mapping, or its name to unset
                return filled[0] if key in ("unset", "env_unset") else dict([filled])
            return filled
        return SLOT_RE.sub(lambda m: str(slots[m.group(1)].value), value)
    if isinstance(value, list):
        items = [_fill_args(v, slots, key) for v in value]
        if key in ("set", "env", "env_set"):  # a list of "{env}" slots is one mapping
            return {k: v for item in items for k, v in item.items()}
        return items
    if isinstance(value, dict):
        return {k: _fill_args(v, slots, k) for k, v in value.items()}
    return value


def _fill_text(rng: random.Random, template: str, slots: dict[str, Filler], rate: float) -> str:
    def surface(match: Any) -> str:
        name = match.group(1)
        text = slots[name].surface
        if slot_kind(name) in CODE_SLOTS and rng.random() < rate:
            return f"`{text}`"
        return text

    return SLOT_RE.sub(surface, template)


def _context(rng: random.Random) -> dict[str, str]:
    context = {"user": rng.choice(USERS)}
    if rng.random() < 0.95:
        context["cluster"] = "us-central" if rng.random() < 0.6 else "eu-west"
    if rng.random() < 0.75:
        context["namespace"] = rng.choice(NAMESPACES[:8])
    return context


def _live(call: dict[str, Any], context: dict[str, str]) -> dict[str, list[str]]:
    """Live values a server would offer: the demo ones plus those the request names."""
    args = call["args"]
    namespaces = {*LIVE_NAMESPACES, context.get("namespace"), args.get("namespace")}
    deployments = set(LIVE_DEPLOYMENTS)
    name_spec = CATALOGUE.get(call["tool"], {}).get("name")  # cloud names are no deployments
    if args.get("name") and name_spec and name_spec.kind == "label":
        if call["tool"] != "create_namespace":
            deployments.add(args["name"])
    if args.get("deployment"):
        deployments.add(args["deployment"])
    return {
        "cluster": ["eu-west", "us-central"],
        "namespace": sorted(n for n in namespaces if n),
        "deployment": sorted(deployments),
        "aws_account": sorted(a for a in {*LIVE_AWS_ACCOUNTS, args.get("account")} if a),
        "gcp_project": sorted(p for p in {*LIVE_GCP_PROJECTS, args.get("project")} if p),
    }


def render_record(
    rng: random.Random, family: Family, template: str, settings: GenerationSettings
) -> tuple[dict[str, Any], list[str]]:
    """One (text, call) sample from one template text; returns the record and style tags."""
    tags, original = [family.style], template
    if SLOT_RE.search(template) and f"{{{SCOPE_SLOT}}}" in template:
        # a request for every namespace may still name a cluster, never a namespace
        cluster_only = family.tool in CLUSTER_ONLY_TOOLS or bool(family.args.get("all_namespaces"))
        phrase, scope_slots = choose_scope(rng, cluster_only=cluster_only, rate=settings.scope_rate)
        if any(f"{{{s}}}" in template for s in scope_slots):
            phrase, scope_slots = "", ()
        template = template.replace(f"{{{SCOPE_SLOT}}}", phrase)
        if scope_slots:
            tags.append("scoped")
    else:
        scope_slots = ()
    if rng.random() < settings.typo_rate:
        template, tags = add_typo(rng, template), [*tags, "typo"]
    if rng.random() < settings.abbreviation_rate:
        shorter = abbreviate(rng, template)
        if shorter != template:
            template, tags = shorter, [*tags, "abbreviation"]
    template, style_tags = decorate(
        rng, template, noise=settings.noise, command=family.style in COMMAND_STYLES
    )
    slots = draw_slots(rng, sorted(set(SLOT_RE.findall(template))))
    own_args = family.text_args[family.texts.index(original)]
    args = _fill_args(own_args if own_args is not None else family.args, slots)
    if "ns" in scope_slots:
        args["namespace"] = slots["ns"].value
    if "cluster" in scope_slots:
        args["cluster"] = slots["cluster"].value
    text = " ".join(_fill_text(rng, template, slots, settings.code_span_rate).split())
    call = {"tool": family.tool, "args": args}
    return {"text": text, "call": call}, tags + style_tags


def _check(call: dict[str, Any], registry: Any, known: list[str], where: str) -> dict[str, Any]:
    """Validate a target; return it with arguments in schema order."""
    if call["tool"] in REGISTRY_ONLY_TOOLS:
        if registry is None or call["tool"] not in known:
            raise GenerationError(
                f"{where}: {call['tool']} is checked by the tool registry only, "
                "and no registry that has it was given"
            )
    else:
        try:
            check_call(call)
        except CatalogueError as exc:
            raise GenerationError(f"{where}: {exc}") from None
    order = None
    if registry is not None and (call["tool"] in known or call["tool"] in NON_ACTION_TOOLS):
        from tools.registry import InvalidCall

        try:
            registry.parse_call(call)
        except InvalidCall as exc:
            raise GenerationError(f"{where}: registry rejects {call}: {exc}") from None
        order = list(registry.args_model(call["tool"]).model_fields)
    return {"tool": call["tool"], "args": order_args(call["tool"], call["args"], order)}


def generate_records(
    families: list[Family],
    settings: GenerationSettings,
    *,
    registry: Any = None,
    registry_tools: list[str] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """All records by split, validated and de-duplicated (same text and context)."""
    splits = split_families(
        families,
        seed=settings.seed,
        test_fraction=settings.test_fraction,
        valid_fraction=settings.valid_fraction,
    )
    out: dict[str, list[dict[str, Any]]] = {split: [] for split in SPLITS}
    for family in families:
        split = splits[family.family]
        rng = random.Random(f"{settings.seed}:{family.family}")
        seen: set[tuple[str, str]] = set()
        target_count = settings.per_family[split]
        for attempt in range(target_count * 3):
            if len(seen) >= target_count:
                break
            template = family.texts[attempt % len(family.texts)]
            sample, tags = render_record(rng, family, template, settings)
            context = _context(rng)
            messages = chat_messages(sample["text"], context)
            key = (messages[1]["content"], messages[0]["content"])
            if key in seen:
                continue
            seen.add(key)
            where = f"{family.source} family {family.family!r} text {template!r}"
            call = _check(sample["call"], registry, registry_tools or [], where)
            answer = render_target(call).removesuffix(END_MARK)
            messages.append({"role": "assistant", "content": answer})
            out[split].append(
                {
                    "family": family.family,
                    "tool": family.tool,
                    "messages": messages,
                    "target": call,
                    "context": context,
                    "live": _live(call, context),
                    "tags": sorted(set(tags)),
                }
            )
    for split, records in out.items():
        random.Random(f"{settings.seed}:{split}").shuffle(records)
        for i, record in enumerate(records):
            record["id"] = f"{settings.version}-{split}-{i:05d}"
    return out


def templates_hash(folder: Path) -> str:
    """Hash of every template file `load_templates` reads (paths and bytes)."""
    digest = hashlib.sha256()
    for path in template_files(folder):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def generate_dataset(
    settings: GenerationSettings | None = None,
    *,
    templates_dir: Path = TEMPLATES_DIR,
    out_root: Path = GENERATED_DIR,
    registry: Any = None,
    registry_tools: list[str] | None = None,
) -> Path:
    """Write train/valid/test JSONL plus DATA_CARD.md and card.json; return the folder."""
    settings = settings or GenerationSettings()
    families = load_templates(templates_dir)
    records = generate_records(families, settings, registry=registry, registry_tools=registry_tools)
    folder = out_root / settings.version
    folder.mkdir(parents=True, exist_ok=True)
    for split, rows in records.items():
        # no sort_keys: a call's key order (tool, then args in schema order) is what the
        # model learns to write and what grammar decoding enforces
        lines = (json.dumps(r, ensure_ascii=False) for r in rows)
        (folder / f"{split}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_card(
        folder,
        records=records,
        families=families,
        settings=settings,
        templates_hash=templates_hash(templates_dir),
        registry_tools=registry_tools or [],
    )
    return folder


def read_split(folder: Path, split: str) -> list[dict[str, Any]]:
    """The records of one split file."""
    path = folder / f"{split}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
