"""Rule expressions: Jinja2, compiled once, evaluated in an immutable sandbox (SPEC §6).

- `ImmutableSandboxedEnvironment`: no attribute starting with `_`, no mutation of lists or
  dicts, no access to Python internals.
- `StrictUndefined`: a misspelt name or field is an error, never a silent false.
- Expressions are checked when a rule loads: syntax, names in scope, and no `_`-prefixed
  attribute, so a rule that reaches for `__class__` is refused before it runs.
"""
from __future__ import annotations

import jinja2
from jinja2 import StrictUndefined, nodes, pass_context
from jinja2.environment import TemplateExpression
from jinja2.exceptions import TemplateSyntaxError
from jinja2.parser import Parser
from jinja2.meta import find_undeclared_variables
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .. import __version__
from ..errors import InputError
from .cache import open_cache
from .helpers import CONSTANTS, FILTERS, FUNCTIONS

ROOT_NAMES = frozenset({"item", "policy", "inventory", "ref"})
_JINJA_GLOBALS = frozenset({"range", "dict", "lipsum", "cycler", "joiner", "namespace"})


def _filter(name):
    @pass_context
    def call(context, value, *args):
        return getattr(context["_helpers"], name)(value, *args)
    call.__name__ = name
    return call


def _make_environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    for name in FILTERS:
        env.filters[name] = _filter(name)
    return env


ENV = _make_environment()
CACHE = open_cache(__version__, jinja2.__version__, (*FUNCTIONS, *FILTERS, *CONSTANTS))


class Expression:
    """One compiled expression with where it was written (for error messages)."""

    __slots__ = ("source", "loc", "_call")

    def __init__(self, source: str, loc, extra_names=()):
        self.source = source
        self.loc = loc
        self._call = compile_checked(source, loc, extra_names)

    def __call__(self, scope: dict):
        return self._call(scope)

    def __repr__(self) -> str:
        return f"Expression({self.source!r})"


def compile_checked(source: str, loc, extra_names=()):
    """Compile `source`, refusing syntax errors, unknown names and private attributes.

    The checks run when an expression is first compiled; afterwards its code comes from
    the cache (`cache.py`), keyed by the source and the names it may use.
    """
    source = source.strip() if isinstance(source, str) else source
    if not isinstance(source, str) or not source:
        raise InputError.at(loc, "expected a Jinja2 expression, found an empty value")
    key = CACHE.key("expr", source, *sorted(extra_names))
    code = CACHE.get(key)
    if code is None:
        code = _compile_expression(source, loc, extra_names)
        CACHE.put(key, code)
    template = ENV.template_class.from_code(ENV, code, ENV.make_globals(None))
    return TemplateExpression(template, undefined_to_none=False)


def _compile_expression(source: str, loc, extra_names):
    try:
        parser = Parser(ENV, source, state="variable")
        expr = parser.parse_expression()
        if not parser.stream.eos:
            token = parser.stream.current
            raise TemplateSyntaxError(f"unexpected '{token.value}' after the expression",
                                      token.lineno)
    except TemplateSyntaxError as exc:
        raise InputError.at(loc, f"expression `{source}` does not parse: {exc.message}") from None
    _refuse_private(expr, source, loc)
    allowed = ROOT_NAMES | _JINJA_GLOBALS | set(FUNCTIONS) | set(CONSTANTS) | set(extra_names)
    # An expression binds no names, so every loaded Name is free.
    used = {n.name for n in expr.find_all(nodes.Name) if n.ctx == "load"}
    unknown = sorted(used - allowed)
    if unknown:
        raise InputError.at(loc, f"expression `{source}` uses unknown name '{unknown[0]}'; "
                                 f"names in scope: {', '.join(sorted(allowed - _JINJA_GLOBALS))}")
    expr.set_environment(ENV)
    body = [nodes.Assign(nodes.Name("result", "store"), expr, lineno=1)]
    try:
        return ENV.compile(nodes.Template(body, lineno=1))
    except TemplateSyntaxError as exc:
        raise InputError.at(loc, f"expression `{source}`: {exc.message}") from None
    except Exception as exc:  # e.g. an unknown filter or test
        raise InputError.at(loc, f"expression `{source}`: {exc}") from None


def compile_template(source: str, loc, extra_names=()):
    """A message template (`fail_msg`): text with `{{ ... }}`, checked like expressions."""
    key = CACHE.key("template", source, *sorted(extra_names))
    code = CACHE.get(key)
    if code is None:
        try:
            tree = ENV.parse(source)
        except TemplateSyntaxError as exc:
            raise InputError.at(loc, f"template does not parse: {exc.message}") from None
        _refuse_private(tree, source, loc)
        allowed = ROOT_NAMES | _JINJA_GLOBALS | set(FUNCTIONS) | set(CONSTANTS) | set(extra_names)
        unknown = sorted(find_undeclared_variables(tree) - allowed)
        if unknown:
            raise InputError.at(loc, f"template uses unknown name '{unknown[0]}'")
        try:
            code = ENV.compile(source)
        except Exception as exc:  # e.g. an unknown filter
            raise InputError.at(loc, f"template: {exc}") from None
        CACHE.put(key, code)
    template = ENV.template_class.from_code(ENV, code, ENV.make_globals(None))
    return template.render


def save_cache() -> None:
    """Persist newly compiled expressions (called once per run, after compiling rules)."""
    CACHE.save()


def _refuse_private(tree, source, loc):
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        name = None
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            name = node.arg.value if isinstance(node.arg.value, str) else None
        elif isinstance(node, nodes.Name):
            name = node.name
        if name and name.startswith("_"):
            raise InputError.at(loc, f"expression `{source}` reaches for '{name}': names "
                                     "starting with '_' are not allowed in the sandbox")


def scope_for(helpers, policy, inventory, reference) -> dict:
    """The names every expression sees (plus `item` and the rule's vars)."""
    scope = {"policy": policy, "inventory": inventory, "ref": reference,
             "_helpers": helpers}
    scope.update(helpers.functions())
    scope.update(CONSTANTS)
    return scope
