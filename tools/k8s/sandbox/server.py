"""SandboxServer: a Kubernetes API server for demos and tests, in a background thread.

    with SandboxServer(seed="demo") as server:
        server.write_kubeconfig("kubeconfig.yaml")   # kubectl --kubeconfig kubeconfig.yaml ...

State lives in memory; with `state_file` it is loaded from there when the file exists
and saved after every write and on stop.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

from tools.k8s.sandbox.controllers import Controllers
from tools.k8s.sandbox.http_api import KubernetesHandler
from tools.k8s.sandbox.kubeconfig import write_kubeconfig
from tools.k8s.sandbox.operations import Cluster
from tools.k8s.sandbox.seeds import seed_cluster
from tools.k8s.sandbox.store import Store

log = logging.getLogger(__name__)
MAX_TICK_S = 1.0
MIN_TICK_S = 0.01


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True


class SandboxServer:
    """A Kubernetes-API-speaking sandbox cluster (see the module docstring)."""

    def __init__(
        self,
        seed: str | None = "demo",
        state_file: str | Path | None = None,
        pod_ready_delay_s: float = 0.3,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if seed not in (None, "demo"):
            raise ValueError(f"unknown seed {seed!r}; known seeds: 'demo' (or None for empty)")
        if pod_ready_delay_s < 0:
            raise ValueError("pod_ready_delay_s must be >= 0")
        self.seed = seed
        self.state_file = Path(state_file) if state_file is not None else None
        self.pod_ready_delay_s = pod_ready_delay_s
        self.host, self.port = host, port
        self.store = Store(seed=seed or "empty")
        self.controllers = Controllers(self.store, pod_ready_delay_s=pod_ready_delay_s)
        self.cluster = Cluster(self.store, self.controllers, after_write=self._after_write)
        self._http: _HttpServer | None = None
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._saved_writes = -1

    # Lifecycle ---------------------------------------------------------------------------

    def start(self) -> SandboxServer:
        """Load or seed the cluster, then serve in background threads; returns self.

        Raises ValueError for an unreadable state file and OSError when the port is taken.
        """
        if self._http is not None:
            raise RuntimeError("the sandbox is already started")
        with self.store.lock:
            if self.state_file is not None and self.state_file.exists():
                try:
                    self.store.restore(self.state_file.read_text())
                except (ValueError, UnicodeDecodeError) as exc:
                    raise ValueError(
                        f"cannot load sandbox state {self.state_file}: {exc}"
                    ) from None
                self.controllers.reconcile(force=True)
            else:
                seed_cluster(self.cluster, seed=self.seed)
                self._save()
        self._http = _HttpServer((self.host, self.port), KubernetesHandler)
        self._http.sandbox = self  # type: ignore[attr-defined]
        self.port = self._http.server_address[1]
        self._threads = [
            threading.Thread(target=self._http.serve_forever, name="sandbox-http", daemon=True),
            threading.Thread(target=self._tick_forever, name="sandbox-tick", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        log.info("sandbox serving at %s", self.url)
        return self

    def stop(self) -> None:
        """Stop serving (open watches end), save the state file if any. Idempotent."""
        if self._http is None:
            return
        self._stopping.set()
        self._wake.set()
        with self.store.lock:
            self.store.changed.notify_all()
        self._http.shutdown()
        self._http.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        with self.store.lock:
            self._save(force=True)
            self.store.closed = True
            self.store.changed.notify_all()
        self._http = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def is_stopping(self) -> bool:
        """Whether stop() has begun (open watches end when it has)."""
        return self._stopping.is_set()

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:PORT (only meaningful once started)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def write_kubeconfig(self, path: str | Path, context: str = "sandbox") -> Path:
        """Write a kubeconfig whose cluster, user and context are all named `context`."""
        if self._http is None:
            raise RuntimeError("start the sandbox before writing its kubeconfig")
        return write_kubeconfig(path, url=self.url, context=context)

    # Time and persistence ----------------------------------------------------------------

    def _tick_forever(self) -> None:
        """Wake when time alone changes something (pods getting Ready, crash loops)."""
        while not self._stopping.is_set():
            with self.store.lock:
                if self.store.closed:
                    return
                self.controllers.reconcile()
                due = self.controllers.next_due
            wait = MAX_TICK_S if due is None else due - time.time()
            self._wake.wait(min(MAX_TICK_S, max(MIN_TICK_S, wait)))
            self._wake.clear()

    def _after_write(self) -> None:
        self._wake.set()
        self._save()

    def _save(self, *, force: bool = False) -> None:
        if self.state_file is None or (not force and self.store.writes == self._saved_writes):
            return
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        partial = self.state_file.with_name(self.state_file.name + ".partial")
        partial.write_text(self.store.snapshot())
        os.replace(partial, self.state_file)
        self._saved_writes = self.store.writes
