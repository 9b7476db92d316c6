"""The cloud tools' data templates follow the training format and always make valid calls.

The files are read with the real template loader (`training.templates.load_file`), told
about the cloud tools and the proposed slots of `slots.json`, and every family is filled
with every proposed slot value through the generator's own `_fill_args`.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from training.slots import SAMPLERS, Filler, slot_kind

ROOT = Path(__file__).resolve().parents[2]
CLOUD = ROOT / "datasets" / "templates" / "cloud"
SLOTS = json.loads((CLOUD / "slots.json").read_text(encoding="utf-8"))
GCF_RESERVED_ENV = {"PORT"}


@pytest.fixture()
def families(monkeypatch, cloud_registry):
    import training.templates as templates

    cloud_tools = {name: {} for name in cloud_registry.names(include_non_actions=False)}
    monkeypatch.setattr(templates, "CATALOGUE", {**templates.CATALOGUE, **cloud_tools})
    monkeypatch.setattr(templates, "SAMPLERS", {**SAMPLERS, **{s: None for s in SLOTS}})
    return [f for path in sorted(CLOUD.glob("*.yaml")) for f in templates.load_file(path)]


def test_one_file_per_cloud_tool(cloud_registry):
    files = {path.stem for path in CLOUD.glob("*.yaml")}
    assert files == set(cloud_registry.names(include_non_actions=False))
    for path in CLOUD.glob("*.yaml"):
        assert path.read_text(encoding="utf-8").startswith(f"tool: {path.stem}\n")


def test_family_ids_are_unique_across_all_templates(families):
    from training.templates import load_templates

    ids = [f.family for f in families] + [f.family for f in load_templates(CLOUD.parent)]
    assert len(ids) == len(set(ids))
    assert {f.style for f in families} >= {"imperative", "question", "cli", "slack"}


def test_proposed_slot_values_are_new_and_valid_shapes():
    for name, values in SLOTS.items():
        assert name not in SAMPLERS, f"{name} would shadow an existing slot"
        assert values and all(v["surfaces"] and "value" in v for v in values)


def env_name(filler: Filler) -> str:
    """The variable name an env slot draws ("PORT" for ("PORT", "8080") or "PORT")."""
    return str(filler.value[0] if isinstance(filler.value, tuple) else filler.value)


def fill(family, args, index: int, rng: random.Random) -> dict:
    """The family's target with the index-th value of each proposed slot (others drawn)."""
    from training.data_gen import _fill_args
    from training.slots import SLOT_RE

    slots = {}
    for slot in set(SLOT_RE.findall(json.dumps(args))):
        kind = slot_kind(slot)
        if kind in SLOTS:
            entry = SLOTS[kind][index % len(SLOTS[kind])]
            slots[slot] = Filler(entry["surfaces"][0], entry["value"])
        else:
            filler = SAMPLERS[kind](rng)
            while family.tool.startswith("gcf_") and env_name(filler) in GCF_RESERVED_ENV:
                filler = SAMPLERS[kind](rng)
            slots[slot] = filler
    return _fill_args(args, slots)


def test_every_family_makes_valid_calls_with_every_slot_value(families, cloud_registry):
    rng = random.Random(7)
    rounds = max(len(values) for values in SLOTS.values())
    checked = 0
    for family in families:
        for own_args in {json.dumps(a or family.args, sort_keys=True) for a in family.text_args}:
            for index in range(rounds):
                args = fill(family, json.loads(own_args), index, rng)
                call = cloud_registry.parse_call({"tool": family.tool, "args": args})
                assert call.tool == family.tool
                checked += 1
    assert checked > 500
