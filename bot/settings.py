"""All bot settings, built once from a YAML file plus `CHATOPS_*` environment overrides.

With no file the embedded defaults describe the local demo: the local terminal chat,
one sandbox cluster and our own small model served by vLLM.

Environment overrides use `__` to go one level down:
`CHATOPS_DATABASE_URL=...`, `CHATOPS_MODEL__BASE_URL=http://127.0.0.1:8000/v1`,
`CHATOPS_SLACK__BOT_TOKEN=xoxb-...`. Values starting with `{` or `[` are parsed as YAML.
Tokens and passwords are accepted only from the environment, never from the file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from bot.identity import IdentitySettings
from bot.yaml_lines import ConfigError, LineIndex, describe_validation, load_yaml
from tools.settings import ALIAS_PATTERN, ClusterSettings, ToolSettings

ENV_PREFIX = "CHATOPS_"
STATE_DIR = Path(".chatops")
DEFAULT_POLICY = Path(__file__).with_name("policy_default.yaml")
NAMESPACE_PATTERN = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class ModelSettings(_Strict):
    """Which planner proposes tool calls and where its model is served."""

    planner: Literal["model", "keyword"] = "model"
    """'model': our trained model behind an OpenAI-compatible server; 'keyword': the
    keyword baseline (no model, for trying things out)."""
    base_url: str | None = None
    """OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1. None: `chatops demo`
    starts vLLM on `artifact`; other commands refuse to guess."""
    name: str = "planton"
    """Model name sent as `model` (the LoRA adapter name when serving with an adapter)."""
    timeout_s: float = Field(default=30.0, gt=0, le=600)
    """Seconds to wait for one proposal."""
    max_request_chars: int = Field(default=1000, ge=1, le=40_000)
    """Longest message the planner reads; longer ones are answered with a request to send
    the command on its own. Our requests run to ~250 characters and the model reads ~500
    tokens, while chat allows 40,000 characters (pasted logs): a message that long is no
    command, and it would cost the model server a refused request and the bot up to a
    second of grounding (llm/BENCHMARKS.md)."""
    artifact: Path = Path("artifacts/models/default")
    """Model artifact folder (written by `chatops train`), served by `chatops demo`."""
    merge_adapter: bool = True
    """`chatops demo` serves the artifact's adapter merged into its base (llm/merging.py):
    the same calls without vLLM's LoRA path, which on a CPU costs about as much per token
    as the whole small model (evals/results: the release is measured this way). False
    serves base and adapter apart, e.g. to try the bare base on the same server."""


class ChannelDefaults(_Strict):
    """Where requests from one channel act when the person names no cluster or namespace."""

    cluster: str | None = Field(default=None, pattern=ALIAS_PATTERN)
    """Cluster alias; None means the tools' default cluster."""
    namespace: str | None = Field(default=None, pattern=NAMESPACE_PATTERN)
    """Namespace; None means `Settings.default_namespace`."""


class ApprovalSettings(_Strict):
    """How long approval requests stay decidable."""

    ttl_s: int = Field(default=900, ge=10, le=7 * 24 * 3600)
    """Seconds after which a pending approval expires and can no longer execute."""


class SlackSettings(_Strict):
    """Slack app. Tokens only from the environment (CHATOPS_SLACK__BOT_TOKEN ...)."""

    mode: Literal["http", "socket"] = "http"
    """'http': Slack POSTs events to us; 'socket': we connect out over Socket Mode."""
    host: str = "127.0.0.1"
    """Address the HTTP mode server listens on."""
    port: int = Field(default=3000, ge=0, le=65535)
    """Port of the HTTP mode server (0: any free port)."""
    api_url: str | None = None
    """Slack Web API base URL override (tests point it at a local emulator)."""
    bot_token: SecretStr | None = None
    """xoxb- bot token (env only)."""
    signing_secret: SecretStr | None = None
    """Request signing secret for HTTP mode (env only)."""
    app_token: SecretStr | None = None
    """xapp- app-level token for Socket Mode (env only)."""


class TeamsSettings(_Strict):
    """Microsoft Teams (Bot Framework). The password only from the environment."""

    host: str = "127.0.0.1"
    """Address the /api/messages server listens on."""
    port: int = Field(default=3978, ge=0, le=65535)
    """Port of the /api/messages server (0: any free port)."""
    app_id: str = ""
    """Bot Framework app id ('' for local testing without authentication)."""
    app_password: SecretStr | None = None
    """Bot Framework app password (env only)."""
    tenant_id: str | None = Field(default=None, pattern=r"^[0-9a-fA-F-]{36}$")
    """Entra tenant id for a single-tenant bot; None: multi-tenant."""


SECRET_FIELDS = {
    ("slack", "bot_token"),
    ("slack", "signing_secret"),
    ("slack", "app_token"),
    ("teams", "app_password"),
}


# The embedded demo cluster (the local sandbox) goes by the alias people use in examples.
DEMO_CLUSTER_ALIAS = "us-central"


