"""Rule expressions: Jinja2, compiled once, evaluated in an immutable sandbox (SPEC §6).

- `ImmutableSandboxedEnvironment`: no attribute starting with `_`, no mutation of lists or
  dicts, no access to Python internals.
- `StrictUndefined`: a misspelt name or field is an error, never a silent false.
- Expressions are checked when a rule loads: syntax, names in scope, and no `_`-prefixed
  attribute (written `.x`, `['x']`, `|attr('x')`, `attribute='x'` or in a `'{0.x}'.format`
  string), so a rule that reaches for `__class__` is refused before it runs. What the
  static check cannot see (a name built at run time) the sandbox refuses when it runs.
- An expression whose value is undefined (`item.nosuchfield`) is an error when evaluated,
  not a value: StrictUndefined alone only fails when the value is *used*, which a
  truth test of a list holding it never does.
- Work is bounded (`budget.py`, `bounds.py`): every call, test, operator and `{% for %}`
  iteration is counted against the rule's and the run's budgets, and whatever could build a
  huge value (`9**9**9`, `'x' * 10**9`, `'x'.zfill(10**10)`, `join`, `replace`, widths) is
  refused before it builds it. The static checks are in `checks.py`.
"""
from __future__ import annotations

import hashlib
import re

import jinja2
from pathlib import Path

from jinja2 import StrictUndefined, Undefined, nodes, pass_context
from jinja2.exceptions import TemplateSyntaxError, UndefinedError
from jinja2.parser import Parser
from jinja2.runtime import missing
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .. import __version__
from ..errors import InputError, did_you_mean
from . import bounds, budget, checks
from .budget import MAX_LENGTH, built, cost_of, spend
from .cache import open_cache
from .helpers import CONSTANTS, FILTERS, FUNCTIONS, Helpers

ROOT_NAMES = frozenset({"item", "policy", "inventory", "ref"})
# Jinja2's globals rules may use; `lipsum`, `cycler`, `joiner` and `namespace` are removed.
_JINJA_GLOBALS = frozenset({"range", "dict"})


def _filter(name):
    @pass_context
    def call(context, value, *args):
        spend(cost_of(args) + (len(value) if isinstance(value, (list, tuple, str)) else 0))
        return getattr(context.parent["_helpers"], name)(value, *args)
    call.__name__ = name
    return call


# Bounds on what one operator may build: big enough for any real rule, small enough that a
# mistaken (or hostile) rule pack fails fast instead of hanging the run or eating memory.
MAX_POWER_BITS = bounds.MAX_POWER_BITS
MAX_REPEAT_LENGTH = MAX_LENGTH

# Filters that cannot be written: the static checks refuse unknown names and Jinja's lexer
# only reads identifiers, so only the compiler's own rewrites (`_rewrite`) can use them.
_CONCAT, _ITERATE = "\x00concat", "\x00iterate"


class _Sandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"**", "*", "%", "+"})

    def getattr(self, obj, attribute):
        """Fast path for the fields of our own models: plain data, known safe, and read
        millions of times on a large inventory (the generic checks cost ~2 us each)."""
        fields = _FIELDS.get(type(obj), _UNKNOWN)
        if fields is _UNKNOWN:
            fields = _model_fields(type(obj))
        if fields is not None:
            field = fields.get(attribute)
            if field is not None:
                return obj.__dict__[field]
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):
        """`item['from']`, and `selectattr('x')`/`map(attribute='x')` on models (Jinja's
        attribute getters go through getitem first): the same fast path."""
        fields = _FIELDS.get(type(obj), _UNKNOWN)
        if fields is _UNKNOWN:
            fields = _model_fields(type(obj))
        if fields is not None and type(argument) is str:
            field = fields.get(argument)
            if field is not None:
                return obj.__dict__[field]
        return super().getitem(obj, argument)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        """Fast path for the engine's own helpers (bound methods of `Helpers`): trusted,
        and called for nearly every item; anything else takes the sandbox's checks."""
        if getattr(__obj, "__func__", None) in _TRUSTED_HELPERS:
            spend(cost_of(args))
            if kwargs:  # template code passes these for Context.call's sake
                kwargs.pop("_loop_vars", None)
                kwargs.pop("_block_vars", None)
            return __obj(*args, **kwargs)
        args = bounds.check_method(__obj, args, kwargs)
        spend(cost_of(args) + cost_of(kwargs.values()))
        return built(super().call(__context, __obj, *args, **kwargs))

    def call_test(self, name, value, args=None, kwargs=None, context=None, eval_ctx=None):
        """`select('in', ...)`, `reject('none')`: call a plain test (one that takes no
        context) directly, instead of through Jinja's generic dispatch for every element."""
        spend(cost_of(args) + 1 if args else 1)
        if type(name) is str:
            test = self.tests.get(name)
            if test is not None and getattr(test, "jinja_pass_arg", None) is None:
                return test(value, *(args or ()), **(kwargs or {}))
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


