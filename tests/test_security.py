"""The sandbox's security checks are one module (expr/security.py, with the static checks of
expr/checks.py) that holds on its own: without the fast paths of expr/fast.py, the hostile
rule packs are refused just the same, and the fast paths hand everything they do not
recognise to it (issue 10, item 5)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from jinja2.exceptions import SecurityError

from gdpr_check.expr import fast, sandbox, security
from gdpr_check.model import System

ROOT = Path(__file__).resolve().parent.parent
LOC = ("rules/x.yaml", 3, 5)


def _evaluate(env, source, scope):
    """Compile `source` with `env` through security.expression_code alone, and run it."""
    code = security.expression_code(env, source, LOC)
    namespace = {"environment": env}
    exec(code, namespace)
    context = env.context_class(env, dict(env.globals, **scope), None, {}, env.globals)
    for _ in namespace["root"](context):
        pass
    return context.vars["result"]


@pytest.fixture(scope="module")
def secure():
    return security.environment()


def test_the_secure_environment_has_no_fast_path(secure):
    assert type(secure) is security.SecureSandbox
    assert not isinstance(secure, fast.FastSandbox)


@pytest.mark.parametrize("source", [
    "item | attr('_' ~ '_class__')",           # a private name built at run time
    "item.id | attr('_' ~ '_class__')",
    "(item | attr('_' ~ '_init__'))",
])
def test_names_built_at_run_time_are_refused_by_the_secure_sandbox_alone(secure, source):
    item = System(id="crm", name="CRM")
    with pytest.raises(SecurityError):
        value = _evaluate(secure, source, {"item": item})
        # Jinja gives an undefined for a refused attribute: using it raises
        str(value)


@pytest.mark.parametrize("source", ["9 ** 999999", "'x' * 10 ** 9", "'x'.zfill(10 ** 10)",
                                    "'{:>1000000000}'.format('x')", "'x' | center(10 ** 9)",
                                    "('a' ~ 'b') * 10 ** 8"])
def test_huge_values_are_refused_by_the_secure_sandbox_alone(secure, source):
    with pytest.raises(SecurityError, match="too large"):
        _evaluate(secure, source, {})


def test_mutation_is_refused_by_the_secure_sandbox_alone(secure):
    with pytest.raises(SecurityError):
        _evaluate(secure, "[1, 2].append(3)", {})


def test_the_fast_paths_hand_what_they_do_not_know_to_the_sandbox():
    env = security.environment(fast.FastSandbox, fast.plain_filter)
    item = System(id="crm", name="CRM")
    assert env.getattr(item, "id") == "crm"                   # a model field: fast
    for obj in (item, "text", {"a": 1}):                     # anything private: refused
        assert isinstance(env.getattr(obj, "__class__"), env.undefined)
        assert isinstance(env.getitem(obj, "__class__"), env.undefined)
    with pytest.raises(SecurityError):
        _evaluate(env, "[1, 2].append(3)", {})               # not a helper: checked
    with pytest.raises(SecurityError, match="too large"):
        _evaluate(env, "'x'.zfill(10 ** 10)", {})


def test_as_function_leaves_code_it_does_not_recognise_alone():
    assert fast.as_function("def root(context):\n    yield 1\n") == \
        "def root(context):\n    yield 1\n"


def test_the_hostile_rule_packs_are_refused_without_the_fast_paths():
    """The whole payload suite (tests/test_sandbox_payloads.py), unchanged, in a process
    whose sandbox is security.py alone."""
    env = dict(os.environ, GDPR_CHECK_FAST_PATHS="off", GDPR_CHECK_CACHE_DIR="off")
    script = (
        "import sys, pytest\n"
        "from gdpr_check.expr import sandbox, security\n"
        "assert not sandbox.FAST_PATHS and type(sandbox.ENV) is security.SecureSandbox\n"
        "sys.exit(pytest.main(['-q', '-x', '-p', 'no:cacheprovider',\n"
        "                      'tests/test_sandbox_payloads.py']))\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_the_running_sandbox_uses_the_fast_paths_by_default():
    assert sandbox.FAST_PATHS and isinstance(sandbox.ENV, fast.FastSandbox)
