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
Numbers count as typed in digits in a word ("3-10", "--replicas=4") or as words ("ten"),
but not inside a name or a version ("api-v3", "k8s", "nginx:1.27.3"): integer arguments
such as replicas take their value from these.

A number typed with a unit (`unit_mentions`) is a value of that unit only: "80%" is a CPU
target, "4GB" a size, "30s" a timeout, "port 8080" a port, never a replica count. Each is
offered in its canonical form to the arguments the tools mark with its unit (`x-unit`):
"2 gigs" offers "2Gi" (and 2048 for arguments in MB), "half a core" "500m", "5 minutes"
300. And the user said it, so a tool's one argument of that unit must be written: a Lambda
update for "4GB memory, timeout 10 seconds" cannot drop the memory and take its timeout
from the "4". Ambiguous ones ("128m": milli or mega; "5 min and 20 max"; "500s" errors;
"a sec") are weak: offered, still bare numbers, never required. The bounds of a range
("min 3, max five", "minReplicas=1"), replica counts ("ten replicas", "x3") and how many
items to read ("last 13 events", "first 20 lambdas", "338 log lines") work the same way,
but only for tools with such arguments: to any other tool they are bare numbers ("scale
to max 5").

A log filter is typed too: a word or a phrase of two or three words ("connection
refused"). Environment variables are typed too: a map argument holds only the variables
typed with a value, `KEY=value` ("LOG_LEVEL=debug") or `KEY to value` ("set
ENDPOINT_SAMPLE to 8"), each set to exactly that value, in the order typed, and a tool with
one map must set every such variable; a variable named without a value can only be
removed. The names of variables to remove are the words written as a variable's name
(upper case or with an underscore), and kubectl's "NAME-" names one.

A size for a tool with both a request and a limit of it goes to the side the request
names ("requesting 1500m cpu", "the memory ceiling", "guaranteed", "at most", a side
word misspelled: "requets"), to the limit when it names neither ("give web 2GB of
memory"), and to at least one of the two when it names both (`resource_sides`). A
request that names one resource only ("8 gigs of ram", "CFS throttling, let it use 2")
sizes no other (`named_resources`): the "8" of "8 gigs" is no cpu limit.

A new object's name the request gives ("called cache-3", "named billing", "with the name
geo", "name must be api", "deploy x:1 as web") is written:
a tool's typed `name` argument must be that word, optional or not; a small model that
leaves an optional name out would otherwise deploy the default name. A container the
request names as one ("the envoy container", "container api in etl-runner") or by its role
("-c api", "kubectl set image deploy/web main=x:1", "the envoy sidecar", "worker inside
risk-web", "show app logs from pod web-1") is written the same way into a tool's typed
`container` argument, and a version it gives ("Redis 6.2", "ver 16-alpine", "version 7")
into a typed `version`, and a log filter it asks for ("grep panic", "lines containing
OOM") into a typed `grep`, a description it gives ('publish web as "canary build"') into a
typed `description` (free text takes nothing else, `given_description`), and a prefix it
gives as a pattern ("^report-", "img-*", "api-something") into a typed `prefix`
(`Grounding.given`). A container, and a new instance's own name where the tool may leave
it out, is no size, no "log", not the deployment acted on and no known cluster or
namespace; a word that names one of a tool's closed choices ("redis",
"postgresql") is that choice's, never another of its arguments. Flags are given the same
way: "-A", "all namespaces", "in any ns" set `all_namespaces`; a request that does not ask
for a container's previous run ("--previous", "before it crashed", "the old container")
cannot read it (`previous` is false), and one that does not ask for its new app to be
reachable ("expose it", "with a service") gets no Service (`expose` is false).

A closed choice (a Literal argument: the catalog's service, a runtime) takes a value the
request names when it names any (`named_choices`, with a few synonyms: "pg" is postgres,
and runtimes as people write them: "ruby 3.3" is ruby3.3 on Lambda, ruby33 on Cloud
Functions), and must then be written: "deploy a redis" cannot become nginx, "on Node.js
20" cannot fall back to a default runtime; "deploy a database" leaves the model to choose.
An optional choice the request names no value of is left out: a Lambda update that only
sets a variable changes no runtime.

A value typed with its keyword ("role app-role", "handler: app.main", "index.run as
handler", "--entry-point=main", `keyed_values`) is the one its argument (`x-key`) takes,
and it must be written.

A known deployment the request names by its name ("scale sc-web to 3") is the one the call
acts on: the deployment enum narrows to the named ones (`named_known`), so a model cannot
answer `web` to a request about `sc-web`. A request that names none cannot act on one
("update it to api:v2": an image's repository names none; "k scale deploy --replicas=10"):
the model has to ask which. (The deployments are the cluster's, so a name typed wrong is
none of them, and asking is right.)
One named is also written where a tool only may take it: "po for ledger" lists ledger's pods;
and a list of deployments is no answer about one ("kubectl get deploy search -o yaml").
A request that names a known deployment and speaks of no cloud function (no "lambda",
"function", "gcf", "aws", no AWS account or GCP project named) is about Kubernetes, and
one that names functions and no known deployment is about functions (`request_platform`):
no tool of the other platform can be written for it ("could birch-v2 go back to the
earlier version?" rolls back no Lambda alias, "print the raw json for lambda x" reads no
pod's logs).

Where a call acts (cluster, namespace, AWS account, GCP project) is grounded the same way
(`ground_scopes`): when the request names known ones ("us central", "in staging", "the
production AWS account"), the call must say one of them; when it names none, the call
may not say any, and the channel's default applies. A model cannot move a request to
another cluster than the one typed, nor invent a namespace nobody mentioned.

Together these rules allow every expected call of our held-out splits and hand-written
suite (tests/llm/test_grounding.py checks it) and all but 17 of the 61,434 actions of
data v2's three splits (checked 2026-12-07, evening): four typos of zero ("zeero",
"noting"); two replica counts written as a variable ("`REPLICAS=5`", "DESIRED REPLICAS ...
= 4"); six shouted or kubectl-like requests whose "IMAGE=...", "FN=..." are read as
variables to set, or whose ".IMAGE = x" is not read as the image; three typos next to
"container" read as its name ("prevoius container", "container pelase"); and two Lambda env
updates that speak of no function and name a variable like a known deployment ("WORKERS",
"API=3600"): a rule that
forbade right answers would cost accuracy no model can win back.

`ground_request` applies all of it to one request: the client sends the grammar it
allows and re-checks the answer against it (tools/request_schema.py).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, get_args

from tools.k8s.catalog import DeployServiceArgs
from tools.request_schema import (
    CHOICE_KIND,
    CHOICE_SYNONYMS,
    INSTANCE_NAMES,
    KEYED_KIND,
    MENTIONED_KIND,
    PAIRS_KIND,
    PLATFORM_KIND,
    resource_kind,
    side_kind,
    sized_key,
    unit_kind,
)
from tools.validation import KEYS, UNITS, format_cpu, format_memory

NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()
# "scale it to nothing", "no pods at all"
ZERO_WORDS = ("no", "none", "nothing")
TENS_WORDS = {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100}


# Characters that wrap a word in chat without being part of it.
_EDGE = "`'\"()[]{}<>,;!?*+\u201c\u201d\u2018\u2019"
_POSSESSIVES = ("'s", "\u2019s", "'S", "\u2019S")


def _digits_value(digits: str) -> str:
    """A run of decimal digits (any script's: regex \\d) as its number's text ("007" -> "7",
    "٤٢" -> "42"). Not through int(): Python refuses to convert more than 4,300 digits, and
    chat text may type any number of them."""
    if not digits.isascii():
        digits = "".join(str(unicodedata.decimal(digit)) for digit in digits)
    return digits.lstrip("0") or "0"


def _clean(piece: str) -> str:
    previous = None
    while piece != previous:
        previous = piece
        piece = piece.strip(_EDGE).rstrip(".:")
        for suffix in _POSSESSIVES:
            piece = piece.removesuffix(suffix)
    return piece


_WORD_NUMBERS = "|".join([*NUMBER_WORDS, *TENS_WORDS, "a quarter", "a half", "half a", "an", "a"])


def _quantity(units: str, after: str = "") -> re.Pattern[str]:
    """A number followed by one of `units`: digits with or without a space ("2gb", "2 gb"),
    a number word with one ("two gigs"; "as" is not "a s")."""
    return re.compile(
        rf"\b(?:(\d+(?:\.\d+)?)\s*|({_WORD_NUMBERS})\s+)(?:{units})\b{after}", re.IGNORECASE
    )


_MEBI = r"mi|mib|mb|megs?|megabytes?"
_GIBI = r"gi|gib|gb|g|gigs?|gigabytes?"
_MEMORY_RE = _quantity(rf"(?P<mebi>{_MEBI})|{_GIBI}")
_CPU_RE = _quantity(
    r"(?P<milli>millicores?)|(?:of an? )?(?:v?cpus?|cores?)",
    # not a CPU target: "9 cpu utilization 61%", "max 14 cpu 84%"
    after=r"(?!\s*(?:util|usage|load|target|threshold|%|\d|[=:]\s*\d))",
)
_RESOURCE_NOUN = re.compile(
    r"\s+(?:request|reservation|limit|floor|ceiling|cap|quota|target|allocation)s?\b", re.I
)
# "when you've a sec" and "allow an hour" offer a duration without requiring one.
# "128m" is millicores to Kubernetes and megabytes to many people: it offers both and is
# a weak mention (below)
_MILLI_OR_MEGA_RE = _quantity("m")
_CPU_AFTER = re.compile(r"\s*(?:of\s+)?(?:v?cpus?|cores?)\b")  # "500m cpu"
_CPU_BEFORE = re.compile(r"\b(?:cpu|cores?)\W{0,3}$")  # "cpu: 500m"
_MEMORY_AFTER = re.compile(r"\s*(?:of\s+)?(?:ram|mem|memory)\b")  # "128m of memory"
_MEMORY_BEFORE = re.compile(r"\b(?:ram|mem|memory)\W{0,3}$")  # "memory=128m"
_TENTH = re.compile(r"\ba tenth of a (?:v?cpus?|cores?)\b")
_SECONDS_RE = _quantity(r"s|secs?|seconds?")
_MINUTES_RE = _quantity(r"minutes?|mins")
_MIN_RE = _quantity("min")  # "5 min": minutes, or a minimum ("5 min and 20 max")
_HOURS_RE = _quantity(r"hours?|hrs?|h")
_PERCENT_RE = re.compile(rf"\b(?:(\d+(?:\.\d+)?)\s*|({_WORD_NUMBERS})\s+)(?:%|percent\b|pct\b)")
# The bounds of a range: "min 2", "minReplicas=1", "--max=10", "at most 8", "four minimum"
_BOUND_NUMBER = rf"(?:(\d+)(?!\.\d)|({_WORD_NUMBERS}))\b"  # not the 1 of "up to 1.5Gi"
# Before the word, "a"/"an" is an article, not one: "a max runtime", "restart a pod".
_COUNT_NUMBER = rf"(?:(\d+)|({'|'.join([*NUMBER_WORDS, *TENS_WORDS])}))\b"
_COUNTED = r"(?:replicas|pods|instances)"
_BOUND_AFTER = rf"(?:[-_ ]?{_COUNTED})?\s*(?:of\s+)?[=:]?\s*"
# The word before the number first: in "min 1 max 14", 1 is the minimum, not "1 max".
_BOUND_RES = (
    # "minimal three, maximal 10" as non-native speakers write it
    ("min", re.compile(rf"\b(?:min(?:imum|imal)?{_BOUND_AFTER}|at least\s+){_BOUND_NUMBER}", re.I)),
    (
        "max",
        re.compile(rf"\b(?:max(?:i\w*)?{_BOUND_AFTER}|at most\s+|up to\s+){_BOUND_NUMBER}", re.I),
    ),
    # "2 minimum", "5 pods minimum, 20 pods maximum"
    ("min", re.compile(rf"\b{_COUNT_NUMBER}\s*(?:{_COUNTED}\s+)?minimum\b", re.I)),
    ("max", re.compile(rf"\b{_COUNT_NUMBER}\s*(?:{_COUNTED}\s+)?max(?:imum)?\b", re.I)),
    # "never fewer than 1 pods, never more than 20", "no less than two" ("fewwer")
    ("min", re.compile(rf"\b(?:never|no|not)\s+(?:fe+w+er|less)\s+than\s+{_BOUND_NUMBER}", re.I)),
    ("max", re.compile(rf"\b(?:never|no|not)\s+more\s+than\s+{_BOUND_NUMBER}", re.I)),
    # "add pods by itself until 18", "the limit is 21" (misspelled "maximm five" above)
    ("max", re.compile(rf"\b(?:until|till)\s+{_BOUND_NUMBER}", re.I)),
    ("max", re.compile(rf"\bthe\s+limit\s+(?:is|of|=|:)\s*{_BOUND_NUMBER}", re.I)),
    # a floor of instances: "never scale below 3", "a floor of 2", "keep 1 warm", "keep
    # one instance warm", "set min instances of gcf x to 1"
    ("min", re.compile(rf"\bnever\s+(?:\w+\s+){{0,2}}below\s+{_BOUND_NUMBER}", re.I)),
    ("min", re.compile(rf"\bfloor\s+(?:of\s+)?{_BOUND_NUMBER}", re.I)),
    ("min", re.compile(rf"\b{_COUNT_NUMBER}\s+(?:warm|hot)\b", re.I)),
    (
        "min",
        re.compile(
            rf"\bkeep\s+{_COUNT_NUMBER}\s+instanc\w*\s+(?:warm|hot|always on|alive)\b", re.I
        ),
    ),
    # "set min instances of gcf nimbus-v3 to 2": digits within a name are no bound
    (
        "min",
        re.compile(
            rf"\bmin(?:imum)?[-_ ]?instanc\w*\b(?:[^\d\n]|\w\d){{0,40}}?\bto\s+{_BOUND_NUMBER}",
            re.I,
        ),
    ),
)
# A range of replicas gives both bounds: "between 2 and 5", "from two to 7", "5-twenty pods"
_RANGE_NUMBER = rf"(\d+|{'|'.join([*NUMBER_WORDS, *TENS_WORDS])})"
_RANGE_TO = r"\s*(?:-|–|/|\.\.|to|until|till|through|thru)\s*"
_RANGE_RES = (
    re.compile(rf"\bbetween\s+{_RANGE_NUMBER}\s+and\s+{_RANGE_NUMBER}\b", re.I),
    re.compile(rf"\bfrom\s+{_RANGE_NUMBER}\s*(?:to|-|up to|until|till)\s*{_RANGE_NUMBER}\b", re.I),
    re.compile(
        rf"\b{_RANGE_NUMBER}{_RANGE_TO}{_RANGE_NUMBER}\s*(?:replicas?|pods|reps|copies|instances)\b",
        re.I,
    ),
    # "bounds 5/18", "boounds: 2-9", "range 3 to 6"
    re.compile(
        rf"\b(?:b\w?ounds?|range)\s*[:=]?\s*{_RANGE_NUMBER}{_RANGE_TO}{_RANGE_NUMBER}\b", re.I
    ),
    # "needs autoscaling -n payments: five to 25": a range soon after the autoscaler
    re.compile(
        rf"\b(?:autoscal\w*|hpa)\b[^\d\n]{{0,80}}?\b{_RANGE_NUMBER}{_RANGE_TO}{_RANGE_NUMBER}\b",
        re.I,
    ),
)
# Replica counts: "3 replicas", "ten pods", "9 reps", "--replicas=14", "-r 5", "reps: 2", "x3";
# not the end of a version ("frontend:4.0.25 reps three" is three)
_REPLICAS_RES = (
    re.compile(rf"(?<![.:])\b{_COUNT_NUMBER}\s*(?:replicas?|reps|pods|copies)\b", re.I),
    re.compile(rf"\b(?:replicas?|reps)\s*[=:]?\s*{_BOUND_NUMBER}", re.I),
    # kubectl's short flag: "k create deploy web --image x -r 5"
    re.compile(rf"(?<![\w-])-r[= ]\s*{_COUNT_NUMBER}"),
    re.compile(r"(?<![\w-])x(\d+)\b|\b(\d+)x\b()", re.I),
)
# How many items to read: "last 13 events", "newest 19", "first 20 lambdas", "338 log
# lines", "--tail=50"; not a time ("last 5 minutes") and not "the last one"
_ITEM_WORDS = "|".join([*NUMBER_WORDS[2:], *TENS_WORDS])
_NOT_A_TIME = r"(?!\s*(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|weeks?)\b)"
_ITEMS_RES = (
    re.compile(
        # not "top 1.5 cpu": a decimal counts no items
        r"\b(?:last|latest|newest|most recent|recent|first|top)\s+"
        rf"(?:(\d+)(?!\.\d)|({_ITEM_WORDS}))\b" + _NOT_A_TIME,
        re.I,
    ),
    re.compile(
        # not "find the 500 lines in its logs": lines with 500 in them
        rf"(?<![.:])(?<!the )\b{_COUNT_NUMBER}\s+(?:(?:most\s+)?recent\s+|latest\s+|newest\s+)?"
        r"(?:log\s+)?(?:lines|events|entries|lambdas|"
        r"(?:lambda\s+|cloud\s+|gcp\s+|gcf\s+)?functions)\b",
        re.I,
    ),
    re.compile(r"--tail[= ](\d+)\b|\btail\s+-n\s*(\d+)\b"),
    # a recency word makes the number a count, after "the" too and past one other word
    # ("the 35 newest events", "29 msot recent events")
    re.compile(
        rf"\b{_COUNT_NUMBER}\s+(?:\w+\s+)?(?:recent|latest|newest)\s+(?:log\s+)?"
        r"(?:lines|events|entries)\b",
        re.I,
    ),
)
# "--cpu-percent=63", "cpu percent 70", and the HorizontalPodAutoscaler's own field as people
# type it ("averageUtilization 44", our model kept the default 80 for 3 requests of the
# validation split, 2026-12-07)
_PERCENT_FLAG_RE = re.compile(
    r"\b(?:(?:cpu[-_ ]?)?percent(?:age)?|average[-_ ]?util\w*)\s*[=:]?\s*(\d+)\b",
    re.IGNORECASE,
)
# An upper-case `KEY=` inside a word: an environment variable being set
_ENV_ASSIGNMENT = re.compile(r"(?<![\w-])[A-Z][A-Z0-9_]*=")
# HTTP statuses in the plural ("throwing 500s") read like durations
_STATUS_CODES = re.compile(r"[45]\d\d")
# "port 8080", "--port=4000", "container port 5432", "ports 80 and 443", "ports 4000/80"
_PORT_RE = re.compile(r"\bports?\b\s*(?:=|:|number|no\.?)?\s*(\d+)(?:\s*(?:,|/|and|&)\s*(\d+))*")
_FRACTIONS = {"a quarter": Decimal("0.25"), "a half": Decimal("0.5"), "half a": Decimal("0.5")}

# A number typed with a unit ("80%", "4GB", "30s", "port 8080") is a value of that unit only
# (tools/validation.UNITS): it fills an argument the tools mark with the same `x-unit`,
# never a count such as replicas, and the tool's one argument of that unit must be written
# (the user said it; a model that leaves it out silently applies a default). Bare numbers
# ("scale to 3", "timeout 30") fill any numeric argument. A weak mention ("128m", "5 min",
# "500s") offers its unit's value but stays a bare number too and requires nothing.


# No argument of any tool takes a number this long (memory tops out at 64Gi, 11 digits of
# bytes), and Python refuses to turn more than 4,300 digits into text: longer numerals are
# read as no amount at all (they stay words, `mentioned_values`).
_LONGEST_NUMERAL = 40


def _number(word: str) -> Decimal | None:
    if len(word) > _LONGEST_NUMERAL:
        return None
    word = word.lower()
    if word in _FRACTIONS:
        return _FRACTIONS[word]
    if word in ("a", "an"):
        return Decimal(1)
    if word in NUMBER_WORDS:
        return Decimal(NUMBER_WORDS.index(word))
    if word in TENS_WORDS:
        return Decimal(TENS_WORDS[word])
    try:
        return Decimal(word)
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class UnitMentions:
    """The numbers a request types with a unit (see `unit_mentions`)."""

    values: dict[str, frozenset[str]]
    """Canonical values per unit (tools/validation.UNITS)."""
    strong: frozenset[str]
    """Units typed unambiguously at least once: their one argument must be written."""
    spans: tuple[tuple[int, int], ...]
    """Where the unambiguous ones are: their digits are not bare numbers."""
    bare: frozenset[str] = frozenset()
    """The numbers of the ambiguous ones ("128m", "500s"), which stay bare numbers."""

    @functools.cached_property
    def _covered(self) -> bytearray:
        covered = bytearray(max((high for _, high in self.spans), default=0) + 1)
        for low, high in self.spans:
            covered[low:high] = b"\x01" * (high - low)
        return covered

    def covers(self, position: int) -> bool:
        """Whether the character at `position` is part of an unambiguous unit ("80%",
        "4GB", "port 8080"). One lookup: a request with thousands of numbers and units
        stays linear (searching every span per number took seconds at 40,000 characters)."""
        return 0 <= position < len(self._covered) and bool(self._covered[position])


# Cached: grounding one request reads its units several times (its words, the version it
# gives, the units themselves); the result is never changed by its readers.
@functools.lru_cache(maxsize=256)
def unit_mentions(text: str) -> UnitMentions:
    """Sizes, CPU amounts, durations, percentages and ports typed in `text`, each in the
    canonical form its arguments take: "2 gigs" -> "2Gi" and 2048 (MB), "half a core" ->
    "500m", "5 minutes" -> 300 (seconds), "80%" -> 80, "--port=4000" -> 4000."""
    values: dict[str, set[str]] = {unit: set() for unit in UNITS}
    strong: set[str] = set()
    spans: list[tuple[int, int]] = []
    bare: set[str] = set()
    # An environment variable's name ("PORT=8080", "MAX=250") is not the app's port or bound.
    env_keys = [m.span() for m in _ENV_ASSIGNMENT.finditer(text)]

    def add(unit: str, value: str | None, found: re.Match[str], weak: bool = False) -> None:
        if value is None or any(start <= found.start() < end for start, end in env_keys):
            return
        values[unit].add(value)
        if not weak:
            strong.add(unit)
            spans.append(found.span())
        elif found.group(1) and found.group(1).isdigit():
            bare.add(_digits_value(found.group(1)))

    def amount_of(found: re.Match[str]) -> Decimal | None:
        amount = _number(found.group(1) or found.group(2))
        return amount if amount is not None and amount > 0 else None

    def memory(mebibytes: Decimal) -> list[str]:
        if mebibytes != mebibytes.to_integral_value():
            return []
        return [format_memory(mebibytes * 2**20), str(int(mebibytes))]

    def cpu(millis: Decimal) -> str | None:
        return format_cpu(millis / 1000) if millis == millis.to_integral_value() else None

    def whole(amount: Decimal) -> str | None:
        return str(int(amount)) if amount == amount.to_integral_value() else None

    for found in _MEMORY_RE.finditer(text):
        if (amount := amount_of(found)) is not None:
            for value in memory(amount * (1 if found.group("mebi") else 1024)):
                add("memory", value, found)
    tenths = [found.span() for found in _TENTH.finditer(text.lower())]
    for found in _CPU_RE.finditer(text):
        if any(start <= found.start() < end for start, end in tenths):
            continue  # the "a core" of "a tenth of a core" is no core
        article = (found.group(2) or "").lower() in ("a", "an")
        if article and _RESOURCE_NOUN.match(text, found.end()):
            continue  # "a cpu reservation of 2" is the article of the reservation
        if (amount := amount_of(found)) is not None:
            add("cpu", cpu(amount if found.group("milli") else amount * 1000), found)
    for found in _MILLI_OR_MEGA_RE.finditer(text):
        if (amount := amount_of(found)) is None:
            continue
        before, after = text[: found.start()].lower(), text[found.end() :].lower()
        # the word after it decides ("128m of ram"), else the word before ("cpu: 500m")
        said_cpu, said_memory = bool(_CPU_AFTER.match(after)), bool(_MEMORY_AFTER.match(after))
        if not (said_cpu or said_memory):
            said_cpu, said_memory = (
                bool(_CPU_BEFORE.search(before)),
                bool(_MEMORY_BEFORE.search(before)),
            )
        if not said_memory:
            add("cpu", cpu(amount), found, weak=not said_cpu)
        if not said_cpu:
            for value in memory(amount):
                add("memory", value, found, weak=not said_memory)
    for found in _TENTH.finditer(text.lower()):
        add("cpu", "100m", found)
    for pattern, seconds in ((_SECONDS_RE, 1), (_MINUTES_RE, 60), (_HOURS_RE, 3600)):
        for found in pattern.finditer(text):
            if (amount := amount_of(found)) is not None:
                # "500s" may be HTTP errors; "485 seconds" is a duration
                status = _STATUS_CODES.fullmatch(found.group(1) or "") and re.search(
                    r"\ds$", found.group(0), re.IGNORECASE
                )
                idiom = (found.group(2) or "").lower() in ("a", "an")  # "when you've a sec"
                weak = idiom or (pattern is _SECONDS_RE and status is not None)
                add("seconds", whole(amount * seconds), found, weak=weak)
    for found in _MIN_RE.finditer(text):
        if (amount := amount_of(found)) is not None:
            add("seconds", whole(amount * 60), found, weak=True)
    bounded: set[int] = set()  # where the numbers that are already a bound start
    for pattern in _RANGE_RES:  # before single bounds and counts: "5-twenty pods" is a range
        for found in pattern.finditer(text):
            low, high = _number(found.group(1)), _number(found.group(2))
            if low is None or high is None or {found.start(1), found.start(2)} & bounded:
                continue
            bounded |= {found.start(1), found.start(2)}
            add("min", whole(min(low, high)), found)
            add("max", whole(max(low, high)), found)
    for unit, pattern in _BOUND_RES:
        for found in pattern.finditer(text):
            group = next(i for i, g in enumerate(found.groups(), 1) if g)
            amount = _number(found.group(group))
            if amount is not None and found.start(group) not in bounded:
                bounded.add(found.start(group))
                add(unit, whole(amount), found)
    for pattern in _REPLICAS_RES:
        for found in pattern.finditer(text):
            group = next(i for i, g in enumerate(found.groups(), 1) if g)
            amount = _number(found.group(group))
            if amount is not None and found.start(group) not in bounded:
                bounded.add(found.start(group))
                add("replicas", whole(amount), found)
    for pattern in _ITEMS_RES:
        for found in pattern.finditer(text):
            group = next(i for i, g in enumerate(found.groups(), 1) if g)
            amount = _number(found.group(group).lower())
            if amount and found.start(group) not in bounded:
                bounded.add(found.start(group))
                add("items", whole(amount), found)
    for found in _PERCENT_RE.finditer(text.lower()):
        if (amount := amount_of(found)) is not None:
            add("percent", whole(amount), found)
    for found in _PERCENT_FLAG_RE.finditer(text):
        add("percent", _digits_value(found.group(1)), found)
    for found in _PORT_RE.finditer(text.lower()):
        if any(start <= found.start() < end for start, end in env_keys):
            continue
        for port in re.findall(r"\d+", text[found.start(1) : found.end()]):
            values["port"].add(_digits_value(port))
        strong.add("port")
        spans.append((found.start(1), found.end()))
    found_values = {u: frozenset(v) for u, v in values.items() if v}
    return UnitMentions(found_values, frozenset(strong), tuple(spans), frozenset(bare))


# Words of the request itself, never a value it gives: "create namespace sc-team" names
# sc-team, not "namespace" (a small model copies the wrong word otherwise).
COMMAND_WORDS = frozenset(
    "a an the to in on at of for from with and or is it its this that my our your me us "
    "pls please plz can could would you we i new by as like "
    "create delete deploy scale restart rollback roll set get list show describe update "
    "namespace namespaces ns deployment deployments pod pods node nodes service services "
    "function functions lambda lambdas cluster replicas image memory cpu logs events "
    "kubectl k drain cordon uncordon cloud gcf gcp aws s3 ram alias aliases runtime func "
    # "one postgres, version 16" names no instance "version" (4 requests of the test split,
    # 2026-12-07 19:47); no value of data v2 is one of these
    "version versions ver "
    # how people ask to read logs ("comb the web-1 log for panic", "did it print OOM",
    # "look through its logs"): our model wrote these as a container 7 times on the
    # validation split (2026-12-07); no expected call of data v2 has one as a value ("log"
    # stays a value: the variable LOG)
    "print printed printing look looking through comb scan grep".split()
    # English that names nothing: pronouns, determiners, prepositions, conjunctions,
    # auxiliaries, the verbs and fillers of asking. Without them "make me a namespace"
    # created namespace "make", "quick one: new ns pls?" namespace "one", and "drain one
    # of the nodes" could drain node "one" (the release of 2026-12-07 09:14); a request
    # that types no name has to be asked about instead
    + """he him his she her they them their there here these those what which who whom
    whose whatever some any all each every both either neither none another other others
    such about above across after against along among around before behind below beneath
    beside between beyond during except inside into near off onto out outside over past
    since than till toward towards under until up upon via within without down but nor so
    yet if because while although though unless whether then also just only very too
    still already again now when where why how once ever never always am are was were be
    been being do does did done doing have has had having will shall should may might must
    make makes made keep keeps check checks find need needs want wants let lets help
    try give take put bring see tell hey hi hello yo thanks thx ty cheers quick asap ok
    okay anywhere somewhere everywhere cc""".split()
    + list(NUMBER_WORDS)
)


# "4x" is four, but "5xqrns92ln" (a pod's hash) is no number
_BARE_DIGITS = re.compile(
    r"(?<![A-WYZa-wyz\d])(?<!\d\.)\d+(?!\.\d|\d|[A-WYZa-wyz]|[Xx][A-Za-z0-9])"
)
# The digits that end a name: "web-3", "search-3", "flux-polar-2" (a StatefulSet's pods, a
# numbered app); our model took the 3 of "kubectl logs web-3" as the lines to read. Not
# after a word that joins numbers: "two-to-10", "min-2", "max-5".
_NAME_SUFFIX = re.compile(r"(?<![A-Za-z])([A-Za-z]+)-$")
_JOINS_NUMBERS = frozenset(
    [*NUMBER_WORDS, *TENS_WORDS, "to", "min", "max", "until", "till", "through", "and", "or", "x"]
)


# "one" that counts nothing: "quick one:", "this one", "the last one" (our model read the
# "quick one" of "quick one: in the payments log there is connection refused?" as 1 line
# of log, the validation split of 2026-12-07)
_ONE_AS_A_WORD = re.compile(
    r"\b(?:quick|this|that|the|which|no|any|some|other|another|last|next|first|new|old)\W*$",
    re.IGNORECASE,
)
# nor "one small thing:", "one more thing" (a deploy_app got port 1, the validation split of
# 2026-12-07; no request of data v2 counts things)
_ONE_THING = re.compile(r"\s+(?:(?:small|quick|more|last|little)\s+)?things?\b", re.IGNORECASE)


def mentioned_values(text: str) -> list[str]:
    """Candidate values typed in `text`, unique, in the order typed (a map's keys are
    offered in this order: "A=1 B=2" is written A first): its words, and the numbers it
    types without a unit (see the module docstring; `unit_mentions` has the others)."""
    typed_units = unit_mentions(text)

    def plain(start: int) -> bool:  # not part of "80%", "4GB", "30s", "port 8080"
        return not typed_units.covers(start)

    found: dict[str, None] = {}  # ordered set

    def keep(*values: str) -> None:
        found.update(dict.fromkeys(values))

    for typed in re.finditer(r"\S+", text):
        raw, offset = typed.group(), typed.start()
        word = _clean(raw)
        # app=img, redis:7.2, and kubectl's "NAME-" (remove the variable NAME)
        pieces = [word, *word.split("="), *word.split(":"), word.removesuffix("-")]
        pieces += [p.split("/", 1)[1] for p in pieces if "/" in p]
        for piece in map(_clean, pieces):
            # bare numbers come from the digits below, where their place is known
            if piece and piece.lower() not in COMMAND_WORDS and not piece.isdigit():
                keep(piece, piece.lower())
        # digits anywhere in a word ("3-10", "--replicas=4", "4x") but not inside a name or
        # a hash ("v3", "k8s", "sha-9ec6957"), a dotted version ("nginx:1.27.3") or a path
        # ("gcr.io/acme/api:build-2258", "…ecr.us-east-1.amazonaws.com/api": no port 1)
        in_path = "/" in raw and re.search(r"[A-Za-z]", raw)
        for digits in () if in_path else _BARE_DIGITS.finditer(raw):
            tag = re.match(r"-([A-Za-z]+)", raw[digits.end() :])  # "7-alpine", not "5-twenty"
            if tag and tag.group(1).lower() not in (*NUMBER_WORDS, *TENS_WORDS, "to"):
                continue
            named = _NAME_SUFFIX.search(raw[: digits.start()])
            if named and named.group(1).lower() not in _JOINS_NUMBERS:
                continue
            if plain(offset + digits.start()):
                keep(_digits_value(digits.group()))
        if version := re.fullmatch(r"[vV](\d+)", word):  # "v47": a version, unlike "api-v3"
            keep(_digits_value(version.group(1)))
        for run in re.finditer(r"[a-z]+", raw.lower()):  # "one..five", "two-to-ten"
            if not plain(offset + run.start()):
                continue
            letters = run.group()
            if letters.startswith("x") and letters[1:] in NUMBER_WORDS:  # "xfour": 4 pods
                letters = letters[1:]
            if letters == "one" and (
                _ONE_AS_A_WORD.search(text[: offset + run.start()])
                or _ONE_THING.match(text, offset + run.end())
            ):
                continue
            if letters in NUMBER_WORDS:
                keep(str(NUMBER_WORDS.index(letters)))
            elif letters in TENS_WORDS:
                keep(str(TENS_WORDS[letters]))
            elif letters in ZERO_WORDS:
                keep("0")
    keep(*sorted(typed_units.bare))
    # phrases of two and three words, for free text such as a log filter ("connection
    # refused", "out of memory"); fields with a name's pattern never take them
    plain_words = [w for w in map(_clean, text.split()) if w]
    for word in plain_words:  # "any errors in the logs?" filters on "error"
        single = word.lower()[:-1]  # not a command word: "the nodes" names no node
        if len(word) > 4 and word.isalpha() and word.lower().endswith("s"):
            if single not in COMMAND_WORDS:
                keep(single)
    for size in (2, 3):
        for start in range(len(plain_words) - size + 1):
            phrase = " ".join(plain_words[start : start + size])
            keep(phrase, phrase.lower())
    return list(found)


# How each keyword of tools/validation.KEYS is typed: "role x", "IAM role: x", "--role=x"
_KEYWORDS = {
    "role": r"(?:iam |execution )?role",
    "handler": r"handler",
    # Cloud Functions' entry point: people say "handler" and "entry" for it too
    "entry_point": r"(?:entry(?:[-_ ]?point)?|handler)",
}
# A keyword is a word of its own: not the "handler" of "src/index.handler"
_KEYWORD_START, _KEYWORD_END = r"(?<![\w./-])", r"(?![\w/-]|\.\w)"
_KEYED_AFTER = {
    key: re.compile(
        rf"{_KEYWORD_START}(?:--)?{word}{_KEYWORD_END}[\"'`]?\s?[:=]?\s?(?:is |to )?(\S+)",
        re.IGNORECASE,
    )
    for key, word in _KEYWORDS.items()
}
_KEYED_BEFORE = {
    key: re.compile(rf"(?<!\S)(\S+) as (?:the |its )?{word}{_KEYWORD_END}", re.IGNORECASE)
    for key, word in _KEYWORDS.items()
}


_NOT_KEYED = frozenset("does do did should will was has have of for setting arn name".split())


def keyed_values(text: str) -> list[str]:
    """The values `text` types with a keyword, as `key=value`: "handler app.main, role
    app-role" gives handler=app.main and role=app-role, "index.run as handler"
    handler=index.run. Command words are no values ("what role does it use")."""
    found: dict[str, None] = {}
    for key in KEYS:
        for pattern in (_KEYED_AFTER[key], _KEYED_BEFORE[key]):
            for match in pattern.finditer(text):
                value = _clean(match.group(1))
                if value and value.lower() not in COMMAND_WORDS | _NOT_KEYED:
                    found[f"{key}={value}"] = None
    return list(found)


# A variable's name: upper case or joined by underscores, as tools/request_schema's
# _variable_like reads one, and one letter too ("A=1" is typed with its value)
_ENV_KEY = re.compile(r"[A-Z][A-Z0-9_]*|[A-Za-z]\w*_\w*")


# "set LOG_LEVEL to debug", "change ENABLE to mail", "LOG_LEVEL should be trace": an
# upper-case name, "to" (lower case: a shouted "SCALE WEB TO 3" sets nothing), one word;
# not "increase its RAM to 8GB", nor "rather than setting CACHE_TTL to empty" (that
# removes it)
_KEY_TO_VALUE = re.compile(
    r"(?<![\w-])([A-Z][A-Z0-9_]*[A-Z0-9])\s+(?:to|=|(?:should|must) be)\s+(\S+)"
)
_NOT_A_VARIABLE = frozenset("RAM CPU CPUS MEM MEMORY DISK GPU HPA".split())
_NO_VALUE = frozenset("empty nothing blank none null unset".split())


def typed_pairs(text: str) -> list[str]:
    """The environment variables `text` sets as `KEY=value` ("LOG_LEVEL=debug",
    "--env=PORT=8080", "http_proxy=http://proxy:3128") or `KEY to value` ("set
    ENDPOINT_SAMPLE to 8", "LOG_LEVEL should be trace"), in the order typed: a key written
    as a variable's name (`_ENV_KEY`; upper case for `KEY to value`), the rest of the word
    (the next word) as its value. The call must set each to exactly that value, and a map
    holds no other variable."""
    pairs: dict[str, int] = {}  # pair -> where it is typed
    for typed in re.finditer(r"\S+", text):
        parts = _clean(typed.group()).split("=")
        for index, key in enumerate(parts[:-1]):
            if not _ENV_KEY.fullmatch(key):  # before the join: "a=a=a=..." stays linear
                continue
            if value := _clean("=".join(parts[index + 1 :])):
                pairs.setdefault(f"{key}={value}", typed.start())
                break
    for found in _KEY_TO_VALUE.finditer(text):
        key, value = found.group(1), _clean(found.group(2))
        if key not in _NOT_A_VARIABLE and value and value.lower() not in _NO_VALUE:
            pairs.setdefault(f"{key}={value}", found.start(1))
    return sorted(pairs, key=pairs.__getitem__)


# A runtime as people write it: "ruby 3.3", "Node.js 20", "py3.12", "go 1.22", ".NET 8"
_RUNTIME = re.compile(
    r"(?<![\w.])(python|py|node(?:\.?js)?|java|ruby|go|php|\.net|dotnet)\s?(\d+(?:\.\d+)?)(?:\.x)?\b",
    re.IGNORECASE,
)
_RUNTIME_LANGUAGES = {"py": "python", "node": "nodejs", "node.js": "nodejs", ".net": "dotnet"}


def runtime_spellings(text: str) -> list[str]:
    """The ids a runtime typed in `text` may have: "ruby 3.3" is ruby3.3 on Lambda and
    ruby33 on Cloud Functions, "Node.js 20" nodejs20.x and nodejs20."""
    found = []
    for match in _RUNTIME.finditer(text):
        language = match.group(1).lower()
        runtime = _RUNTIME_LANGUAGES.get(language, language) + match.group(2)
        found += [runtime, runtime.replace(".", ""), f"{runtime}.x"]
    if re.search(r"\bcustom runtime\b", text, re.IGNORECASE):
        found.append("provided.al2023")
    return found


def named_choices(text: str) -> list[str]:
    """Lower-cased words of `text` that may name a closed choice, synonyms as the value."""
    words = {w.lower() for w in mentioned_values(text)} | set(runtime_spellings(text))
    return sorted(words | {CHOICE_SYNONYMS[w] for w in words if w in CHOICE_SYNONYMS})


# Words for cloud functions, typos one edit away included ("lamda", "fucntion"), and for
# the clouds they run in.
FUNCTION_WORDS = frozenset(
    "lambda lambdas function functions func funcs fn fns gcf gcfs serverless faas λ".split()
)
_CLOUD_WORDS = re.compile(r"\b(?:aws|gcp|gcloud|google\s+cloud|cloud\s+run)\b", re.IGNORECASE)


def names_functions(text: str, required_kinds: Collection[str] = ()) -> bool:
    """Whether `text` calls what it acts on a function: a word for functions, or an AWS
    account or GCP project named (`required_kinds` of ground_scopes)."""
    words = {w.lower() for w in re.findall(r"[\wλ]+", text)}
    typed = words & FUNCTION_WORDS or {
        w for w in words for f in FUNCTION_WORDS if len(f) >= 6 and one_edit(w, f)
    }
    return bool(typed) or bool(set(ACCOUNT_KINDS) & set(required_kinds))


def speaks_of_functions(text: str, required_kinds: Collection[str] = ()) -> bool:
    """Whether `text` speaks of cloud functions at all: it names them (`names_functions`)
    or the clouds they run in ("aws", "gcp")."""
    return names_functions(text, required_kinds) or bool(_CLOUD_WORDS.search(text))


def request_platform(
    text: str, named_deployment: bool, required_kinds: Collection[str] = ()
) -> str | None:
    """The platform `text` is about, when it says: "kubernetes" when it names a known
    deployment (`named_deployment`) and speaks of no function, "functions" when it names
    functions and no known deployment; None otherwise. Of data v2's 61,434 expected actions
    (train, valid, test) two act on the other platform: Lambda env updates whose variable
    is named like a known deployment ("WORKERS", "API=3600"). But our
    shortlist offered lambda_rollback_alias for "could birch-v2 go back to the earlier
    version?" and get_pod_logs for "print the raw json for lambda nightly-report", and our
    model wrote them (21 test requests of the release of 2026-12-07 17:41)."""
    if named_deployment:
        return None if speaks_of_functions(text, required_kinds) else "kubernetes"
    return "functions" if names_functions(text, required_kinds) else None


# Live kinds that say where a call acts; the channel context has a default for the first two.
SCOPE_KINDS = ("cluster", "namespace", "aws_account", "gcp_project")
# The scopes no other argument is ever named like: "prod-aws" is an account, never a function.
ACCOUNT_KINDS = ("aws_account", "gcp_project")
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
_NOT_A_SCOPE = re.compile(r"(?<!\S)\S*://\S*|(?<!\S)\S*=\S*|(?<![\w./-])[\w./-]+:[\w.-]*\w")
# ...except kubectl's own scope flags written with "=" ("--namespace=backend",
# "--context=us-central"): they name a scope, so the "=" becomes a space first.
_SCOPE_FLAG = re.compile(r"(?<!\S)(--?(?:namespace|ns|n|context|cluster))=", re.IGNORECASE)


# "called cache-3", "named `billing`", "name it web-2"; not "an alias called canary", which
# names the alias (lambda_move_alias.alias), while `name` is the function it points into
_GIVEN_NAME = re.compile(
    r"\b(?<!alias )(?<!container )(?:called|named|name it|naming it|with the name|"
    r"(?:his|its|the) name (?:must|should|will) be|name must be|(?:his|its) name(?: is)?)"
    r"\s+(\S+)",
    re.IGNORECASE,
)
# "container api", "containers named sidecar"; "the `envoy` container", but not "web's
# container" (its pod's) nor "on eu-west, container x" (x is); typos of "container" too
_CONTAINER_WORD = r"(?:container|contianer|conatiner|cnotainer|containre|containr|conainer)"
_CONTAINER_AFTER = re.compile(
    rf"\b{_CONTAINER_WORD}s?\s+(?:named\s+|called\s+)?(\S+)", re.IGNORECASE
)
_CONTAINER_BEFORE = re.compile(
    rf"(?<!\S)(\S+)(?<![,;:.])(?<!'s)(?<!\u2019s)\s+{_CONTAINER_WORD}\b", re.IGNORECASE
)
# A container by its role without the word: kubectl's "-c api", "--containers=envoy", "set
# image deploy/web main=x:1"; "the envoy sidecar", "worker inside risk-web", "show app logs
# from pod web-1", "what's `iris` saying in web-1", "the ruby image in aurora-web", "img for
# cobalt in web", "payments/ocr cpu limit 1", "analytics/api -> x:1".
_CONTAINER_ROLES = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"(?<![\w-])(?:-c|--containers?)(?:=|\s+)(\S+)",
        r"\bset\s+imagg?e\s+(?:deploy(?:ment)?s?\s+)?\S+\s+(\S+?)=",
        r"(?<!\S)(\S+)(?<![,;:.])(?<!'s)(?<!\u2019s)\s+sidecar\b(?!=)",
        r"(?<!\S)(\S+)\s+inside\s+(?!(?:the|a|an|it|its|of)\b)\S",
        r"(?<!\S)(\S+)\s+logs?\s+(?:from|of|in)\s+(?:the\s+)?pod\b",
        r"\bwhat(?:'s|\u2019s|\s+is)\s+(\S+)\s+saying\s+in\b",
        r"\bthe\s+(\S+)\s+image\s+in\b",
        r"\b(?:img|image)\s+for\s+(\S+)\s+in\b",
        r"(?<![\w/.:-])[a-z][\w-]*/`?([a-z][\w-]*)`?\s*(?:(?:cpu|memory|mem)\b|->|:?=)",
    )
)
# a container's name is a DNS label (tools/validation.DnsLabel)
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?", re.IGNORECASE)
# A catalog service's version ("Redis 6.2", "nginx on 1.25", "redis cache 14", "postgres
# 7-alpine") or any version by its keyword ("ver 16-alpine", "version 7"); not a size
# ("redis 2GB"): unit_mentions has those
_CATALOG_SERVICE = r"(?:redis|postgres(?:ql)?|pg|psql|nginx)"
_VERSION = r"(\d[\w.-]*|stable|latest|alpine|\w+-alpine)"
_VERSION_RES = (
    re.compile(
        rf"\b{_CATALOG_SERVICE}(?:\s+(?:cache|database|db|server|instance))?\s+"
        rf"(?:on\s+|version\s+|ver\s+|v)?{_VERSION}",
        re.IGNORECASE,
    ),
    re.compile(rf"\b(?:ver|version)\s*[:=]?\s*{_VERSION}", re.IGNORECASE),
)
# Words before or after "container" that say which one without naming it
_NOT_A_CONTAINER = COMMAND_WORDS | frozenset(
    "old previous current dead crashed crashing last prior earlier restarted failed failing "
    "broken each every which that one only oly onyl alone same whole single default other "
    "init container containers capped needs need is has gets got should keeps uses "
    "output log patched updated fixed named called".split()
)


# Which side of a resource a request means: "requesting 2 cores", "reserve 1Gi", "a cpu
# floor", "what it asks for", "asking for 2 cpus"; "limit memory to 1Gi", "capped at", "the
# memory ceiling", "never exceed 2gb", "reserved 1 vCPU, top 1.5 cpu".
# Both named ("not the memory cap, the reservation") say nothing.
_RESOURCE_SIDE_RES = {
    "request": re.compile(
        r"\b(?:requests?|requested|requesting|reqs?|reserv(?:e|ed|ing|ation)|floor|guarantee[ds]?"
        r"|minimum|at least|up front)\b|\bask(?:s|ed|ing)? (?:\S+ ){0,2}for\b",
        re.IGNORECASE,
    ),
    "limit": re.compile(
        r"\b(?:limits?|limited|lims?|cap|capped|ceiling|max|maximum|at most|up to|burst\w*"
        r"|allowances?|exceed\w*|top)\b",
        re.IGNORECASE,
    ),
}
# The side words people misspell ("requets", "resevre", "limiit", "lmit", "buurst"): a word
# one edit (or one swap of neighbours) from one of these names its side too
_SIDE_WORDS = {
    "request": (
        *("request", "requests", "requested", "requesting", "reserve", "reserving"),
        "reservation",
        *("guaranteed", "minimum"),
    ),
    "limit": ("limit", "limits", "ceiling", "maximum", "allowance", "burst"),
}


def one_edit(word: str, target: str) -> bool:
    """`word` is `target` with one letter added, dropped, changed, or two neighbours
    swapped (and is not `target` itself)."""
    if word == target or abs(len(word) - len(target)) > 1:
        return False
    if len(word) == len(target):
        diff = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
        swapped = len(diff) == 2 and diff[1] == diff[0] + 1
        return len(diff) == 1 or (
            swapped and word[diff[0]] == target[diff[1]] and word[diff[1]] == target[diff[0]]
        )
    short, long = sorted((word, target), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


# Which resource a request names: "cpu", "4 cores", "CFS throttling"; "memory", "ram",
# "OOMKilled", "2 gigs". In data v2 no expected call of any split writes a cpu size for a
# request that names memory only, nor a memory size for one that names cpu only.
_RESOURCE_RES = {
    "cpu": re.compile(
        r"\b(?:v?cpus?|cores?|millicores?|millicpus?|cfs|throttl\w*)\b", re.IGNORECASE
    ),
    "memory": re.compile(r"\b(?:memory|mem|ram|oom\w*)\b", re.IGNORECASE),
}


def named_resources(text: str, typed_units: Collection[str]) -> list[str]:
    """The resources (tools/request_schema.RESOURCES) `text` names by word or by a number
    typed in their unit (`typed_units`: the units unit_mentions reads unambiguously)."""
    return [
        unit
        for unit, pattern in _RESOURCE_RES.items()
        if unit in typed_units or pattern.search(text)
    ]


def resource_sides(text: str) -> list[str]:
    """The sides of a resource (tools/request_schema.RESOURCE_SIDES) `text` names, by word
    or by a word one typo from one (`_SIDE_WORDS`)."""
    words = [w.lower() for w in re.findall(r"[A-Za-z]{4,}", text)]  # "lmit", "burt"
    return [
        side
        for side, pattern in _RESOURCE_SIDE_RES.items()
        if pattern.search(text)
        or any(one_edit(w, target) for w in words for target in _SIDE_WORDS[side])
    ]


def _side_marks(window: str) -> list[tuple[int, str]]:
    """(position, side) of each side word in `window` (`_RESOURCE_SIDE_RES`, or a word one
    typo from one of `_SIDE_WORDS`), in order."""
    marks = [
        (found.start(), side)
        for side, pattern in _RESOURCE_SIDE_RES.items()
        for found in pattern.finditer(window)
    ]
    for found in re.finditer(r"[A-Za-z]{4,}", window):
        word = found.group(0).lower()
        marks += [
            (found.start(), side)
            for side, targets in _SIDE_WORDS.items()
            if any(one_edit(word, target) for target in targets)
        ]
    return sorted(marks)


# What may stand between a size and the side word after it: "0.25 cpu request", "3GB of
# memory limit"; a comma ends it ("100 millicores, top 0.75 cpu": "top" is the next one's).
_SIZE_TAIL = re.compile(
    r"\s*(?:(?:of\s+)?(?:v?cpus?|cores?|millicores?|memory|mem|ram)\b\s*)*(?:\S+\s+){0,1}?"
)


def sized_sides(text: str) -> dict[str, frozenset[str]]:
    """{side: the sizes `text` types for that side}, read where a request names both
    sides: a size takes the side word right after it ("3GB request, 8gb limit", "750m
    guaranteed and 2 cores at most"), else the nearest one before it since the last size
    ("cpu minimum 1000m and maximum 2000m", "request memory 1.5G, limit 2G"). Values are
    canonical (`unit_mentions` of the text around each size) and as typed. Our model wrote
    both sizes of such requests to one side or left one out (15 requests of the test
    split, the release of 2026-12-07 19:47)."""
    found_spans = {
        found.span()
        for pattern in (_MEMORY_RE, _CPU_RE, _MILLI_OR_MEGA_RE)
        for found in pattern.finditer(text)
    } | {found.span() for found in _TENTH.finditer(text.lower())}
    # a size inside a longer one ("750m" of "750m cpu" read twice) is the longer one's
    spans: list[tuple[int, int]] = []
    for start, end in sorted(found_spans, key=lambda span: (span[0], -span[1])):
        if not spans or end > spans[-1][1]:
            spans.append((start, end))
    paired: dict[str, list[tuple[str, set[str]]]] = {"cpu": [], "memory": []}
    for index, (start, end) in enumerate(spans):
        previous_end = spans[index - 1][1] if index else 0
        next_start = spans[index + 1][0] if index + 1 < len(spans) else len(text)
        after = re.split(r"[,;.!?]", text[end:next_start], maxsplit=1)[0]
        tail = _SIZE_TAIL.match(after)
        after_marks = _side_marks(after[: (tail.end() if tail else 0) + 12])
        before_marks = _side_marks(text[previous_end:start])
        if after_marks and after_marks[0][0] <= (tail.end() if tail else 0):
            side = after_marks[0][1]
        elif before_marks:
            side = before_marks[-1][1]
        else:
            continue
        # the size's values as unit_mentions reads it, with the words that decide a bare
        # "500m" ("cpu: 500m", "500m of ram") and no other size: a bounded window, so a
        # long message costs linear time; uncached, so the request's own entry stays
        window = text[max(previous_end, start - 12) : min(end + 16, next_start)]
        own = unit_mentions.__wrapped__(window).values
        typed = {w for w in re.findall(r"[\w.]+", text[start:end]) if w[0].isdigit()}
        for unit in ("cpu", "memory"):
            if added := set(own.get(unit, ())):
                # and as typed: "1G" is no 1Gi once parsed, but the same size to its reader
                paired[unit].append((side, added | typed | {w.lower() for w in typed}))
    # only a clear pairing counts: per resource, one size read for each side
    sides: dict[str, set[str]] = {side: set() for side in _RESOURCE_SIDE_RES}
    for pairs in paired.values():
        if sorted(side for side, _ in pairs) == sorted(_RESOURCE_SIDE_RES):
            for side, values in pairs:
                sides[side] |= values
    return {side: frozenset(values) for side, values in sides.items() if values}


# "deploy nginx:1.27 as sc-echo", "get cart:v9 up as tracker"; not "which service account
# does it run as (qa)", "wire up A=1 as environment variables"
_GIVEN_AS = re.compile(
    r"\b(?:deploy|deployed|up|launch|run|running|start|create|ship)\b[^,;]{0,80}?\bas\s+(\S+)",
    re.IGNORECASE,
)
_NOT_GIVEN_AS = COMMAND_WORDS | frozenset(
    "soon well usual before always needed is possible planned normal fast quick root "
    "handler role entry environment env variables variable secret secrets over".split()
)


def given_name(text: str) -> str | None:
    """The name `text` gives a new object ("a redis called cache-3", "deploy x:1 as web"),
    if it gives one."""
    if found := _GIVEN_NAME.search(text):
        name = _clean(found.group(1))
        return name if name and name.lower() not in COMMAND_WORDS else None  # "called by web"
    named_as = {
        _clean(found.group(1))
        for found in _GIVEN_AS.finditer(text)
        if not found.group(1).startswith("(")
    }
    named_as = {name for name in named_as if name and name.lower() not in _NOT_GIVEN_AS}
    return named_as.pop() if len(named_as) == 1 else None


# How our requests name a new instance of a catalog service besides "called x" and "as x"
# (`given_name`): "admin-portal = Redis 7.4", "create fern-worker: redis cache", "+Redis
# cache 16-alpine (blog)", "new nginx -> `tango-delta-job`", "a dedicated Redis instance,
# billing", "instance name api-gateway", "a `chat` Postgres box", "call it user-service",
# "provision Redis cache version 1.25-alpine as api-gateway"; and the naming words
# misspelled ("naemd", "claled", "nme", "namme it"). These only allow a word: the grammar
# still keeps the sizes and scopes out ("(us-central/sandbox)").
# the catalog's services and the words people use for them ("pg", "postgresql")
_SERVICE_WORD = "(?:{})".format(
    "|".join(
        sorted(
            {*get_args(DeployServiceArgs.model_fields["service"].annotation), *CHOICE_SYNONYMS},
            key=len,
            reverse=True,
        )
    )
)
_SERVICE_NOUNS = r"(?:\s+(?:cache|database|db|server|instance|box))*"
_QUOTED_NAME = r"[`'\"]*([\w-]+)"
_INSTANCE_NAMES = (
    re.compile(rf"(?:^|[\s:]){_QUOTED_NAME}[`'\"]*\s*=\s*{_SERVICE_WORD}\b", re.I),
    re.compile(rf"\bcreate\s+{_QUOTED_NAME}[`'\"]*\s*:\s*{_SERVICE_WORD}\b", re.I),
    re.compile(
        rf"\b{_SERVICE_WORD}{_SERVICE_NOUNS}[^()\n>]{{0,40}}?(?:\(\s*|->\s*){_QUOTED_NAME}", re.I
    ),
    re.compile(rf"\binstance(?:,|\s+n\w{{1,3}}e)\s+{_QUOTED_NAME}", re.I),
    re.compile(rf"\ban?\s+`+([\w-]+)`+\s+{_SERVICE_WORD}\b", re.I),
    re.compile(rf"\bcall\s+it\s+{_QUOTED_NAME}", re.I),
    re.compile(rf"\bna?m+e(?:\s+it)?\s+{_QUOTED_NAME}", re.I),  # "name x", "nme x", "namme it x"
    re.compile(rf"\b{_SERVICE_WORD}\b[^,;]{{0,60}}?\bas\s+{_QUOTED_NAME}", re.I),
)
_NAMING_WORDS = ("called", "named")
_NOT_AN_INSTANCE = COMMAND_WORDS | frozenset("cache database db server instance box".split())


def given_instance_names(text: str) -> str | None:
    """The words `text` may name a new service instance with (`_INSTANCE_NAMES`, and a
    name it gives, `given_name`), separated by spaces (a name has none); None when it
    names none. deploy_service's own name, which it may leave out (the instance is then
    named after its service), takes only one of these (tools/request_schema.py): our
    model named the instances of "could u drop a Postgres 6.2 in ...", "doing a PoC, need
    `postgres` at 1.27" and "one postgres, version 16, for the hackathon" "drop",
    "construction" and "hackathon" (26 requests of the test split, 7 of valid, the
    release of 2026-12-07 19:47). These words hold the name of every named instance of
    data v2 (420 in training, 36 in valid; none in test), with a scope or a size beside
    it in four ("a `chat` Postgres box (team-a)"), which the grammar then drops."""
    found = {name} if (name := given_name(text)) else set()
    for pattern in _INSTANCE_NAMES:
        found |= {_clean(match.group(1)) for match in pattern.finditer(text)}
    words = text.split()
    for word, after in zip(words, words[1:], strict=False):
        if any(one_edit(word.lower(), cue) for cue in _NAMING_WORDS):  # "naemd", "name"
            found.add(_clean(after))
    names = sorted(
        w for w in found if w and w.lower() not in _NOT_AN_INSTANCE and _LABEL.fullmatch(w)
    )
    return " ".join(names) or None


def given_container(text: str) -> str | None:
    """The container `text` names as one ("the envoy container"), if it names exactly one."""
    found = {
        word
        for pattern in (_CONTAINER_AFTER, _CONTAINER_BEFORE, *_CONTAINER_ROLES)
        for match in pattern.finditer(text)
        if (word := _clean(match.group(1)))
        and _LABEL.fullmatch(word)
        and word.lower() not in _NOT_A_CONTAINER
    }
    return found.pop() if len(found) == 1 else None


# A log filter as people ask for one: "grep panic in", "search web's logs for connection
# refused", "lines containing OOM", "find the 500 lines in its logs", "did it print
# timeout anywhere", "only the error ones". The filter is a quoted text or one or two
# words before a word that ends it ("in", "from", "pls", punctuation).
_FILTER_END_WORDS = (
    r"(?:in|on|over|from|asap|pls|please|thanks|thx|ty|cc|anywhere|for|of|with|and|at|"
    r"lines?|across|messages?|hits?|ones?)"
)
_FILTER = (
    r"""(?:"([^"]+)"|`([^`]+)`|'([^']+)'|"""
    rf"""([\w.-]+(?:\s(?!{_FILTER_END_WORDS}\b)[\w.-]+)?))"""
)
_FILTER_END = rf"(?=\s*(?:$|[?!.,;:)]|\s+{_FILTER_END_WORDS}\b|\s+[^\w\s]))"
_FILTER_RES = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"\bgrep\s+(?:-i\s+)?(?:for\s+)?{_FILTER}{_FILTER_END}",
        rf"\b(?:search|scan|comb|looks?|hunting|hunt|filter|check)\b[^?!.]*?\bfor\s+{_FILTER}{_FILTER_END}",
        rf"\b(?:mentioning|matching|containing)\s+{_FILTER}{_FILTER_END}",
        rf"\bfind\s+(?:the\s+)?{_FILTER}\s+(?:lines\s+)?in\b",
        rf"\bprint(?:ed)?\s+{_FILTER}\s+anywhere\b",
        rf"\bthere is\s+{_FILTER}\s*\?",
        rf"\bwritten\s+{_FILTER}\s+for\b",
        rf"\bonly the\s+{_FILTER}\s+ones\b",
        rf"\bthe ones with\s+{_FILTER}{_FILTER_END}",
        rf"\bseen\s+{_FILTER}{_FILTER_END}",
    )
)
_NOT_A_FILTER = COMMAND_WORDS | frozenset(
    "its them logs log output lines line anything everything something container".split()
)


def given_filter(text: str) -> str | None:
    """The log filter `text` asks for ("grep panic in web's logs"), if exactly one."""
    found = {
        word
        for pattern in _FILTER_RES
        for match in pattern.finditer(text)
        if (word := _clean(next(group for group in match.groups() if group)))
        and word.lower() not in _NOT_A_FILTER
    }
    return found.pop() if len(found) == 1 else None


# Free text the request gives a description: a double-quoted text (not a value being set:
# `GREETING = "hi there"`), or what follows "description" or "desc" (", description
# pre-migration", "desc: `nightly build`") and "with the note", "comment" or "label" ("note
# that web is down" gives none). Every description of data v2 is written so (382 of 382),
# and no other double-quoted text is in its Lambda requests.
_DOUBLE_QUOTED = re.compile(r'(?<![=:]\s)(?<![=:])(?<!\bto\s)(?<!\bbe\s)["“]([^"“”]+)["”]')
_DESCRIPTION_WORDS = r"(?:desc(?!rib)\w*|note|comment|label)"  # "descriptioon" too
_DESCRIPTION_QUOTED = re.compile(
    rf"\b{_DESCRIPTION_WORDS}(?:\s+is)?\s*[:=]?\s*(?:'([^']+)'|`([^`]+)`)", re.IGNORECASE
)
# "desc lambda x", "the description of pod x": the describe verb, or what is described (44
# requests of data v2, all for a describe tool)
_DESCRIBED = r"(?!\s+(?:of|lambda|deploy\w*|pods?|functions?|fn|gcf|svc|services?|nodes?|cloud)\b)"
_DESCRIPTION_AFTER = re.compile(
    rf"(?:\bwith\s+(?:the\s+|a\s+)?{_DESCRIPTION_WORDS}|\bdesc(?!rib)\w*){_DESCRIBED}"
    r"(?:\s+is)?\s*[:=]?\s+"
    r"(?![\"“'`])(.+?)(?=\s*(?:$|[!?,;]|\.(?:\s|$)|\s+(?:pls|please|thx|ty|thanks|asap|cc)\b|\s+[^\w\s]))",
    re.IGNORECASE,
)


def given_description(text: str) -> str | None:
    """The free text `text` gives a description ('publish web as "canary build"'), if one."""
    quoted = {m.group(1).strip() for m in _DOUBLE_QUOTED.finditer(text)}
    quoted |= {(m.group(1) or m.group(2)).strip() for m in _DESCRIPTION_QUOTED.finditer(text)}
    if quoted:
        return quoted.pop() if len(quoted) == 1 else None
    after = {m.group(1).strip() for m in _DESCRIPTION_AFTER.finditer(text)}
    return after.pop() if len(after) == 1 else None


# A prefix of names as people type one: "grep ^report-", "img-*", "named api-something",
# "orbitsomething" (every prefix of data v2 without its own word is typed so)
_PREFIX = re.compile(
    r"(?<![\w^])\^([a-z][a-z0-9-]*)|(?<![\w*])([a-z][a-z0-9-]*)\*(?![\w*])"
    r"|\b([a-z][a-z0-9-]*?)(?i:something)\b"
)


def given_prefix(text: str) -> str | None:
    """The prefix of names `text` asks for ("lambdas named api-something"), if one."""
    if not ("^" in text or "*" in text or "something" in text.lower()):
        return None  # no search: from every word start it costs quadratic time on "a-a-a-..."
    found = {next(g for g in m.groups() if g) for m in _PREFIX.finditer(text)}
    return found.pop() if len(found) == 1 else None


def given_version(text: str) -> str | None:
    """The version `text` gives ("Redis 6.2", "ver 16-alpine"), if it gives exactly one."""
    sizes = unit_mentions(text)
    found = {
        _clean(match.group(1))
        for pattern in _VERSION_RES
        for match in pattern.finditer(text)
        if not sizes.covers(match.start(1))
    }
    return found.pop() if len(found) == 1 else None


# The revision a rollback gives: "--to-revision=12", "revision 5", "revision number one";
# in data v2 every such request rolls back to that revision, and our model left 5 of the
# test split's "--to-revision=N" out (the release of 2026-12-07 12:09)
_REVISION = re.compile(
    rf"(?:--to-revision[= ]|\brevision\s+(?:number\s+|#)?)(?:(\d+)|({'|'.join(NUMBER_WORDS)}))\b",
    re.IGNORECASE,
)


def given_revision(text: str) -> str | None:
    """The revision `text` gives, if it gives exactly one."""
    found = {
        _digits_value(digits) if digits else str(NUMBER_WORDS.index(word.lower()))
        for digits, word in _REVISION.findall(text)
    }
    return found.pop() if len(found) == 1 else None


# Every namespace at once: "-A", "--all-namespaces", "all namespaces", "in any ns", "across
# namespaces", "all-ns", "cluster-wide", kubectl's alias "kgpa". Of the 3,360 training
# requests for a tool with `all_namespaces` (data v2), none that says so wants one
# namespace; 13 that want all say it with a typo ("all naespaces", "kgap"): the model still
# decides those. Only a request that says so pins the flag.
_ALL_NAMESPACES = re.compile(
    r"(?<![\w-])(?:-A|--all-namespaces)(?![\w-])"
    r"|\b(?:all|any|every|each)\s+(?:of\s+)?(?:the\s+)?(?:namespaces?|ns)\b"
    r"|\bacross\s+(?:all\s+)?(?:the\s+)?(?:namespaces|ns)\b"
    r"|\ball-ns\b|\bcluster[- ]wide\b|\bkgpa\b",
    re.IGNORECASE,
)

# A container's previous run, the one that died: "--previous", "before it crashed", "the
# old container", "the terminated one", "what it printed on its way out". Only a request
# that says so may read it; every other reads the running container (pinned False). All
# 350 training requests for the previous run (data v2) say so; 41 that say "OOM" or
# "restart" want the running one, and the model decides those.
_PREVIOUS = re.compile(
    r"(?<![\w-])(?:-p|--previous)(?![\w-])"
    r"|\b(?:pre+v\w*|prv\w*|prior|earlier|before|old|terminated|oom\w*|\w*killed|crash\w*|"
    r"died|dead|dying|restart\w*|bounced?|way out|last (?:run|instance|container|life|gasp))\b",
    re.IGNORECASE,
)

# Exposing a new app (a Service in front of it) widens who can reach it, so only a request
# that asks for it may: "expose it", "with a service", "reachable", "publish it", "open
# port 80 to others", a load balancer, an ingress. All 180 requests of data v2 that want
# one say so; a port alone ("deploy x:1 as web on port 5000", "listening on 8080") is the
# container's port, and our model exposed 40 of the test split's 48 such apps (the release
# of 2026-12-07 19:47). Every other request leaves expose false (pinned, as `previous`).
# Whole words only: the "svc" of an image "flux-svc:v2" or an app "user-service" asks for none.
_EXPOSE = re.compile(
    r"(?<![\w./:-])(?:expos\w*|services?|svc|reach\w*|accessib\w*|publish\w*|public\w*|"
    r"ingress|load[- ]?balanc\w*|nodeport|clusterip|internet|open\w*)(?![\w-])",
    re.IGNORECASE,
)


def given_values(text: str) -> dict[str, str | bool]:
    """{argument: value} the request gives by role: a new object's name, a container, a
    version, a log filter, a revision; and the flags it sets (every namespace; not the
    previous run; no Service when it asks for none)."""
    given: dict[str, str | bool | None] = {
        "name": given_name(text),
        INSTANCE_NAMES: given_instance_names(text),
        **{sized_key(side): " ".join(sorted(values)) for side, values in sized_sides(text).items()},
        "container": given_container(text),
        "version": given_version(text),
        "grep": given_filter(text),
        "description": given_description(text),
        "prefix": given_prefix(text),
        "revision": given_revision(text),
        "all_namespaces": True if _ALL_NAMESPACES.search(text) else None,
        "previous": None if _PREVIOUS.search(text) else False,
        "expose": None if _EXPOSE.search(text) else False,
    }
    return {argument: value for argument, value in given.items() if value is not None}


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
    given: dict[str, str | bool] = field(default_factory=dict)
    """{argument: value} the request gives by role (`given_values`): a tool's typed
    argument (or flag) of that name must be the value."""
    offered_tools: tuple[str, ...] | None = None
    """The only tools the call may use (the tool shortlist, llm/tool_shortlist.py);
    None: every tool."""
    judged: dict[str, dict[str, str]] = field(default_factory=dict)
    """{tool: {argument: value}} a classifier chose (the shortlist's decline reason): a
    call of that tool must write exactly these."""


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


# An image reference typed as one word: [registry/path/]repository:tag or @digest. Not a
# variable (KEY=value), a URL (redis://cache:6379) nor "web:" (a name, then a colon).
_IMAGE_REFERENCE = re.compile(r"(?<!\S)[`'\"]*(?:[\w.-]+/)*[\w.-]+[:@][\w.-]*\w[`'\"]*(?!\S)")


def named_known(text: str, values: list[str]) -> list[str]:
    """The known `values` that `text` names as a word ("web", "`web`", "billing/worker",
    "web.env += X=1"). An image's repository names no deployment: in "change the image on
    `cart` to web:1.25" only cart is named, and "update it to api:v2" names none (of the
    expected calls of data v2 whose request types a known deployment only so, none acts on
    it; our model set the image of `api` for "update it to api:2025-04-03", the validation
    split of 2026-12-07)."""
    text = _IMAGE_REFERENCE.sub(" ", text)
    words = {w.lower() for w in mentioned_values(text)}
    pieces = (re.split(r"[/.]", _clean(raw)) for raw in text.split())
    words |= {_clean(part).lower() for parts in pieces for part in parts}
    return [v for v in values if v.lower() in words]


def ground_request(
    text: str, live: dict[str, list[str]] | None, context: dict[str, Any] | None = None
) -> Grounding:
    """Everything the module docstring describes, for one request: scopes and named
    deployments narrowed, the request's words (`mentioned`, all of them: `mentioned:typed`),
    the numbers typed with a unit (`mentioned:<unit>`, required when typed unambiguously),
    the words that name closed choices, the values given by role (`given_values`), the
    side of a resource named."""
    scopes = ground_scopes(text, dict(live or {}), context)
    known = dict(scopes.live)
    unnamed: set[str] = set()  # known kinds the request names none of: the call may not act
    # a kind the request names one value of: the call acts on it, where the tool only may
    # ("po for ledger in backend ns" lists ledger's pods; our model listed all of them in
    # 7 requests of the validation split)
    named_one: set[str] = set()
    for kind in NAMED_KINDS:
        if known.get(kind):
            if named := named_known(text, known[kind]):
                known[kind] = named
                named_one |= {kind} if len(named) == 1 else set()
            else:
                unnamed.add(kind)
    keyed, pairs = keyed_values(text), typed_pairs(text)
    # an AWS account or GCP project the request names is where the call acts, never the
    # name of a function ("delete lambda legacy-cron in dev-aws"); a variable's value
    # ("KEY=spruce") is the variable's only, and the language of a runtime ("ruby 3.3")
    # the runtime's, never a name (the release of 2026-12-07 09:14: 7 test requests named
    # the function so)
    accounts = {v.lower() for kind in ACCOUNT_KINDS for v in (live or {}).get(kind, [])}
    values = {pair.split("=", 1)[1].lower() for pair in pairs}
    values |= {runtime.group(1).lower() for runtime in _RUNTIME.finditer(text)}
    mentioned = [w for w in mentioned_values(text) if w.lower() not in accounts | values]
    mentioned += [v for v in (e.split("=", 1)[1] for e in keyed) if v not in mentioned]
    words = {
        MENTIONED_KIND: mentioned,
        KEYED_KIND: keyed,
        PAIRS_KIND: pairs,
        CHOICE_KIND: named_choices(text),
    }
    named_deployment = bool(known.get("deployment")) and "deployment" not in unnamed
    if platform := request_platform(text, named_deployment, scopes.required_kinds):
        words[PLATFORM_KIND] = [platform]
    typed = unit_mentions(text)
    units = {unit_kind(unit): sorted(values) for unit, values in typed.values.items()}
    # one side named: its sizes go to that side; none named: to the limit, as "give web
    # 2GB of memory" means in every set_resources call of data v2 (230 of 230)
    sides = resource_sides(text) or ["limit"]
    resources = named_resources(text, typed.strong)  # one named: no sizes of the other
    return Grounding(
        {**known, **words, **units},
        scopes.required_kinds
        | named_one
        | {unit_kind(unit) for unit in typed.strong}
        | {side_kind(side) for side in sides if len(sides) == 1}
        | {resource_kind(unit) for unit in resources if len(resources) == 1},
        scopes.omitted_kinds | unnamed,
        given_values(text),
    )