_FIELDS: dict = {}
_UNKNOWN = object()
_TRUSTED_HELPERS = frozenset(getattr(Helpers, name) for name in FUNCTIONS)


def _model_fields(cls):
    """{field name or YAML alias: field name} of a model class (None for anything else),
    computed once per class. Fields never start with `_`, so nothing private is reached."""
    try:
        return _FIELDS[cls]
    except KeyError:
        from ..model.base import Located
        fields = None
        if isinstance(cls, type) and issubclass(cls, Located):
            fields = {name: name for name in cls.model_fields}
            fields.update({info.alias: name for name, info in cls.model_fields.items()
                           if info.alias})
        _FIELDS[cls] = fields
        return fields


def _make_environment() -> ImmutableSandboxedEnvironment:
    env = _Sandbox(undefined=StrictUndefined, autoescape=False)
    for name in ("lipsum", "cycler", "joiner", "namespace"):
        env.globals.pop(name, None)
    for name, function in list(env.filters.items()):
        # Jinja's list, map, select, join, ... choose their sync or async variant on every
        # call; this environment is never async, so they are the sync function itself.
        # (Set before any expression is compiled: the code passes what the filter asks.)
        sync = getattr(function, "__wrapped__", None)
        if sync is not None and getattr(function, "__code__", None) is not None \
                and function.__code__.co_name == "wrapper" \
                and function.__module__ == "jinja2.filters" and sync.__name__.startswith("sync_"):
            env.filters[name] = sync
    env.filters.pop("random", None)  # a verdict must not depend on chance
    for name, function in list(env.filters.items()):
        env.filters[name] = bounds.bounded_filter(name, function)
    for name in FILTERS:
        env.filters[name] = _filter(name)
    env.filters[_CONCAT] = bounds.concat
    env.filters[_ITERATE] = bounds.iterate
    env.concat = bounds.render
    return env


ENV = _make_environment()


def _checks_version() -> str:
    """A digest of this module and checks.py: cached code was checked and generated by one
    version of the checks and the environment, so editing either must not reuse it."""
    digest = hashlib.blake2b(digest_size=8)
    for module in (__file__, checks.__file__):  # the code generated, and what it passed
        digest.update(Path(module).read_bytes())
    return digest.hexdigest()


CACHE = open_cache(__version__, jinja2.__version__,
                   (*FUNCTIONS, *FILTERS, *CONSTANTS, "checks=" + _checks_version()))


class Scope(dict):
    """The names expressions see. Contexts made on a `Scope` resolve names with its own
    `__getitem__` (Jinja's `resolve_or_missing` is a Python method called for every name
    of every evaluation); a name it lacks is Jinja's `missing`, hence undefined."""

    __slots__ = ()

    def __missing__(self, key):
        return missing


