"""The expression sandbox (SPEC §6): immutable, StrictUndefined, no private attributes,
bounded operators, and every documented helper in scope."""
from __future__ import annotations

from pathlib import Path

import pytest
from jinja2.exceptions import SecurityError, UndefinedError

from gdpr_check.errors import InputError
from gdpr_check.expr import Helpers, Index, scope_for
from gdpr_check.expr.helpers import CONSTANTS, FILTERS, FUNCTIONS
from gdpr_check.expr.sandbox import ENV, Expression, compile_template
from gdpr_check.load import load_project
from gdpr_check.refdata import reference

BASE = Path(__file__).parent / "fixtures" / "base"
LOC = ("rules/test.yaml", 7, 3)


@pytest.fixture(scope="module")
def scope():
    project = load_project(BASE)
    ref = reference()
    base = scope_for(Helpers(Index(project.policy, project.inventory), ref),
                     project.policy, project.inventory, ref)
    crm = next(s for s in project.inventory.systems if s.id == "crm")
    return dict(base, item=crm)


def ev(source, scope, extra=()):
    return Expression(source, LOC, extra)(scope)


# -- immutability -------------------------------------------------------------------

@pytest.mark.parametrize("source", [
    "item.purposes.append('X')",
    "item.hosting.countries.append('X')",
    "lookup('processor', 'mailer').countries.append('X')",
    "item.data_categories.extend(['x'])",
    "item.purposes.pop()",
    "item.purposes.sort()",
    "inventory.systems.clear()",
    "{'a': 1}.update(b=2)",
    "{'a': 1}.setdefault('b', 2)",
    "[1, 2].remove(1)",
])
def test_mutation_is_refused(scope, source):
    def state():
        inventory = scope["inventory"]
        return ([(list(s.purposes), list(s.hosting.countries)) for s in inventory.systems],
                [list(p.countries) for p in inventory.processors])
    before = state()
    with pytest.raises(SecurityError, match="unsafe"):
        ev(source, scope)
    assert state() == before


def test_models_are_frozen(scope):
    from pydantic import ValidationError
    with pytest.raises(ValidationError, match="frozen"):
        scope["item"].name = "changed"  # what a helper could try; the models refuse it
    assert scope["item"].name == "Customer database"


def test_reading_is_fine(scope):
    assert ev("item.purposes | length", scope) == 1
    assert ev("item['from'] if false else item.id", scope) == "crm"
    assert ev("inventory.flows | selectattr('from_', 'equalto', 'crm') | map(attribute='to') "
              "| list", scope) == ["cloudhost"]
    assert ev("'{} in {}'.format(item.id, item.hosting.countries[0])", scope) == "crm in FI"


# -- StrictUndefined ------------------------------------------------------------------

@pytest.mark.parametrize("source", [
    "item.nosuchfield",
    "item.nosuchfield == 1",
    "[item.nosuchfield]",
    "item.nosuchfield.deeper",
    "item.hosting.nosuch or true",
    "'x' ~ item.nosuchfield",
])
def test_undefined_fields_are_errors(scope, source):
    with pytest.raises(UndefinedError, match="has no field"):
        ev(source, scope)


def test_undefined_field_names_the_model_and_a_close_field(scope):
    with pytest.raises(UndefinedError) as error:
        ev("item.purpose", scope)
    assert str(error.value) == "System has no field 'purpose' (did you mean 'purposes'?)"


def test_defined_test_and_default_filter_still_work(scope):
    assert ev("item.nosuchfield is defined", scope) is False
    assert ev("item.nosuchfield | default('fallback')", scope) == "fallback"


@pytest.mark.parametrize("source", ["itme.id", "nosuch", "self", "item.id == system.id",
                                    "[x for x in y]"])
def test_unknown_names_are_refused_when_compiling(source):
    with pytest.raises(InputError) as error:
        Expression(source, LOC)
    assert (error.value.path, error.value.line) == LOC[:2]


def test_rule_vars_are_names_only_where_declared(scope):
    with pytest.raises(InputError, match="unknown name 'mechanism'"):
        Expression("mechanism == 'scc'", LOC)
    assert ev("mechanism == 'scc'", dict(scope, mechanism="scc"), ["mechanism"]) is True


def test_templates_are_strict_too(scope):
    render = compile_template("{{ item.name }} in {{ item.hosting.countries | join(', ') }}",
                              LOC)
    assert render(scope) == "Customer database in FI"
    with pytest.raises(UndefinedError, match="System has no field 'nosuch'"):
        compile_template("{{ item.nosuch }}", LOC)(scope)
    with pytest.raises(InputError, match="unknown name 'itm'"):
        compile_template("{{ itm.name }}", LOC)


# -- private attributes ------------------------------------------------------------------

