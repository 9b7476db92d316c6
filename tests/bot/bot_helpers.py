"""Helpers of the bot tests: a replaying planner, a settable clock, chat and cluster probes."""

from __future__ import annotations

from bot.chat import ChatRequest


class ReplayPlanner:
    """A real planner that replays recorded model answers (raw JSON text) per message.

    Each answer goes through `ToolRegistry.parse_call`, exactly as the vLLM client treats
    model output; an invalid answer raises `UnusableOutput` like the client does after
    its retry. Messages without a recording fall back to the keyword baseline.
    """

    def __init__(self, answers: dict[str, str], *, registry=None) -> None:
        from llm.baseline import KeywordPlanner
        from tools.registry import ToolRegistry

        self.registry = registry or ToolRegistry()
        self.answers = answers
        self.fallback = KeywordPlanner(registry=self.registry)
        self.seen: list[tuple[str, dict, dict]] = []

    def propose(self, text, *, context, live):
        from llm.client import Proposal
        from llm.errors import UnusableOutput
        from tools.registry import InvalidCall

        self.seen.append((text, context, live))
        if text not in self.answers:
            return self.fallback.propose(text, context=context, live=live)
        raw = self.answers[text]
        try:
            call = self.registry.parse_call(raw)
        except InvalidCall as exc:
            raise UnusableOutput(f"invalid tool call: {exc}", raw=raw, error=str(exc)) from None
        return Proposal(
            call=call,
            raw=raw,
            model="recorded",
            adapter="planton-test",
            latency_s=0.0,
            completion_tokens=0,
            retried=False,
        )


class Clock:
    """A settable UTC clock for expiry tests."""

    def __init__(self) -> None:
        from bot.store import utc_now

        self.now = utc_now()

    def __call__(self):
        return self.now

    def advance(self, seconds: float) -> None:
        from datetime import timedelta

        self.now += timedelta(seconds=seconds)


def ask(engine, user, text, *, event_id=None):
    request = ChatRequest(
        platform="local",
        user_id=user,
        channel_id="local",
        text=text,
        thread_id="t1",
        event_id=event_id,
    )
    return engine.handle(request)


def events(engine):
    return [entry.event for entry in engine.store.audit.query(limit=1000)]


def deployment(sandbox_settings, name, namespace="staging"):
    """The deployment as the cluster has it (None when absent), read with kubernetes."""
    from kubernetes import client, config

    cluster = sandbox_settings.clusters["sandbox"]
    api = client.AppsV1Api(
        config.new_client_from_config(config_file=cluster.kubeconfig, context=cluster.context)
    )
    try:
        return api.read_namespaced_deployment(name, namespace)
    except client.ApiException as exc:
        if exc.status == 404:
            return None
        raise
