"""Loading YAML config files so that every error can name the file and the line.

PyYAML's `safe_load` forgets where values came from. Here the document is composed
once into nodes (which keep their marks), converted to plain data, and a map from
each key path to its line is kept so that Pydantic errors (which carry a `loc` path)
and our own checks can point at the offending line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import ValidationError


class ConfigError(ValueError):
    """A config or policy file is unusable; the message names the file, line and field."""


@dataclass
class LineIndex:
    """Line numbers (1-based) of every key path in one YAML document."""

    source: str
    """File name (or a description such as '<embedded default policy>')."""
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict)

    def line_of(self, path: Sequence[Any]) -> int | None:
        """Line of the longest prefix of `path` that exists in the document."""
        parts = tuple(path)
        while parts:
            if parts in self.lines:
                return self.lines[parts]
            parts = parts[:-1]
        return self.lines.get(())

    def where(self, path: Sequence[Any]) -> str:
        """'file:LINE' (or just 'file') for a path."""
        line = self.line_of(path)
        return f"{self.source}:{line}" if line else self.source

    def error(self, path: Sequence[Any], message: str) -> ConfigError:
        """A ConfigError naming the file, the line and the field."""
        dotted = ".".join(str(p) for p in path)
        field_part = f" {dotted}:" if dotted else ""
        return ConfigError(f"{self.where(path)}:{field_part} {message}")


def load_yaml(text: str, *, source: str) -> tuple[Any, LineIndex]:
    """Parse one YAML document; returns (data, line index). Raises ConfigError."""
    index = LineIndex(source=source)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{source}{line}: not valid YAML: {problem}") from None
    if node is None:
        return {}, index
    return _to_data(node, (), index), index


def _to_data(node: yaml.Node, path: tuple[Any, ...], index: LineIndex) -> Any:
    index.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, index)
            if key in result:
                line = key_node.start_mark.line + 1
                raise ConfigError(f"{index.source}:{line}: duplicate key {key!r}")
            index.lines[path + (key,)] = key_node.start_mark.line + 1
            result[key] = _to_data(value_node, path + (key,), index)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_data(item, path + (i,), index) for i, item in enumerate(node.value)]
    return _scalar(node, index)


def _scalar(node: yaml.Node, index: LineIndex) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        line = node.start_mark.line + 1
        raise ConfigError(f"{index.source}:{line}: a key must be a plain value")
    return yaml.SafeLoader("").construct_object(node, deep=True)


def describe_validation(exc: ValidationError, index: LineIndex) -> ConfigError:
    """Turn a Pydantic error into one ConfigError listing each problem with its line."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        dotted = ".".join(str(p) for p in loc) or "(top level)"
        problems.append(f"{index.where(loc)}: {dotted}: {error['msg']}")
    return ConfigError("\n".join(problems))
