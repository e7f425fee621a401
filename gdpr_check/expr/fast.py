"""Fast paths beside the sandbox: the same answers as `security.py`, sooner.

A large inventory means millions of evaluations, and the sandbox's generic checks cost a
few microseconds each. Each fast path here takes a shortcut only for values the engine
made itself, which it knows to be plain data or its own code, and hands everything else to
`SecureSandbox` (security.py) unchanged:

- `FastSandbox.getattr`/`getitem`: a field of one of our own models is read from the
  instance's `__dict__` (fields never start with `_`; anything else, and every other
  object, takes the sandbox's checks), a field of a helper's own record (`Grantee`, by
  the names it lists), and a `{% for %}` loop's read-only values (`loop.last`) from
  Jinja's own `LoopContext`.
- `FastSandbox.call`: the engine's own helpers (bound methods of `Helpers`) are called
  directly, counted against the budget; any other callable takes the sandbox's checks.
- `FastSandbox.call_test`: a plain test (one that takes no context) is called directly.
- `plain_filter`: Jinja's `list`, `map`, `select`, ... without their per-call choice of
  the async variant (this environment is never async); still bounded by `security`.
  `select`/`reject`/`selectattr`/`rejectattr` with a plain test (or none) call it
  directly for each element, spending what `call_test` would; the attribute variants
  read each element's attribute with Jinja's own getter (the sandbox's `getitem`).
- `as_function`: the code Jinja generates for `result = <expression>`, a generator that
  stores the value in the context, as a function that returns it. It edits only code
  `security.expression_code` generated from a checked expression, by two exact string
  replacements, and leaves the code as it is if Jinja writes it any other way.
- `Scope`/`new_context`: names resolved by the scope dict itself, not through Jinja's
  `resolve_or_missing` (a Python method called for every name of every evaluation).

`GDPR_CHECK_FAST_PATHS=off` turns all of them off (sandbox.py), for a security review's
baseline; tests/test_security.py runs the hostile rule packs that way.
"""
from __future__ import annotations

from functools import lru_cache

from jinja2 import pass_context
from jinja2.filters import make_attrgetter
from jinja2.runtime import LoopContext, missing

from .budget import cost_of, spend
from .helpers import FUNCTIONS, Grantee, Helpers
from .security import SecureSandbox

_TRUSTED_HELPERS = frozenset(getattr(Helpers, name) for name in FUNCTIONS)
# The read-only values a `{% for %}` loop's `loop` shows (its methods, `cycle` and
# `changed`, take the sandbox's checks).
_LOOP_ATTRIBUTES = frozenset({"index", "index0", "revindex", "revindex0", "first", "last",
                              "length", "depth", "depth0", "previtem", "nextitem"})
# The helpers' own records, by the names they answer to: `grantees()` gives one per grant
# of a system, and the access rules test and show a few of their fields for each.
_RECORDS = {Grantee: frozenset({*Grantee._fields, "permitted"})}


class FastSandbox(SecureSandbox):
    def getattr(self, obj, attribute):
        """`item.x` on our own models: plain data, read millions of times."""
        field = _FIELDS[type(obj)].get(attribute)
        if field is not None:
            return obj.__dict__[field]
        if type(obj) is LoopContext and attribute in _LOOP_ATTRIBUTES:  # `loop.last`
            return getattr(obj, attribute)
        if attribute in _RECORDS.get(type(obj), ()):  # `g.grant.scope`
            return getattr(obj, attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):
        """`item['from']`, and `selectattr('x')`/`map(attribute='x')` on models (Jinja's
        attribute getters go through getitem first): the same fast path."""
        if type(argument) is str:
            field = _FIELDS[type(obj)].get(argument)
            if field is not None:
                return obj.__dict__[field]
            if argument in _RECORDS.get(type(obj), ()):  # `selectattr('principal.kind')`
                return getattr(obj, argument)
        return super().getitem(obj, argument)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        """The engine's own helpers, called for nearly every item."""
        if getattr(__obj, "__func__", None) in _TRUSTED_HELPERS:
            spend(cost_of(args))
            if kwargs:  # template code passes these for Context.call's sake
                kwargs.pop("_loop_vars", None)
                kwargs.pop("_block_vars", None)
                return __obj(*args, **kwargs)
            return __obj(*args)  # an empty `**kwargs` would copy a dict on every call
        return super().call(__context, __obj, *args, **kwargs)

    def call_test(self, name, value, args=None, kwargs=None, context=None, eval_ctx=None):
        """`select('in', ...)`, `reject('none')`: a plain test called directly, instead of
        through Jinja's generic dispatch for every element."""
        if type(name) is str:
            test = self.tests.get(name)
            if test is not None and getattr(test, "jinja_pass_arg", None) is None:
                spend(cost_of(args) + 1 if args else 1)
                if kwargs:
                    return test(value, *(args or ()), **kwargs)
                return test(value, *(args or ()))
        return super().call_test(name, value, args, kwargs, context, eval_ctx)


