"""The fast `select`/`reject`/`selectattr`/`rejectattr` (expr/fast.py), and the fast reads
of a helper's records (`Grantee`), answer as Jinja's own filters and reads in the secure
sandbox do: the same values, the same errors, and the same steps spent, so that a budget
stops a rule at the same point with or without them."""
from __future__ import annotations

import pytest

from gdpr_check.expr import budget, fast, security
from gdpr_check.expr.helpers import Grantee
from gdpr_check.model import Principal, System

LOC = ("rules/x.yaml", 3, 5)

SYSTEMS = [
    System(id="crm", name="CRM", access={"authentication": ["mfa"], "grants": [
        {"principal": "sales", "scope": "full", "privileged": True},
        {"principal": "bot", "scope": "read"}]}),
    System(id="wiki", access={"grants": [{"principal": "staff", "scope": "partial"}]}),
    System(id="shop", name="Shop"),
]
ROWS = [{"kind": "service", "processor": None}, {"kind": "external", "processor": "acme"},
        {"kind": "service", "processor": "acme"}, {"kind": None, "processor": None}]
PRINCIPALS = [Principal(id="sales", kind="employee_group"),
              Principal(id="bot", kind="service"),
              Principal(id="acme", kind="external", processor="acme_ltd")]
GRANTEES = [Grantee(PRINCIPALS[0], SYSTEMS[0].access.grants[0], "partial"),
            Grantee(PRINCIPALS[1], SYSTEMS[0].access.grants[1], None),
            Grantee(PRINCIPALS[2], SYSTEMS[1].access.grants[0], "full")]
SCOPE = {"systems": SYSTEMS, "rows": ROWS, "ids": ["a", "b", "c", "b"],
         "allowed": ["b", "c"], "grantees": GRANTEES}


def _run(env, source):
    """(value, steps spent) of `source` in `env`, compiled by security.py alone."""
    code = security.expression_code(env, source, LOC, extra_names=SCOPE)
    namespace = {"environment": env}
    exec(code, namespace)  # noqa: S102 - code the sandbox generated from a checked source
    context = env.context_class(env, dict(env.globals, **SCOPE), None, {}, env.globals)
    budget.start_run()
    for _ in namespace["root"](context):
        pass
    return context.vars["result"], budget.used()[0]


@pytest.fixture(scope="module")
def envs():
    return security.environment(), security.environment(fast.FastSandbox, fast.plain_filter)


@pytest.mark.parametrize("source", [
    "systems | selectattr('name') | map(attribute='id') | list",
    "systems | rejectattr('name', 'none') | map(attribute='id') | list",
    "systems | selectattr('access.public', 'false') | list | length",
    "systems | map(attribute='access.grants') | sum(start=[]) "
    "| selectattr('privileged') | map(attribute='principal') | list",
    "systems | map(attribute='access.grants') | sum(start=[]) "
    "| rejectattr('scope', 'in', ['full', 'partial']) | map(attribute='principal') | list",
    "rows | selectattr('kind', 'equalto', 'service') | selectattr('processor', 'none') "
    "| list",
    "rows | rejectattr('kind', 'equalto', 'service') | list",
    "rows | selectattr('kind') | list",
    "ids | select('in', allowed) | list",
    "ids | reject('equalto', 'b') | list",
    "ids | select | list",
    "ids | reject | list",
    "[] | selectattr('kind', 'equalto', 'x') | list",
    "ids | select('sameas', 'a') | list",
    # refused at run time: the sandbox's undefined, which `none` tests like any other
    "systems | rejectattr('id.' ~ '_' ~ '_class__', 'none') | list | length",
    "grantees | selectattr('principal.kind', 'equalto', 'service') "
    "| map(attribute='grant.scope') | list",
    "grantees | rejectattr('permitted') | map(attribute='principal.id') | list",
    "grantees | selectattr('allowed') | map(attribute='allowed') | list",
    "grantees | map(attribute='1.scope') | list",
    "[grantees[0].principal.id, grantees[0].grant.scope, grantees[2].permitted, "
    "grantees[1].allowed, grantees[0]['grant'].principal, grantees[0][0].kind]",
    "grantees[0].count('x') if grantees[0].count is defined else 'no count'",
])
def test_the_fast_selects_give_what_jinja_gives_and_spend_the_same(envs, source):
    secure, fast_env = envs
    assert _run(fast_env, source) == _run(secure, source)


@pytest.mark.parametrize("source", [
    "systems | selectattr('nosuch') | list",                       # no such field
    "systems | selectattr('nosuch', 'equalto', 1) | list",
    "rows | selectattr('kind', 'nosuchtest') | list",               # no such test
    "systems | selectattr | list",                                  # no attribute named
    "systems | selectattr('_' ~ '_class__') | list",          # private, built at run time
    "systems | rejectattr('id.' ~ '_' ~ '_class__') | list",
    "grantees | selectattr('_' ~ '_class__') | list",
    "grantees[0] | attr('_' ~ '_class__') | string",
    "grantees | selectattr('nosuch') | list",
])
def test_the_fast_selects_fail_as_jinja_does(envs, source):
    secure, fast_env = envs
    with pytest.raises(Exception) as expected:
        _run(secure, source)
    with pytest.raises(type(expected.value)) as got:
        _run(fast_env, source)
    assert str(got.value) == str(expected.value)
