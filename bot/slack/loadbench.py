"""Load benchmark (not a test): N concurrent conversations through the Slack HTTP endpoint.

    python -m bot.slack.loadbench --conversations 50                       # keyword planner
    python -m bot.slack.loadbench --conversations 50 --model-url http://127.0.0.1:8000/v1

Each conversation is what a busy channel does: a request that needs approval ("deploy a
redis called cache-<i> with 1 GB to staging"), Slack's retry of that event, the
approver's click and a second (double) click. The bot under test is `chatops serve slack`
in its own process (bolt, engine, SQLite store, policy), as deployed. This process plays
Slack (the local Web API emulator the tests use, from tests/fakes: run from a source
checkout) and hosts the sandbox cluster. It measures how long Slack waits for each ack
(HTTP round trip; target p99 < 100 ms, limit 3 s) after one unmeasured warm-up
conversation, and checks that every action ran exactly once: no lost and no doubled
actions, in the audit and on the cluster.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import yaml

from tools.settings import ToolSettings

REPO = Path(__file__).resolve().parents[2]
SIGNING_SECRET = "loadbench-signing-secret"
APPROVER = "U0BOB"
REQUEST = "<@UBOT> deploy a redis called cache-{i} with 1 GB to staging"


def _import_fakes() -> None:
    """The Slack emulator lives with the tests; the benchmark uses the very same one."""
    tests = REPO / "tests"
    if not (tests / "fakes" / "slack_web_api.py").is_file():
        raise SystemExit("run from a source checkout: tests/fakes/ holds the Slack emulator")
    sys.path.insert(0, str(tests))


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(q / 100 * len(ordered))))
    return round(ordered[rank - 1], 2)


def bench_config(
    *,
    kubeconfig: Path,
    database_url: str,
    model_url: str | None,
    model_name: str,
    api_url: str,
    requesters: int,
) -> dict[str, Any]:
    """The settings file of the bot under test (tokens go in the environment)."""
    model = (
        {"planner": "model", "base_url": model_url, "name": model_name}
        if model_url
        else {"planner": "keyword"}
    )
    people = {
        "alice": {"slack": [f"U0REQ{i:03d}" for i in range(requesters)]},
        "bob": {"slack": [APPROVER]},
    }
    return {
        "tools": {
            "clusters": {"sandbox": {"context": "sandbox", "kubeconfig": str(kubeconfig)}},
            "default_cluster": "sandbox",
        },
        "model": model,
        "database_url": database_url,
        "identities": {"people": people},
        "slack": {"api_url": api_url, "host": "127.0.0.1", "port": 0},
    }


class Conversation:
    """One channel's request -> retry -> approval -> double click, timing every ack."""

    def __init__(self, i: int, *, url: str, api: Any, timeout_s: float) -> None:
        from fakes.slack_requests import SlackSender

        self.i, self.api, self.timeout_s = i, api, timeout_s
        self.channel = f"CB{i:03d}"
        self.sender = SlackSender(url=url, signing_secret=SIGNING_SECRET)
        self.acks: list[float] = []
        self.failures: list[str] = []

    def run(self) -> None:
        from fakes import slack_requests as sr

        from bot.slack.render import APPROVE_ACTION

        event = sr.app_mention(
            user=f"U0REQ{self.i:03d}", channel=self.channel, text=REQUEST.format(i=self.i)
        )
        envelope = sr.event_callback(event)
        self._ack(self.sender.send_event(envelope))
        self._ack(self.sender.send_event(envelope, retry_num=1))
        message = self.api.wait_until(
            self._approval_message, timeout=self.timeout_s, what=f"approval in {self.channel}"
        )
        click = sr.button_click(
            user=APPROVER, message=message, channel=self.channel, action_id=APPROVE_ACTION
        )
        self._ack(self.sender.send_action(click))
        self._ack(self.sender.send_action(click))  # double click (or Slack retry of it)
        self.api.wait_until(
            lambda: len(self._updates()) >= 2,
            timeout=self.timeout_s,
            what=f"decision in {self.channel}",
        )
        self.sender.close()

    def _ack(self, response: Any) -> None:
        self.acks.append(response.elapsed_s)
        if response.status != 200:
            self.failures.append(f"{self.channel}: HTTP {response.status}")

    def _approval_message(self) -> dict | None:
        for (channel, _), message in self.api.workspace.messages.items():
            if channel != self.channel:
                continue
            if not any(b.get("type") == "actions" for b in message.get("blocks") or []):
                raise RuntimeError(f"{self.channel}: no approval but {message['text']!r}")
            return json.loads(json.dumps(message))  # a snapshot, as the client saw it
        return None

    def _updates(self) -> list[Any]:
        return [
            c
            for c in self.api.calls
            if c.method == "chat.update" and c.args.get("channel") == self.channel
        ]


