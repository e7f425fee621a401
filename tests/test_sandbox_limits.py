"""The static limits, budgets and error-line caps of issue 8, unit by unit (the end-to-end
payloads are in test_sandbox_payloads.py)."""
from __future__ import annotations

import pytest

from gdpr_check.errors import MAX_LINE, InputError, cap_message, did_you_mean
from gdpr_check.expr import budget, checks
from gdpr_check.expr.budget import BudgetExceeded
from gdpr_check.expr.sandbox import ENV, Expression, compile_template
from gdpr_check import rule_schema

LOC = ("rules/test.yaml", 7, 3)


def ev(source, **names):
    return Expression(source, LOC, tuple(names))(dict(ENV.globals, **names))


# -- error lines ------------------------------------------------------------------------

def test_a_10_mb_value_is_shown_shortened_with_its_size():
    error = InputError(f"unknown key '{'x' * 10_485_760}' (did you mean 'name'?)", "f.yaml", 3, 5)
    assert str(error) == ("f.yaml:3:5: unknown key '" + "x" * 80 + "…' (10,485,760 characters) "
                          "(did you mean 'name'?)")


def test_a_message_is_one_line_no_longer_than_the_cap():
    text = cap_message("y" * 50_000 + "\nshort")
    assert "\n" not in text and len(text) < MAX_LINE + 40 and "(50,006 characters)" in text


def test_an_expression_quoted_from_a_block_scalar_stays_on_one_line():
    """Rule expressions are often `>-`/`|` block scalars; quoting one whole in an error
    made one error several lines (found by `python -m tests.fuzz --target rules --seed 8`)."""
    error = InputError("expression `item.name\n  | lower ==\n  'x'` does not parse", "r.yaml", 4, 7)
    assert str(error) == "r.yaml:4:7: expression `item.name | lower == 'x'` does not parse"


def test_short_messages_are_unchanged():
    assert cap_message("unknown key 'nmae' (did you mean 'name'?)") == \
        "unknown key 'nmae' (did you mean 'name'?)"


def test_an_apostrophe_pairs_with_no_quote():
    """An apostrophe is no quote: it once paired with the next quote 100 characters on,
    and the words between were cut as if they were a long value."""
    message = ("rule X001: cannot evaluate `item.kind == 'service'` for processor "
               "'mailchimp' (inventory/processors.yaml:15): the system's record of retention "
               "is missing and the rule cannot say which of its periods applies to the data it "
               "keeps; see 'retention'")
    assert cap_message(message) == message


def test_a_quote_inside_a_quoted_run_pairs_with_nothing_after_it():
    """`... == 'x'` is one run: its `'` does not open a run that ends at a later quote."""
    words = "and nothing quoted for a long while after it " * 3
    message = f"expression `item.name == 'x' or 'y' in item.tags` {words}; see 'purposes'"
    assert cap_message(message) == message


def test_a_long_run_after_short_ones_is_still_shortened():
    message = (f"rule X001: `item.a == 'b'` for system 'crm': unknown value "
               f"'{'v' * 500}' (did you mean 'value'?)")
    assert cap_message(message) == (
        "rule X001: `item.a == 'b'` for system 'crm': unknown value "
        f"'{'v' * 80}…' (500 characters) (did you mean 'value'?)")
    assert cap_message(f"`{'e' * 300}`").startswith("`" + "e" * 80 + "…` (300 characters)")


def test_did_you_mean_skips_huge_words():
    assert did_you_mean("n" * 10_000 + "ame", ["name"]) == ""
    assert did_you_mean("nmae", ["name"]) == " (did you mean 'name'?)"


def test_an_unknown_10_mb_key_in_the_inventory_is_one_short_line(tmp_path):
    # an explicit key (`? k`): YAML limits implicit keys to 1,024 characters
    from pathlib import Path
    import shutil
    from gdpr_check.load import load_project
    root = tmp_path / "p"
    shutil.copytree(Path(__file__).parent / "fixtures" / "base", root)
    (root / "inventory" / "more.yaml").write_text(
        "systems:\n  - id: big\n    name: Big\n    ? " + "k" * 10_485_760 + "\n    : 1\n")
    with pytest.raises(InputError) as error:
        load_project(root)
    lines = str(error.value).splitlines()
    assert all(len(line) < 600 for line in lines), [len(line) for line in lines]
    assert any("(10,485,760 characters)" in line for line in lines)


# -- static checks ----------------------------------------------------------------------

