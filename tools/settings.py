"""Settings the tools need: which clusters and cloud accounts exist and what they are called.

Built once by the caller (see `bot.settings.load_settings`) and passed explicitly.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

ALIAS_PATTERN = r"^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class ClusterSettings(_Strict):
    """One Kubernetes cluster known by a human alias ("us-central")."""

    context: str
    """kubeconfig context this alias stands for."""
    kubeconfig: str | None = None
    """kubeconfig file; None means $KUBECONFIG or ~/.kube/config."""
    production: bool = False
    """Whole cluster is production: deletes and scale-to-zero there are destructive."""
    production_namespaces: list[str] = Field(default_factory=lambda: ["prod", "production"])
    """Namespaces treated as production even when the cluster is not."""


class AwsAccountSettings(_Strict):
    """One AWS account/region by alias ("prod-aws"). Credentials come from the provider chain."""

    region: str
    """AWS region, e.g. us-east-1."""
    profile: str | None = None
    """Named profile from ~/.aws/config; None uses the default chain."""
    endpoint_url: str | None = None
    """Override the API endpoint (tests point this at moto_server)."""
    production: bool = False
    """Deleting here is destructive and needs the strictest approval."""


class GcpProjectSettings(_Strict):
    """One Google Cloud project/region by alias. Credentials: Application Default Credentials."""

    project: str
    """GCP project id."""
    region: str
    """Region, e.g. us-central1."""
    api_endpoint: str | None = None
    """Override the API endpoint (tests point this at drongo)."""
    production: bool = False
    """Deleting here is destructive and needs the strictest approval."""


class ToolSettings(_Strict):
    """Everything the tool layer needs to find its targets."""

    clusters: dict[str, ClusterSettings] = Field(default_factory=dict)
    """Kubernetes clusters by alias."""
    default_cluster: str | None = None
    """Alias used when neither the request nor the channel names a cluster."""
    aws_accounts: dict[str, AwsAccountSettings] = Field(default_factory=dict)
    """AWS accounts by alias."""
    gcp_projects: dict[str, GcpProjectSettings] = Field(default_factory=dict)
    """GCP projects by alias."""