def count_outcomes(*, database_url: str, tools: ToolSettings, names: list[str]) -> dict:
    """Approvals and executions (audit) and deployments (cluster) per name: lost, doubled."""
    from kubernetes import client, config

    from bot.store import open_store

    store = open_store(database_url)
    records = store.audit.query(limit=100_000)
    store.close()
    counts = {name: {"approval_requested": 0, "executed": 0} for name in names}
    for record in records:
        name = ((record.call or {}).get("args") or {}).get("name")
        if name in counts and record.event in counts[name]:
            counts[name][record.event] += 1
    cluster = tools.clusters["sandbox"]
    api = config.new_client_from_config(config_file=cluster.kubeconfig, context=cluster.context)
    listed = client.AppsV1Api(api).list_namespaced_deployment("staging").items
    api.close()
    deployed = {d.metadata.name: d.metadata.generation for d in listed}
    return {
        "lost": [n for n in names if counts[n]["executed"] == 0 or n not in deployed],
        "doubled": [
            n
            for n in names
            if counts[n]["executed"] > 1
            or counts[n]["approval_requested"] > 1
            or deployed.get(n, 1) > 1
        ],
    }


def run_bench(
    *, conversations: int, model_url: str | None, model_name: str, timeout_s: float
) -> dict[str, Any]:
    """Run the benchmark; return the figures."""
    _import_fakes()
    from fakes.slack_bot_process import SlackBotProcess
    from fakes.slack_web_api import SlackWebApi

    from bot.settings import load_settings
    from tools.k8s.sandbox import SandboxServer

    folder = Path(tempfile.mkdtemp(prefix="chatops-loadbench-"))
    with SandboxServer(seed="demo", pod_ready_delay_s=0.05) as sandbox, SlackWebApi() as api:
        config = bench_config(
            kubeconfig=sandbox.write_kubeconfig(folder / "kubeconfig.yaml", context="sandbox"),
            database_url=f"sqlite:///{folder / 'chatops.db'}",
            model_url=model_url,
            model_name=model_name,
            api_url=api.url,
            requesters=conversations + 1,
        )
        config_path = folder / "chatops.yaml"
        config_path.write_text(yaml.safe_dump(config))
        settings = load_settings(config_path, env={})  # fail here, clearly, if it is wrong
        tokens = {
            "CHATOPS_SLACK__BOT_TOKEN": api.workspace.bot_token,
            "CHATOPS_SLACK__SIGNING_SECRET": SIGNING_SECRET,
        }
        bot = SlackBotProcess(config=config_path, env=tokens, log=folder / "bot.log")
        try:
            # One conversation first, unmeasured: the first request imports and warms the
            # whole stack (seconds in a cold process); that is startup, not ack latency.
            warmup = Conversation(conversations, url=bot.url, api=api, timeout_s=timeout_s)
            warmup.run()
            runs = [
                Conversation(i, url=bot.url, api=api, timeout_s=timeout_s)
                for i in range(conversations)
            ]
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=conversations) as pool:
                errors = [f.exception() for f in [pool.submit(c.run) for c in runs]]
            wall_s = time.perf_counter() - started
        finally:
            exit_code = bot.stop()
        names = [f"cache-{i}" for i in range(conversations + 1)]
        outcome = count_outcomes(
            database_url=settings.database_url, tools=settings.tools, names=names
        )
    acks_ms = [1000 * a for c in runs for a in c.acks]
    return {
        "conversations": conversations,
        "planner": f"model {model_name} at {model_url}" if model_url else "keyword baseline",
        "acks": len(acks_ms),
        "ack_ms": {
            "p50": percentile(acks_ms, 50),
            "p95": percentile(acks_ms, 95),
            "p99": percentile(acks_ms, 99),
            "max": percentile(acks_ms, 100),
        },
        "warmup_ack_ms": [round(1000 * a, 2) for a in warmup.acks],
        "wall_s": round(wall_s, 2),
        "http_failures": [f for c in runs for f in c.failures],
        "conversation_errors": [repr(e) for e in errors if e is not None],
        **outcome,
        "bot_exit_code": exit_code,
        "bot_log": str(folder / "bot.log"),
        "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=50, help="concurrent conversations")
    parser.add_argument(
        "--model-url",
        help="OpenAI-compatible URL of the served model (default: the keyword planner)",
    )
    parser.add_argument("--model-name", default="planton", help="model name to request")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per conversation")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    figures = run_bench(
        conversations=args.conversations,
        model_url=args.model_url,
        model_name=args.model_name,
        timeout_s=args.timeout,
    )
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    ok = (
        not (
            figures["lost"]
            or figures["doubled"]
            or figures["http_failures"]
            or figures["conversation_errors"]
        )
        and figures["ack_ms"]["max"] < 3000
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
