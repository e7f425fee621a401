"""A rule reads the models' data, not pydantic's API on them.

Every model offers pydantic's own methods beside its fields: `model_rebuild(force=True,
_types_namespace=...)` rebuilt a class's validator for the whole process (a library caller
checking the next project would validate with it), `model_construct`, `model_copy(update=)`
and `model_validate` made objects no loader saw, `model_json_schema` and the dumps did
unbounded work off the budget. A rule pack from a pull request could call all of them.
The sandbox (`security.SecureSandbox.is_safe_attribute`) refuses them on models and model
classes, with or without the fast paths; fields, and what the project's own model classes
define (`location`, `KIND`, `stated`), stay readable. Keyword names starting with `_` are
refused before anything runs, like every other `_` name. And no date a rule holds reads
the clock (`today`, `now`): only the `today()` helper, which `SOURCE_DATE_EPOCH` fixes,
does. Both refusals say why, so that a rule author knows what to write instead.
"""
from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime

import pytest
from jinja2.exceptions import SecurityError

from gdpr_check.expr import security
from gdpr_check.expr.sandbox import Expression
from gdpr_check.errors import InputError
from gdpr_check.model import Flow, System
from gdpr_check.model.inventory import Dpa
from gdpr_check.refdata import reference

from .test_sandbox_payloads import check_project, make_project, that
from .test_security import _evaluate

PYDANTIC_CALLS = [
    "item.model_rebuild(force=True)",
    "item.model_construct(id='x').id",
    "item.model_copy(update={'id': 'x'}).id",
    "item.model_validate({'id': 'x'}).id",
    "item.model_json_schema() | length",
    "item.model_dump() | length",
    "item.model_dump_json() | length",
    "item.model_fields | length",
    "item.copy(update={'id': 'x'}).id",      # pydantic's deprecated v1 names
    "item.schema_json() | length",
    "item.parse_obj({'id': 'x'}).id",
    "item['model_rebuild']",                  # the same through a key, or a filter
    "[item] | map(attribute='model_dump') | list",
    "item | attr('model_construct')",
]


# Jinja reads an attribute before it asks whether it is safe: pydantic warns of the read.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.mark.parametrize("source", PYDANTIC_CALLS)
def test_pydantic_api_on_a_model_is_refused_by_the_secure_sandbox_alone(source):
    with pytest.raises(SecurityError, match="unsafe"):
        value = _evaluate(security.environment(), source, {"item": System(id="crm")})
        # a refused attribute is an undefined that raises when used
        for element in value if isinstance(value, list) else [value]:
            str(element)


@pytest.mark.parametrize("source", PYDANTIC_CALLS)
def test_pydantic_api_on_a_model_is_refused_with_the_fast_paths(source):
    with pytest.raises(SecurityError, match="unsafe"):
        Expression(source, ("rules/x.yaml", 3, 5), ["item"])({"item": System(id="crm")})


@pytest.mark.parametrize("source, expected", [
    ("item.id", "crm"),
    ("item.KIND", "system"),
    ("item['from']", "a"),
    ("item.location", None),                  # the project's own property
])
def test_the_models_data_and_the_projects_own_attributes_stay_readable(source, expected):
    item = Flow(id="crm", **{"from": "a"}, to="b") if "from" in source else System(id="crm")
    assert Expression(source, ("rules/x.yaml", 3, 5), ["item"])({"item": item}) == expected


def test_a_private_keyword_name_is_refused_before_anything_runs():
    with pytest.raises(InputError, match="reaches for '_types_namespace'"):
        Expression("item.id.split(_types_namespace={})", ("rules/x.yaml", 3, 5), ["item"])


def test_a_rule_that_rebuilds_a_model_is_an_input_error_naming_its_line(tmp_path):
    root = make_project(tmp_path, that("item.model_rebuild(force=True)"))
    kind, text = check_project(root)
    assert kind == "input-error", text
    assert text.startswith("pack/extra.yaml:7:3") and "model_rebuild" in text, text


def test_the_cli_refuses_it_with_one_line_and_exit_2(tmp_path):
    root = make_project(tmp_path, that("inventory.model_construct().systems"))
    result = subprocess.run([sys.executable, "-m", "gdpr_check", "check", str(root),
                             "--rules", str(root / "pack"), "--select", "X001"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert "pack/extra.yaml:7" in result.stderr and "model_construct" in result.stderr


@pytest.mark.parametrize("source, value", [
    ("ref.as_of.today()", None), ("item.today()", date(2020, 1, 1)),
    ("item.now()", datetime(2020, 1, 1)), ("item.utcnow()", datetime(2020, 1, 1))])
def test_no_date_reads_the_clock(source, value):
    scope = {"ref": reference(), "item": value}
    with pytest.raises(SecurityError, match="unsafe"):
        Expression(source, ("rules/x.yaml", 3, 5), ["item"])(scope)
    with pytest.raises(SecurityError, match="unsafe"):
        str(_evaluate(security.environment(), source, scope))


@pytest.mark.parametrize("source, scope, reason", [
    ("item.signed.today()", {"item": Dpa(signed=date(2020, 1, 1))},
     "'today' of 'date' object is unsafe: it reads the clock; the today() helper gives "
     "the date of the run (SOURCE_DATE_EPOCH sets it)"),
    ("item.model_copy()", {"item": System(id="crm")},
     "'model_copy' of 'System' object is unsafe: it is pydantic API, not a field of "
     "System; a rule reads fields"),
])
def test_a_refusal_says_why_and_what_to_use(source, scope, reason):
    for evaluate in (lambda: Expression(source, ("r", 1, 1), ["item"])(scope),
                     lambda: str(_evaluate(security.environment(), source, scope))):
        with pytest.raises(SecurityError) as refused:
            evaluate()
        assert reason in str(refused.value)


def test_a_refusal_reads_whole_in_the_error_line():
    """Error lines shorten long quoted runs (errors.cap_message): the reasons hold no
    quote or backtick that could pair with the quoted expression before them."""
    from gdpr_check.errors import cap_message
    source = ("item.signed is none or item.signed.year < 2000 "
              "or item.signed.today() > item.signed")
    with pytest.raises(SecurityError) as refused:
        Expression(source, ("r", 1, 1), ["item"])({"item": Dpa(signed=date(2020, 1, 1))})
    line = cap_message(f"rule X001: cannot evaluate `{source}` for processor 'mailchimp' "
                       f"(inventory/processors.yaml:15): {refused.value}")
    assert line.endswith("the today() helper gives the date of the run "
                         "(SOURCE_DATE_EPOCH sets it)") and "…" not in line


def test_a_refusal_by_jinja_alone_keeps_its_words():
    """A class's `mro` is refused by Jinja's own rules: no reason of ours to add."""
    with pytest.raises(SecurityError) as refused:
        str(_evaluate(security.environment(), "item.mro", {"item": int}))
    assert str(refused.value).endswith("is unsafe.")


def test_a_date_is_still_read_and_rebuilt():
    item = Dpa(signed=date(2020, 1, 1))
    assert Expression("item.signed.year", ("r", 1, 1), ["item"])({"item": item}) == 2020
    assert Expression("item.signed.replace(year=2021).year", ("r", 1, 1),
                      ["item"])({"item": item}) == 2021
