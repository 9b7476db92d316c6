"""Kubernetes API clients per cluster alias, and API errors turned into tool errors.

One official `kubernetes.client.ApiClient` per alias, built from that alias's kubeconfig
and context and memoized in the `ToolContext`. Every API call goes through `call()`,
which sets a timeout and maps failures to the two error kinds the engine knows:
`ToolError` (permanent: tell the user) and `TemporaryToolError` (retry later).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import urllib3
from kubernetes import client as k8s
from kubernetes.client.exceptions import ApiException
from kubernetes.config.config_exception import ConfigException
from kubernetes.config.kube_config import new_client_from_config

from tools.base import TemporaryToolError, ToolError
from tools.context import ToolContext
from tools.settings import ClusterSettings

REQUEST_TIMEOUT_S = (5.0, 30.0)
"""(connect, read) seconds for every API request."""

T = TypeVar("T")


def build_api_client(*, alias: str, cluster: ClusterSettings) -> k8s.ApiClient:
    """A fresh ApiClient for one cluster from its kubeconfig file and context."""
    configuration = type.__call__(k8s.Configuration)  # a fresh one, not the global default
    # Fail fast on 429/503 instead of sleeping on Retry-After inside a chat request: the
    # engine gets a TemporaryToolError with retry_after_s and decides. Connection errors
    # still get a few quick retries (urllib3 never re-sends non-idempotent requests).
    configuration.retries = urllib3.util.Retry(
        total=3, backoff_factor=0.2, respect_retry_after_header=False, status=0
    )
    try:
        api_client = new_client_from_config(
            config_file=cluster.kubeconfig,
            context=cluster.context,
            persist_config=False,
            client_configuration=configuration,
        )
    except (ConfigException, OSError, ValueError, TypeError) as exc:
        where = cluster.kubeconfig or "the default kubeconfig"
        raise ToolError(
            f"Cannot load context '{cluster.context}' for cluster '{alias}' from {where}: {exc}"
        ) from None
    api_client.user_agent = "planton-chatops"
    return api_client


@dataclass(frozen=True)
class KubeApis:
    """The typed API groups of one cluster, sharing one ApiClient."""

    alias: str
    api_client: k8s.ApiClient

    @property
    def core(self) -> k8s.CoreV1Api:
        return k8s.CoreV1Api(self.api_client)

    @property
    def apps(self) -> k8s.AppsV1Api:
        return k8s.AppsV1Api(self.api_client)

    @property
    def autoscaling(self) -> k8s.AutoscalingV2Api:
        return k8s.AutoscalingV2Api(self.api_client)

    def to_dict(self, obj: Any) -> Any:
        """A typed API object as the plain JSON-ready dict the server sent (camelCase keys)."""
        return self.api_client.sanitize_for_serialization(obj)


def get_apis(ctx: ToolContext, alias: str) -> KubeApis:
    """APIs for a cluster alias, built once per context."""
    alias = ctx.resolve_cluster(alias)
    cluster = ctx.settings.clusters[alias]
    api_client = ctx.client(
        "kubernetes", alias, lambda: build_api_client(alias=alias, cluster=cluster)
    )
    return KubeApis(alias=alias, api_client=api_client)


class NotFound(ToolError):
    """The object (or its namespace) does not exist. `missing` is the kind that is missing."""

    def __init__(self, message: str, *, missing: str) -> None:
        super().__init__(message)
        self.missing = missing


class AlreadyExists(ToolError):
    """Creating an object that already exists."""


@dataclass(frozen=True)
class ObjectRef:
    """What a call is about, so errors can name it: kind, name, namespace, cluster."""

    kind: str
    cluster: str
    name: str | None = None
    namespace: str | None = None

    def describe(self) -> str:
        """E.g. "deployment 'web' in namespace 'staging' on cluster 'us-central'"."""
        text = f"{self.kind} '{self.name}'" if self.name else f"{self.kind}s"
        if self.namespace:
            text += f" in namespace '{self.namespace}'"
        return f"{text} on cluster '{self.cluster}'"


def call_or_none(fn: Callable[..., T], *args: Any, ref: ObjectRef, **kwargs: Any) -> T | None:
    """Like `call`, but None when the object itself is missing (a missing namespace raises)."""
    try:
        return call(fn, *args, ref=ref, **kwargs)
    except NotFound as exc:
        if exc.missing == ref.kind:
            return None
        raise


def call(fn: Callable[..., T], *args: Any, ref: ObjectRef, **kwargs: Any) -> T:
    """Run one API method with the standard timeout; failures become tool errors."""
    try:
        return fn(*args, _request_timeout=REQUEST_TIMEOUT_S, **kwargs)
    except ApiException as exc:
        raise translate_api_error(exc, ref=ref) from None
    except (urllib3.exceptions.HTTPError, ConnectionError, TimeoutError) as exc:
        raise TemporaryToolError(
            f"Cluster '{ref.cluster}' is unreachable ({type(exc).__name__}); try again shortly.",
            retry_after_s=5.0,
        ) from None
    except ValueError as exc:  # pydantic: the answer does not fit the API's models
        raise ToolError(
            f"The Kubernetes client could not use the answer of cluster '{ref.cluster}' for "
            f"{ref.describe()}: {_first_problem(exc)}"
        ) from None


def _first_problem(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        return f"{where}: {first.get('msg')}" if where else str(first.get("msg"))
    return str(exc).splitlines()[0][:300]


def _status_of(exc: ApiException) -> dict[str, Any]:
    body = exc.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    try:
        status = json.loads(body) if body else {}
    except (TypeError, ValueError):
        return {"message": str(body)[:300]}
    return status if isinstance(status, dict) else {}


def translate_api_error(exc: ApiException, *, ref: ObjectRef) -> ToolError:
    """Map an API error to a permanent or temporary tool error with a readable message."""
    status = _status_of(exc)
    message = str(status.get("message") or exc.reason or "no details")[:500]
    reason = status.get("reason", "")
    code = exc.status or 0
    details = status.get("details") if isinstance(status.get("details"), dict) else {}
    if code == 404:
        if details.get("kind") == "namespaces" and ref.kind != "namespace" and ref.namespace:
            return NotFound(
                f"namespace '{ref.namespace}' not found on cluster '{ref.cluster}'",
                missing="namespace",
            )
        what = f"{ref.kind} '{ref.name}'" if ref.name else f"{ref.kind}s"
        where = f" in namespace '{ref.namespace}'" if ref.namespace else ""
        return NotFound(f"{what} not found{where} on cluster '{ref.cluster}'", missing=ref.kind)
    if code == 409 and reason == "AlreadyExists":
        return AlreadyExists(f"{ref.describe()} already exists")
    if code == 409:
        return ToolError(
            f"{ref.describe()} was changed by someone else meanwhile ({message}); try again"
        )
    if code == 422:
        return ToolError(f"The cluster rejected {ref.describe()} as invalid: {message}")
    if code in (401, 403):
        return ToolError(f"Not allowed on cluster '{ref.cluster}': {message}")
    if code == 429:
        retry_after = _retry_after(exc)
        return TemporaryToolError(
            f"Cluster '{ref.cluster}' refused for now: {message}", retry_after_s=retry_after
        )
    if code >= 500:
        return TemporaryToolError(
            f"Cluster '{ref.cluster}' failed on {ref.describe()} (HTTP {code}): {message}",
            retry_after_s=_retry_after(exc),
        )
    return ToolError(f"Cluster '{ref.cluster}' refused the request for {ref.describe()}: {message}")


def _retry_after(exc: ApiException) -> float:
    headers = exc.headers or {}
    try:
        return min(max(float(headers.get("Retry-After", 1)), 0.5), 60.0)
    except (TypeError, ValueError):
        return 1.0