def _default_tools() -> ToolSettings:
    kubeconfig = str(STATE_DIR / "sandbox" / "kubeconfig.yaml")
    return ToolSettings(
        clusters={DEMO_CLUSTER_ALIAS: ClusterSettings(context="sandbox", kubeconfig=kubeconfig)},
        default_cluster=DEMO_CLUSTER_ALIAS,
    )


class Settings(_Strict):
    """Everything the bot needs; passed explicitly, never global."""

    tools: ToolSettings = Field(default_factory=_default_tools)
    """Clusters and cloud accounts by alias (default: the local sandbox cluster)."""
    model: ModelSettings = Field(default_factory=ModelSettings)
    """The planner and its model server."""
    database_url: str = f"sqlite:///{STATE_DIR / 'chatops.db'}"
    """SQLAlchemy URL of the audit and approval store (SQLite or PostgreSQL)."""
    policy_file: Path = DEFAULT_POLICY
    """Policy YAML (who may run what where); default: the embedded policy in bot/. A relative
    path in a settings file is relative to that file."""
    default_namespace: str = Field(default="default", pattern=NAMESPACE_PATTERN)
    """Namespace used when neither the request nor the channel names one."""
    channels: dict[str, ChannelDefaults] = Field(default_factory=dict)
    """Channel id -> default cluster and namespace for requests from that channel."""
    identities: IdentitySettings = Field(default_factory=IdentitySettings)
    """Policy user name -> that person's Slack, Teams and local ids."""
    approvals: ApprovalSettings = Field(default_factory=ApprovalSettings)
    """Approval request lifetime."""
    slack: SlackSettings = Field(default_factory=SlackSettings)
    """Slack adapter settings."""
    teams: TeamsSettings = Field(default_factory=TeamsSettings)
    """Teams adapter settings."""

    def channel_defaults(self, channel_id: str) -> tuple[str | None, str]:
        """(cluster, namespace) for a channel, falling back to the global defaults."""
        channel = self.channels.get(channel_id, ChannelDefaults())
        cluster = channel.cluster or self.tools.default_cluster
        return cluster, channel.namespace or self.default_namespace


def load_settings(path: Path | str | None, env: Mapping[str, str] = os.environ) -> Settings:
    """Settings from a YAML file (or the embedded defaults) plus CHATOPS_* overrides.

    Raises ConfigError naming the file, the line and the field.
    """
    data: dict[str, Any] = {}
    index = LineIndex(source="<defaults>")
    if path is not None:
        path = Path(path)
        try:
            text = path.read_text()
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read settings file: {exc.strerror}") from None
        loaded, index = load_yaml(text, source=str(path))
        if not isinstance(loaded, dict):
            raise ConfigError(f"{path}:1: settings must be a mapping of field: value")
        data = loaded
        _refuse_secrets_in_file(data, index)
        if isinstance(data.get("policy_file"), str) and not Path(data["policy_file"]).is_absolute():
            data["policy_file"] = str(path.parent / data["policy_file"])  # next to the settings
    overrides = _env_overrides(env)
    for keys, value in overrides.items():
        _set_path(data, keys, value)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise _name_env_sources(describe_validation(exc, index), overrides) from None


def _refuse_secrets_in_file(data: dict[str, Any], index: LineIndex) -> None:
    for section, name in sorted(SECRET_FIELDS):
        if isinstance(data.get(section), dict) and name in data[section]:
            env_name = f"{ENV_PREFIX}{section.upper()}__{name.upper()}"
            raise index.error((section, name), f"secrets are read only from ${env_name}")


def _env_overrides(env: Mapping[str, str]) -> dict[tuple[str, ...], Any]:
    overrides: dict[tuple[str, ...], Any] = {}
    for name, raw in env.items():
        if not name.startswith(ENV_PREFIX) or name.startswith(ENV_PREFIX + "TEST_"):
            continue
        keys = tuple(part.lower() for part in name[len(ENV_PREFIX) :].split("__"))
        if keys[0] not in Settings.model_fields:
            continue  # CHATOPS_* variables of other tools (e.g. CHATOPS_REAL_KUBECONFIG)
        value: Any = raw
        if raw.strip().startswith(("{", "[")):
            try:
                value = yaml.safe_load(raw)
            except yaml.YAMLError:
                raise ConfigError(f"${name}: value is not valid YAML/JSON") from None
        overrides[keys] = value
    return overrides


def _set_path(data: dict[str, Any], keys: tuple[str, ...], value: Any) -> None:
    node = data
    for key in keys[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    node[keys[-1]] = value


def _name_env_sources(error: ConfigError, overrides: dict[tuple[str, ...], Any]) -> ConfigError:
    """Point at the environment variable when an override, not the file, is at fault."""
    lines = []
    for line in str(error).splitlines():
        for keys in overrides:
            dotted = ".".join(keys)
            if f": {dotted}" in line:
                env_name = ENV_PREFIX + "__".join(k.upper() for k in keys)
                line = f"${env_name} (env): {line.split(': ', 1)[-1]}"
        lines.append(line)
    return ConfigError("\n".join(lines))
