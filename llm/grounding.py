"""The words of a request that an argument may take as its value ("grounding").

Arguments such as a node, a pod, an image or a new deployment's name are marked
`x-live: mentioned` (tools/validation.MENTIONED): the structured decoding may only choose
them among the words the user typed. A small model that half-remembers "node-4" from
training then cannot answer "node-4" to "cordon node-2", and a request that names no node
cannot become a node action at all (the model has to ask instead).

A "word" is a whitespace-separated token with chat decoration stripped (code spans, quotes,
brackets, trailing punctuation, a possessive 's), plus its pieces around `=` and after the
first `/` (`deploy/web`, `app=nginx:1.27`), each also lower-cased (DNS names are).
Numbers count as typed in digits anywhere in a word ("3-10", "--replicas=4", "85%") or as
words ("ten"): integer arguments such as replicas take their value from these.
"""

from __future__ import annotations

import re

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


def mentioned_values(text: str) -> list[str]:
    """Candidate values typed in `text`, sorted and unique (see the module docstring)."""
    found: set[str] = set()
    for raw in text.split():
        word = _clean(raw)
        pieces = {word, *word.split("=")}
        pieces |= {p.split("/", 1)[1] for p in pieces if "/" in p}
        for piece in map(_clean, pieces):
            if piece:
                found |= {piece, piece.lower()}
        found |= {str(int(digits)) for digits in re.findall(r"\d+", word)}
        for letters in re.findall(r"[a-z]+", word.lower()):  # "one..five", "two-to-ten"
            if letters in NUMBER_WORDS:
                found.add(str(NUMBER_WORDS.index(letters)))
            elif letters in TENS_WORDS:
                found.add(str(TENS_WORDS[letters]))
            elif letters in ZERO_WORDS:
                found.add("0")
    return sorted(found)
