"""The generator: every target valid, splits disjoint by family, deterministic, card right."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from training.catalogue import REGISTRY_ONLY_TOOLS, CatalogueError, check_call
from training.data_card import read_card
from training.data_gen import (
    DATA_VERSION,
    TEMPLATES_DIR,
    GenerationError,
    GenerationSettings,
    generate_dataset,
    generate_records,
    read_split,
)
from training.templates import TemplateError, load_templates, split_families

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "datasets" / "generated" / DATA_VERSION
SPLITS = ("train", "valid", "test")


def _all(folder: Path) -> dict[str, list[dict]]:
    return {split: read_split(folder, split) for split in SPLITS}


def test_every_target_passes_catalogue_and_registry(small_data, registry_check):
    registry, known = registry_check
    records = _all(small_data / DATA_VERSION)
    assert all(records.values())
    for rows in records.values():
        for record in rows:
            if record["tool"] not in REGISTRY_ONLY_TOOLS:  # cloud tools: the registry only
                check_call(record["target"])
            assert json.loads(record["messages"][2]["content"]) == record["target"]
            if record["tool"] in known or record["tool"] in ("clarify", "no_action"):
                registry.parse_call(record["target"])  # raises on any invalid target


def test_every_cloud_tool_is_generated_and_parses(small_data, registry_check):
    registry, known = registry_check
    assert set(REGISTRY_ONLY_TOOLS) <= set(known)
    records = _all(small_data / DATA_VERSION)
    for split in SPLITS:
        cloud = [r for r in records[split] if r["tool"] in REGISTRY_ONLY_TOOLS]
        assert {r["tool"] for r in cloud} == set(REGISTRY_ONLY_TOOLS), split
        for record in cloud:
            call = registry.parse_call(record["target"])
            assert call.args.model_dump(exclude_unset=True, mode="json") == record["target"]["args"]
            _assert_grounded(registry, record)
            assert set(record["live"]["aws_account"]) >= {"dev-aws", "prod-aws"}
            assert set(record["live"]["gcp_project"]) >= {"dev-gcp", "prod-gcp"}
    committed = read_card(COMMITTED)
    for tool in REGISTRY_ONLY_TOOLS:
        assert all(committed["counts"][tool][split] > 0 for split in SPLITS), tool
    assert set(REGISTRY_ONLY_TOOLS) <= set(committed["registry_checked_tools"])


def _assert_grounded(registry, record: dict) -> None:
    """The target passes the grounding the server decodes under: values the grammar only
    takes from the request's words (names, numbers with their unit) are among them."""
    from llm.grounding import ground_request

    grounding = ground_request(record["messages"][1]["content"], record["live"], record["context"])
    registry.check_grounded(
        registry.parse_call(record["target"]),
        grounding.live,
        required_kinds=grounding.required_kinds,
        omitted_kinds=grounding.omitted_kinds,
        given=grounding.given,
    )


def test_cloud_target_without_a_registry_stops_generation(tmp_path):
    _write(
        tmp_path / "t",
        "lambda_list_functions.yaml",
        "tool: lambda_list_functions\nfamilies:\n"
        "  - family: ll.plain\n    args: {}\n    texts: ['list lambdas']\n",
    )
    with pytest.raises(GenerationError, match="registry only"):
        generate_dataset(
            GenerationSettings(per_family={"train": 2, "valid": 1, "test": 1}),
            templates_dir=tmp_path / "t",
            out_root=tmp_path / "out",
        )


def test_committed_test_split_is_registry_valid(registry_check):
    registry, _ = registry_check
    rows = read_split(COMMITTED, "test") + read_split(COMMITTED, "valid")
    assert len(rows) > 300
    for record in rows:
        registry.parse_call(record["target"])


def test_splits_are_disjoint_by_family(small_data):
    records = _all(small_data / DATA_VERSION)
    families = {split: {r["family"] for r in rows} for split, rows in records.items()}
    assert not families["train"] & families["test"]
    assert not families["train"] & families["valid"]
    assert not families["valid"] & families["test"]
    committed_test = {r["family"] for r in read_split(COMMITTED, "test")}
    assert committed_test and not committed_test & families["train"]
    # every tool and every no_action reason is in the test split
    tools = {r["tool"] for r in records["test"]}
    assert tools == {r["tool"] for r in records["train"]}
    reasons = {r["target"]["args"]["reason"] for r in records["test"] if r["tool"] == "no_action"}
    assert reasons == {"out_of_scope", "chit_chat", "unsafe"}


def test_held_out_families_only_use_trained_arguments():
    families = load_templates(TEMPLATES_DIR)
    assert {f.tool for f in families} >= set(REGISTRY_ONLY_TOOLS)  # cloud/ is read too
    splits = split_families(families, seed=1234, test_fraction=0.2, valid_fraction=0.1)
    trained = {(f.tool, key) for f in families if splits[f.family] == "train" for key in f.args}
    for family in families:
        if splits[family.family] != "train":
            assert {(family.tool, key) for key in family.args} <= trained, family.family


def test_generation_is_deterministic(tmp_path, registry_check):
    registry, known = registry_check
    settings = GenerationSettings(per_family={"train": 2, "valid": 1, "test": 1})
    kwargs = {"registry": registry, "registry_tools": known}
    one = generate_dataset(settings, out_root=tmp_path / "a", **kwargs)
    two = generate_dataset(settings, out_root=tmp_path / "b", **kwargs)
    for split in SPLITS:
        assert (one / f"{split}.jsonl").read_bytes() == (two / f"{split}.jsonl").read_bytes()


