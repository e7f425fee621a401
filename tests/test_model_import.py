"""Importing the models costs only what a run needs (issue 10, "Start-up"): no validator is
built at import (each is built on first use), and the fields' descriptions come from the
build (model/field_docs.py) or else one parse of each module's source: the same
descriptions pydantic's own (slower) extraction would give."""
from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic._internal._docs_extraction import extract_docstrings_from_cls

from gdpr_check.model.base import Located


def _models() -> list[type]:
    found, todo = [], [Located]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return [cls for cls in found if cls.__module__.startswith("gdpr_check.model")]


def test_descriptions_are_the_ones_pydantic_would_extract():
    models = _models()
    assert len(models) > 30
    for cls in models:
        expected = extract_docstrings_from_cls(cls, use_inspect=True)
        for name, info in cls.__pydantic_fields__.items():
            if name in expected and name in cls.__annotations__:
                assert info.description == expected[name], (cls.__name__, name)


def test_importing_the_models_builds_no_validator():
    script = ("from gdpr_check.model import Inventory, Policy, Rule\n"
              "from gdpr_check.model.base import Located\n"
              "todo, built = [Located], []\n"
              "while todo:\n"
              "    cls = todo.pop(); todo.extend(cls.__subclasses__())\n"
              "    if cls.__pydantic_complete__: built.append(cls.__name__)\n"
              "print(built)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_a_model_is_built_on_first_use_and_validates_strictly():
    from gdpr_check.model.inventory import Hosting
    import pydantic
    import pytest
    assert Hosting.model_validate({"provider": "aws"}).provider == "aws"
    assert Hosting.__pydantic_complete__
    with pytest.raises(pydantic.ValidationError):
        Hosting.model_validate({"provider": "aws", "nosuchkey": 1})


def test_country_and_language_codes_are_pycountrys():
    import pycountry

    from gdpr_check.model import text, types
    assert types.iso_countries() == frozenset(c.alpha_2 for c in pycountry.countries)
    assert text.iso_languages() == frozenset(
        lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))


@pytest.mark.parametrize("module, codes, known, unknown", [
    ("types", "iso_countries", "FI", "XX"), ("text", "iso_languages", "fi", "xx")])
def test_codes_are_read_without_importing_pycountry(module, codes, known, unknown):
    """pycountry's import costs 20-90 ms of a run: its data files are read directly."""
    script = (f"import sys\nfrom gdpr_check.model import {module}\n"
              f"assert '{known}' in {module}.{codes}() and '{unknown}' not in {module}.{codes}()\n"
              "print('pycountry' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


def _built_docs(monkeypatch, tmp_path):
    from gdpr_check.model import field_docs
    target, count = field_docs.build(tmp_path / "field-docs.json")
    assert count >= 5
    monkeypatch.setattr(field_docs, "path", lambda: target)
    monkeypatch.setattr(field_docs, "_built", None)
    return field_docs


def test_the_descriptions_the_build_extracted_are_used_without_parsing(monkeypatch,
                                                                       tmp_path):
    """Parsing the model modules for them was ~15 ms of every start-up."""
    import ast

    from gdpr_check.model import inventory
    field_docs = _built_docs(monkeypatch, tmp_path)
    expected = field_docs.extract(open(inventory.__file__, "rb").read())

    def refuse(*_args, **_kwargs):
        raise AssertionError("parsed at run time")
    monkeypatch.setattr(ast, "parse", refuse)
    docs = field_docs.of_module(inventory.__name__, inventory.__file__)
    assert docs == expected and docs["System"]["name"] == "The system's name."


def test_descriptions_built_from_another_source_or_extractor_are_not_used(monkeypatch,
                                                                         tmp_path):
    """An edited model (a checkout changed after its editable install), or an extractor
    changed since the build, means the module's source is read instead."""
    import json

    from gdpr_check.model import inventory
    field_docs = _built_docs(monkeypatch, tmp_path)
    data = json.loads(field_docs.path().read_text(encoding="utf-8"))
    data["modules"][inventory.__name__]["classes"]["System"]["name"] = "As built."
    field_docs.path().write_text(json.dumps(data), encoding="utf-8")
    assert field_docs.of_module(inventory.__name__, inventory.__file__)["System"]["name"] \
        == "As built."  # the build's, for this very source
    edited = tmp_path / "inventory.py"
    source = open(inventory.__file__, encoding="utf-8").read()
    edited.write_text(source.replace('"""The system\'s name."""', '"""Its new name."""'),
                      encoding="utf-8")
    assert field_docs.of_module(inventory.__name__, str(edited))["System"]["name"] == \
        "Its new name."
    monkeypatch.setattr(field_docs, "_salt", lambda: b"another extractor")
    assert field_docs.of_module(inventory.__name__, inventory.__file__)["System"]["name"] \
        == "The system's name."
    field_docs.path().write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(field_docs, "_built", None)
    assert field_docs._read() == {}


def test_a_run_parses_no_model_source_when_the_installed_descriptions_are_current():
    from gdpr_check.model import field_docs
    built = field_docs._read()
    modules = [m for m in sys.modules if m.startswith("gdpr_check.model.")]
    if not all(m in built and built[m]["sha256"] == field_docs._digest(
            open(sys.modules[m].__file__, "rb").read()) for m in modules):
        pytest.skip("field-docs.json is missing or stale (pip install -e . writes it)")
    script = ("import ast\nparsed = []\nreal = ast.parse\n"
              "ast.parse = lambda *a, **k: parsed.append(1) or real(*a, **k)\n"
              "from gdpr_check.model.inventory import System\n"
              "print(len(parsed), System.model_fields['name'].description)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "0 The system's name."


def test_the_register_field_s_warning_is_silenced_for_our_models_only():
    """System.register shadows ABCMeta.register; pydantic's warning about it is silenced
    for gdpr_check's own module, not for a library caller's models."""
    script = ("import warnings\n"
              "warnings.simplefilter('error')\n"
              "import gdpr_check.model.inventory\n"  # no warning from our System
              "from pydantic import BaseModel\n"
              "with warnings.catch_warnings(record=True) as seen:\n"
              "    warnings.simplefilter('always')\n"
              "    class Caller(BaseModel):\n"
              "        register: int = 0\n"
              "print([str(w.message)[:21] for w in seen])\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "['Field name \"register\"']"