class _Fields(dict):
    """class -> {field name or YAML alias: field name} for our own models, {} for any
    other class, computed once per class. Fields never start with `_`, so nothing private
    is reached."""

    __slots__ = ()

    def __missing__(self, cls):
        from ..model.base import Located
        fields = {}
        if isinstance(cls, type) and issubclass(cls, Located):
            fields = {name: name for name in cls.model_fields}
            fields.update({info.alias: name for name, info in cls.model_fields.items()
                           if info.alias})
        self[cls] = fields
        return fields


_FIELDS = _Fields()


def plain_filter(name, function):
    """Jinja's sync variant of a filter that picks sync or async on every call; for
    `select`, `reject`, `selectattr` and `rejectattr`, one that calls a plain test
    directly."""
    sync = getattr(function, "__wrapped__", None)
    if sync is not None and getattr(function, "__code__", None) is not None \
            and function.__code__.co_name == "wrapper" \
            and function.__module__ == "jinja2.filters" and sync.__name__.startswith("sync_"):
        function = sync
        if name in _SELECTS:
            return _select_plain(function, *_SELECTS[name])
    return function


# filter -> (keep the elements that pass, test an attribute of each rather than itself)
_SELECTS = {"select": (True, False), "reject": (False, False),
            "selectattr": (True, True), "rejectattr": (False, True)}
_NOT_PLAIN = object()


def _select_plain(original, keep: bool, by_attribute: bool):
    """`x | reject('in', ids)`, `x | selectattr('principal.kind', 'equalto', 'service')`
    as Jinja's `select`/`reject`/`selectattr`/`rejectattr` give them, lazily, for a plain
    test (one that takes no context) or none (the element's truth) without Jinja's
    dispatch for every element: the same elements, read through the sandbox's `getitem`
    as Jinja's attribute getter reads them, and the same steps spent for each as
    `FastSandbox.call_test`. Any other call (a test that takes its context, one that
    does not exist, `selectattr` without an attribute) is Jinja's."""
    @pass_context
    def select(context, value, *args, **kwargs):
        named = args[1:] if by_attribute else args  # the test's name and its arguments
        test = _plain_test(context.environment, named)
        if test is _NOT_PLAIN or by_attribute and not args:
            return original(context, value, *args, **kwargs)
        pick = _attribute_getter(context.environment, args[0]) if by_attribute else None
        return _selected(value, test, named[1:], kwargs, keep, pick)
    select.__name__ = original.__name__
    select.__doc__ = original.__doc__
    return select


def _attribute_getter(environment, attribute):
    """Jinja's own getter of `attribute` (a dotted path of fields), as its `selectattr`
    makes it; for a path written as a string, made once: Jinja splits the path again
    every time it makes one (~140,000 times in a large run, for a few dozen paths)."""
    if type(attribute) is str:
        return _getter_of_path(environment, attribute)
    return make_attrgetter(environment, attribute)


@lru_cache(maxsize=256)  # paths a rule builds at run time must not grow it without end
def _getter_of_path(environment, attribute: str):
    return make_attrgetter(environment, attribute)


def _plain_test(environment, named):
    """The test `named[0]` names if it is a plain one, None when no test is named (Jinja
    then keeps the truthy elements), else `_NOT_PLAIN`."""
    if not named:
        return None
    test = environment.tests.get(named[0]) if type(named[0]) is str else None
    if test is None or getattr(test, "jinja_pass_arg", None) is not None:
        return _NOT_PLAIN
    return test


def _selected(value, test, args, kwargs, keep, pick):
    if value:  # as Jinja's select_or_reject: only when iterated
        cost = cost_of(args) + 1 if args else 1
        for element in value:
            subject = element if pick is None else pick(element)
            if test is None:  # Jinja's `bool`: no test called, nothing spent
                passed = bool(subject)
            else:
                spend(cost)
                # without an empty `**kwargs`, which would copy a dict for every element
                passed = bool(test(subject, *args, **kwargs) if kwargs
                              else test(subject, *args))
            if passed is keep:
                yield element


# Jinja compiles `result = <expression>` into a generator that stores the value in the
# context; the same code as a function returning it saves a generator, a store and a pop on
# every evaluation. If a Jinja version writes it differently, the generator is kept.
_GENERATOR_MARK = "    if 0: yield None\n"
_STORE = "    context.vars['result'] = l_0_result\n    context.exported_vars.add('result')\n"


def as_function(source: str) -> str:
    if source.count(_GENERATOR_MARK) != 1 or source.count(_STORE) != 1:
        return source
    return source.replace(_GENERATOR_MARK, "").replace(_STORE, "    return l_0_result\n")


class Scope(dict):
    """The names expressions see. Contexts made on a `Scope` by `new_context` resolve names
    with its own `__getitem__`; a name it lacks is Jinja's `missing`, hence undefined."""

    __slots__ = ()

    def __missing__(self, key):
        return missing


def resolve_by_scope(context, scope) -> None:
    if type(scope) is Scope:
        context.resolve_or_missing = scope.__getitem__
