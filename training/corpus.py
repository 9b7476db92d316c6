"""Text for the tokenizer and the in-house base: kubectl man pages plus our training split.

Debian's `kubernetes-client` ships kubectl man pages (Apache-2.0) whose EXAMPLE sections
pair a plain-English comment with a command: honest, human-written phrasing. They are
extracted once into datasets/corpus/kubectl_man.txt (committed, so training needs no apt);
`extract_man_corpus` refreshes that file from /usr/share/man/man1/kubectl*.1.gz.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
MAN_CORPUS = REPO_ROOT / "datasets" / "corpus" / "kubectl_man.txt"
DEFAULT_MAN_DIR = Path("/usr/share/man/man1")


def _unroff(line: str) -> str:
    line = re.sub(r"\\f[BIRP]", "", line)
    line = line.replace("\\-", "-").replace("\\_", "_").replace("\\(aq", "'").replace("\\", "")
    return line.strip()


def parse_man_page(text: str) -> list[str]:
    """Paragraphs worth reading from one man page: name line, description, examples."""
    out: list[str] = []
    section = ""
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            out.append(" ".join(paragraph) if section != "EXAMPLE" else "\n".join(paragraph))
            paragraph.clear()

    for raw in text.splitlines():
        if raw.startswith(".SH"):
            flush()
            section = raw[3:].strip().strip('"')
            continue
        if section not in ("NAME", "DESCRIPTION", "EXAMPLE"):
            continue
        if raw.startswith((".PP", ".RS", ".RE", ".nf", ".fi")) or not raw.strip():
            flush()
            continue
        if raw.startswith("."):
            continue
        line = _unroff(raw)
        if line:
            paragraph.append(line)
    flush()
    return out


def extract_man_corpus(man_dir: Path = DEFAULT_MAN_DIR, out_path: Path = MAN_CORPUS) -> Path:
    """Write the text of every kubectl*.1.gz page in `man_dir` to `out_path`."""
    pages = sorted(man_dir.glob("kubectl*.1.gz"))
    if not pages:
        raise FileNotFoundError(
            f"no kubectl man pages in {man_dir}: install Debian's kubernetes-client "
            "(or extract its .deb with dpkg-deb -x) and pass --man-dir"
        )
    blocks = []
    for page in pages:
        text = gzip.decompress(page.read_bytes()).decode("utf-8", "replace")
        blocks.extend(parse_man_page(text))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return out_path


def man_documents(path: Path = MAN_CORPUS) -> list[str]:
    """The man-page corpus as documents (blank-line separated)."""
    if not path.is_file():
        return []
    return [block for block in path.read_text(encoding="utf-8").split("\n\n") if block.strip()]


def pair_document(record: dict[str, Any]) -> str:
    """A training record as plain text for the base: the request, then the call.

    Deliberately NOT the chat format: the base learns the language of requests and calls;
    the LoRA adapter learns to answer in the served prompt format.
    """
    head, call = pair_parts(record)
    return head + call


def pair_parts(record: dict[str, Any]) -> tuple[str, str]:
    """The pair document split before the call: (channel + request + "call: ", call JSON).
    The split is at a space, where the tokenizer splits anyway, so tokenizing the parts
    apart gives the tokens of the whole; the base can then weigh the call's tokens."""
    context = record["messages"][0]["content"]
    text = record["messages"][1]["content"]
    call = record["messages"][2]["content"]
    return f"channel: {context}\nrequest: {text}\ncall: ", call


def tokenizer_texts(records: list[dict[str, Any]], man_docs: list[str]) -> list[str]:
    """Texts the BPE tokenizer is trained on: requests, calls, contexts and man pages."""
    texts = [json.dumps(r["target"], separators=(",", ":")) for r in records]
    texts += [m["content"] for r in records for m in r["messages"][:2]]
    return texts + man_docs
