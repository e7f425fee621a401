"""JSON Schemas of the files users write, from the pydantic models (SPEC §8).

`gdpr-check schema policy|inventory|rules|waivers|config` prints one, for yaml-language-server:

    # yaml-language-server: $schema=./.schemas/inventory.json

Policy and inventory files are mappings (every key optional: a folder splits them across
files); rule packs and waivers files are lists. Unknown keys are refused, as the loader
refuses them.
"""
from __future__ import annotations

import json

KINDS = ("policy", "inventory", "rules", "waivers", "config")
DIALECT = "https://json-schema.org/draft/2020-12/schema"
TITLES = {
    "policy": "gdpr-check policy file (the privacy notice as data)",
    "inventory": "gdpr-check inventory file (systems, processors, flows, principals)",
    "rules": "gdpr-check rule pack (a list of rules)",
    "waivers": "gdpr-check waivers file (a list of accepted risks)",
    "config": "gdpr-check settings (.gdpr-check.yaml, or [tool.gdpr-check] in pyproject.toml)",
}


def json_schema(kind: str) -> dict:
    """The JSON Schema (draft 2020-12) of one kind of file."""
    from .model import Inventory, Policy, Rule, Waiver
    from .model.config import Config
    model = {"policy": Policy, "inventory": Inventory, "rules": Rule, "waivers": Waiver,
             "config": Config}[kind]
    schema = model.model_json_schema(by_alias=True, ref_template="#/$defs/{model}")
    if kind in ("rules", "waivers"):
        defs = schema.pop("$defs", {})
        defs[model.__name__] = schema
        schema = {"type": "array", "items": {"$ref": f"#/$defs/{model.__name__}"},
                  "$defs": dict(sorted(defs.items()))}
    else:
        schema.pop("title", None)
    return {"$schema": DIALECT, "title": TITLES[kind], **_one_line(schema)}


def _one_line(node):
    """Descriptions on one line: the text of docs/reference.md (docs.field_description)."""
    if isinstance(node, dict):
        return {k: " ".join(v.split()) if k == "description" and isinstance(v, str)
                else _one_line(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_one_line(v) for v in node]
    return node


def render(kind: str) -> str:
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"
