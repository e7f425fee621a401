"""Rules -> compiled rules: every expression parsed and checked once, before any item runs."""
from __future__ import annotations

from dataclasses import dataclass

from ..expr import Expression, compile_template
from ..model import Rule


@dataclass
class CompiledRule:
    rule: Rule
    loop: Expression | None
    when: list[Expression]
    vars: list[tuple[str, Expression]]
    that: list[Expression]
    subject: Expression | None
    at: Expression | None
    message: object | None   # callable(scope) -> str
    schema_check: object | None = None  # jsonschema validator, built on first use


def compile_rule(rule: Rule) -> CompiledRule:
    names = list(rule.vars)
    variables = []
    for position, (name, source) in enumerate(rule.vars.items()):
        # a var may use the vars defined before it, like Ansible's vars
        variables.append((name, Expression(source, rule.expr_loc("vars", name),
                                           names[:position])))
    return CompiledRule(
        rule=rule,
        loop=Expression(rule.loop, rule.expr_loc("loop")) if rule.loop else None,
        when=[Expression(s, rule.expr_loc("when", i)) for i, s in enumerate(rule.when)],
        vars=variables,
        that=[Expression(s, rule.expr_loc("that", i), names) for i, s in enumerate(rule.that)],
        subject=Expression(rule.subject, rule.expr_loc("subject"), names)
        if rule.subject else None,
        at=Expression(rule.at, rule.expr_loc("at"), names)
        if rule.at and not rule.at.isidentifier() else None,
        message=compile_template(rule.fail_msg, rule.expr_loc("fail_msg"), names)
        if rule.fail_msg else None,
    )
