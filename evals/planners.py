"""The planner an eval runs against, from the `--model` option.

- `keyword`: the keyword/regex baseline (llm.baseline.KeywordPlanner);
- `http://HOST:PORT/v1` (any OpenAI-compatible server: our vLLM, a GPU vLLM, another
  provider): `--served-name` picks the model or adapter, else the server's first adapter
  (or its first model);
- a model artifact folder (artifacts/models/NAME) or just NAME: a local vLLM server is
  started for the run (with its LoRA adapter, or the bare base with `base=True`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ARTIFACTS_ROOT = Path("artifacts/models")


def pick_served_model(base_url: str, *, timeout_s: float = 10.0) -> str:
    """The first LoRA adapter the server lists (entries with a parent), else its first model."""
    try:
        response = httpx.get(base_url.rstrip("/") + "/models", timeout=timeout_s)
        response.raise_for_status()
        entries = response.json().get("data", [])
    except (httpx.HTTPError, ValueError) as exc:
        raise RuntimeError(f"cannot list models at {base_url}: {exc}") from None
    if not entries:
        raise RuntimeError(f"the server at {base_url} lists no models")
    adapters = [e["id"] for e in entries if e.get("parent")]
    return adapters[0] if adapters else entries[0]["id"]


def resolve_artifact(spec: str) -> Path | None:
    """The artifact folder a `--model` value names, or None when it names none."""
    for candidate in (Path(spec), ARTIFACTS_ROOT / spec):
        if (candidate / "artifact.json").exists():
            return candidate
    return None


@contextlib.contextmanager
def open_planner(
    spec: str,
    *,
    registry: Any,
    served_name: str | None = None,
    base: bool = False,
    timeout_s: float = 60.0,
    grounding: bool = True,
    shortlist: bool = True,
    shortlist_from: Path | None = None,
    merge_adapter: bool = False,
) -> Iterator[tuple[Any, dict[str, Any]]]:
    """Yield (planner, model description); starts and stops a local server when needed.

    An artifact's adapter is served with the artifact's tool shortlist (llm/tool_shortlist.py)
    unless `shortlist` is False; the bare base (`base`) never is: it measures the base alone.
    A server URL gets the shortlist of the artifact `shortlist_from` (the one it serves).
    `merge_adapter` serves an artifact's adapter folded into its base (llm/merging.py), as
    the bot serves it: the same answers, without vLLM's slow LoRA path on a CPU."""
    from llm.tool_shortlist import ToolShortlist

    if spec == "keyword":
        from llm.baseline import KeywordPlanner

        yield KeywordPlanner(registry=registry), {"name": "keyword-baseline", "kind": "keyword"}
        return
    from llm.client import ToolCallClient

    if spec.startswith(("http://", "https://")):
        name = served_name or pick_served_model(spec)
        use = shortlist and shortlist_from is not None
        tool_shortlist = ToolShortlist.of_artifact(shortlist_from) if use else None
        with ToolCallClient(
            base_url=spec,
            model=name,
            registry=registry,
            timeout_s=timeout_s,
            ground_mentions=grounding,
            shortlist=tool_shortlist,
        ) as client:
            description = {"name": name, "kind": "server", "url": spec}
            if tool_shortlist is not None:
                description["shortlist"] = tool_shortlist.weights.mass
            yield client, description
        return
    artifact_dir = resolve_artifact(spec)
    if artifact_dir is None:
        raise ValueError(
            f"--model {spec!r}: not 'keyword', not an http(s) URL and not a model artifact "
            f"folder (looked in {spec} and {ARTIFACTS_ROOT / spec})"
        )
    from llm.server import VllmServer

    tool_shortlist = ToolShortlist.of_artifact(artifact_dir) if shortlist and not base else None
    merged = merge_adapter and not base
    with VllmServer(
        artifact_dir, port=0, with_adapter=not base, merge_adapter=merged, registry=registry
    ) as server:
        with ToolCallClient(
            base_url=server.base_url,
            model=server.model_name,
            registry=registry,
            timeout_s=timeout_s,
            ground_mentions=grounding,
            shortlist=tool_shortlist,
        ) as client:
            description = {
                "name": f"{artifact_dir.name}/{'base' if base else 'adapter'}",
                "kind": "base" if base else "adapter",
                "artifact": str(artifact_dir),
                "served_as": server.model_name,
                "artifact_meta": artifact_meta(artifact_dir),
            }
            if not base:
                description["adapter_merged"] = merged
            if tool_shortlist is not None:
                description["shortlist"] = tool_shortlist.weights.mass
            yield client, description


def artifact_meta(folder: Path) -> dict[str, Any]:
    """What identifies a model artifact (its training scores without the failure lists)."""
    import json

    meta = json.loads((folder / "artifact.json").read_text(encoding="utf-8"))
    keep = ("name", "base_model", "family", "tool_schema_hash", "data_hash", "cache_key", "created")
    out = {k: meta.get(k) for k in keep}
    out["training_scores"] = {
        split: {k: v for k, v in scores.items() if k not in ("failures", "exact_by_tool")}
        for split, scores in (meta.get("metrics") or {}).items()
        if isinstance(scores, dict) and "count" in scores
    }
    return out