@pytest.mark.parametrize("source, fragment", [
    ("(" * 40 + "1" + ")" * 40, "nests more than 32"),
    ("not " * 40 + "true", "nests more than 32"),
    ("- " * 40 + "1", "nests more than 32"),
    ("x" * 5_000, "5,000 characters long"),
    ("item" + ".id" * 100, "nests more than 64"),
    ("1" + " | string" * 70, "nests more than 64"),
    ("[" + ",".join(["1"] * 1_200) + "]", "2,000 tokens"),
])
def test_oversized_expressions_are_refused_before_compiling(source, fragment):
    with pytest.raises(InputError, match=fragment) as error:
        Expression(source, LOC)
    assert error.value.where() == "rules/test.yaml:7:3"


def test_the_limits_leave_room_for_real_expressions():
    assert ev("(((1 + 2) * 3) - (4 - -5))") == 0
    assert ev("not not true") is True
    assert ev("item.a.b", item={"a": {"b": 3}}) == 3
    assert ev("[1, 2] | map('string') | join(',') | upper | lower | trim") == "1,2"


@pytest.mark.parametrize("field", ["loop", "when", "vars", "that", "subject", "at"])
def test_every_expression_field_refuses_unknown_filters_and_tests(tmp_path, field):
    """The compile-time checks of `that` run on every expression of a rule."""
    from gdpr_check.engine.compile import compile_rule
    from gdpr_check.model import Rule
    body = {"id": "X1", "name": "n", "area": "security", "severity": "low",
            "articles": ["Art. 32"], "loop": "inventory.systems", "that": ["true"]}
    for bad in ("item.id | nosuch", "item.id is nosuch"):
        rule = dict(body)
        if field == "vars":
            rule["vars"] = {"v": bad}
        elif field in ("when", "that"):
            rule[field] = [bad]
        else:
            rule[field] = bad
        with pytest.raises(InputError, match="no (filter|test) named 'nosuch'"):
            compile_rule(Rule.model_validate(rule))


def test_a_misspelt_filter_gets_a_hint():
    with pytest.raises(InputError, match=r"no filter named 'lenght' \(did you mean 'length'\?\)"):
        Expression("[1] | lenght", LOC)


@pytest.mark.parametrize("template, fragment", [
    ("{% macro m() %}x{% endmacro %}{{ m() }}", "{% macro %}"),
    ("{% call m() %}x{% endcall %}", "{% callblock %}"),
    ("{% include 'x' %}", "{% include %}"),
    ("{% import 'x' as y %}", "{% import %}"),
    ("{% extends 'x' %}", "{% extends %}"),
    ("{% block b %}x{% endblock %}", "{% block %}"),
    ("{{ 1 | nosuch }}", "no filter named 'nosuch'"),
    ("{% if 1 is nosuch %}{% endif %}", "no test named 'nosuch'"),
    ("{% filter nosuch %}x{% endfilter %}", "no filter named 'nosuch'"),
    ("{{ " + "(" * 40 + "1" + ")" * 40 + " }}", "nests more than"),
])
def test_fail_msg_templates_are_checked_like_expressions(template, fragment):
    with pytest.raises(InputError, match=fragment.replace("{", r"\{").replace("(", r"\(")):
        compile_template(template, LOC)


def test_messages_may_still_loop_set_and_filter():
    message = compile_template("{% set n = xs | length %}{% for x in xs %}{{ x }}{% endfor %}"
                               " ({{ n }}){% filter upper %}!{% endfilter %}", LOC, ("xs",))
    assert message({"xs": [1, 2]}) == "12 (2)!"


# -- budgets ----------------------------------------------------------------------------

def test_work_is_counted_by_the_size_of_what_it_works_on():
    budget.start_run()
    before = budget.used()[0]
    ev("[1, 2, 3] | select('in', xs) | list", xs=list(range(1_000)))
    spent = budget.used()[0] - before
    assert spent >= 3 * 1_000  # three tests, each scanning 1,000 elements


def test_a_rule_budget_stops_a_loop_and_names_the_budget():
    with pytest.raises(BudgetExceeded, match="evaluation budget of 1,000,000 steps"):
        ev("range(100000) | select('in', range(100000) | list) | list")


def test_the_run_budget_is_shared_by_rules(monkeypatch):
    monkeypatch.setattr(budget, "RUN_STEPS", 1_000)
    budget.start_run()
    budget.start_rule(0)
    budget.spend(600)
    budget.start_rule(0)  # a new rule: its own budget, but the run's is not reset
    with pytest.raises(BudgetExceeded, match="the run used up its evaluation budget of 1,000"):
        budget.spend(600)
    budget.start_run()


