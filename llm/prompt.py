"""The one prompt format: used to build training examples and to ask the served model.

It is saved with every model artifact (`PROMPT_FORMAT` and `CHAT_TEMPLATE`) and read back
by serving, so training and serving cannot drift apart. The format is deliberately plain
text with short markers: a tiny in-house tokenizer has no special chat tokens.

    <|context|>cluster=us-central namespace=staging user=alice
    <|user|>deploy redis with 2gb to staging
    <|call|>{"tool":"deploy_service","args":{...}}<|end|>
"""

from __future__ import annotations

import json
from typing import Any

PROMPT_FORMAT = "planton-v1"
CONTEXT_MARK = "<|context|>"
USER_MARK = "<|user|>"
CALL_MARK = "<|call|>"
END_MARK = "<|end|>"
SPECIAL_TOKENS = (CONTEXT_MARK, USER_MARK, CALL_MARK, END_MARK)

# Jinja chat template with the same layout, for OpenAI-compatible chat endpoints.
# A system message carries the context line; the user message the text.
CHAT_TEMPLATE = (
    "{% for m in messages %}"
    "{% if m['role'] == 'system' %}" + CONTEXT_MARK + "{{ m['content'] }}\n"
    "{% elif m['role'] == 'user' %}" + USER_MARK + "{{ m['content'] }}\n"
    "{% elif m['role'] == 'assistant' %}" + CALL_MARK + "{{ m['content'] }}" + END_MARK + "\n"
    "{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}" + CALL_MARK + "{% endif %}"
)


def context_line(context: dict[str, Any]) -> str:
    """Channel context as `key=value` pairs in a fixed order (missing keys are left out)."""
    keys = ("cluster", "namespace", "user")
    return " ".join(f"{k}={context[k]}" for k in keys if context.get(k))


def chat_messages(text: str, context: dict[str, Any] | None = None) -> list[dict[str, str]]:
    """The messages sent to the server for one request."""
    return [
        {"role": "system", "content": context_line(context or {})},
        {"role": "user", "content": text.replace("\n", " ").strip()},
    ]


def render_prompt(text: str, context: dict[str, Any] | None = None) -> str:
    """Prompt up to and including the call marker (what the model continues)."""
    return (
        f"{CONTEXT_MARK}{context_line(context or {})}\n"
        f"{USER_MARK}{text.replace(chr(10), ' ').strip()}\n{CALL_MARK}"
    )


def render_target(call: dict[str, Any]) -> str:
    """The completion the model is trained to produce for a call."""
    return json.dumps(call, separators=(",", ":"), sort_keys=False) + END_MARK
