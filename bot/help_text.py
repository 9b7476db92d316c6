"""The `help` answer, generated from the tool schemas and their example sentences."""

from __future__ import annotations

from typing import Any

from tools.base import Risk
from tools.registry import ToolRegistry

INTRO = (
    "I turn plain requests into one checked tool call. Reads answer at once; changes show "
    "a dry run and wait for an approver (never the person who asked); some places are "
    "read-only or suggest-only. Every step is audited."
)
HEADINGS = {
    Risk.READ: "Look (runs at once)",
    Risk.WRITE: "Change (needs approval)",
    Risk.DESTRUCTIVE: "Destructive (strictest approval)",
}


def describe_args(schema: dict[str, Any]) -> str:
    """'name, replicas (0..100), namespace?' from an args JSON schema."""
    required = set(schema.get("required", []))
    parts = []
    for name, prop in schema.get("properties", {}).items():
        bounds = ""
        if "minimum" in prop or "maximum" in prop:
            bounds = f" ({prop.get('minimum', '')}..{prop.get('maximum', '')})"
        elif "enum" in prop:
            bounds = f" ({'/'.join(str(v) for v in prop['enum'])})"
        parts.append(f"{name}{bounds}{'' if name in required else '?'}")
    return ", ".join(parts) or "(none)"


def render_help(registry: ToolRegistry, *, examples_per_tool: int = 1) -> str:
    """Help text: every tool by risk, its arguments and example sentences."""
    sections = [INTRO]
    for risk in (Risk.READ, Risk.WRITE, Risk.DESTRUCTIVE):
        tools = [t for t in registry.tools.values() if t.base_risk is risk]
        if not tools:
            continue
        lines = [f"*{HEADINGS[risk]}*"]
        for tool in sorted(tools, key=lambda t: t.name):
            schema = tool.Args.model_json_schema()
            lines.append(f"• {tool.name}: {tool.description}")
            lines.append(f"    args: {describe_args(schema)}")
            for example in tool.examples[:examples_per_tool]:
                lines.append(f'    e.g. "{example}"')
        sections.append("\n".join(lines))
    sections.append("`?` marks optional arguments; cluster and namespace default to the channel's.")
    return "\n\n".join(sections)