class Expression:
    """One compiled expression with where it was written (for error messages)."""

    __slots__ = ("source", "loc", "_fn", "_generator")

    def __init__(self, source: str, loc, extra_names=()):
        self.source = source
        self.loc = loc
        self._fn, self._generator = compile_checked(source, loc, extra_names)

    def __call__(self, scope: dict):
        """Evaluate with the names of `scope` (a fresh context, and a fresh budget: one
        evaluation on its own is a run of its own)."""
        budget.start_run()
        return self.evaluate(new_context(scope))

    def evaluate(self, context):
        """Evaluate in `context` (see `new_context`): the engine makes one per rule and
        evaluates all of its expressions for every item in it."""
        try:
            if self._generator:
                for _ in self._fn(context):
                    pass
                value = context.vars.pop("result")
            else:
                value = self._fn(context)
            kind = type(value)
            if kind is bool or kind is str or value is None or kind is int:
                return value
            if isinstance(value, Undefined):
                value._fail_with_undefined_error()  # raises: a field that does not exist
            if kind is list or kind is tuple or isinstance(value, (list, tuple)):
                if len(value) < 8:  # most results: a few ids, looked at one by one
                    for element in value:
                        if isinstance(element, Undefined):
                            element._fail_with_undefined_error()
                elif any(issubclass(t, Undefined) for t in set(map(type, value))):  # ~1 ms/100k
                    next(e for e in value if isinstance(e, Undefined))._fail_with_undefined_error()
        except UndefinedError as exc:
            raise UndefinedError(_explain_undefined(str(exc))) from None
        return value

    def __repr__(self) -> str:
        return f"Expression({self.source!r})"


def new_context(scope: dict):
    """A context whose names are `scope`, shared (not copied): names added to `scope` later,
    such as a rule's vars or the next item, are seen by the expressions evaluated in it."""
    context = ENV.context_class(ENV, scope, None, {}, ENV.globals)
    if type(scope) is Scope:
        context.resolve_or_missing = scope.__getitem__
    return context


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
    namespace = {"environment": ENV, "__file__": code.co_filename}
    exec(code, namespace)  # noqa: S102 - code Jinja generated from a checked expression
    function = namespace["root"]
    return function, bool(function.__code__.co_flags & _CO_GENERATOR)


def _compile_expression(source: str, loc, extra_names):
    checks.check_size(ENV, source, loc, template=False)

    def parse():
        parser = Parser(ENV, source, state="variable")
        expr = parser.parse_expression()
        if not parser.stream.eos:
            token = parser.stream.current
            raise TemplateSyntaxError(f"unexpected '{token.value}' after the expression",
                                      token.lineno)
        return expr
    expr = checks.parse_guarded(parse, source, loc, "expression")
    checks.check_tree(ENV, expr, source, loc, _allowed(extra_names), _JINJA_GLOBALS,
                      template=False)
    expr = _rewrite(expr)
    expr.set_environment(ENV)
    body = [nodes.Assign(nodes.Name("result", "store"), expr, lineno=1)]
    return _generate(lambda: _as_function(ENV.compile(nodes.Template(body, lineno=1),
                                                      raw=True)), source, loc, "expression")


def _allowed(extra_names) -> frozenset:
    return ROOT_NAMES | _JINJA_GLOBALS | set(FUNCTIONS) | set(CONSTANTS) | set(extra_names)


def _generate(generate, source, loc, what):
    """Jinja's code generation and Python's compile, for a tree the checks passed."""
    try:
        return compile(generate(), "<template>", "exec")
    except TemplateSyntaxError as exc:
        raise InputError.at(loc, f"{what} `{source}`: {exc.message}") from None
    except RecursionError:  # the depth check keeps far below this; a last line of defence
        raise InputError.at(loc, f"{what} `{source}` nests too deeply to compile") from None


def _rewrite(tree):
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
            parent.iter = nodes.Filter(parent.iter, _ITERATE, [], [], None, None,
                                       lineno=parent.iter.lineno)
    return _concat_call(tree) if isinstance(tree, nodes.Concat) else tree


def _concat_call(node):
    return nodes.Filter(nodes.List(node.nodes, lineno=node.lineno), _CONCAT, [], [], None,
                        None, lineno=node.lineno)


