"""Rules -> compiled rules: every expression parsed and checked once, before any item runs."""
from __future__ import annotations

import re
from typing import NamedTuple

from .. import rule_schema
from ..expr import Expression, compile_template
from ..model import Rule


class CompiledRule(NamedTuple):
    rule: Rule
    loop: Expression | None
    when: list[Expression]
    vars: list[tuple[str, Expression]]
    that: list[Expression]
    subject: Expression | None
    at: Expression | None
    message: object | None   # callable(scope) -> str
    schema_check: "SchemaCheck | None" = None
    # The `when`, `vars` and `that` expressions that cannot depend on the item (see
    # `item_free`): the engine evaluates each once per rule, when first reached.
    constant: frozenset = frozenset()


def compile_rule(rule: Rule) -> CompiledRule:
    names = list(rule.vars)
    variables = []
    for position, (name, source) in enumerate(rule.vars.items()):
        # a var may use the vars defined before it, like Ansible's vars
        variables.append((name, Expression(source, rule.expr_loc("vars", name),
                                           names[:position])))
    # In the order a rule is written: the first expression that does not compile is the
    # one reported.
    loop = Expression(rule.loop, rule.expr_loc("loop")) if rule.loop else None
    when = [Expression(s, rule.expr_loc("when", i)) for i, s in enumerate(rule.when)]
    that = [Expression(s, rule.expr_loc("that", i), names) for i, s in enumerate(rule.that)]
    return CompiledRule(
        rule=rule,
        loop=loop,
        when=when,
        vars=variables,
        that=that,
        subject=Expression(rule.subject, rule.expr_loc("subject"), names)
        if rule.subject else None,
        at=Expression(rule.at, rule.expr_loc("at"), names)
        if rule.at and not rule.at.isidentifier() else None,
        message=compile_template(rule.fail_msg, rule.expr_loc("fail_msg"), names)
        if rule.fail_msg else None,
        schema_check=SchemaCheck(rule.schema_) if rule.schema_ is not None else None,
        constant=_constant(when, variables, that) if rule.loop else frozenset(),
    )


class SchemaCheck:
    """A rule's `schema` as a JSON Schema validator, built when first used: jsonschema
    is costly to import, and most runs have no rule with a schema."""

    __slots__ = ("schema", "_validator")

    def __init__(self, schema: dict):
        self.schema = schema
        self._validator = None

    def iter_errors(self, data):
        if self._validator is None:
            self._validator = rule_schema.validator(self.schema)
        return self._validator.iter_errors(data)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def item_free(source: str, dependent: set) -> bool:
    """Whether an expression cannot depend on the item: no word of its source is `item`
    or a var that depends on it. Every other name it may use (policy, inventory, ref,
    the helpers, RIGHTS) is the same for every item, helpers are functions of the project
    alone and the sandbox lets nothing change, so its value is the same for all items.
    Words inside strings and attribute names count too: that only errs towards
    evaluating an expression per item, as before."""
    return dependent.isdisjoint(_NAME.findall(source))


def _constant(when, variables, that) -> frozenset:
    dependent = {"item"}
    found = [e for e in when if item_free(e.source, dependent)]
    for name, expression in variables:
        if item_free(expression.source, dependent):
            found.append(expression)
        else:
            dependent.add(name)
    found.extend(e for e in that if item_free(e.source, dependent))
    return frozenset(found)
