"""Settings: embedded defaults, YAML file, CHATOPS_* overrides, errors naming the line."""

from __future__ import annotations

import pytest

from bot.settings import DEFAULT_POLICY, load_settings
from bot.yaml_lines import ConfigError

GOOD = """\
database_url: sqlite:///x.db
tools:
  clusters:
    us-central: {context: sandbox, kubeconfig: /tmp/kube.yaml}
    prod-eu: {context: prod, production: true}
  default_cluster: us-central
channels:
  C123: {cluster: prod-eu, namespace: checkout}
model:
  base_url: http://127.0.0.1:8000/v1
approvals:
  ttl_s: 300
"""


def test_embedded_defaults_are_the_local_demo():
    settings = load_settings(None, env={})
    assert settings.tools.default_cluster == "us-central"
    assert settings.policy_file == DEFAULT_POLICY and DEFAULT_POLICY.exists()
    assert settings.database_url.startswith("sqlite:///.chatops/")
    assert settings.channel_defaults("anywhere") == ("us-central", "default")


def test_file_and_env_overrides(tmp_path):
    path = tmp_path / "chatops.yaml"
    path.write_text(GOOD)
    env = {
        "CHATOPS_MODEL__TIMEOUT_S": "5",
        "CHATOPS_SLACK__BOT_TOKEN": "xoxb-secret",
        "CHATOPS_REAL_KUBECONFIG": "/not/a/setting",
        "HOME": "/root",
    }
    settings = load_settings(path, env=env)
    assert settings.tools.clusters["prod-eu"].production
    assert settings.channel_defaults("C123") == ("prod-eu", "checkout")
    assert settings.channel_defaults("other") == ("us-central", "default")
    assert settings.model.timeout_s == 5.0 and settings.approvals.ttl_s == 300
    assert settings.slack.bot_token.get_secret_value() == "xoxb-secret"
    assert "xoxb-secret" not in repr(settings)


def test_relative_policy_file_is_next_to_the_settings_file(tmp_path):
    (tmp_path / "conf").mkdir()
    path = tmp_path / "conf" / "chatops.yaml"
    path.write_text("policy_file: policy.yaml\n")
    assert load_settings(path, env={}).policy_file == tmp_path / "conf" / "policy.yaml"


def test_env_accepts_structured_values():
    env = {"CHATOPS_CHANNELS": '{"C1": {"namespace": "staging"}}'}
    assert load_settings(None, env=env).channel_defaults("C1") == ("us-central", "staging")


def _error(tmp_path, text, env=None) -> str:
    path = tmp_path / "chatops.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env=env or {})
    return str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("  ttl_s: 300", "  ttl_s: 3", "chatops.yaml:12: approvals.ttl_s: Input should be greater"),
        ("context: prod,", "contxt: prod,", "chatops.yaml:5: tools.clusters.prod-eu.contxt: Extra"),
        ("namespace: checkout", "namespace: Check_Out", "chatops.yaml:8: channels.C123.namespace"),
        ("model:\n", "modle:\n", "chatops.yaml:9: modle: Extra inputs"),
        (
            "approvals:\n",
            "slack:\n  bot_token: xoxb-1\napprovals:\n",
            "chatops.yaml:12: slack.bot_token: secrets are read only from $CHATOPS_SLACK__BOT",
        ),
        ("  ttl_s: 300", "  ttl_s: [300", "chatops.yaml:13: not valid YAML"),
    ],
)
def test_bad_settings_name_file_line_and_field(tmp_path, old, new, expected):
    assert old in GOOD
    message = _error(tmp_path, GOOD.replace(old, new, 1))
    assert expected in message, message


def test_bad_env_override_names_the_variable(tmp_path):
    message = _error(tmp_path, GOOD, env={"CHATOPS_MODEL__TIMEOUT_S": "soon"})
    assert message.startswith("$CHATOPS_MODEL__TIMEOUT_S (env): model.timeout_s")


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read settings file"):
        load_settings(tmp_path / "missing.yaml", env={})