def test_a_parallel_run_is_held_to_the_run_budget_as_a_whole():
    budget.start_run()
    assert budget.within_run(budget.RUN_STEPS, 0)
    assert not budget.within_run(budget.RUN_STEPS + 1, 0)
    assert not budget.within_run(0, budget.RUN_SIZE + 1)


def test_the_time_backstop(monkeypatch):
    monkeypatch.setattr(budget, "RULE_SECONDS", -1.0)
    budget.start_rule(0)
    with pytest.raises(BudgetExceeded, match="time budget"):
        budget.spend(budget._CLOCK_EVERY + 1)
    budget.start_run()


def test_the_memory_budget_counts_every_value_built():
    with pytest.raises(BudgetExceeded, match="memory budget of 10,000,000"):
        ev("range(100000) | map('string') | map('center', 200) | list")


@pytest.mark.parametrize("source", [
    "'x'.rjust(10 ** 7)", "'ab'.replace('', 'x' * 10) * 1 ~ ('y' * 10 ** 6)",
    "('x' * 10 ** 6) ~ 'y'", "['x'] + ['y'] * 10 ** 6", "'{}{}'.format('x' * 600000, 'y')",
    "'%s%s' % ('x' * 600000, 'y' * 600000)", "'a' | center(10 ** 7)",
    "[1] | batch(10 ** 7, 0) | list", "[1] | slice(10 ** 7, 0) | list",
    "('x' * 100000) | truncate(10) | replace('', 'y' * 100) | replace('y', 'z' * 100000)",
    "['a' * 600000, 'b' * 600000] | sum(start='')",
])
def test_builders_are_refused_before_building(source):
    with pytest.raises(BudgetExceeded, match="too large"):
        ev(source)


def test_values_within_the_bounds_are_built():
    assert ev("'7'.zfill(3) ~ 'x'.center(3) ~ ','.join(['a', 'b'])") == "007 x a,b"
    assert ev("[[1], [2]] | sum(start=[])") == [1, 2]
    assert ev("'a\\tb'.expandtabs(4) | replace('a', 'aa')") == "aa   b"


# -- schemas ----------------------------------------------------------------------------

@pytest.mark.parametrize("schema, fragment", [
    ({"$ref": "#"}, "leads back"),
    ({"properties": {"a": {"items": {"$ref": "#"}}}}, "leads back"),
    ({"$defs": {"a": {"allOf": [{"$ref": "#/$defs/b"}]}, "b": {"not": {"$ref": "#/$defs/a"}}},
      "$ref": "#/$defs/a"}, "leads back"),
    ({"$ref": "#/$defs/missing"}, "does not resolve"),
    ({"$ref": "#anchor"}, "not a JSON pointer"),
    ({"$ref": "other.json"}, "not local"),
    ({"$dynamicRef": "#/x"}, "not allowed"),
    ({"properties": {"a": {"pattern": "(x)\\1"}}}, "not allowed"),
    ({"patternProperties": {"(?<=a)b": {}}}, "not allowed"),
    ({"properties": {"a": {"pattern": "a"}}, "unevaluatedProperties": False},
     "cannot be used with patterns"),
    ({"type": "nonsense"}, "not a valid JSON Schema"),
])
def test_unsafe_schemas_are_refused_at_load(schema, fragment):
    with pytest.raises(InputError, match=fragment) as error:
        rule_schema.check(schema, LOC, "rule X1")
    assert error.value.where() == "rules/test.yaml:7:3"


def test_safe_schemas_load_and_validate_with_re2():
    schema = {"$defs": {"id": {"type": "string", "pattern": "^[a-z]+$"}},
              "properties": {"id": {"$ref": "#/$defs/id"}, "tags": {"items": {"$ref":
                                                                            "#/$defs/id"}}},
              "patternProperties": {"^x-": {"type": "string"}}}
    rule_schema.check(schema, LOC, "rule X1")
    validator = rule_schema.validator(schema)
    errors = sorted(e.message for e in validator.iter_errors(
        {"id": "abc", "tags": ["ok", "NO"], "x-a": 1}))
    assert errors == ["'NO' does not match '^[a-z]+$'", "1 is not of type 'string'"]


def test_checks_do_not_recurse_on_wide_schemas():
    wide = {"properties": {f"p{i}": {"type": "string"} for i in range(20_000)}}
    rule_schema.check(wide, LOC, "rule X1")


def test_limits_are_documented_constants():
    assert checks.MAX_NESTING < checks.MAX_DEPTH < 100  # far below Python's recursion limit
