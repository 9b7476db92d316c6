"""How people actually type: scope phrases, Slack decorations, typos and abbreviations.

Applied to every template family alike, so the held-out families see the same noise as
the training ones and the split measures new phrasings, not new noise.
"""

from __future__ import annotations

import random
import re

# (phrase, sets) for tools that take cluster and namespace; "" keeps the channel default.
SCOPE_PHRASES = (
    (" in {ns}", ("ns",)),
    (" in the {ns} namespace", ("ns",)),
    (" in ns {ns}", ("ns",)),
    (" -n {ns}", ("ns",)),
    (" in {ns} ns", ("ns",)),
    (" in namespace {ns}", ("ns",)),
    (" ({ns})", ("ns",)),
    (" over in {ns}", ("ns",)),
    (" on {cluster}", ("cluster",)),
    (" in the {cluster} cluster", ("cluster",)),
    (" on the {cluster} cluster", ("cluster",)),
    (" on cluster {cluster}", ("cluster",)),
    (" in {ns} on {cluster}", ("ns", "cluster")),
    (" on {cluster} in {ns}", ("ns", "cluster")),
    (" in {ns} on the {cluster} cluster", ("ns", "cluster")),
    (" in the {ns} namespace of {cluster}", ("ns", "cluster")),
    (" ({cluster}/{ns})", ("ns", "cluster")),
)
CLUSTER_PHRASES = (
    (" on {cluster}", ("cluster",)),
    (" in the {cluster} cluster", ("cluster",)),
    (" on the {cluster} cluster", ("cluster",)),
    (" in {cluster}", ("cluster",)),
    (" ({cluster})", ("cluster",)),
)
PREFIXES = (
    "please ",
    "pls ",
    "can you ",
    "could you ",
    "hey, ",
    "hi! ",
    "yo ",
    "quick one: ",
    "when you get a chance, ",
    "@planton ",
    "@chatops ",
    "hey @planton ",
)
# Prefixes that fit before any message, not only before a command.
GREETINGS = ("hey, ", "hi! ", "yo ", "quick one: ", "@planton ", "@chatops ", "hey @planton ")
# Template styles whose texts start with a verb (a command); others are statements/questions.
COMMAND_STYLES = ("imperative", "terse", "kubectl", "polite", "contrast", "typo")
SUFFIXES = (
    " 🙏",
    " 🚀",
    " :rocket:",
    " :pray:",
    " 👀",
    " 🔥",
    " thx",
    " thanks!",
    " pls",
    " asap",
    " cc @alice",
    " cc @oncall",
    " ty",
)
POLITE_OPENERS = ("can", "could", "would", "please", "pls", "hey", "hi", "yo", "mind", "quick")
ABBREVIATIONS = (
    ("deployment", "deploy"),
    ("namespace", "ns"),
    ("production", "prod"),
    ("kubernetes", "k8s"),
    ("please", "pls"),
    ("replicas", "reps"),
    ("configuration", "config"),
    ("environment", "env"),
    ("you", "u"),
    ("thanks", "thx"),
)
CODE_SLOTS = ("deployment", "name", "pod", "node", "image", "ns", "container", "service")


def choose_scope(rng: random.Random, *, cluster_only: bool, rate: float) -> tuple[str, tuple]:
    """A scope phrase (or "" for the channel default) and which slots it sets."""
    if rng.random() >= rate:
        return "", ()
    return rng.choice(CLUSTER_PHRASES if cluster_only else SCOPE_PHRASES)


def add_typo(rng: random.Random, text: str) -> str:
    """One realistic slip in a literal word of at least 4 letters (slots stay intact)."""
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha() and "{" not in w]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word, j = words[i], rng.randrange(1, len(words[i]) - 1)
    kind = rng.choice(("swap", "drop", "double"))
    if kind == "swap":
        word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    elif kind == "drop":
        word = word[:j] + word[j + 1 :]
    else:
        word = word[:j] + word[j] + word[j:]
    words[i] = word
    return " ".join(words)


def abbreviate(rng: random.Random, text: str) -> str:
    """Shorten one long word the way people do in chat ("deployment" -> "deploy")."""
    literal = map_literals(text, lambda part: part)
    words = set(re.findall(r"[a-z]+", re.sub(r"\{[a-z0-9_]+\}", " ", literal)))
    present = [(long, short) for long, short in ABBREVIATIONS if long in words]
    if not present:
        return text
    long, short = rng.choice(present)
    return map_literals(text, lambda part: re.sub(rf"\b{long}\b", short, part))


def map_literals(template: str, change) -> str:
    """Apply `change` to the literal text of a template, leaving `{slot}`s alone."""
    parts = re.split(r"(\{[a-z0-9_]+\})", template)
    return "".join(p if p.startswith("{") and p.endswith("}") else change(p) for p in parts)


def decorate(
    rng: random.Random, text: str, *, noise: float, command: bool = True
) -> tuple[str, list[str]]:
    """Chat decorations around a template (slots untouched); returns it and style tags.

    `command`: the text starts with a verb ("scale web"), so "can you " may go before it;
    statements and questions ("web is slow", "what's up with web") get greetings only."""
    tags = []
    opener = text.lower().split(" ", 1)[0]
    if rng.random() < noise * 0.5 and opener not in POLITE_OPENERS and "@" not in text:
        text = rng.choice(PREFIXES if command else GREETINGS) + text
        tags.append("prefix")
    if rng.random() < noise * 0.4:
        text = text.rstrip(".!") + rng.choice(SUFFIXES)
        tags.append("slack")
    roll = rng.random()
    if roll < noise * 0.3:
        text = map_literals(text, str.lower)
        tags.append("lowercase")
    elif roll < noise * 0.4 and not text.startswith("{"):
        text = text[:1].upper() + text[1:]
    elif roll < noise * 0.43:
        text = map_literals(text, str.upper)
        tags.append("shouting")
    if rng.random() < noise * 0.2 and not text.endswith(("?", "!", ".")):
        text += rng.choice(("!", ".", " !!", "?"))
    return text, tags
