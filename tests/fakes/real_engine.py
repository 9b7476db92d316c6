"""The real engine for the adapters' end-to-end tests: sandbox cluster, policy, SQLite store.

Built with `bot.assembly.build_engine` from Settings, exactly as `chatops serve` does. The
people: alice (developer; asks) and bob (operator; approves) have Slack and Teams ids;
anyone else is unmapped and gets only the policy's `everyone` roles (viewer).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.identity import IdentitySettings
from bot.settings import ModelSettings, Settings
from fakes.teams_activities import AAD_ALICE, AAD_BOB
from tools.settings import ClusterSettings, ToolSettings

PEOPLE = {
    "alice": {"slack": ["U0ALICE"], "teams": [AAD_ALICE]},
    "bob": {"slack": ["U0BOB"], "teams": [AAD_BOB]},
}


def sandbox_tools(sandbox: Any, folder: Path) -> ToolSettings:
    """Tool settings with the one cluster alias 'sandbox' pointing at a SandboxServer."""
    kubeconfig = sandbox.write_kubeconfig(folder / "kubeconfig.yaml", context="sandbox")
    return ToolSettings(
        clusters={"sandbox": ClusterSettings(context="sandbox", kubeconfig=str(kubeconfig))},
        default_cluster="sandbox",
    )


def chatops_settings(*, tools: ToolSettings, database_url: str, **fields: Any) -> Settings:
    """Settings for the keyword planner, the embedded policy and the people above."""
    return Settings(
        tools=tools,
        model=fields.pop("model", ModelSettings(planner="keyword")),
        database_url=database_url,
        identities=IdentitySettings.model_validate({"people": PEOPLE}),
        **fields,
    )


def read_deployment(tools: ToolSettings, name: str, namespace: str):
    """The deployment from the cluster (None when absent), read with the official client."""
    from kubernetes import client, config
    from kubernetes.client.exceptions import ApiException

    cluster = tools.clusters["sandbox"]
    api = config.new_client_from_config(config_file=cluster.kubeconfig, context=cluster.context)
    try:
        return client.AppsV1Api(api).read_namespaced_deployment(name, namespace)
    except ApiException as exc:
        if exc.status == 404:
            return None
        raise
    finally:
        api.close()
