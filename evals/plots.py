"""Report figures as base64 PNGs: per-tool accuracy, confusion matrix, latency histogram.

matplotlib is imported inside the functions (Agg backend, no display) so importing evals
stays cheap.
"""

from __future__ import annotations

import base64
import io
from typing import Any

from evals.metrics import ERROR_LABEL


def figure(width: float, height: float) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height), dpi=100)


def encode_png(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def plot_per_tool(per_tool: dict[str, dict[str, Any]]) -> str:
    """Horizontal bars of tool-choice and exact-call accuracy per expected tool, with CIs."""
    tools = list(per_tool)
    fig, ax = figure(8, max(2.5, 0.28 * len(tools) + 1))
    for offset, key, label in ((-0.2, "tool_accuracy", "tool"), (0.2, "exact_accuracy", "exact")):
        values = [per_tool[t][key]["value"] or 0.0 for t in tools]
        lows = [max(0.0, v - per_tool[t][key]["ci"][0]) for v, t in zip(values, tools, strict=True)]
        highs = [
            max(0.0, per_tool[t][key]["ci"][1] - v) for v, t in zip(values, tools, strict=True)
        ]
        ax.barh(
            [i + offset for i in range(len(tools))],
            values,
            height=0.4,
            xerr=[lows, highs],
            label=label,
            capsize=2,
        )
    ax.set_yticks(range(len(tools)), [f"{t} ({per_tool[t]['n']})" for t in tools], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("accuracy (95% Wilson CI)")
    ax.legend(loc="lower right", fontsize=7)
    return encode_png(fig)


def plot_confusion(confusion: dict[str, dict[str, int]]) -> str:
    """Heatmap of expected tool (rows) vs proposed tool (columns), row-normalized."""
    import numpy as np

    rows = list(confusion)
    columns = sorted({c for row in confusion.values() for c in row} | set(rows))
    if ERROR_LABEL in columns:
        columns = [c for c in columns if c != ERROR_LABEL] + [ERROR_LABEL]
    counts = np.array([[confusion[r].get(c, 0) for c in columns] for r in rows], dtype=float)
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    size = max(4.0, 0.3 * len(columns) + 2)
    fig, ax = figure(size + 1, max(3.0, 0.3 * len(rows) + 2))
    image = ax.imshow(shares, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(columns)), columns, rotation=90, fontsize=6)
    ax.set_yticks(range(len(rows)), rows, fontsize=6)
    ax.set_xlabel("proposed")
    ax.set_ylabel("expected")
    for i in range(len(rows)):
        for j in range(len(columns)):
            if counts[i, j]:
                color = "white" if shares[i, j] > 0.6 else "black"
                ax.text(j, i, int(counts[i, j]), ha="center", va="center", fontsize=5, color=color)
    fig.colorbar(image, ax=ax, fraction=0.03)
    return encode_png(fig)


def plot_latency(latencies: list[float]) -> str:
    """Histogram of per-request latency in milliseconds with p50 and p95 marked."""
    import numpy as np

    fig, ax = figure(6, 3)
    data = np.asarray(latencies, dtype=float) * 1000
    if data.size:
        ax.hist(data, bins=min(40, max(5, data.size // 4)), color="#4c72b0")
        for q, style in ((0.5, "--"), (0.95, ":")):
            value = float(np.quantile(data, q))
            ax.axvline(
                value, color="black", linestyle=style, label=f"p{int(q * 100)} {value:.1f} ms"
            )
        ax.legend(fontsize=7)
    ax.set_xlabel("latency (ms)")
    ax.set_ylabel("requests")
    return encode_png(fig)
