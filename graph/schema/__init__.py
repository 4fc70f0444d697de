"""The data model as data: node labels and edge types, loaded from the YAML files beside this module.

The YAML is checked at load, and a broken file raises ``SchemaError`` naming the file and the key. Code
names labels and edge types through the loaded ``Schema``, never by scattering strings.

>>> schema = load_schema()
>>> schema.node("Document").key
('issuer', 'number')
>>> schema.edge("HOLDS").sources, schema.edge("HOLDS").targets
(('Person',), ('Document',))
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from graph.errors import SchemaError, UnknownLabelError

SCHEMA_DIR = Path(__file__).parent
NODES_FILE = "nodes.yaml"
EDGES_FILE = "edges.yaml"

#: Columns every store manages itself; no label may declare a property of these names.
RESERVED = frozenset({"id", "label", "src", "dst", "first_seen", "last_seen", "sources", "confidence", "method"})
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class NodeType:
    """One node label: its key properties (which name a node) and its searchable text properties."""

    name: str
    key: tuple[str, ...]
    text: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class EdgeType:
    """One edge type: the labels allowed at each end, an optional discriminating key property."""

    name: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    key: str | None
    symmetric: bool
    description: str


@dataclass(frozen=True)
class Schema:
    """The whole data model: node labels and edge types by name."""

    nodes: Mapping[str, NodeType]
    edges: Mapping[str, EdgeType]

    def node(self, label: str) -> NodeType:
        """The node label ``label``; ``UnknownLabelError`` if the model does not declare it."""
        try:
            return self.nodes[label]
        except KeyError:
            known = ", ".join(sorted(self.nodes))
            raise UnknownLabelError(f"unknown node label (known: {known})", field="label", value=label) from None

    def edge(self, edge_type: str) -> EdgeType:
        """The edge type ``edge_type``; ``UnknownLabelError`` if the model does not declare it."""
        try:
            return self.edges[edge_type]
        except KeyError:
            known = ", ".join(sorted(self.edges))
            raise UnknownLabelError(f"unknown edge type (known: {known})", field="type", value=edge_type) from None


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise SchemaError(f"cannot read schema file: {err.strerror}", file=str(path)) from err
    except yaml.YAMLError as err:
        raise SchemaError(f"not valid YAML: {err}", file=str(path)) from err
    if not isinstance(data, dict) or not data:
        raise SchemaError("a schema file must be a non-empty mapping of names", file=str(path))
    return data


def _names(value: Any, *, path: Path, key: str, allow_empty: bool = False) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or (not value and not allow_empty):
        raise SchemaError("must be a non-empty list of names", file=str(path), field=key, value=value)
    for item in value:
        if not isinstance(item, str) or not _NAME.match(item):
            raise SchemaError("not a valid name", file=str(path), field=key, value=item)
    if len(set(value)) != len(value):
        raise SchemaError("names repeat", file=str(path), field=key, value=value)
    return tuple(value)


def _check_fields(body: Any, allowed: set[str], required: set[str], *, path: Path, key: str) -> None:
    if not isinstance(body, dict):
        raise SchemaError("must be a mapping", file=str(path), field=key, value=body)
    for field in sorted(set(body) - allowed):
        raise SchemaError(
            f"unknown field (allowed: {', '.join(sorted(allowed))})", file=str(path), field=f"{key}.{field}"
        )
    for field in sorted(required - set(body)):
        raise SchemaError("required field is missing", file=str(path), field=f"{key}.{field}")


def _node_type(name: str, body: Any, path: Path) -> NodeType:
    if not _NAME.match(name):
        raise SchemaError("not a valid label name", file=str(path), field=name)
    _check_fields(body, {"key", "text", "description"}, {"key"}, path=path, key=name)
    key = _names(body["key"], path=path, key=f"{name}.key")
    text = _names(body.get("text", []), path=path, key=f"{name}.text", allow_empty=True)
    for prop in key + text:
        if prop in RESERVED:
            raise SchemaError("reserved property name", file=str(path), field=f"{name}.key", value=prop)
    return NodeType(name, key, text, str(body.get("description", "")))


def _edge_type(name: str, body: Any, path: Path, labels: Mapping[str, NodeType]) -> EdgeType:
    if not _NAME.match(name):
        raise SchemaError("not a valid edge type name", file=str(path), field=name)
    _check_fields(body, {"from", "to", "key", "symmetric", "description"}, {"from", "to"}, path=path, key=name)
    ends: dict[str, tuple[str, ...]] = {}
    for end in ("from", "to"):
        ends[end] = _names(body[end], path=path, key=f"{name}.{end}")
        for label in ends[end]:
            if label not in labels:
                raise SchemaError("names an undeclared node label", file=str(path), field=f"{name}.{end}", value=label)
    key = body.get("key")
    if key is not None and (not isinstance(key, str) or not _NAME.match(key) or key in RESERVED | {"type"}):
        raise SchemaError(
            "key must be one valid, non-reserved property name", file=str(path), field=f"{name}.key", value=key
        )
    symmetric = body.get("symmetric", False)
    if not isinstance(symmetric, bool):
        raise SchemaError("must be true or false", file=str(path), field=f"{name}.symmetric", value=symmetric)
    if symmetric and ends["from"] != ends["to"]:
        raise SchemaError(
            "a symmetric edge needs the same labels at both ends", file=str(path), field=f"{name}.symmetric"
        )
    return EdgeType(name, ends["from"], ends["to"], key, symmetric, str(body.get("description", "")))


def load_schema(directory: Path | str | None = None) -> Schema:
    """Load and check ``nodes.yaml`` and ``edges.yaml`` from ``directory`` (default: the built-in model)."""
    if directory is None:
        return _builtin()
    return _load(Path(directory))


def _load(directory: Path) -> Schema:
    nodes_path, edges_path = directory / NODES_FILE, directory / EDGES_FILE
    nodes = {name: _node_type(str(name), body, nodes_path) for name, body in _read(nodes_path).items()}
    edges = {name: _edge_type(str(name), body, edges_path, nodes) for name, body in _read(edges_path).items()}
    return Schema(nodes=nodes, edges=edges)


@lru_cache(maxsize=1)
def _builtin() -> Schema:
    return _load(SCHEMA_DIR)


def labels_of(schema: Schema, names: Sequence[str]) -> list[NodeType]:
    """The node types named in ``names``, in that order (checked)."""
    return [schema.node(n) for n in names]