# Jinja compiles `result = <expression>` into a generator that stores the value in the
# context; the same code as a function returning it saves a generator, a store and a pop on
# every evaluation. If a Jinja version writes it differently, the generator is kept.
_GENERATOR_MARK = "    if 0: yield None\n"
_CO_GENERATOR = 0x20  # inspect.CO_GENERATOR
_STORE = "    context.vars['result'] = l_0_result\n    context.exported_vars.add('result')\n"


def _as_function(source: str) -> str:
    if source.count(_GENERATOR_MARK) != 1 or source.count(_STORE) != 1:
        return source
    return source.replace(_GENERATOR_MARK, "").replace(_STORE, "    return l_0_result\n")


def compile_template(source: str, loc, extra_names=()):
    """A message template (`fail_msg`): text with `{{ ... }}`, checked like expressions."""
    if not isinstance(source, str):
        raise InputError.at(loc, "expected a message template (a string)")
    key = CACHE.key("template", source, *sorted(extra_names))
    code = CACHE.get(key)
    if code is None:
        checks.check_size(ENV, source, loc, template=True)
        tree = checks.parse_guarded(lambda: ENV.parse(source), source, loc, "template")
        checks.check_tree(ENV, tree, source, loc, _allowed(extra_names), _JINJA_GLOBALS,
                          template=True)
        tree = _rewrite(tree)
        tree.set_environment(ENV)
        code = _generate(lambda: ENV.compile(tree, raw=True), source, loc, "template")
        CACHE.put(key, code)
    template = ENV.template_class.from_code(ENV, code, ENV.make_globals(None))
    return Message(template)


class Message:
    """A compiled `fail_msg`: `message(scope)` renders it in a fresh context, as
    `Template.render` does; `message.in_context(context)` in the engine's shared one."""

    __slots__ = ("template", "_root")

    def __init__(self, template):
        self.template = template
        self._root = template.root_render_func

    def __call__(self, scope: dict) -> str:
        budget.start_run()  # rendered on its own: a run of its own
        try:
            return self.template.render(scope)
        except UndefinedError as exc:
            raise UndefinedError(_explain_undefined(str(exc))) from None

    def in_context(self, context) -> str:
        try:
            return ENV.concat(self._root(context))
        except UndefinedError as exc:
            raise UndefinedError(_explain_undefined(str(exc))) from None
        finally:
            # A top-level `{% set x %}` also stores x in the context (the template itself
            # reads its own local copy): drop it, so that the context stays the rule's.
            if context.vars:
                context.vars.clear()
                context.exported_vars.clear()


_NO_ATTRIBUTE = re.compile(r"^'(?:[\w.]+\.)?(\w+) object' has no attribute '([^']*)'$")


def _explain_undefined(message: str) -> str:
    """Jinja's "'gdpr_check.model.inventory.System object' has no attribute 'x'" ->
    "System has no field 'x' (did you mean 'y'?)", naming the fields a model does have."""
    match = _NO_ATTRIBUTE.match(message)
    if not match:
        return message
    owner, name = match.groups()
    model = _model_classes().get(owner)
    if model is None:
        return f"{owner} has no attribute '{name}'" if owner != "dict" else \
            f"the mapping has no key '{name}'"
    fields = sorted(info.alias or field for field, info in model.model_fields.items())
    hint = did_you_mean(name, fields) or f"; its fields: {', '.join(fields)}"
    return f"{owner} has no field '{name}'{hint}"


def _model_classes() -> dict:
    from ..model.base import Located
    found, todo = {}, [Located]
    while todo:
        cls = todo.pop()
        found.setdefault(cls.__name__, cls)
        todo.extend(cls.__subclasses__())
    return found


def save_cache() -> None:
    """Persist newly compiled expressions (called once per run, after compiling rules)."""
    CACHE.save()


def scope_for(helpers, policy, inventory, reference) -> Scope:
    """The names every expression sees (plus `item` and the rule's vars)."""
    scope = Scope(ENV.globals)
    scope.update({"policy": policy, "inventory": inventory, "ref": reference,
                  "_helpers": helpers})
    scope.update(helpers.functions())
    scope.update(CONSTANTS)
    return scope