def test_card_counts_match_records(small_data):
    folder = small_data / DATA_VERSION
    card = read_card(folder)
    for split, rows in _all(folder).items():
        counts = Counter(r["tool"] for r in rows)
        assert card["totals"][split] == len(rows)
        for tool, per_split in card["counts"].items():
            assert per_split[split] == counts.get(tool, 0), (tool, split)
    assert "| scale_deployment |" in (folder / "DATA_CARD.md").read_text()


def test_scope_only_when_said(small_data):
    for record in read_split(small_data / DATA_VERSION, "train"):
        args = record["target"]["args"]
        text = record["messages"][1]["content"].lower()
        if "namespace" in args:
            assert args["namespace"] in text, record
        if "cluster" in args:
            squeezed = text.replace("-", "").replace(" ", "")
            assert args["cluster"].replace("-", "") in squeezed, record


def test_every_namespace_requests_never_name_one(registry_check):
    """A scope phrase added to an all-namespaces request names a cluster, not a namespace
    ("list deployments in every namespace in prod" would contradict itself)."""
    registry, known = registry_check
    wide = [f for f in load_templates(TEMPLATES_DIR) if f.args.get("all_namespaces")]
    settings = GenerationSettings(per_family={"train": 60, "valid": 60, "test": 60})
    records = generate_records(wide, settings, registry=registry, registry_tools=known)
    rows = [r for split in SPLITS for r in records[split]]
    assert any("cluster" in r["target"]["args"] for r in rows)  # scope phrases were drawn
    assert not [r for r in rows if "namespace" in r["target"]["args"]]


def test_sizes_are_canonical(small_data):
    sizes = [
        r["target"]["args"][key]
        for r in read_split(small_data / DATA_VERSION, "train")
        for key in ("memory", "memory_limit", "memory_request")
        if key in r["target"]["args"]
    ]
    assert sizes and all(s.endswith(("Mi", "Gi")) for s in sizes)
    assert not any(s in ("2048Mi", "1024Mi") for s in sizes)


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)


def test_invalid_target_stops_generation(tmp_path, registry_check):
    registry, known = registry_check
    _write(
        tmp_path / "t",
        "scale_deployment.yaml",
        "tool: scale_deployment\nfamilies:\n"
        "  - family: bad.scale\n    args: {name: '{deployment}', replicas: 500}\n"
        "    texts: ['scale {deployment} to five hundred']\n",
    )
    with pytest.raises(GenerationError, match="bad.scale"):
        generate_dataset(
            GenerationSettings(per_family={"train": 2, "valid": 1, "test": 1}),
            templates_dir=tmp_path / "t",
            out_root=tmp_path / "out",
            registry=registry,
            registry_tools=known,
        )


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("tool: nope\nfamilies: []\n", "unknown tool"),
        (
            "tool: restart_deployment\nfamilies:\n  - family: x\n    args: {name: '{deployment}'}\n"
            "    texts: ['restart it']\n",
            "lacks slots",
        ),
        (
            "tool: restart_deployment\nfamilies:\n  - family: x\n    args: {name: '{deployment}'}\n"
            "    texts: ['restart {deployment} {bogus}']\n",
            "not in args",
        ),
        ("tool: [unclosed\n", "not valid YAML"),
        ("tool: restart_deployment\nwritten_for: later\nfamilies: []\n", "written_for"),
        ("tool: restart_deployment\nround: 3\nfamilies: []\n", "expected keys"),
    ],
)
def test_malformed_templates_are_named(tmp_path, body, reason):
    _write(tmp_path, "bad.yaml", body)
    with pytest.raises(TemplateError, match=reason):
        load_templates(tmp_path)


def test_catalogue_rejects_non_canonical_memory():
    with pytest.raises(CatalogueError, match="canonical"):
        check_call({"tool": "deploy_service", "args": {"service": "redis", "memory": "2048Mi"}})


def test_calls_keep_schema_order(small_data, registry_check):
    registry, _ = registry_check
    for record in read_split(small_data / DATA_VERSION, "test"):
        assert list(record["target"]) == ["tool", "args"]
        fields = list(registry.args_model(record["tool"]).model_fields)
        keys = list(record["target"]["args"])
        assert keys == sorted(keys, key=fields.index), record["target"]
        assert record["messages"][2]["content"].startswith('{"tool":"')


def _restart_families(count: int, *, prefix: str, written_for: str | None) -> str:
    head = f"written_for: {written_for}\n" if written_for else ""
    rows = "".join(
        f"  - family: {prefix}{i}\n    args: {{name: '{{deployment}}'}}\n"
        f"    texts: ['bounce {{deployment}} number {i}']\n"
        for i in range(count)
    )
    return f"tool: restart_deployment\n{head}families:\n{rows}"


def test_families_written_later_leave_earlier_splits_alone(tmp_path):
    """A later round is split among itself: no earlier held-out family moves to training."""
    _write(tmp_path / "t", "old.yaml", _restart_families(20, prefix="old", written_for=None))
    before = split_families(
        load_templates(tmp_path / "t"), seed=7, test_fraction=0.2, valid_fraction=0.1
    )
    _write(tmp_path / "t", "new.yaml", _restart_families(10, prefix="new", written_for="v9"))
    after = split_families(
        load_templates(tmp_path / "t"), seed=7, test_fraction=0.2, valid_fraction=0.1
    )
    assert {f: after[f] for f in before} == before
    new = Counter(split for family, split in after.items() if family.startswith("new"))
    assert new == {"train": 7, "test": 2, "valid": 1}
    # without the key the new families join the old stratum, and old families move
    _write(tmp_path / "t", "new.yaml", _restart_families(10, prefix="new", written_for=None))
    joined = split_families(
        load_templates(tmp_path / "t"), seed=7, test_fraction=0.2, valid_fraction=0.1
    )
    assert {f: joined[f] for f in before} != before
