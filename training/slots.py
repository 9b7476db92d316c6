"""Slot values for templates: what a person writes (surface) and what the call holds (value).

A template's `{slot}` draws one `Filler`: `surface` goes into the sentence, `value` into the
target call. Sizes, CPUs and numbers have many surfaces for one canonical value ("2 gigs",
"2GB", "2048Mi" -> "2Gi"), following the spec's memory convention.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Filler:
    """One drawn slot: the text a person types and the value the call carries."""

    surface: str
    value: Any


NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()
TENS_WORDS = {30: "thirty", 40: "forty", 50: "fifty"}

DEPLOYMENTS = (
    "web api worker checkout payments frontend backend auth billing search cart orders "
    "inventory notifications gateway user-service payments-api order-worker email-sender "
    "image-resizer metrics-exporter ledger catalog recommendations chat admin-portal web-v2 "
    "api-gateway queue-consumer cron-runner reports analytics profile-svc login shipping "
    "pricing fraud-detector webhooks media-proxy session-store tracker docs-site blog "
    "mobile-bff graphql ingest etl-runner scheduler thumbnailer invoicing"
).split()
NAMESPACES = (
    "default staging prod dev qa monitoring payments team-a data ml platform sandbox "
    "production preprod ci backend frontend logging"
).split()
USERS = "alice bob priya chen maria omar yuki lars fatima diego sam noor".split()
CLUSTERS = {
    "us-central": ("us-central", "us-central", "us-central", "US-central", "us central"),
    "eu-west": ("eu-west", "eu-west", "eu-west", "EU-west", "eu west"),
}
CONTAINERS = "app web sidecar nginx envoy main worker server api proxy".split()
NODES_FIXED = (
    "node-1 node-2 node-3 node-4 node-7 node-12 worker-3 worker-5 k8s-node-07 "
    "ip-10-0-1-23.ec2.internal ip-10-0-3-141.ec2.internal gke-prod-pool-1-a1b2 "
    "gke-main-pool-2-x9k3 aks-nodepool1-12345678-0 pool-b-node-4"
).split()
SERVICE_NAMES = "web api redis postgres checkout-svc frontend auth-svc billing search nginx".split()
REPOS = "nginx api web worker payments checkout frontend auth billing search cart".split()
REGISTRIES = (
    "",
    "",
    "ghcr.io/acme/",
    "docker.io/library/",
    "registry.example.com/team/",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/",
    "gcr.io/my-project/",
    "quay.io/acme/",
)
TAGS = "1.25 v2.3.1 latest 2024-06-01 sha-3f2a1c9 v1.4.0 3.1.2 v10 stable 1.0.7 v2 rc1".split()
VERSIONS = {
    "redis": "7 7.2 6.2 7-alpine 7.4".split(),
    "postgres": "16 15 14 15.4 16-alpine".split(),
    "nginx": "1.25 1.27 1.25-alpine stable".split(),
}
SERVICE_SURFACES = {
    # no articles: templates say "deploy a {service_kind}"
    "redis": ("redis", "redis", "Redis", "redis cache", "Redis cache"),
    "postgres": ("postgres", "postgres", "Postgres", "postgresql", "PostgreSQL", "pg database"),
    "nginx": ("nginx", "nginx", "NGINX", "nginx server"),
}
ENV_PAIRS = (
    ("LOG_LEVEL", "debug"),
    ("LOG_LEVEL", "info"),
    ("FEATURE_X", "true"),
    ("DB_HOST", "postgres"),
    ("REDIS_URL", "redis://redis:6379"),
    ("TIMEOUT", "30"),
    ("NODE_ENV", "production"),
    ("RUST_LOG", "info"),
    ("MAX_WORKERS", "4"),
    ("CACHE_TTL", "600"),
    ("REGION", "eu-west-1"),
    ("DEBUG", "false"),
    ("PORT", "8080"),
    ("ENABLE_BETA", "1"),
)
GREPS = ("error", "timeout", "panic", "OOM", "connection refused", "500", "WARN", "exception")
PORTS = (80, 443, 3000, 5000, 8000, 8080, 8443, 9090, 9000, 5432, 6379, 4000)

# memory value -> surfaces a person may type for it
MEMORY = {
    "128Mi": ("128Mi", "128MB", "128 megs", "128M", "128mb"),
    "256Mi": ("256Mi", "256MB", "256 megs", "256mb", "a quarter gig"),
    "512Mi": ("512Mi", "512MB", "512 megs", "half a gig", "0.5GB", "512mb", "512M"),
    "768Mi": ("768Mi", "768MB", "768 megs"),
    "1Gi": ("1Gi", "1GB", "1 gig", "one gig", "1024Mi", "1G", "1gb", "1 GiB"),
    "1536Mi": ("1536Mi", "1.5GB", "1.5 gigs", "1.5Gi", "1.5G"),
    "2Gi": ("2Gi", "2GB", "2 gigs", "2048Mi", "two gigs", "2G", "2gb", "2 GiB", "2 GB"),
    "3Gi": ("3Gi", "3GB", "3 gigs", "3072Mi", "three gigs", "3gb"),
    "4Gi": ("4Gi", "4GB", "4 gigs", "4096Mi", "four gigs", "4G", "4gb"),
    "6Gi": ("6Gi", "6GB", "6 gigs", "6gb"),
    "8Gi": ("8Gi", "8GB", "8 gigs", "8192Mi", "eight gigs", "8gb"),
    "16Gi": ("16Gi", "16GB", "16 gigs", "16gb"),
}
CPU = {
    "100m": ("100m", "100 millicores", "0.1 cpu", "a tenth of a core"),
    "250m": ("250m", "250 millicores", "a quarter core", "0.25 cpu", "250m cpu"),
    "500m": ("500m", "half a core", "0.5 cpu", "500 millicores", "0.5 cores", "half a cpu"),
    "750m": ("750m", "0.75 cpu", "750 millicores"),
    "1": ("1", "1 core", "one cpu", "1 cpu", "one core", "1 vCPU", "1000m"),
    "1500m": ("1500m", "1.5 cores", "1.5 cpu"),
    "2": ("2", "2 cores", "two cores", "2 cpus", "2 vCPU", "2000m"),
    "4": ("4", "4 cores", "four cores", "4 cpus"),
}
# Open-ended names: a model that only ever sees the same fifty names learns them as a prior
# and answers "node-4" for "node-2"; drawing from combinations forces it to copy from the text.
NAME_WORDS = (
    "alpha atlas aurora beacon birch blue cobalt comet coral cedar delta ember falcon fern "
    "flux garnet harbor hazel indigo iris jade juniper kestrel lumen maple mango nimbus nova "
    "onyx orbit otter pebble pine polar quartz raven river ruby sage sierra slate solar spruce "
    "summit tango tidal topaz tundra umber vega willow zephyr acct ads audit bid cache cdn "
    "claims coupon crm dns edge feed geo hub identity kyc loyalty mail maps match notify "
    "ocr pay quote rank relay risk route rules score search seo sms stock sync tax tile "
    "token trade vault vote wallet"
).split()
NAME_SUFFIXES = (
    "api",
    "svc",
    "worker",
    "web",
    "job",
    "v2",
    "v3",
    "service",
    "backend",
    "ui",
    "proxy",
    "db",
)
ENV_KEY_WORDS = (
    "log level feature flag db host port url timeout retries max min workers cache ttl "
    "region mode debug api key endpoint pool size batch queue threads enable beta sample rate"
).split()
_HEX = "0123456789abcdef"


def made_up_name(rng: random.Random, *, parts: int | None = None) -> str:
    """A DNS-label name like `kestrel-api` or `ledger2`, from word lists and suffixes."""
    count = parts if parts is not None else rng.choice((1, 2, 2, 3))
    words = [rng.choice(NAME_WORDS) for _ in range(min(count, 2))]
    if count >= 2 and rng.random() < 0.6:
        words = [words[0], rng.choice(NAME_SUFFIXES)]
    if count >= 3:
        words.append(rng.choice(NAME_SUFFIXES))
    name = "-".join(words)
    if rng.random() < 0.15:
        name += str(rng.randint(1, 9))
    return name


def _identity(value: str) -> Filler:
    return Filler(value, value)


# size-like slot values whose surface must stay a number ("cpu 2" reads oddly as words)
_NUMERIC_ONLY = ("port", "revision", "percent", "limit", "tail")


def number_surface(rng: random.Random, value: int, *, words: float = 0.3) -> str:
    """Digits, or the number in words ("three") with probability `words` when we have one."""
    if rng.random() < words:
        if 0 <= value < len(NUMBER_WORDS):
            return NUMBER_WORDS[value]
        if value in TENS_WORDS:
            return TENS_WORDS[value]
    return str(value)


def _pick(values: Any) -> Callable[[random.Random], Filler]:
    return lambda rng: (lambda v: Filler(str(v), v))(rng.choice(values))


def _number(low: int, high: int, words: float = 0.3, common: tuple[int, ...] = ()):
    def draw(rng: random.Random) -> Filler:
        value = rng.choice(common) if common and rng.random() < 0.5 else rng.randint(low, high)
        return Filler(number_surface(rng, value, words=words), value)

    return draw


def _mapping(table: dict[str, tuple[str, ...]]):
    def draw(rng: random.Random) -> Filler:
        value = rng.choice(sorted(table))
        return Filler(rng.choice(table[value]), value)

    return draw


def _pod(rng: random.Random) -> Filler:
    base = rng.choice(DEPLOYMENTS) if rng.random() < 0.5 else made_up_name(rng)
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    if rng.random() < 0.2:
        name = f"{base}-{rng.randint(0, 3)}"
    else:
        rs = "".join(rng.choice(alphabet) for _ in range(rng.choice((9, 10))))
        pod = "".join(rng.choice(alphabet) for _ in range(5))
        name = f"{base}-{rs}-{pod}"
    return Filler(name, name)


def _node(rng: random.Random) -> Filler:
    shape = rng.random()
    if shape < 0.35:
        prefix = rng.choice(
            ("node", "worker", "k8s-node", "pool-a-node", "pool-b-node", "gpu-node")
        )
        name = f"{prefix}-{rng.randint(1, 99)}"
    elif shape < 0.55:
        name = f"ip-10-{rng.randint(0, 255)}-{rng.randint(0, 255)}-{rng.randint(1, 254)}"
        name += ".ec2.internal" if rng.random() < 0.6 else ""
    elif shape < 0.75:
        pool, suffix = rng.choice(NAME_WORDS), "".join(rng.choice(_HEX) for _ in range(4))
        env = rng.choice(("prod", "main", "dev", "eu"))
        name = f"gke-{env}-{pool}-pool-{rng.randint(1, 9)}-{suffix}"
    elif shape < 0.85:
        pool, scale_set = rng.randint(1, 4), rng.randint(10000000, 99999999)
        name = f"aks-nodepool{pool}-{scale_set}-vmss{rng.randint(0, 9)}"
    else:
        name = rng.choice(NODES_FIXED)
    return Filler(name, name)


def made_up_tag(rng: random.Random) -> str:
    """A release tag people use: semver, date, git sha, or one of the usual words."""
    shape = rng.random()
    if shape < 0.35:
        return (
            f"{rng.choice(('v', ''))}{rng.randint(0, 12)}.{rng.randint(0, 30)}.{rng.randint(0, 40)}"
        )
    if shape < 0.5:
        return f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if shape < 0.6:
        return "sha-" + "".join(rng.choice(_HEX) for _ in range(7))
    if shape < 0.7:
        return f"build-{rng.randint(100, 9999)}"
    return rng.choice(TAGS)


def _image(rng: random.Random) -> Filler:
    repo = rng.choice(REPOS) if rng.random() < 0.5 else made_up_name(rng)
    ref = f"{rng.choice(REGISTRIES)}{repo}:{made_up_tag(rng)}"
    return Filler(ref, ref)


def _cluster(rng: random.Random) -> Filler:
    value = rng.choice(sorted(CLUSTERS))
    return Filler(rng.choice(CLUSTERS[value]), value)


def _service_kind(rng: random.Random) -> Filler:
    value = rng.choice(sorted(SERVICE_SURFACES))
    return Filler(rng.choice(SERVICE_SURFACES[value]), value)


def made_up_env_pair(rng: random.Random) -> tuple[str, str]:
    """An environment variable a team might set: NAME_PART keys, numbers/words/URLs as values."""
    key = "_".join(
        w.upper().replace("-", "_") for w in rng.sample(ENV_KEY_WORDS, rng.choice((1, 2, 2, 3)))
    )
    shape = rng.random()
    if shape < 0.3:
        value = str(rng.choice((1, 2, 3, 5, 8, 10, 15, 30, 60, 100, 250, 1000, 3600)))
    elif shape < 0.5:
        value = rng.choice(("true", "false", "on", "off", "debug", "warn", "info", "error"))
    elif shape < 0.7:
        value = made_up_name(rng, parts=1)
    else:
        host = made_up_name(rng)
        value = rng.choice(
            (f"http://{host}:{rng.choice(PORTS)}", f"{host}.internal", f"redis://{host}:6379")
        )
    return key, value


def _env(form: str):
    def draw(rng: random.Random) -> Filler:
        key, value = rng.choice(ENV_PAIRS) if rng.random() < 0.4 else made_up_env_pair(rng)
        if form == "name":
            return Filler(key, key)
        surface = f"{key}={value}" if form == "assign" else f"{key} to {value}"
        return Filler(surface, (key, value))

    return draw


SAMPLERS: dict[str, Callable[[random.Random], Filler]] = {
    "deployment": lambda rng: _identity(
        rng.choice(DEPLOYMENTS) if rng.random() < 0.5 else made_up_name(rng)
    ),
    "name": lambda rng: _identity(
        rng.choice(DEPLOYMENTS) if rng.random() < 0.5 else made_up_name(rng)
    ),
    "ns": _pick(NAMESPACES),
    "newns": _pick(("team-b", "feature-x", "load-test", "perf", "demo", "tmp-01", "review-42")),
    "cluster": _cluster,
    "pod": _pod,
    "node": _node,
    "image": _image,
    "container": lambda rng: _identity(
        rng.choice(CONTAINERS) if rng.random() < 0.6 else made_up_name(rng, parts=1)
    ),
    "replicas": _number(1, 20, common=(2, 3, 4, 5, 10)),
    "replicas0": _number(0, 12, common=(0, 0, 1, 2, 3)),
    "small": _number(1, 5),
    "min": _number(1, 5),
    "max": _number(4, 30, common=(5, 10, 20)),
    "percent": _number(40, 90, words=0.0, common=(50, 60, 70, 75, 80)),
    "revision": _number(1, 12, words=0.2),
    "limit": _number(5, 50, words=0.1, common=(5, 10, 20, 50)),
    "tail": _number(10, 500, words=0.0, common=(20, 50, 100, 200, 500)),
    "port": _pick(PORTS),
    "port2": _pick(PORTS),
    "memory": _mapping(MEMORY),
    "memory2": _mapping(MEMORY),
    "cpu": _mapping(CPU),
    "cpu2": _mapping(CPU),
    "version": lambda rng: _pick(VERSIONS[rng.choice(sorted(VERSIONS))])(rng),
    "service_kind": _service_kind,
    "service": _pick(SERVICE_NAMES),
    "env": _env("assign"),
    "env2": _env("assign"),
    "envto": _env("to"),
    "envname": _env("name"),
    "envname2": _env("name"),
    "grep": _pick(GREPS),
    "user": _pick(USERS),
}
# Slot pairs that must keep an order (min <= max, request <= limit): swapped when drawn wrong.
ORDERED_PAIRS = (("min", "max"), ("memory", "memory2"), ("cpu", "cpu2"))
SLOT_RE = re.compile(r"\{([a-z0-9_]+)\}")


def slot_kind(slot: str) -> str:
    """The sampler a slot name uses: `deployment_2` draws like `deployment`."""
    return re.sub(r"_\d+$", "", slot)


def draw_slots(rng: random.Random, slots: list[str]) -> dict[str, Filler]:
    """One filler per slot name; slots of one kind get distinct values where possible."""
    drawn: dict[str, Filler] = {}
    for slot in slots:
        kind = slot_kind(slot)
        if kind not in SAMPLERS:
            raise KeyError(f"unknown slot {{{slot}}}")
        for _ in range(10):
            filler = SAMPLERS[kind](rng)
            if all(_key(filler) != _key(f) for f in drawn.values()):
                break
        drawn[slot] = filler
    for low, high in ORDERED_PAIRS:
        if low in drawn and high in drawn and _order(drawn[low]) > _order(drawn[high]):
            drawn[low], drawn[high] = drawn[high], drawn[low]
    return drawn


def _key(filler: Filler) -> Any:
    return filler.value[0] if isinstance(filler.value, tuple) else filler.value


def _order(filler: Filler) -> float:
    from tools.validation import parse_quantity

    value = filler.value
    return float(value) if isinstance(value, int) else float(parse_quantity(value))


# --------------------------------------------------------------------------------------
# Cloud functions: AWS Lambda and Cloud Functions (2nd gen), for datasets/templates/cloud/.
# Kept as one appended block so the Kubernetes lists above can change independently.
# Values follow the tools' own patterns (tools/aws/lambda_fields.py, tools/gcp/gcf_fields.py);
# tests/cloud/test_cloud_templates.py fills every family with many draws and parses them.
# Names are open-ended like the Kubernetes ones: the model must copy them from the request.
# --------------------------------------------------------------------------------------

FUNCTION_NAMES = (
    "resize-images checkout-api nightly-report billing-webhook thumbnailer auth-token "
    "order-events invoice-pdf slack-notifier etl-loader geo-lookup image-tagger pdf-render "
    "webhook-relay signup-hook email-digest csv-import fraud-score stripe-events audit-export"
).split()
FUNCTION_PREFIXES = ("billing-", "api-", "etl-", "img-", "report-", "auth-", "order", "sync-")
CODE_BUCKETS = (
    "acme-builds",
    "lambda-artifacts-prod",
    "ci-bundles",
    "deploy.example.com",
    "team-releases",
    "build-output-eu",
)
SOURCE_BUCKETS = ("acme-builds", "gcf-sources-prod", "ci-bundles", "ml-builds", "web-builds")
LAMBDA_RUNTIMES = {
    "python3.10": ("python3.10", "python 3.10"),
    "python3.11": ("python3.11", "python 3.11"),
    "python3.12": ("python3.12", "python 3.12", "Python 3.12", "py3.12"),
    "python3.13": ("python3.13", "python 3.13"),
    "nodejs20.x": ("nodejs20.x", "node 20", "Node.js 20"),
    "nodejs22.x": ("nodejs22.x", "node 22", "node22"),
    "java17": ("java17", "java 17"),
    "java21": ("java21", "java 21", "Java 21"),
    "dotnet8": ("dotnet8", ".NET 8", "dotnet 8"),
    "ruby3.3": ("ruby3.3", "ruby 3.3"),
    "provided.al2023": ("provided.al2023", "a custom runtime on AL2023"),
}
GCF_RUNTIMES = {
    "python311": ("python311", "python 3.11"),
    "python312": ("python312", "python 3.12", "Python 3.12"),
    "python313": ("python313", "python 3.13"),
    "nodejs20": ("nodejs20", "node 20", "Node.js 20"),
    "nodejs22": ("nodejs22", "node 22"),
    "go122": ("go122", "go 1.22"),
    "go123": ("go123", "go 1.23", "Go 1.23"),
    "java21": ("java21", "java 21"),
    "ruby33": ("ruby33", "ruby 3.3"),
    "php83": ("php83", "php 8.3"),
    "dotnet8": ("dotnet8", ".NET 8"),
}
HANDLERS = (
    "app.handler",
    "index.handler",
    "main.lambda_handler",
    "handler.main",
    "src/index.handler",
    "bootstrap",
    "com.acme.Handler::handleRequest",
)
HANDLER_MODULES = ("app", "index", "main", "handler", "lambda_function", "src/app", "dist/index")
HANDLER_FUNCTIONS = ("handler", "lambda_handler", "main", "handle", "run")
ENTRY_POINTS = ("main", "handle_request", "hello_http", "process_event", "on_upload")
ENTRY_VERBS = ("handle", "process", "on", "run", "sync", "export")
ROLES = ("lambda-exec", "lambda-basic-execution", "resize-images-role", "svc-lambda-prod")
ALIASES = ("live", "prod", "stable", "current", "blue", "green", "canary", "beta", "staging")
NOTES = (
    "release 1.4",
    "hotfix for timeouts",
    "2026-11 rollout",
    "canary build",
    "before the schema change",
    "nightly build 512",
)
AWS_ACCOUNTS = {
    "prod-aws": ("prod-aws", "prod aws", "the prod AWS account", "our production AWS account"),
    "dev-aws": ("dev-aws", "dev aws", "the dev AWS account", "the AWS dev account"),
}
GCP_PROJECTS = {
    "prod-gcp": ("prod-gcp", "prod gcp", "the prod GCP project", "our production gcp project"),
    "dev-gcp": ("dev-gcp", "dev gcp", "the dev GCP project"),
}
# Lambda memory in MB; "2 GB" is 2048 MB (the team's memory convention).
MEMORY_MB = {
    128: ("128 MB", "128MB", "128 megs"),
    256: ("256 MB", "256MB", "256 megs"),
    512: ("512 MB", "512MB", "half a gig", "512 megs"),
    768: ("768 MB", "768MB"),
    1024: ("1 GB", "1GB", "1 gig", "1024 MB", "one gig"),
    1536: ("1.5 GB", "1536 MB", "1.5 gigs"),
    2048: ("2 GB", "2GB", "2 gigs", "2048 MB", "two gigs"),
    3008: ("3008 MB", "3008MB"),
    4096: ("4 GB", "4 gigs", "4096 MB", "4GB"),
    8192: ("8 GB", "8192 MB", "8 gigs"),
    10240: ("10 GB", "10240 MB", "the maximum 10 GB"),
}
LAMBDA_TIMEOUTS_COMMON = (3, 10, 15, 30, 60, 90, 120, 300, 600, 900)
GCF_TIMEOUTS_COMMON = (30, 60, 120, 300, 540, 900, 1800, 3600)


def _function_name(rng: random.Random) -> Filler:
    """A function name valid for Lambda and Cloud Functions alike (a lowercase DNS label)."""
    return _identity(rng.choice(FUNCTION_NAMES) if rng.random() < 0.4 else made_up_name(rng))


def _function_prefix(rng: random.Random) -> Filler:
    if rng.random() < 0.5:
        return _identity(rng.choice(FUNCTION_PREFIXES))
    return _identity(rng.choice(NAME_WORDS) + rng.choice(("-", "")))


def _bundle(scheme: str, buckets: tuple[str, ...]):
    """`s3://` or `gs://` zip URIs: bucket, then a key named after some build."""

    def draw(rng: random.Random) -> Filler:
        name, tag = made_up_name(rng), made_up_tag(rng)
        key = rng.choice(
            (
                f"{name}/{tag}.zip",
                f"{name}.zip",
                f"functions/{name}-{tag}.zip",
                f"builds/{rng.randint(1, 999)}/{name}.zip",
            )
        )
        uri = f"{scheme}://{rng.choice(buckets)}/{key}"
        return Filler(uri, uri)

    return draw


def _handler(rng: random.Random) -> Filler:
    if rng.random() < 0.4:
        return _identity(rng.choice(HANDLERS))
    return _identity(f"{rng.choice(HANDLER_MODULES)}.{rng.choice(HANDLER_FUNCTIONS)}")


def _entry_point(rng: random.Random) -> Filler:
    if rng.random() < 0.4:
        return _identity(rng.choice(ENTRY_POINTS))
    return _identity(f"{rng.choice(ENTRY_VERBS)}_{rng.choice(NAME_WORDS)}")


def _role(rng: random.Random) -> Filler:
    if rng.random() < 0.4:
        return _identity(rng.choice(ROLES))
    return _identity(rng.choice((f"{made_up_name(rng)}-role", f"lambda-{made_up_name(rng)}")))


def _seconds(high: int, common: tuple[int, ...], *, bare: bool = False):
    """A timeout in seconds, typed as "90 seconds", "90s", "5 minutes", "an hour"...

    `bare`: only the number, as a CLI flag takes it (`--timeout 300`).
    """

    def draw(rng: random.Random) -> Filler:
        # people round timeouts: 45s, 120 seconds, 20 minutes
        value = rng.choice(common) if rng.random() < 0.6 else 5 * rng.randint(1, high // 5)
        if bare:
            return Filler(str(value), value)
        surfaces = [f"{value} seconds", f"{value}s", f"{value} sec"]
        if value % 60 == 0:
            minutes = value // 60
            count = number_surface(rng, minutes, words=0.2)
            surfaces += [f"{count} minutes", f"{minutes} min"] if minutes > 1 else ["a minute"]
            if value == 3600:
                surfaces.append("an hour")
        if value == 30:
            surfaces.append("half a minute")
        return Filler(rng.choice(surfaces), value)

    return draw


def _memory_mb(*, bare: bool = False):
    def draw(rng: random.Random) -> Filler:
        value = rng.choice(sorted(MEMORY_MB))
        return Filler(str(value) if bare else rng.choice(MEMORY_MB[value]), value)

    return draw


def _gcf_memory(*, flag: bool = False):
    """The `{memory}` table within Cloud Functions' 128Mi..32Gi (flag: "512MB"-like only)."""

    def draw(rng: random.Random) -> Filler:
        from tools.gcp.gcf_fields import MEMORY_MAX, MEMORY_MIN
        from tools.validation import parse_quantity

        table = {v: s for v, s in MEMORY.items() if MEMORY_MIN <= parse_quantity(v) <= MEMORY_MAX}
        value = rng.choice(sorted(table))
        surfaces = [s for s in table[value] if re.fullmatch(r"[0-9.]+[A-Za-z]+", s)] if flag else []
        return Filler(rng.choice(surfaces or table[value]), value)

    return draw


