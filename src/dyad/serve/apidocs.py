"""The API's reference page (`/docs`), read from the app's own OpenAPI schema, so it lists
every endpoint as the server answers it. FastAPI's own /docs loads its scripts from a CDN;
this page is plain HTML rendered by the server and works offline."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["endpoints"]

METHODS = ("get", "post", "put", "patch", "delete")


def endpoints(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Each operation of an OpenAPI `schema`: method, path, description and parameters (name,
    where, required, type and limits, description), in the schema's order."""
    found = []
    for path, operations in schema.get("paths", {}).items():
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            found.append({
                "method": method.upper(), "path": path,
                "description": operation.get("description") or operation.get("summary") or "",
                "parameters": [_parameter(p) for p in operation.get("parameters", [])],
                "body": "requestBody" in operation or method == "post",
            })
    return found


def _parameter(parameter: dict[str, Any]) -> dict[str, Any]:
    schema = parameter.get("schema", {})
    return {"name": parameter["name"], "in": parameter.get("in", "query"), "required": bool(parameter.get("required")),
            "type": describe_type(schema), "description": parameter.get("description") or schema.get("description") or ""}


def describe_type(schema: dict[str, Any]) -> str:
    """A JSON schema in a few words: "integer ≥ 1, default 100", "string matching ^[A-Z]{3}$",
    "list of string"."""
    choices = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    if len(choices) == 1:
        return describe_type({**choices[0], **{k: v for k, v in schema.items() if k != "anyOf"}})
    if choices:
        return " or ".join(describe_type(s) for s in choices)
    kind = schema.get("type", "any")
    words = [f"list of {describe_type(schema.get('items', {}))}" if kind == "array" else str(kind)]
    if "format" in schema:
        words[0] += f" ({schema['format']})"
    if "enum" in schema:
        words.append("one of " + ", ".join(map(str, schema["enum"])))
    if "pattern" in schema:
        words.append(f"matching {schema['pattern']}")
    for key, sign in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"), ("exclusiveMaximum", "<")):
        if key in schema:
            words.append(f"{sign} {schema[key]}")
    if schema.get("default") is not None:
        words.append(f"default {json.dumps(schema['default'])}")  # as a client sends it: false, not False
    return ", ".join(words)
