"""Measure a served model the way the bot uses it: one constrained tool call per request.

Latency p50/p95 and requests/s at several concurrency levels, time to first token
(streaming), and the server's resident memory (the API server and its engine processes).
"""

from __future__ import annotations

import os
import platform
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from llm.client import ToolCallClient, grammar_schema
from llm.prompt import chat_messages

# Requests of the kinds people send, cycled through in every run.
BENCH_REQUESTS = (
    "deploy redis with 2gb of memory to staging",
    "scale web to 3 replicas",
    "restart the api deployment in prod",
    "list pods of worker",
    "show me the last 50 lines of logs of api",
    "roll back checkout in prod",
    "set LOG_LEVEL=debug on web",
    "thanks!",
)
CONTEXT = {"cluster": "us-central", "namespace": "staging", "user": "bench"}
LIVE = {
    "cluster": ["us-central", "eu-west"],
    "namespace": ["default", "staging", "prod", "monitoring"],
    "deployment": ["web", "api", "worker", "checkout"],
}


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) with linear interpolation."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def run_level(
    *,
    base_url: str,
    model: str,
    registry: Any,
    concurrency: int,
    requests: int,
    shortlist: Any = None,
) -> dict[str, Any]:
    """`requests` tool-call requests with `concurrency` in flight; latency and throughput."""
    clients = [
        ToolCallClient(
            base_url=base_url, model=model, registry=registry, timeout_s=300, shortlist=shortlist
        )
        for _ in range(concurrency)
    ]

    def one(index: int) -> tuple[float, int, bool]:
        planner = clients[index % concurrency]
        text = BENCH_REQUESTS[index % len(BENCH_REQUESTS)]
        started = time.perf_counter()
        proposal = planner.propose(text, context=CONTEXT, live=LIVE)
        return time.perf_counter() - started, proposal.completion_tokens, proposal.retried

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(one, range(requests)))
    wall = time.perf_counter() - started
    for planner in clients:
        planner.close()
    latencies = [r[0] for r in results]
    tokens = sum(r[1] for r in results)
    return {
        "concurrency": concurrency,
        "requests": requests,
        "wall_s": round(wall, 3),
        "requests_per_s": round(requests / wall, 2),
        "latency_p50_s": round(percentile(latencies, 50), 4),
        "latency_p95_s": round(percentile(latencies, 95), 4),
        "completion_tokens_per_s": round(tokens / wall, 1),
        "mean_completion_tokens": round(tokens / requests, 1),
        "retried": sum(r[2] for r in results),
    }


def time_to_first_token(
    *, base_url: str, model: str, registry: Any, samples: int = 5
) -> dict[str, float]:
    """Seconds until the first streamed content token, one request at a time."""
    schema = grammar_schema(registry.call_schema(LIVE))
    times = []
    with httpx.Client(timeout=300) as http:
        for index in range(samples):
            body = {
                "model": model,
                "messages": chat_messages(BENCH_REQUESTS[index % len(BENCH_REQUESTS)], CONTEXT),
                "temperature": 0.0,
                "stream": True,
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": "tool_call", "schema": schema, "strict": True},
                },
            }
            started = time.perf_counter()
            first = None
            with http.stream("POST", base_url.rstrip("/") + "/chat/completions", json=body) as r:
                r.raise_for_status()
                for line in r.iter_lines():
                    if first is None and line.startswith("data: ") and '"content":"' in line:
                        first = time.perf_counter() - started
            times.append(first if first is not None else float("nan"))
    return {
        "samples": samples,
        "ttft_p50_s": round(percentile(times, 50), 4),
        "ttft_max_s": round(max(times), 4),
    }


def process_rss_bytes(pid: int) -> int:
    """Resident memory of `pid` and all its descendants (psutil, else /proc)."""
    try:
        import psutil
    except ImportError:
        return _proc_rss(pid)
    root = psutil.Process(pid)
    total = 0
    for process in [root, *root.children(recursive=True)]:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total


def _proc_rss(pid: int) -> int:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            pages = int(Path(f"/proc/{current}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        total += pages * os.sysconf("SC_PAGE_SIZE")
    return total


def listening_pid(port: int) -> int | None:
    """The process listening on a local TCP port (psutil), or None when not found."""
    try:
        import psutil
    except ImportError:
        return None
    try:
        connections = psutil.net_connections(kind="tcp")
    except psutil.AccessDenied:
        return None
    for conn in connections:
        if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port:
            return conn.pid
    return None


def describe_machine() -> dict[str, Any]:
    """Cores, CPU model, memory and accelerator, for the record."""
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        memory_kb = 0
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(memory_kb / 2**20, 1),
        "gpu": "none",
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def run_benchmark(
    *,
    base_url: str,
    model: str,
    registry: Any,
    requests: int,
    levels: tuple[int, ...] = (1, 8, 32),
    server_pid: int | None = None,
    shortlist: Any = None,
) -> dict[str, Any]:
    """Warm up, then every concurrency level, time to first token and the server's RSS.
    With `shortlist` (llm/tool_shortlist.py) the latency includes choosing the tools."""
    ToolCallClient(
        base_url=base_url, model=model, registry=registry, timeout_s=300, shortlist=shortlist
    ).propose(BENCH_REQUESTS[0], context=CONTEXT, live=LIVE)
    result: dict[str, Any] = {
        "base_url": base_url,
        "model": model,
        "shortlist": shortlist is not None,
    }
    result["levels"] = [
        run_level(
            base_url=base_url,
            model=model,
            registry=registry,
            concurrency=level,
            requests=max(requests, level),
            shortlist=shortlist,
        )
        for level in levels
    ]
    result["ttft"] = time_to_first_token(base_url=base_url, model=model, registry=registry)
    result["machine"] = describe_machine()  # after the run: the load average it ran under
    result["server_pid"] = server_pid
    result["server_rss_gib"] = (
        round(process_rss_bytes(server_pid) / 2**30, 2) if server_pid else None
    )
    return result


def render_markdown(result: dict[str, Any], *, command: str) -> str:
    """A report to commit: command, machine, date, and the figures."""
    machine = result["machine"]
    lines = [
        f"## {result['model']} at {result['base_url']}",
        "",
        f"- command: `{command}`",
        f"- machine: {machine['cores']} cores ({machine['cpu']}), {machine['memory_gib']} GiB, "
        f"GPU: {machine['gpu']}; load average at the end {machine['load_average']}",
        f"- date: {machine['date']}",
        f"- server RSS (API server + engine): {result['server_rss_gib']} GiB",
        f"- time to first token (streaming, 1 at a time): p50 {result['ttft']['ttft_p50_s']} s, "
        f"max {result['ttft']['ttft_max_s']} s",
        "",
        "| concurrent | requests | req/s | p50 latency s | p95 latency s | tokens/s | retried |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for level in result["levels"]:
        lines.append(
            f"| {level['concurrency']} | {level['requests']} | {level['requests_per_s']} "
            f"| {level['latency_p50_s']} | {level['latency_p95_s']} "
            f"| {level['completion_tokens_per_s']} | {level['retried']} |"
        )
    return "\n".join(lines) + "\n"