def _cloud_env(kind: str):
    """An `{env}`-like slot without names Lambda or Cloud Functions reserve (PORT, AWS_*...)."""

    def draw(rng: random.Random) -> Filler:
        from tools.aws.lambda_fields import RESERVED_ENV as LAMBDA_RESERVED
        from tools.gcp.gcf_fields import RESERVED_ENV as GCF_RESERVED

        for _ in range(100):
            filler = SAMPLERS[kind](rng)
            name = filler.value[0] if isinstance(filler.value, tuple) else filler.value
            reserved = name in LAMBDA_RESERVED or name in GCF_RESERVED
            if not reserved and len(name) >= 2 and not name.startswith(("X_GOOGLE_", "AWS_")):
                return filler
        raise RuntimeError(f"{{{kind}}} drew only names the clouds reserve")

    return draw


# `*_flag` slots: the bare form a CLI flag takes (`--memory-size 1024`, `--runtime nodejs22`).
# `{fnenv}`...: like `{env}`..., minus the names the clouds reserve. GCF instance counts use
# `{min}`/`{max}` above (drawn in order).
CLOUD_SAMPLERS: dict[str, Callable[[random.Random], Filler]] = {
    "fn": _function_name,
    "fnprefix": _function_prefix,
    "s3zip": _bundle("s3", CODE_BUCKETS),
    "gszip": _bundle("gs", SOURCE_BUCKETS),
    "lambda_runtime": _mapping(LAMBDA_RUNTIMES),
    "lambda_runtime_flag": _pick(sorted(LAMBDA_RUNTIMES)),
    "gcf_runtime": _mapping(GCF_RUNTIMES),
    "gcf_runtime_flag": _pick(sorted(GCF_RUNTIMES)),
    "handler": _handler,
    "entry": _entry_point,
    "role": _role,
    "alias": _pick(ALIASES),
    "fnversion": _number(1, 60, words=0.0, common=(1, 2, 3, 5, 7, 12)),
    "note": _pick(NOTES),
    "aws_account": _mapping(AWS_ACCOUNTS),
    "gcp_project": _mapping(GCP_PROJECTS),
    "memory_mb": _memory_mb(),
    "memory_mb_flag": _memory_mb(bare=True),
    "lambda_timeout": _seconds(900, LAMBDA_TIMEOUTS_COMMON),
    "lambda_timeout_flag": _seconds(900, LAMBDA_TIMEOUTS_COMMON, bare=True),
    "gcf_timeout": _seconds(3600, GCF_TIMEOUTS_COMMON),
    "gcf_timeout_flag": _seconds(3600, GCF_TIMEOUTS_COMMON, bare=True),
    "instances_flag": _number(1, 100, words=0.0, common=(2, 5, 10, 20, 50, 100)),
    "gcf_memory": _gcf_memory(),
    "gcf_memory_flag": _gcf_memory(flag=True),
    "fnenv": _cloud_env("env"),
    "fnenv2": _cloud_env("env2"),
    "fnenvto": _cloud_env("envto"),
    "fnenvname": _cloud_env("envname"),
}
_CLASHES = sorted(set(CLOUD_SAMPLERS) & set(SAMPLERS))
if _CLASHES:  # a Kubernetes slot of the same name would be silently replaced
    raise RuntimeError(f"cloud slots {_CLASHES} already exist in SAMPLERS")
SAMPLERS.update(CLOUD_SAMPLERS)
