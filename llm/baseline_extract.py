"""Entity extraction for the keyword baseline: names, numbers, sizes, images, env pairs.

Deterministic regular expressions over a normalized message. Nothing here decides which
tool to call; `llm.baseline` does that.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "a couple": 2, "a single": 1, "single": 1,
}  # fmt: skip

# Words a typo is corrected towards (only words of 5+ letters, at ratio >= 0.8).
VOCABULARY = (
    "deployment", "deployments", "replicas", "restart", "rollback", "namespace", "scale",
    "delete", "image", "memory", "events", "install", "describe", "autoscale", "drain",
    "cordon", "uncordon", "function", "functions", "lambda", "service", "nodes", "please",
)  # fmt: skip

IMAGE_RE = re.compile(
    r"(?<![\w./:-])((?:[a-z0-9][a-z0-9.-]*(?::[0-9]{1,5})?/)?[a-z0-9]+(?:[._-][a-z0-9]+)*"
    r"(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))(?![\w/])"
)
ENV_PAIR_RE = re.compile(r"\b([A-Z_][A-Z0-9_]*)=(\S+)")
ENV_NAME_RE = re.compile(r"\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{3,})\b")
MEMORY_RE = re.compile(
    r"\b(\d+(?:\.\d+)?)\s*(gi|gib|gb|g|gigs?|gigabytes?|mi|mib|mb|m|megs?|megabytes?)\b", re.I
)
CPU_RE = re.compile(r"\b(\d+(?:\.\d+)?)\s*(m|millicores?|cores?|cpus?|vcpus?)\b", re.I)
POD_RE = re.compile(r"\b([a-z0-9-]+-[a-z0-9]{8,10}-[a-z0-9]{5})\b")
NODE_RE = re.compile(r"\b(node-\d+|ip-\d+-\d+-\d+-\d+(?:\.[a-z0-9-]+)*|[a-z0-9-]+-node-\d+)\b")
INT_RE = re.compile(
    r"(?<![\w.:/-])(\d{1,5})(?![\w.:/%-]|\s*(?:gb|gi|mb|mi|gigs?|m\b|cores?))", re.I
)


@dataclass
class Message:
    """A normalized message: lowercase words for matching, original text for values."""

    original: str
    text: str
    """Lowercase, mentions/emoji/backticks removed, typos corrected."""
    words: list[str] = field(default_factory=list)

    def has(self, *patterns: str) -> bool:
        """True when any regex pattern matches the normalized text."""
        return any(re.search(p, self.text) for p in patterns)


def normalize(text: str) -> Message:
    """Strip chat decoration, lowercase, turn number words into digits, fix small typos."""
    original = re.sub(r"<@[A-Z0-9]+>|@[a-z][\w-]*|:[a-z_+-]+:", " ", text)
    original = original.replace("`", " ").replace("\u2019", "'")
    lowered = original.lower()
    lowered = re.sub(r"\bhalf an? (?:cpu|core)\b", "500m cpu", lowered)
    for word, value in sorted(NUMBER_WORDS.items(), key=lambda kv: -len(kv[0])):
        lowered = re.sub(rf"\b{word}\b", str(value), lowered)
    words = [_correct(w) for w in re.findall(r"[a-z0-9][a-z0-9._:/=-]*|[^\sa-z0-9]", lowered)]
    return Message(original=original, text=" ".join(words), words=words)


def _correct(word: str) -> str:
    if len(word) < 5 or not word.isalpha() or word in VOCABULARY:
        return word
    close = difflib.get_close_matches(word, VOCABULARY, n=1, cutoff=0.8)
    # Same length +-1 only: "restarting" is a word of its own, not a typo of "restart".
    return close[0] if close and abs(len(close[0]) - len(word)) <= 1 else word


def find_known(message: Message, values: list[str]) -> list[str]:
    """Known values (live clusters, namespaces, deployments) named in the message, in order."""
    found = []
    for value in values:
        match = re.search(rf"(?<![\w./:-]){re.escape(value)}(?![\w/:-]|\.\w)", message.text)
        if match:
            found.append((match.start(), value))
    return [value for _, value in sorted(found)]


def find_images(message: Message) -> list[str]:
    """Image references with a tag ("nginx:1.27", "ghcr.io/acme/api:v2")."""
    return [m.group(1) for m in IMAGE_RE.finditer(message.original) if not m.group(1).isdigit()]


def find_memory(message: Message) -> str | None:
    """The first memory size as a canonical quantity: "2 gigs" -> "2Gi", "512mb" -> "512Mi"."""
    match = MEMORY_RE.search(message.text)
    if match is None:
        return None
    number, unit = match.group(1), match.group(2).lower()
    if unit == "m" and not re.search(r"\b(mem|memory|ram)\b", message.text):
        return None  # "500m" alone is CPU
    suffix = "Gi" if unit.startswith("g") else "Mi"
    if "." in number:
        value = float(number) * (1024 if suffix == "Gi" else 1)
        return f"{int(value)}Mi" if value == int(value) else None
    if suffix == "Mi" and int(number) % 1024 == 0 and int(number) > 0:
        return f"{int(number) // 1024}Gi"
    return f"{number}{suffix}"


def find_cpu(message: Message) -> str | None:
    """The first CPU amount: "500m", "half a core" -> "500m", "2 cores" -> "2"."""
    for match in CPU_RE.finditer(message.text):
        number, unit = match.group(1), match.group(2).lower()
        if unit == "m" and re.search(
            rf"{re.escape(match.group(0))}\s*(?:memory|mem|ram)", message.text
        ):
            continue
        if unit.startswith("m"):
            return f"{number}m"
        if "." in number:
            return f"{int(float(number) * 1000)}m"
        return number
    return None


def find_env_pairs(message: Message) -> dict[str, str]:
    """KEY=VALUE pairs and "KEY should be VALUE"."""
    pairs = {k: v.rstrip(".,;)") for k, v in ENV_PAIR_RE.findall(message.original)}
    for key, value in re.findall(
        r"\b([A-Z][A-Z0-9_]+)\s+(?:should be|to)\s+([\w.:/-]+)", message.original
    ):
        pairs.setdefault(key, value)
    return pairs


def find_env_names(message: Message) -> list[str]:
    """Upper-case identifiers that look like env var names (LOG_LEVEL, DEBUG)."""
    return [n for n in ENV_NAME_RE.findall(message.original) if n not in ("CPU", "OOM", "HPA")]


def find_integers(message: Message) -> list[int]:
    """Plain integers (not sizes, versions or parts of names), in order."""
    return [int(m.group(1)) for m in INT_RE.finditer(message.text)]


def find_after(message: Message, keywords: str, pattern: str = r"[a-z0-9][a-z0-9-]*") -> str | None:
    """The token after one of the keywords: find_after(m, "called|named") -> "edge-proxy"."""
    match = re.search(rf"\b(?:{keywords})\s+(?:the\s+)?({pattern})", message.text)
    return match.group(1).strip("-") if match else None


def find_node(message: Message) -> str | None:
    """A node name: node-2, ip-10-0-3-17.ec2.internal."""
    match = NODE_RE.search(message.text)
    return match.group(1) if match else None


def find_pod(message: Message) -> str | None:
    """A pod name with its replica-set and pod hashes (web-6d4cf56db6-x7k2p)."""
    match = POD_RE.search(message.text)
    return match.group(1) if match else None
