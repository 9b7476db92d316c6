"""One identity model for every platform: a platform user id -> the user the policy names.

A person has one name in the policy ("alice") and an id on each platform: a Slack user id
(U024BE7LH), a Teams AAD object id (a GUID), a local chat name. `Identities` maps any of
those to the policy name, the same way for Slack and Teams. Ids nobody claimed stay as
they are, so a policy may still name a raw platform id ("U024BE7LH" or "slack:U024BE7LH")
and an unknown user gets only what the policy grants everyone (fail closed).

Slack ids are case-sensitive upper-case; AAD object ids are GUIDs compared without case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SLACK_USER_PATTERN = r"^[UW][A-Z0-9]{2,30}$"
TEAMS_USER_PATTERN = r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$"
LOCAL_USER_PATTERN = r"^[a-z][a-z0-9_.-]{0,62}$"
POLICY_NAME_PATTERN = LOCAL_USER_PATTERN


class PersonIds(BaseModel):
    """One person's ids on each platform."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    slack: list[str] = Field(default_factory=list)
    """Slack user ids (U... or W... for Enterprise Grid)."""
    teams: list[str] = Field(default_factory=list)
    """Microsoft Entra (AAD) object ids as Teams sends them in `from.aadObjectId`."""
    local: list[str] = Field(default_factory=list)
    """Names in the local terminal chat (the policy name itself always works there)."""

    @field_validator("slack")
    @classmethod
    def _check_slack(cls, ids: list[str]) -> list[str]:
        return [_checked(i, SLACK_USER_PATTERN, "Slack user id (U... or W...)") for i in ids]

    @field_validator("teams")
    @classmethod
    def _check_teams(cls, ids: list[str]) -> list[str]:
        return [_checked(i, TEAMS_USER_PATTERN, "AAD object id (a GUID)").lower() for i in ids]

    @field_validator("local")
    @classmethod
    def _check_local(cls, ids: list[str]) -> list[str]:
        return [_checked(i, LOCAL_USER_PATTERN, "local user name") for i in ids]


def _checked(value: str, pattern: str, what: str) -> str:
    if not isinstance(value, str) or not re.match(pattern, value):
        raise ValueError(f"{value!r} is not a {what}")
    return value


class IdentitySettings(BaseModel):
    """Policy user name -> that person's platform ids. An id may belong to one person only."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    people: dict[str, PersonIds] = Field(default_factory=dict)
    """Policy user name (as in the policy file's `users` and group members) -> ids."""

    @field_validator("people")
    @classmethod
    def _check_names(cls, people: dict[str, PersonIds]) -> dict[str, PersonIds]:
        for name in people:
            _checked(name, POLICY_NAME_PATTERN, "policy user name (lower-case, like 'alice')")
        return people

    @model_validator(mode="after")
    def _check_unique(self) -> IdentitySettings:
        owner: dict[tuple[str, str], str] = {}
        for name, ids in self.people.items():
            for platform, values in (
                ("slack", ids.slack),
                ("teams", ids.teams),
                ("local", ids.local),
            ):
                for value in values:
                    other = owner.setdefault((platform, value), name)
                    if other != name:
                        raise ValueError(
                            f"{platform} id {value!r} is claimed by both {other!r} and {name!r}"
                        )
        return self


@dataclass(frozen=True)
class Principal:
    """Who sent a message: the policy's name for them and where they came from."""

    user: str
    """Name the policy and the audit use ("alice", or the raw platform id if unmapped)."""
    platform: str
    """'slack', 'teams' or 'local'."""
    platform_user_id: str
    """The id the platform sent (kept for the audit and for mentions)."""
    mapped: bool
    """True when an identity entry claimed this platform id."""


class Identities:
    """Resolves platform user ids to policy users, the same way for every platform."""

    def __init__(self, settings: IdentitySettings | None = None) -> None:
        self.settings = settings or IdentitySettings()
        self._by_id: dict[tuple[str, str], str] = {}
        for name, ids in self.settings.people.items():
            for platform, values in (
                ("slack", ids.slack),
                ("teams", ids.teams),
                ("local", ids.local),
            ):
                for value in values:
                    self._by_id[(platform, value)] = name

    def resolve(self, *, platform: str, user_id: str) -> Principal:
        """The policy user behind a platform id; unmapped ids are returned unchanged."""
        key = normalize_user_id(platform=platform, user_id=user_id)
        name = self._by_id.get((platform, key))
        if name is None:
            return Principal(user=key, platform=platform, platform_user_id=user_id, mapped=False)
        return Principal(user=name, platform=platform, platform_user_id=user_id, mapped=True)

    def platform_ids(self, user: str, *, platform: str) -> list[str]:
        """A policy user's ids on one platform (e.g. to @-mention approvers)."""
        ids = self.settings.people.get(user)
        if ids is None:
            return []
        return list(getattr(ids, platform, []))


def normalize_user_id(*, platform: str, user_id: str) -> str:
    """The comparable form of a platform id: AAD GUIDs lower-case, others unchanged."""
    user_id = user_id.strip()
    if platform == "teams" and _is_guid(user_id):
        return user_id.lower()
    return user_id


def _is_guid(value: str) -> bool:
    return re.match(TEAMS_USER_PATTERN, value) is not None
