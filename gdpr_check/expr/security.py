"""The sandbox's security, in one module a review can read alone (SPEC §6, docs/security.md).

Rule expressions and `fail_msg` templates come from files anyone can edit (a pull request),
so everything that stands between their text and running code is here or named here:

1. **The static checks** (`checks.py`), before Jinja compiles anything: size and nesting,
   names in scope, filters and tests that exist, no `_`-prefixed attribute or key, and in
   templates no macros, calls, includes or imports.
2. **The only way from text to code**: `expression_code` and `template_code` run those
   checks, route what the sandbox has no hook for through the budget (`rewrite`), and let
   Jinja generate the code. Nothing else in the package compiles rule text. The code run
   is what these two functions made in this process, or at build time for the built-in
   pack (`precompiled.py`, shipped inside the package), or what the user's expression
   cache holds (`cache.py`: signed, valid only on the machine that wrote it) for a source
   that passes `check_expression`/`check_template` again, in this process, first.
3. **The environment** (`SecureSandbox`, `environment`): Jinja's
   `ImmutableSandboxedEnvironment` (no `_` attribute, no mutation of lists or dicts, no
   Python internals), `StrictUndefined`, only `range` and `dict` of Jinja's globals, no
   `random`; every call, test, operator, filter and `{% for %}` iteration counted against
   the rule's and the run's budgets (`budget.py`), and whatever could build a huge value
   refused before it builds it (`bounds.py`).

The fast paths (`fast.py`) subclass `SecureSandbox`. They skip its generic checks only for
values the engine made itself (fields of its own models, its own helper methods, plain
tests) and hand everything else to the methods below. `GDPR_CHECK_FAST_PATHS=off` runs the
sandbox as this module alone (tests/test_security.py runs the hostile rule packs so).
"""
from __future__ import annotations

from datetime import date

from jinja2 import StrictUndefined, nodes, pass_context
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.parser import Parser
from jinja2.sandbox import ImmutableSandboxedEnvironment
from pydantic import BaseModel

from ..errors import InputError
from . import bounds, checks
from .budget import built, cost_of, spend
from .helpers import CONSTANTS, FILTERS, FUNCTIONS

ROOT_NAMES = frozenset({"item", "policy", "inventory", "ref"})
# Jinja2's globals rules may use; `lipsum`, `cycler`, `joiner` and `namespace` are removed.
JINJA_GLOBALS = frozenset({"range", "dict"})

# Filters that cannot be written: the static checks refuse unknown names and Jinja's lexer
# only reads identifiers, so only `rewrite` can use them.
CONCAT, ITERATE = "\x00concat", "\x00iterate"


# What pydantic gives every model besides its fields: `model_rebuild` (which rebuilds the
# class's validator for the whole process, with a namespace the caller passes),
# `model_construct`/`model_copy(update=...)` (objects no validator saw), `model_validate`,
# the schema and dump methods and their deprecated v1 names. A rule reads the data: the
# fields, and what the project's own model classes define (`location`, `stated`, `KIND`).
PYDANTIC_API = frozenset(name for name in dir(BaseModel) if not name.startswith("_"))
# The clock on any date a rule holds (`item.dpa.signed.today()`): a verdict must not depend
# on when it runs except through the `today()` helper, which `SOURCE_DATE_EPOCH` fixes (as
# `random` is removed: the same inputs, the same findings).
CLOCK = frozenset({"today", "now", "utcnow"})


class SecureSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with every call, test and operator bounded and counted."""

    intercepted_binops = frozenset({"**", "*", "%", "+"})

    def is_safe_attribute(self, obj, attr, value) -> bool:
        """Jinja's rules (no `_` names, no internals); on a model (or model class)
        nothing of pydantic's own API, only its data and the project's additions; on a
        date, no clock."""
        return super().is_safe_attribute(obj, attr, value) and \
            _refusal_reason(obj, attr) is None

    def unsafe_undefined(self, obj, attribute):
        """Jinja's refusal ("access to attribute 'x' of 'T' object is unsafe."), saying why
        where the name is one a rule author may well try: the clock, or pydantic's API."""
        why = _refusal_reason(obj, attribute)
        if why is None:
            return super().unsafe_undefined(obj, attribute)
        return self.undefined(f"access to attribute {attribute!r} of "
                              f"{type(obj).__name__!r} object is unsafe: {why}",
                              name=attribute, obj=obj, exc=SecurityError)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        args = bounds.check_method(__obj, args, kwargs)
        spend(cost_of(args) + cost_of(kwargs.values()))
        return built(super().call(__context, __obj, *args, **kwargs))

    def call_test(self, name, value, args=None, kwargs=None, context=None, eval_ctx=None):
        spend(cost_of(args) + 1 if args else 1)
        return super().call_test(name, value, args, kwargs, context, eval_ctx)

    def call_binop(self, context, op, left, right):
        bounds.check_binop(op, left, right)  # first: "too large" says more than "budget"
        spend(cost_of((left, right)))
        return built(self.binop_table[op](left, right))

    def wrap_str_format(self, value):
        """`'{:>1000000000}'.format(x)`, `'{0}{0}{0}'.format(big)`: bound the widths and the
        size of str.format's result, as of `%`."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        nested = bounds.check_brace_format(value.__self__)

        def checked(*args, **kwargs):
            if nested:  # `'{0:{1}}'.format(x, 10**9)`
                bounds.check_nested_widths(args, kwargs)
            bounds.check_method(value, args, kwargs)
            return wrapped(*args, **kwargs)
        return checked


def _is_subclass(obj, cls: type) -> bool:
    return isinstance(obj, type) and issubclass(obj, cls)


def _refusal_reason(obj, attribute: str) -> str | None:
    """Why `obj.attribute` is refused beyond Jinja's own rules, or None if it is not.
    (No quotes or backticks: error lines shorten long quoted runs, see errors.cap_message.)"""
    if attribute in CLOCK and (isinstance(obj, date) or _is_subclass(obj, date)):
        return "it reads the clock; the today() helper gives the date of the run " \
            "(SOURCE_DATE_EPOCH sets it)"
    if attribute in PYDANTIC_API and _is_model(obj) and \
            attribute not in _model_class(obj).model_fields:
        return f"it is pydantic API, not a field of {_model_class(obj).__name__}; a rule " \
            "reads fields"
    return None


def _is_model(obj) -> bool:
    return isinstance(obj, BaseModel) or _is_subclass(obj, BaseModel)


def _model_class(obj) -> type:
    return obj if isinstance(obj, type) else type(obj)


def environment(cls=SecureSandbox, plain_filter=None) -> SecureSandbox:
    """A sandbox of class `cls` (SecureSandbox or a subclass) with the names rules may use.
    `plain_filter(name, function)`: a function equivalent to one of Jinja's filters, put in
    before it is bounded (the fast paths' sync variants); the bounds wrap whatever it is."""
    env = cls(undefined=StrictUndefined, autoescape=False)
    for name in ("lipsum", "cycler", "joiner", "namespace"):
        env.globals.pop(name, None)
    env.filters.pop("random", None)  # a verdict must not depend on chance
    for name, function in list(env.filters.items()):
        if plain_filter is not None:
            function = plain_filter(name, function)
        env.filters[name] = bounds.bounded_filter(name, function)
    for name in FILTERS:
        env.filters[name] = _helper_filter(name)
    env.filters[CONCAT] = bounds.concat
    env.filters[ITERATE] = bounds.iterate
    env.concat = bounds.render
    return env


def _helper_filter(name):
    @pass_context
    def call(context, value, *args):
        spend(cost_of(args) + (len(value) if isinstance(value, (list, tuple, str)) else 0))
        return getattr(context.parent["_helpers"], name)(value, *args)
    call.__name__ = name
    return call


def allowed_names(extra_names=()) -> frozenset:
    return ROOT_NAMES | JINJA_GLOBALS | set(FUNCTIONS) | set(CONSTANTS) | set(extra_names)


def check_expression(env, source: str, loc, extra_names=()):
    """The static checks of an expression (checks.py); its parsed tree, if they pass."""
    checks.check_size(env, source, loc, template=False)

    def parse():
        parser = Parser(env, source, state="variable")
        expr = parser.parse_expression()
        if not parser.stream.eos:
            token = parser.stream.current
            raise TemplateSyntaxError(f"unexpected '{token.value}' after the expression",
                                      token.lineno)
        return expr
    expr = checks.parse_guarded(parse, source, loc, "expression")
    checks.check_tree(env, expr, source, loc, allowed_names(extra_names), JINJA_GLOBALS,
                      template=False)
    return expr


def check_template(env, source: str, loc, extra_names=()):
    """The static checks of a `fail_msg` template; its parsed tree, if they pass."""
    checks.check_size(env, source, loc, template=True)
    tree = checks.parse_guarded(lambda: env.parse(source), source, loc, "template")
    checks.check_tree(env, tree, source, loc, allowed_names(extra_names), JINJA_GLOBALS,
                      template=True)
    return tree


def expression_code(env, source: str, loc, extra_names=(), finish=None):
    """The code of `source`, an expression, after the static checks: a module defining
    `root(context)`. `finish(text)`: a rewrite of the generated Python (the fast paths'
    `as_function`), given only code generated from the checked tree."""
    expr = rewrite(check_expression(env, source, loc, extra_names))
    expr.set_environment(env)
    body = [nodes.Assign(nodes.Name("result", "store"), expr, lineno=1)]

    def generate():
        text = env.compile(nodes.Template(body, lineno=1), raw=True)
        return finish(text) if finish is not None else text
    return _generate(generate, source, loc, "expression")


def template_code(env, source: str, loc, extra_names=()):
    """The code of `source`, a `fail_msg` template, after the static checks."""
    tree = rewrite(check_template(env, source, loc, extra_names))
    tree.set_environment(env)
    return _generate(lambda: env.compile(tree, raw=True), source, loc, "template")


def _generate(generate, source, loc, what):
    """Jinja's code generation and Python's compile, for a tree the checks passed."""
    try:
        return compile(generate(), "<template>", "exec")
    except TemplateSyntaxError as exc:
        raise InputError.at(loc, f"{what} `{source}`: {exc.message}") from None
    except RecursionError:  # the depth check keeps far below this; a last line of defence
        raise InputError.at(loc, f"{what} `{source}` nests too deeply to compile") from None


def rewrite(tree):
    """Route what the sandbox has no hook for through the budget: `a ~ b` (the compiler
    joins it inline) and the iterable of each `{% for %}` (iterated inline)."""
    # children before their parents, so that a parent wraps its children's final form
    for parent in reversed([tree, *tree.find_all(nodes.Node)]):
        for field in parent.fields:
            value = getattr(parent, field, None)
            if isinstance(value, nodes.Concat):
                setattr(parent, field, _concat_call(value))
            elif isinstance(value, list) and any(isinstance(v, nodes.Concat) for v in value):
                setattr(parent, field, [_concat_call(v) if isinstance(v, nodes.Concat) else v
                                        for v in value])
        if isinstance(parent, nodes.For):
            parent.iter = nodes.Filter(parent.iter, ITERATE, [], [], None, None,
                                       lineno=parent.iter.lineno)
    return _concat_call(tree) if isinstance(tree, nodes.Concat) else tree


def _concat_call(node):
    return nodes.Filter(nodes.List(node.nodes, lineno=node.lineno), CONCAT, [], [], None,
                        None, lineno=node.lineno)
