"""The cloud tools' data templates are part of the data set and always make valid calls.

The files are read with the real template loader, as the generator reads them, and every
text of every family is filled many times with the real slot samplers and the generator's
own `_fill_args`; each call must parse with the registry of the cloud tools.
"""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest

from training.catalogue import REGISTRY_ONLY_TOOLS
from training.data_gen import TEMPLATES_DIR, _fill_args, templates_hash
from training.slots import CLOUD_SAMPLERS, GCF_RUNTIMES, LAMBDA_RUNTIMES, SLOT_RE, draw_slots
from training.templates import load_templates, split_families

CLOUD = TEMPLATES_DIR / "cloud"
DRAWS_PER_TEXT = 25


@pytest.fixture(scope="module")
def families():
    return [f for f in load_templates(TEMPLATES_DIR) if f.tool in REGISTRY_ONLY_TOOLS]


def test_one_file_per_cloud_tool(cloud_registry):
    files = {path.stem for path in CLOUD.glob("*.yaml")}
    assert files == set(cloud_registry.names(include_non_actions=False))
    assert set(REGISTRY_ONLY_TOOLS) == files
    for path in CLOUD.glob("*.yaml"):
        assert path.read_text(encoding="utf-8").startswith(f"tool: {path.stem}\n")


def test_every_cloud_tool_has_families_to_hold_out(families):
    per_tool = Counter(f.tool for f in families)
    assert set(per_tool) == set(REGISTRY_ONLY_TOOLS)
    assert min(per_tool.values()) >= 5, per_tool
    assert {f.style for f in families} >= {"imperative", "question", "cli", "slack", "terse"}
    splits = split_families(families, seed=1234, test_fraction=0.2, valid_fraction=0.1)
    for tool in REGISTRY_ONLY_TOOLS:
        held = {splits[f.family] for f in families if f.tool == tool}
        assert held == {"train", "valid", "test"}, tool


def test_templates_hash_covers_the_cloud_folder(tmp_path):
    (tmp_path / "cloud").mkdir()
    (tmp_path / "top.yaml").write_text("a")
    (tmp_path / "cloud" / "fn.yaml").write_text("b")
    before = templates_hash(tmp_path)
    (tmp_path / "cloud" / "fn.yaml").write_text("c")
    assert templates_hash(tmp_path) != before


def test_every_family_makes_valid_calls(families, cloud_registry):
    rng = random.Random(7)
    checked = 0
    for family in families:
        for text, own_args in zip(family.texts, family.text_args, strict=True):
            for _ in range(DRAWS_PER_TEXT):
                slots = draw_slots(rng, sorted(set(SLOT_RE.findall(text))))
                args = _fill_args(own_args if own_args is not None else family.args, slots)
                call = cloud_registry.parse_call({"tool": family.tool, "args": args})
                assert call.tool == family.tool
                # the target is written as the tool will hold it (canonical memory, no
                # reserved env var silently dropped)
                assert call.args.model_dump(exclude_unset=True, mode="json") == args
                checked += 1
    assert checked > 5000


def test_cloud_slot_values_fit_the_tools(cloud_registry):
    from tools.aws.lambda_fields import LambdaRuntime
    from tools.gcp.gcf_fields import GcfRuntime

    assert set(LAMBDA_RUNTIMES) <= {r.value for r in LambdaRuntime}
    assert set(GCF_RUNTIMES) <= {r.value for r in GcfRuntime}
    rng = random.Random(11)
    for kind in ("fnenv", "fnenvto", "fnenvname"):
        names = set()
        for _ in range(400):
            value = CLOUD_SAMPLERS[kind](rng).value
            names.add(value[0] if isinstance(value, tuple) else value)
        assert "PORT" not in names and not any(n.startswith("AWS_") for n in names)
    words = json.dumps([CLOUD_SAMPLERS["lambda_timeout_flag"](rng).surface for _ in range(50)])
    assert "second" not in words and "minute" not in words
