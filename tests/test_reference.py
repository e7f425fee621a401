"""docs/reference.md: every key of policy/ and inventory/, documented once (the models'
field docstrings), the same text in the JSON Schemas, and pointed at by init and errors."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gdpr_check import docs, meta, scaffold
from gdpr_check.cli import main
from gdpr_check.model import Inventory, Policy
from gdpr_check.schemas import json_schema

from .rules.harness import write_project

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = (ROOT / docs.REFERENCE_DOC).read_text(encoding="utf-8")


def side_fields():
    for root in (Policy, Inventory):
        for model, _ in docs._side_models(root):
            for name, info in model.model_fields.items():
                yield root, model, name, info


def test_every_key_has_a_description():
    undocumented = [f"{model.__name__}.{name}" for _, model, name, info in side_fields()
                    if not docs.field_description(info)]
    assert not undocumented, ("give these fields a docstring (the string under the field in "
                              "gdpr_check/model/), then run `python -m gdpr_check.docs`: "
                              + ", ".join(undocumented))


def test_each_key_has_its_row_with_type_default_and_example():
    for root, model, name, info in side_fields():
        key = info.alias or name
        text = docs.field_description(info)
        row = f"| `{key}` | "
        assert any(line.startswith(row) and docs._cell(text) in line
                   for line in REFERENCE.splitlines()), (model.__name__, key)


@pytest.mark.parametrize("kind,root", [("policy", Policy), ("inventory", Inventory)])
def test_the_json_schema_descriptions_are_the_reference_text(kind, root):
    schema = json_schema(kind)
    defs = {name: body for name, body in schema.get("$defs", {}).items()}
    for model, _ in docs._side_models(root):
        body = schema if model is root else defs[model.__name__]
        for name, info in model.model_fields.items():
            described = body["properties"][info.alias or name].get("description")
            assert described == docs.field_description(info), (model.__name__, name)


def test_article_citations_are_extracted():
    assert docs.articles_in("The controller (Art. 13(1)(a), 14(1)(a)).") == \
        "Art. 13(1)(a), 14(1)(a)"
    assert docs.articles_in("tools (Art. 44-49); see CJEU C-311/18 Schrems II") == \
        "Art. 44-49; CJEU C-311/18 Schrems II"


def test_init_and_errors_point_at_the_reference(tmp_path, capsys):
    assert meta.REFERENCE_DOC_URL in scaffold.NOTICE and meta.REFERENCE_DOC_URL in \
        scaffold.INVENTORY
    project = write_project(tmp_path / "p", {"inventory": {"systems": [
        {"id": "crm", "ownr": "x"}]}})
    assert main(["validate", str(project)]) == 2
    err = capsys.readouterr().err
    anchor = re.search(re.escape(meta.REFERENCE_DOC_URL) + r"#([\w-]+)\)", err)[1]
    assert anchor == "inventory-system" and f'<a id="{anchor}"></a>' in REFERENCE


def test_the_schema_command_prints_the_descriptions(capsys):
    assert main(["schema", "inventory"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$defs"]["System"]["properties"]["owner"]["description"].startswith(
        "Who is responsible for it")
