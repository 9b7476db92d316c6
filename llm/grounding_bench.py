"""How long `ground_request` takes on long and hostile messages: `python -m llm.grounding_bench`.

Chat text is untrusted and Slack allows 40,000 characters. Grounding runs on the bot's
own CPU before the model is asked, so its cost must grow linearly with the message: a
search that restarts at every character of one long word costs quadratic time (a
40,000-character word without spaces took 119 s on 2026-12-08 before the fix). The bot
refuses messages over `max_request_chars` before grounding them (bot/engine.py); this
measures the grounding itself, up to the longest chat message, for shapes that defeat
regular expressions: one long word, long hyphenated or dotted words, thousands of numbers,
units and `KEY=value` pairs. Figures: llm/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable
from datetime import UTC, datetime

from llm.grounding import ground_request

LIVE = {
    "cluster": ["sandbox", "us-central"],
    "namespace": ["default", "staging", "prod"],
    "deployment": ["web", "checkout", "api", "worker"],
    "node": ["node-1", "node-2"],
}
CONTEXT = {"cluster": "sandbox", "namespace": "default", "user": "dave"}
SENTENCE = "scale web to 3 replicas in staging with 2Gi memory and 500m cpu, image nginx:1.27 "
LOG_LINE = "2026-12-08T01:02:03Z E1208 pod/web-7f9 panic: index out of range [3] at main.go:42\n"


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda length: (unit * (length // len(unit) + 1))[:length]


# name -> message of a given length
SHAPES: dict[str, Callable[[int], str]] = {
    "a request, repeated": _repeat(SENTENCE),
    "a pasted log": _repeat(LOG_LINE),
    "one word, no spaces": _repeat("a"),
    "one number": _repeat("9"),
    "numbers": lambda length: " ".join(str(i) for i in range(length))[:length],
    "sizes": lambda length: " ".join(f"{i}Gi" for i in range(length))[:length],
    "hyphenated word": _repeat("a-"),
    "hyphenated word, then *": lambda length: _repeat("a-")(length - 1) + "*",
    "dotted word": _repeat("a."),
    "KEY=value word": _repeat("A="),
}
LENGTHS = (5_000, 10_000, 20_000, 40_000)


def measure(lengths: tuple[int, ...] = LENGTHS) -> dict[str, list[float]]:
    """Seconds of one `ground_request` per shape and length."""
    seconds: dict[str, list[float]] = {}
    for name, make in SHAPES.items():
        seconds[name] = []
        for length in lengths:
            text = make(length)
            started = time.perf_counter()
            ground_request(text, LIVE, CONTEXT)
            seconds[name].append(time.perf_counter() - started)
    return seconds


def render_markdown(seconds: dict[str, list[float]], lengths: tuple[int, ...]) -> str:
    header = "| message | " + " | ".join(f"{n:,} chars" for n in lengths) + " |"
    rule = "|---|" + "---:|" * len(lengths)
    rows = [f"| {name} | " + " | ".join(f"{s:.2f} s" for s in row) + " |"
            for name, row in seconds.items()]  # fmt: skip
    machine = f"{platform.machine()} {platform.system()}, {os.cpu_count()} cores"
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    return "\n".join(
        [f"`python -m llm.grounding_bench` on {machine}, {stamp}", "", header, rule, *rows]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--lengths",
        default=",".join(map(str, LENGTHS)),
        help="message lengths in characters, comma-separated (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    try:
        lengths = tuple(int(n) for n in args.lengths.split(","))
    except ValueError:
        parser.error(f"--lengths takes whole numbers separated by commas, got {args.lengths!r}")
    if any(n < 1 for n in lengths):
        parser.error("--lengths must be positive")
    print(render_markdown(measure(lengths), lengths))


if __name__ == "__main__":
    main()
