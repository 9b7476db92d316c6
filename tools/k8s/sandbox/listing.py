"""Chunked lists: `limit` and opaque `continue` tokens, as client-go pages through lists."""

from __future__ import annotations

import base64
from typing import Any

from tools.k8s.sandbox.errors import BadRequest


def paginate(
    items: list[dict[str, Any]], *, query: dict[str, str], resource_version: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The page of `items` the query asks for, and the list metadata to answer with."""
    metadata: dict[str, Any] = {"resourceVersion": str(resource_version)}
    offset = decode_continue(query["continue"]) if query.get("continue") else 0
    limit_text = query.get("limit", "")
    if limit_text and not limit_text.isdigit():
        raise BadRequest(f"limit must be a non-negative integer, not {limit_text!r}")
    limit = int(limit_text or 0)
    end = offset + limit if limit else len(items)
    if end < len(items):
        metadata["continue"] = encode_continue(resource_version=resource_version, offset=end)
        metadata["remainingItemCount"] = len(items) - end
    return items[offset:end], metadata


def encode_continue(*, resource_version: int, offset: int) -> str:
    """An opaque `continue` token for chunked lists."""
    return base64.urlsafe_b64encode(f"{resource_version}:{offset}".encode()).decode()


def decode_continue(token: str) -> int:
    """The offset in a `continue` token; 400 for tokens this server did not issue."""
    try:
        _, offset = base64.urlsafe_b64decode(token.encode()).decode().split(":")
        return int(offset)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(f"continue key is not valid: {token!r}") from None
