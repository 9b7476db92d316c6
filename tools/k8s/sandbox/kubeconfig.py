"""A kubeconfig that points kubectl and the official client at a sandbox."""

from __future__ import annotations

from pathlib import Path

import yaml


def render_kubeconfig(*, url: str, context: str, namespace: str = "default") -> str:
    """YAML for one cluster, user and context, all named `context` (merging stays clean)."""
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": context, "cluster": {"server": url}}],
        "users": [{"name": context, "user": {"token": "sandbox"}}],
        "contexts": [
            {
                "name": context,
                "context": {"cluster": context, "user": context, "namespace": namespace},
            }
        ],
        "current-context": context,
        "preferences": {},
    }
    return yaml.safe_dump(config, sort_keys=False)


def write_kubeconfig(path: str | Path, *, url: str, context: str) -> Path:
    """Write the kubeconfig to `path` (parents created, mode 0600); returns the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_kubeconfig(url=url, context=context))
    target.chmod(0o600)
    return target