@pytest.mark.parametrize("source,name", [
    ("item.__class__", "__class__"),
    ("item._loc", "_loc"),
    ("lookup.__globals__", "__globals__"),
    ("item.__class__.__mro__[1].__subclasses__()", "__class__"),
    ("item['__class__']", "__class__"),
    ("item | attr('__class__')", "__class__"),
    ("inventory.systems | map(attribute='__class__') | list", "__class__"),
    ("inventory.systems | sort(attribute='id.__class__') | list", "__class__"),
    ("inventory.systems | selectattr('_loc') | list", "_loc"),
    ("'{0.__class__}'.format(item)", "__class__"),
    ("'{x.__init__.__globals__}'.format_map({'x': item})", "__init__"),
    ("_helpers", "_helpers"),
    ("_helpers.index", "_helpers"),
])
def test_private_names_are_refused_statically(source, name):
    with pytest.raises(InputError) as error:
        Expression(source, LOC)
    assert f"reaches for '{name}'" in error.value.message
    assert (error.value.path, error.value.line, error.value.column) == LOC


def test_private_names_in_templates_are_refused():
    with pytest.raises(InputError, match="reaches for '__class__'"):
        compile_template("{{ item.__class__ }}", LOC)


@pytest.mark.parametrize("source", [
    "item['__cla' ~ 'ss__']",
    "item | attr('__' ~ 'class__')",
    "('{0.' ~ '__class__}').format(item)",
    "inventory.systems | map(attribute='_' ~ '_class__') | list",
])
def test_private_names_built_at_run_time_are_refused_by_the_sandbox(scope, source):
    expression = Expression(source, LOC)   # cannot be seen statically ...
    with pytest.raises(SecurityError):     # ... so the sandbox refuses it when it runs
        expression(scope)


def test_a_refused_expression_is_refused_every_time():
    """The compiled-code cache only ever holds expressions that passed the checks."""
    for _ in range(2):
        with pytest.raises(InputError, match="reaches for"):
            Expression("item.__class__", LOC)


# -- resource bounds -------------------------------------------------------------------------

@pytest.mark.parametrize("source", ["9 ** 999999", "(2 ** 64) ** 100", "'x' * 10 ** 9",
                                    "[1] * 10 ** 8", "10 ** 7 * 'ab'",
                                    "'%1000000000s' % 'x'", "'%*d' % (10 ** 9, 1)",
                                    "'{:>1000000000}'.format('x')",
                                    "'{0:{1}}'.format('x', 10 ** 9)",
                                    "'%1000000000d' | format(1)", "'x' | center(10 ** 9)",
                                    "'a\nb' | indent(10 ** 9)"])
def test_huge_values_are_refused(scope, source):
    with pytest.raises(SecurityError, match="too large"):
        ev(source, scope)


def test_ordinary_arithmetic_is_fine(scope):
    assert ev("2 ** 10 + 3 * 4", scope) == 1036
    assert ev("'ab' * 3", scope) == "ababab"
    assert ev("2.5 ** 2", scope) == 6.25
    assert ev("17 % 5", scope) == 2
    assert ev("'%-4s|%3d' % ('a', 7)", scope) == "a   |  7"
    assert ev("'{:>4}|{:{w}}|'.format('a', 'b', w=2)", scope) == "   a|b |"
    assert ev("'%3d' | format(7)", scope) == "  7"
    assert ev("'x' | center(3)", scope) == " x "


@pytest.mark.parametrize("name", ["lipsum", "cycler", "joiner", "namespace"])
def test_unneeded_jinja_globals_are_gone(name):
    with pytest.raises(InputError, match=f"unknown name '{name}'"):
        Expression(f"{name}()", LOC)


def test_range_is_bounded(scope):
    with pytest.raises(OverflowError):
        ev("range(10 ** 9) | list", scope)


# -- helpers ---------------------------------------------------------------------------

def test_every_function_is_in_scope(scope):
    for name in FUNCTIONS:
        assert callable(scope[name]), name
        Expression(f"{name}", LOC)   # and the static check knows the name
    for name in CONSTANTS:
        assert ev(name, scope) == CONSTANTS[name]


def test_every_filter_is_registered():
    for name in FILTERS:
        assert name in ENV.filters, name
        Expression(f"item | {name}", LOC)


def test_every_helper_is_documented():
    for name in FUNCTIONS:
        doc = getattr(Helpers, name).__doc__
        assert doc and doc.strip(), f"helper {name} has no docstring"


def test_helpers_work_in_expressions(scope):
    assert ev("['FI', 'US', 'NO'] | outside_eea", scope) == ["US"]
    assert ev("outside_eea(item.hosting.countries)", scope) == []
    assert ev("lookup('processor', 'mailer').name", scope) == "Mailer Inc."
    assert ev("lookup('system', 'nope')", scope) is None
    assert ev("flows_from('crm') | ids", scope) == ["crm_backup"]
    assert ev("flows_to('crm') | ids", scope) == ["orders"]
    assert ev("'cloudhost' in downstream('crm')", scope) is True
    assert ev("days('P1M')", scope) == 30
    assert ev("'P30D' | days", scope) == 30
    assert ev("declared_purpose('newsletter') and not declared_purpose('spying')", scope)
    assert ev("RIGHTS | length", scope) == 9
