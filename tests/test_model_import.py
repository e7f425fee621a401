"""Importing the models costs only what a run needs (issue 10, "Start-up"): no validator is
built at import (each is built on first use), and the fields' descriptions come from one
parse of each module's source, the same descriptions pydantic's own (slower) extraction
would give."""
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
