"""Importing the models costs only what a run needs (issue 10, "Start-up"): no validator is
built at import (each is built on first use), and the fields' descriptions come from one
parse of each module's source, the same descriptions pydantic's own (slower) extraction
would give."""
from __future__ import annotations

import subprocess
import sys

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


def test_country_codes_are_pycountrys_without_importing_it():
    from gdpr_check.model import types
    assert types._codes_from_data() == types._codes_from_pycountry()
    script = ("import sys\nfrom gdpr_check.model import types\n"
              "assert 'FI' in types.iso_countries() and 'XX' not in types.iso_countries()\n"
              "print('pycountry' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


def test_language_codes_are_pycountrys_without_importing_it():
    import pycountry

    from gdpr_check.model import text
    assert text.iso_languages() == frozenset(
        lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))
    script = ("import sys\nfrom gdpr_check.model import text\n"
              "assert 'fi' in text.iso_languages() and 'xx' not in text.iso_languages()\n"
              "print('pycountry' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"
