"""The words of a request that an argument may take as its value ("grounding").

Arguments such as a node, a pod, an image or a new deployment's name are marked
`x-live: mentioned` (tools/validation.MENTIONED): the structured decoding may only choose
them among the words the user typed. A small model that half-remembers "node-4" from
training then cannot answer "node-4" to "cordon node-2", and a request that names no node
cannot become a node action at all (the model has to ask instead).

A "word" is a whitespace-separated token with chat decoration stripped (code spans, quotes,
brackets, trailing punctuation, a possessive 's), plus its pieces around `=` and after the
first `/` (`deploy/web`, `app=nginx:1.27`), each also lower-cased (DNS names are). The
command's own words ("create", "namespace", "the", "pls": `COMMAND_WORDS`) are not values.
Numbers count as typed in digits anywhere in a word ("3-10", "--replicas=4", "85%") or as
words ("ten"): integer arguments such as replicas take their value from these.
Sizes and durations count as typed in their canonical form: "2 gigs" offers "2Gi" (and
2048 for arguments in MB), "half a core" offers "500m", "5 minutes" offers 300.

A new object's name the request gives ("called cache-3", "named billing") is written:
a tool's typed `name` argument must be that word, optional or not; a small model that
leaves an optional name out would otherwise deploy the default name.

A closed choice (a Literal argument: the catalog's service, a runtime) takes a value the
request names when it names any (`named_choices`, with a few synonyms: "pg" is postgres):
"deploy a redis" cannot become nginx; "deploy a database" still leaves the model to choose.

A known deployment the request names by its name ("scale sc-web to 3") is the one the call
acts on: the deployment enum narrows to the named ones (`named_known`), so a model cannot
answer `web` to a request about `sc-web`; a request that names none leaves all possible.

Where a call acts (cluster, namespace, AWS account, GCP project) is grounded the same way
(`ground_scopes`): when the request names known ones ("us central", "in staging", "the
production AWS account"), the call must say one of them; when it names none, the call
may not say any, and the channel's default applies. A model cannot move a request to
another cluster than the one typed, nor invent a namespace nobody mentioned.

Together these rules allow every expected call of our held-out splits and hand-written
suite (tests/llm/test_grounding.py checks it) and all but two typos ("zeero") among the
24,010 training records: a rule that forbade right answers would cost accuracy no model
can win back.

`ground_request` applies all of it to one request: the client sends the grammar it
allows and re-checks the answer against it (tools/registry.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from tools.registry import CHOICE_KIND, MENTIONED_KIND
from tools.validation import format_cpu, format_memory

NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()
# "scale it to nothing", "no pods at all"
ZERO_WORDS = ("no", "none", "nothing")
TENS_WORDS = {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100}


# Characters that wrap a word in chat without being part of it.
_EDGE = "`'\"()[]{}<>,;!?*\u201c\u201d\u2018\u2019"
_POSSESSIVES = ("'s", "\u2019s", "'S", "\u2019S")


def _clean(piece: str) -> str:
    previous = None
    while piece != previous:
        previous = piece
        piece = piece.strip(_EDGE).rstrip(".:")
        for suffix in _POSSESSIVES:
            piece = piece.removesuffix(suffix)
    return piece


_NUMBER = r"(\d+(?:\.\d+)?|" + "|".join([*NUMBER_WORDS, "a quarter", "a half", "half a", "a"]) + ")"
_MEBI = r"mi|mib|mb|m|megs?|megabytes?"
_GIBI = r"gi|gib|gb|g|gigs?|gigabytes?"
_MEMORY_RE = re.compile(rf"\b{_NUMBER}\s*({_MEBI}|{_GIBI})\b(?!\s*cpu)")
_CPU_RE = re.compile(rf"\b{_NUMBER}\s*(m\b|millicores?|(?:of a )?(?:v?cpus?|cores?))")
_MINUTES_RE = re.compile(rf"\b{_NUMBER}\s*(minutes?|mins?)\b")
_HOURS_RE = re.compile(rf"\b({_NUMBER[1:-1]}|an)\s*(hours?|hrs?|h)\b")
_FRACTIONS = {"a quarter": Decimal("0.25"), "a half": Decimal("0.5"), "half a": Decimal("0.5")}
_TENTH = re.compile(r"\ba tenth of a (?:v?cpus?|cores?)\b")


def _number(word: str) -> Decimal | None:
    if word in _FRACTIONS:
        return _FRACTIONS[word]
    if word in ("a", "an"):
        return Decimal(1)
    if word in NUMBER_WORDS:
        return Decimal(NUMBER_WORDS.index(word))
    try:
        return Decimal(word)
    except InvalidOperation:
        return None


def mentioned_quantities(text: str) -> set[str]:
    """Canonical sizes and durations typed in `text` (see the module docstring)."""
    lower, found = text.lower(), set()
    for number, unit in _MEMORY_RE.findall(lower):
        amount = _number(number)
        if amount is None or amount <= 0:
            continue
        mebibytes = amount * (1024 if re.fullmatch(_GIBI, unit) else 1)
        if mebibytes == mebibytes.to_integral_value():
            found |= {format_memory(mebibytes * 2**20), str(int(mebibytes))}
    for number, _unit in _CPU_RE.findall(lower):
        amount = _number(number)
        if amount is not None and amount > 0:
            millis = amount if _unit == "m" or _unit.startswith("milli") else amount * 1000
            if millis == millis.to_integral_value():
                found.add(format_cpu(millis / 1000))
    if _TENTH.search(lower):
        found.add("100m")
    for pattern, seconds in ((_MINUTES_RE, 60), (_HOURS_RE, 3600)):
        for number, _unit in pattern.findall(lower):
            amount = _number(number)
            if amount is not None and (amount * seconds) == (amount * seconds).to_integral_value():
                found.add(str(int(amount * seconds)))
    return found


# Words of the request itself, never a value it gives: "create namespace sc-team" names
# sc-team, not "namespace" (a small model copies the wrong word otherwise).
COMMAND_WORDS = frozenset(
    "a an the to in on at of for from with and or is it its this that my our your me us "
    "pls please plz can could would you we i new by as like "
    "create delete deploy scale restart rollback roll set get list show describe update "
    "namespace namespaces ns deployment deployments pod pods node nodes service services "
    "function functions lambda lambdas cluster replicas image memory cpu logs events".split()
)


def mentioned_values(text: str) -> list[str]:
    """Candidate values typed in `text`, sorted and unique (see the module docstring)."""
    found: set[str] = set()
    for raw in text.split():
        word = _clean(raw)
        pieces = {word, *word.split("="), *word.split(":")}  # app=img, redis:7.2
        pieces |= {p.split("/", 1)[1] for p in pieces if "/" in p}
        for piece in map(_clean, pieces):
            if piece and piece.lower() not in COMMAND_WORDS:
                found |= {piece, piece.lower()}
        found |= {str(int(digits)) for digits in re.findall(r"\d+", word)}
        for letters in re.findall(r"[a-z]+", word.lower()):  # "one..five", "two-to-ten"
            if letters.startswith("x") and letters[1:] in NUMBER_WORDS:  # "xfour": 4 pods
                letters = letters[1:]
            if letters in NUMBER_WORDS:
                found.add(str(NUMBER_WORDS.index(letters)))
            elif letters in TENS_WORDS:
                found.add(str(TENS_WORDS[letters]))
            elif letters in ZERO_WORDS:
                found.add("0")
    return sorted(found | mentioned_quantities(text))


# Other names people use for a closed choice's value (tools/k8s/catalog.py's services).
CHOICE_SYNONYMS = {"postgresql": "postgres", "pg": "postgres", "psql": "postgres"}


def named_choices(text: str) -> list[str]:
    """Lower-cased words of `text` that may name a closed choice, synonyms as the value."""
    words = {w.lower() for w in mentioned_values(text)}
    return sorted(words | {CHOICE_SYNONYMS[w] for w in words if w in CHOICE_SYNONYMS})


# Live kinds that say where a call acts; the channel context has a default for the first two.
SCOPE_KINDS = ("cluster", "namespace", "aws_account", "gcp_project")
# Parts of an alias people spell out ("prod-aws": "our production AWS account").
SCOPE_SYNONYMS = {
    "prod": ("prod", "production", "prd"),
    "dev": ("dev", "development"),
    "stg": ("stg", "staging"),
}
# An environment variable set in words: "NODE_ENV to production" names no namespace.
_ENV_SETTING = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\s+(?:to|as|=|:)\s*\S+")
# Words that contain a scope-like word without naming a scope: URLs, `KEY=value` pairs
# ("REGION=eu-west-1") and image references ("payments:v2", "ghcr.io/acme/prod:1").
_NOT_A_SCOPE = re.compile(r"\S*://\S*|\S*=\S*|[\w./-]+:[\w.-]*\w")
# ...except kubectl's own scope flags written with "=" ("--namespace=backend",
# "--context=us-central"): they name a scope, so the "=" becomes a space first.
_SCOPE_FLAG = re.compile(r"(?<!\S)(--?(?:namespace|ns|n|context|cluster))=", re.IGNORECASE)


# "called cache-3", "named `billing`", "name it web-2"
_GIVEN_NAME = re.compile(r"\b(?:called|named|name it|naming it)\s+(\S+)", re.IGNORECASE)


def given_name(text: str) -> str | None:
    """The name `text` gives a new object ("a redis called cache-3"), if it gives one."""
    found = _GIVEN_NAME.search(text)
    name = _clean(found.group(1)) if found else ""
    return name if name and name.lower() not in COMMAND_WORDS else None  # "called by web"


@dataclass(frozen=True)
class Grounding:
    """Live values narrowed to what a request names, and what the call must do."""

    live: dict[str, list[str]]
    """The live values (scopes and deployments narrowed to the named ones when any is
    named) and the request's words (`mentioned`, `choice`)."""
    required_kinds: frozenset[str] = field(default_factory=frozenset)
    """Kinds the call must write (named, and not just the channel's default)."""
    omitted_kinds: frozenset[str] = field(default_factory=frozenset)
    """Kinds the call may not write (known values exist, none is named)."""
    given_name: str | None = None
    """The name the request gives: a typed `name` argument must be it."""


