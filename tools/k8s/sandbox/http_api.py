"""The HTTP face of the sandbox: one handler that routes Kubernetes REST calls.

Everything but the streaming part of a watch runs under the store's lock, after the
controllers have caught up with the present instant.
"""

from __future__ import annotations

import json
import logging
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from tools.k8s.sandbox import discovery, openapi, subresources
from tools.k8s.sandbox.errors import ApiError, BadRequest, MethodNotAllowed
from tools.k8s.sandbox.listing import paginate
from tools.k8s.sandbox.resources import resource_for_kind
from tools.k8s.sandbox.routing import DiscoveryRoute, ResourceRoute, parse_path
from tools.k8s.sandbox.tables import to_table
from tools.k8s.sandbox.watching import WatchStream

if TYPE_CHECKING:
    from tools.k8s.sandbox.server import SandboxServer

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 3 * 1024 * 1024


class KubernetesHandler(BaseHTTPRequestHandler):
    """Serves one connection; `server.sandbox` is the owning SandboxServer."""

    protocol_version = "HTTP/1.1"
    server_version = "planton-sandbox"

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        log.debug("%s - %s", self.address_string(), format % args)

    @property
    def sandbox(self) -> SandboxServer:
        return self.server.sandbox  # type: ignore[attr-defined]

    def _serve(self, method: str) -> None:
        split = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(split.query).items()}
        self._query, self._warnings = query, []
        try:
            body = self._read_body()
            route = parse_path(split.path)
            if isinstance(route, DiscoveryRoute) and route.document == "openapi":
                self._send_openapi()
                return
            if isinstance(route, DiscoveryRoute):
                self._send_json(200, self._discovery(route, method))
                return
            if method == "GET" and route.name is None and _flag(query.get("watch")):
                self._watch(route, query)
                return
            with self.sandbox.store.lock:
                self.sandbox.controllers.reconcile()
                self.sandbox.cluster.begin_request(field_validation=query.get("fieldValidation"))
                code, payload = self._dispatch(method, route, query, body)
                self._warnings = list(self.sandbox.cluster.warnings)
        except ApiError as exc:
            self._send_json(exc.code, exc.to_status())
            return
        except Exception as exc:  # an answer beats a dropped connection; log the bug
            log.exception("sandbox failed on %s %s", method, self.path)
            self._send_json(500, ApiError(f"internal error: {exc}").to_status())
            return
        if isinstance(payload, str):
            self._send(code, payload.encode(), "text/plain; charset=utf-8")
        else:
            self._send_json(code, payload)

    # Reading and writing -----------------------------------------------------------------

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0] or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            raise BadRequest("request entity too large")
        return self.rfile.read(length) if length else b""

    def _send(self, code: int, data: bytes, content_type: str) -> None:
        self.send_response(code)
        for warning in getattr(self, "_warnings", []):
            self.send_header("Warning", f'299 - "{warning.replace(chr(34), chr(39))}"')
        self._warnings = []
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()
        self.wfile.write(data)

    def _send_json(self, code: int, payload: Any) -> None:
        self._send(code, json.dumps(payload).encode(), "application/json")

    # Discovery ---------------------------------------------------------------------------

    def _discovery(self, route: DiscoveryRoute, method: str) -> Any:
        if method != "GET":
            raise MethodNotAllowed(f"{method} is not supported on {self.path}")
        if route.document == "version":
            return discovery.version_info()
        if route.document in ("healthz", "livez", "readyz"):
            return {"status": "ok"}
        if route.document == "api":
            host, port = self.server.server_address[:2]
            return discovery.api_versions(f"{host}:{port}")
        if route.document == "apis":
            return discovery.api_group_list()
        if route.document == "group":
            return discovery.api_group(route.group)
        if route.document == "resources":
            return discovery.resource_list(route.group, route.version)
        return {"paths": ["/api", "/api/v1", "/apis", "/version"]}

    def _send_openapi(self) -> None:
        if "protobuf" in self.headers.get("Accept", ""):
            self._send(200, openapi.openapi_protobuf(), "application/octet-stream")
        else:
            self._send(200, openapi.openapi_json(), "application/json")

    # Resources ---------------------------------------------------------------------------

    def _dispatch(
        self, method: str, route: ResourceRoute, query: dict[str, str], body: bytes
    ) -> tuple[int, Any]:
        cluster, rt = self.sandbox.cluster, route.rt
        namespace, name, sub = route.namespace or "", route.name, route.subresource
        dry_run = _dry_run(query)
        if method == "GET":
            if name is None:
                return 200, self._list(route, query)
            if sub == "scale":
                return 200, subresources.read_scale(cluster, rt, namespace, name)
            if sub == "log":
                delay = self.sandbox.pod_ready_delay_s
                return 200, subresources.pod_log(cluster, namespace, name, query, delay=delay)
            return 200, self._render(cluster.get(rt, namespace, name))
        if method == "POST":
            if name is None and (route.namespace is not None or not rt.namespaced):
                return 201, cluster.create(rt, namespace, _json(body), dry_run=dry_run)
            if sub == "eviction":
                return 201, subresources.evict_pod(
                    cluster, namespace, name, _json(body), dry_run=dry_run
                )
        if method in ("PUT", "PATCH") and name is not None and sub in (None, "status", "scale"):
            return 200, self._write(method, route, body, dry_run=dry_run)
        if method == "DELETE":
            options = _json(body) if body.strip() else {}
            if not isinstance(options, dict):
                raise BadRequest("DeleteOptions must be an object")
            if query.get("propagationPolicy"):
                options["propagationPolicy"] = query["propagationPolicy"]
            dry_run = dry_run or "All" in (options.get("dryRun") or [])
            if name is None:
                return 200, self._delete_collection(route, query, options, dry_run=dry_run)
            if sub is None:
                return 200, cluster.delete(rt, namespace, name, options=options, dry_run=dry_run)
        raise MethodNotAllowed("the server does not allow this method on the requested resource")

    def _write(self, method: str, route: ResourceRoute, body: bytes, *, dry_run: bool) -> Any:
        cluster, rt = self.sandbox.cluster, route.rt
        namespace, name, sub = route.namespace or "", route.name or "", route.subresource
        content_type = self.headers.get("Content-Type", "")
        if sub == "scale":
            if method == "PUT":
                return subresources.write_scale(
                    cluster, rt, namespace, name, _json(body), dry_run=dry_run
                )
            return subresources.patch_scale(
                cluster, rt, namespace, name, body, content_type=content_type, dry_run=dry_run
            )
        if method == "PUT":
            return cluster.update(
                rt, namespace, name, _json(body), dry_run=dry_run, subresource=sub
            )
        return cluster.patch(
            rt,
            namespace,
            name,
            body,
            content_type=content_type,
            dry_run=dry_run,
            subresource=sub,
            field_manager=self._query.get("fieldManager"),
        )

    def _list(self, route: ResourceRoute, query: dict[str, str]) -> dict[str, Any]:
        cluster, rt = self.sandbox.cluster, route.rt
        items = cluster.list(
            rt,
            route.namespace,
            label_selector=query.get("labelSelector"),
            field_selector=query.get("fieldSelector"),
        )
        version = cluster.store.resource_version
        items, metadata = paginate(items, query=query, resource_version=version)
        if self._wants_table():
            return to_table(
                rt,
                items,
                now=cluster.store.now(),
                resource_version=str(version),
                include_object=query.get("includeObject", "Metadata"),
            )
        return {
            "kind": rt.list_kind,
            "apiVersion": rt.api_version,
            "metadata": metadata,
            "items": items,
        }

    def _delete_collection(
        self,
        route: ResourceRoute,
        query: dict[str, str],
        options: dict[str, Any],
        *,
        dry_run: bool,
    ) -> dict[str, Any]:
        cluster, rt = self.sandbox.cluster, route.rt
        doomed = cluster.list(
            rt,
            route.namespace,
            label_selector=query.get("labelSelector"),
            field_selector=query.get("fieldSelector"),
        )
        for obj in doomed:
            meta = obj["metadata"]
            cluster.delete(
                rt, meta.get("namespace", ""), meta["name"], options=options, dry_run=dry_run
            )
        return {
            "kind": rt.list_kind,
            "apiVersion": rt.api_version,
            "metadata": {"resourceVersion": str(cluster.store.resource_version)},
            "items": doomed,
        }

    def _render(self, obj: dict[str, Any]) -> dict[str, Any]:
        if not self._wants_table():
            return obj
        rt = resource_for_kind(obj["kind"])
        store = self.sandbox.store
        return to_table(rt, [obj], now=store.now(), resource_version=str(store.resource_version))

    def _wants_table(self) -> bool:
        return "as=Table" in self.headers.get("Accept", "")

    # Watch -------------------------------------------------------------------------------

    def _watch(self, route: ResourceRoute, query: dict[str, str]) -> None:
        sandbox = self.sandbox
        with sandbox.store.lock:
            sandbox.controllers.reconcile()
            stream = WatchStream(
                sandbox.cluster, route, query, render=self._render, stopping=sandbox.is_stopping
            )
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()
        try:
            stream.run(self._send_chunk)
            self._send_chunk(b"")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _send_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


def _json(body: bytes) -> Any:
    try:
        return json.loads(body or b"null")
    except ValueError as exc:
        raise BadRequest(f"the request body is not valid JSON: {exc}") from None


def _flag(value: str | None) -> bool:
    return (value or "").lower() in ("true", "1")


def _dry_run(query: dict[str, str]) -> bool:
    value = query.get("dryRun")
    if value in (None, ""):
        return False
    if value != "All":
        raise BadRequest(f'Invalid dry run value "{value}": valid values are "All"')
    return True
