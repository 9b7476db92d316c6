"""VllmServer's process handling with stand-in programs (real processes, no vLLM import).

A real vLLM start costs minutes of CPU here; what these tests check (flags, startup
failure with the log tail, startup timeout, the process group killed on stop) does not
depend on vLLM itself. The real server is exercised in test_serving.py.
"""

from __future__ import annotations

import os
import sys
import time

import pytest
from test_artifacts import write_artifact

from llm.errors import ServerStartError
from llm.launch_options import lora_rank_flag
from llm.server import VllmServer
from tools.registry import ToolRegistry


class StandInServer(VllmServer):
    """Runs `program` (python source; PORT is replaced by the port) instead of vLLM."""

    program = ""

    def command(self, *, port: int, gpu: bool) -> list[str]:
        return [sys.executable, "-c", self.program.replace("PORT", str(port))]


@pytest.fixture()
def artifact(tmp_path):
    return write_artifact(tmp_path / "a", schema_hash=ToolRegistry().schema_hash(), rank=12)


def test_command_line_on_cpu_and_gpu(artifact):
    server = VllmServer(artifact, adapter_name="ops")
    cpu = server.command(port=4321, gpu=False)
    assert cpu[1:3] == ["-m", "vllm.entrypoints.openai.api_server"]
    flags = " ".join(cpu)
    assert f"--lora-modules ops={artifact / 'adapter'}" in flags
    assert "--max-lora-rank 16 " in flags  # rank 12 rounded up to a rank vLLM accepts
    assert '"backend":"guidance","disable_any_whitespace":true' in flags
    assert "--gpu-memory-utilization 0.3" in flags and "--port 4321" in flags
    assert "--kv-cache-memory-bytes 268435456" in flags  # the 0.25 GiB default
    assert server.environment(gpu=False)["VLLM_ENABLE_V1_MULTIPROCESSING"] == "0"
    gpu = " ".join(server.command(port=4321, gpu=True))
    assert "--gpu-memory-utilization" not in gpu and "--enable-lora" in gpu
    assert "--kv-cache-memory-bytes" not in gpu and "--distributed-executor-backend" not in gpu
    assert "--enforce-eager" in flags and "--enforce-eager" not in gpu
    assert server.model_name == "ops" and server.base_model_name == "unit"
    assert [lora_rank_flag(r) for r in (1, 2, 8, 9, 300)] == [1, 8, 8, 16, 320]
    assert "--max-model-len 1024" in flags  # config.json without a limit: the cap


def test_fractional_kv_cache_uses_the_flag_not_the_variable(artifact, monkeypatch):
    monkeypatch.setenv("VLLM_CPU_KVCACHE_SPACE", "4")  # would override the flag in vLLM
    server = VllmServer(artifact, kv_cache_gib=0.125)
    assert "--kv-cache-memory-bytes 134217728" in " ".join(server.command(port=1, gpu=False))
    assert "VLLM_CPU_KVCACHE_SPACE" not in server.environment(gpu=False)
    two = VllmServer(artifact, kv_cache_gib=2)
    assert "--kv-cache-memory-bytes" not in two.command(port=1, gpu=False)
    assert two.environment(gpu=False)["VLLM_CPU_KVCACHE_SPACE"] == "2"


def test_max_model_len_and_dtype_follow_the_model(artifact):
    config = '{"max_position_embeddings": 256, "dtype": "float32"}'
    (artifact / "base" / "config.json").write_text(config)
    assert "--dtype float32" in " ".join(VllmServer(artifact).command(port=1, gpu=False))
    assert "--dtype" not in VllmServer(artifact).command(port=1, gpu=True)
    assert "--max-model-len 256 " in " ".join(VllmServer(artifact).command(port=1, gpu=False))
    server = VllmServer(artifact, max_model_len=128)
    assert "--max-model-len 128 " in " ".join(server.command(port=1, gpu=False))


def test_startup_failure_shows_the_log_tail(artifact, tmp_path):
    server = StandInServer(artifact, log_path=tmp_path / "v.log", use_gpu=False)
    server.program = "import sys; print('ValueError: no such model family'); sys.exit(3)"
    with pytest.raises(ServerStartError, match="code 3(.|\n)*no such model family"):
        server.start()
    assert server.process is None


def test_startup_timeout_stops_the_process(artifact, tmp_path):
    server = StandInServer(
        artifact, startup_timeout_s=1.0, use_gpu=False, log_path=tmp_path / "v.log"
    )
    server.program = "import time; print('loading', flush=True); time.sleep(60)"
    with pytest.raises(ServerStartError, match="not ready after 1 s(.|\n)*loading"):
        server.start()
    assert server.process is None


def test_stop_kills_the_whole_process_group(artifact, tmp_path):
    pid_file = tmp_path / "child.pid"
    server = StandInServer(artifact, use_gpu=False, log_path=tmp_path / "v.log")
    # A parent that serves /v1/models and a child that ignores SIGTERM, like an engine worker.
    server.program = f"""
import http.server, json, signal, subprocess, sys
child = subprocess.Popen([sys.executable, "-c",
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"])
open({str(pid_file)!r}, "w").write(str(child.pid))
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({{"data": [{{"id": "unit"}}]}}).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body)))
        self.end_headers(); self.wfile.write(body)
http.server.HTTPServer(("127.0.0.1", PORT), H).serve_forever()
"""
    with server:
        assert server.served_models() == ["unit"]
        assert server.base_url.startswith("http://127.0.0.1:")
        child = int(pid_file.read_text())
        os.kill(child, 0)  # alive
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.1)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False