def _alias_pattern(value: str) -> re.Pattern[str]:
    parts = [p for p in re.split(r"[-_.]", value.lower()) if p]
    alternatives = [
        "(?:" + "|".join(map(re.escape, SCOPE_SYNONYMS.get(p, (p,)))) + ")" for p in parts
    ]
    orders = [alternatives] + ([alternatives[::-1]] if len(parts) == 2 else [])  # "aws dev"
    body = "|".join(r"[\s_-]*".join(order) for order in orders)
    return re.compile(rf"(?<![\w.-])(?:{body})(?![\w-]|\.\w)")


def named_scopes(text: str, values: list[str]) -> list[str]:
    """The `values` (aliases such as "us-central", "prod-aws") that `text` names."""
    flags_apart = _SCOPE_FLAG.sub(r"\1 ", text)
    plain = _NOT_A_SCOPE.sub(" ", _ENV_SETTING.sub(" ", flags_apart).lower())
    return [v for v in values if _alias_pattern(v).search(plain)]


def ground_scopes(
    text: str, live: dict[str, list[str]], context: dict[str, Any] | None = None
) -> Grounding:
    """Narrow the scope kinds of `live` to what `text` names (see the module docstring)."""
    context = context or {}
    narrowed = dict(live)
    required: set[str] = set()
    omitted: set[str] = set()
    for kind in SCOPE_KINDS:
        if not live.get(kind):
            continue  # nothing known: nothing to judge by
        named = named_scopes(text, live[kind])
        if not named:
            omitted.add(kind)
            continue
        narrowed[kind] = named
        if set(named) != {context.get(kind)}:  # naming the default changes nothing
            required.add(kind)
    return Grounding(narrowed, frozenset(required), frozenset(omitted))


# Known values a request names by their exact name (a deployment: "scale sc-web to 3").
# Unlike scopes there is no channel default: naming none leaves every known one possible.
NAMED_KINDS = ("deployment",)


def named_known(text: str, values: list[str]) -> list[str]:
    """The known `values` that `text` names as a word ("web", "`web`", "billing/worker")."""
    words = {w.lower() for w in mentioned_values(text)}
    words |= {_clean(part).lower() for raw in text.split() for part in _clean(raw).split("/")}
    return [v for v in values if v.lower() in words]


def ground_request(
    text: str, live: dict[str, list[str]] | None, context: dict[str, Any] | None = None
) -> Grounding:
    """Everything the module docstring describes, for one request: scopes and named
    deployments narrowed, the request's words (`mentioned`), the words that name closed
    choices, the given name."""
    scopes = ground_scopes(text, dict(live or {}), context)
    known = dict(scopes.live)
    for kind in NAMED_KINDS:
        if known.get(kind) and (named := named_known(text, known[kind])):
            known[kind] = named
    words = {MENTIONED_KIND: mentioned_values(text), CHOICE_KIND: named_choices(text)}
    return Grounding(
        {**known, **words}, scopes.required_kinds, scopes.omitted_kinds, given_name(text)
    )
