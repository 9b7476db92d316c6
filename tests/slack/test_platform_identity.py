"""One identity model: Slack and Teams ids map to policy users the same way."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.identity import Identities, IdentitySettings
from bot.policy import parse_policy

AAD_ALICE = "5F2B9C1E-3D4A-4B5C-8D6E-7F8091A2B3C4"

POLICY = """
users:
  alice: [developer]
  bob: [operator]
roles:
  developer:
    - tools: ["*"]
      namespaces: [staging]
      max_risk: write
  operator:
    - tools: ["*"]
      max_risk: destructive
approvers:
  - roles: [operator]
"""


def identities() -> Identities:
    return Identities(
        IdentitySettings.model_validate(
            {
                "people": {
                    "alice": {"slack": ["U0ALICE"], "teams": [AAD_ALICE]},
                    "bob": {"slack": ["U0BOB"], "local": ["robert"]},
                }
            }
        )
    )


def test_slack_and_teams_ids_resolve_to_the_same_policy_user():
    ids = identities()
    slack = ids.resolve(platform="slack", user_id="U0ALICE")
    teams = ids.resolve(platform="teams", user_id=AAD_ALICE.lower())
    assert slack.user == teams.user == "alice"
    assert slack.mapped and teams.mapped
    assert teams.platform_user_id == AAD_ALICE.lower()
    assert ids.resolve(platform="local", user_id="robert").user == "bob"


def test_resolved_users_get_their_policy_roles_on_every_platform():
    policy = parse_policy(POLICY, source="policy.yaml")
    ids = identities()
    for platform, user_id in (("slack", "U0ALICE"), ("teams", AAD_ALICE)):
        user = ids.resolve(platform=platform, user_id=user_id).user
        assert policy.roles_of(platform=platform, user_id=user) == ["developer"]
    bob = ids.resolve(platform="slack", user_id="U0BOB").user
    assert policy.may_approve(platform="slack", user_id=bob, cluster="c", namespace="prod")
    alice = ids.resolve(platform="slack", user_id="U0ALICE").user
    assert not policy.may_approve(platform="slack", user_id=alice, cluster="c", namespace="x")


def test_unmapped_ids_stay_raw_and_get_no_roles():
    ids = identities()
    stranger = ids.resolve(platform="slack", user_id="U0STRANGER")
    assert (stranger.user, stranger.mapped) == ("U0STRANGER", False)
    # A Slack id never turns into someone else's name, even if it spells one.
    assert ids.resolve(platform="slack", user_id="alice").user == "alice"
    assert ids.resolve(platform="slack", user_id="alice").mapped is False
    policy = parse_policy(POLICY, source="policy.yaml")
    assert policy.roles_of(platform="slack", user_id=stranger.user) == []
    # The same AAD id on Slack is not alice: ids are per platform.
    assert ids.resolve(platform="slack", user_id=AAD_ALICE).mapped is False


@pytest.mark.parametrize(
    ("people", "needle"),
    [
        ({"alice": {"slack": ["alice"]}}, "Slack user id"),
        ({"alice": {"teams": ["not-a-guid"]}}, "AAD object id"),
        ({"Alice": {}}, "policy user name"),
        ({"alice": {"slack": ["U0001"]}, "bob": {"slack": ["U0001"]}}, "claimed by both"),
        (
            {"alice": {"teams": [AAD_ALICE]}, "bob": {"teams": [AAD_ALICE.lower()]}},
            "claimed by both",
        ),
        ({"alice": {"email": ["a@b"]}}, "Extra inputs"),
    ],
)
def test_bad_identity_settings_are_refused_with_the_reason(people, needle):
    with pytest.raises(ValidationError, match=needle):
        IdentitySettings.model_validate({"people": people})
