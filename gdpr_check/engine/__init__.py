"""The engine: for each rule, for each item of its loop for which `when` holds, evaluate
`vars`, `that` and `schema`; a failing item yields one finding (SPEC §7).
"""
from __future__ import annotations

from ..errors import InputError
from ..expr import Helpers, Index, budget, scope_for
from ..expr.sandbox import Scope, new_context, save_cache
from ..findings import Finding
from .compile import CompiledRule, compile_rule

__all__ = ["RuleError", "compile_rule", "count_objects", "run_rules"]


class RuleError(InputError):
    """A rule failed to evaluate: an error in the rule, reported with its file:line."""


def run_rules(project, rules, reference, fork: bool = False,
              errors: list | None = None) -> list[Finding]:
    """The findings of every enabled rule on `project`, in rule order.

    `fork`: the rules may be split between this process and a forked child
    (`parallel.py`; where it is possible), as the caller's speed policy allows
    (`runtime.Tuning`). `errors`: None raises the first rule that cannot be compiled or
    evaluated; a list collects `(rule id, InputError)` for each such rule instead and keeps
    the findings of the others, so one failing custom rule does not hide what the rest
    found (issue 10).
    """
    compiled = [c for c in (_isolated(errors, rule.id, compile_rule, rule)
                            for rule in rules if rule.enabled) if c is not None]
    save_cache()
    index = Index(project.policy, project.inventory)
    base = scope_for(Helpers(index, reference), project.policy, project.inventory, reference)
    root_loc = project.policy.location or project.inventory.location
    objects = count_objects(project.inventory)
    findings = None
    if fork:
        from . import parallel  # only large runs use it
        if parallel.possible():
            budget.start_run(objects)
            findings = parallel.run(compiled, base, project.policy, root_loc)
    if findings is None:  # a small run, or one with an error: reported in rule order
        budget.start_run(objects)  # what a parallel attempt spent does not count
        findings = []
        for rule in compiled:
            found = _isolated(errors, rule.rule.id, run_rule, rule, base, project.policy,
                              root_loc)
            findings.extend(found or ())
            if found is None and not budget.within_run(*budget.used()):
                break  # the run's budget is spent: every later rule would fail the same
    return findings


def _isolated(errors: list | None, rule_id: str, run, *args):
    """`run(*args)`, or None when it raises an `InputError` and `errors` collects them."""
    if errors is None:
        return run(*args)
    try:
        return run(*args)
    except InputError as exc:
        errors.append((rule_id, exc))
        return None


def count_objects(inventory) -> int:
    """The inventory's size as the run budget and the speed policy count it."""
    return sum(len(getattr(inventory, kind)) for kind in
               ("principals", "systems", "processors", "flows"))


def loop_items(compiled: CompiledRule, base: dict, policy) -> list:
    """The items a rule checks: its `loop`, or the notice for a rule without one."""
    if compiled.loop is None:
        return [policy]
    budget.start_rule(0)  # the loop has a budget of its own, whichever process runs it
    items = _evaluate(compiled, compiled.loop, new_context(Scope(base)), None)
    if items is None:
        return []
    if not isinstance(items, (list, tuple)):
        raise _error(compiled, compiled.loop, None,
                     f"loop gave {type(items).__name__}, expected a list")
    return items


def run_rule(compiled: CompiledRule, base: dict, policy, root_loc, items=None,
             rows: bool = False) -> list:
    """The findings of one rule; with `rows`, each as its row (see `finding_of`) instead:
    what a child process sends (`parallel.py`), without making findings only to take them
    apart again (a few microseconds each, for tens of thousands of findings)."""
    rule = compiled.rule
    make = _row_itself if rows else finding_of
    if items is None:
        items = loop_items(compiled, base, policy)
    budget.start_rule(len(items))
    # One scope and one context for the whole rule: each item replaces `item` and the
    # vars in it. `when` cannot name a var, so the previous item's vars are never read.
    scope = Scope(base)
    context = new_context(scope)
    when, variables, that = _once_per_rule(compiled)
    schema = rule.schema_ is not None
    findings = []
    for item in items:
        scope["item"] = item
        expr = None
        try:
            for expr in when:
                if not expr.evaluate(context):
                    break
            else:
                for name, expr in variables:
                    scope[name] = expr.evaluate(context)
                failed = None
                for expr in that:
                    if not expr.evaluate(context):
                        failed = expr
                        break
                expr = None
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure of a rule is the rule's error
            raise _error(compiled, expr, item, _reason(exc)) from None
        if expr is not None:
            continue  # `when` is false for this item
        if failed is not None:
            findings.append(make(rule, _row(compiled, context, item, failed, root_loc)))
        if schema:
            findings.extend(make(rule, row)
                            for row in _schema_rows(compiled, context, item, root_loc))
    return findings


def _row_itself(rule, row: tuple) -> tuple:
    return row


def _once_per_rule(compiled):
    """The rule's `when`, `vars` and `that`, with those that cannot depend on the item
    (`compile.item_free`) evaluated once for this run of the rule, when first reached:
    an error in one is still reported for the first item that reaches it."""
    constant = compiled.constant
    if not constant:
        return compiled.when, compiled.vars, compiled.that

    def once(expr):
        return _Once(expr) if expr in constant else expr
    return ([once(e) for e in compiled.when], [(n, once(e)) for n, e in compiled.vars],
            [once(e) for e in compiled.that])


class _Once:
    """An expression evaluated at most once; `source` and `loc` as the expression's."""

    __slots__ = ("expression", "source", "loc", "value", "done")

    def __init__(self, expression):
        self.expression, self.source, self.loc = expression, expression.source, expression.loc
        self.value, self.done = None, False

    def evaluate(self, context):
        if not self.done:
            self.value = self.expression.evaluate(context)
            self.done = True
        return self.value


def _evaluate(compiled, expr, context, item):
    try:
        return expr.evaluate(context)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of a rule is the rule's error
        raise _error(compiled, expr, item, _reason(exc)) from None


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0]


def _error(compiled, expr, item, reason) -> RuleError:
    loc = expr.loc if expr is not None else compiled.rule.location
    about = f" for {_describe(item)}" if item is not None else ""
    source = f" `{expr.source}`" if expr is not None else ""
    return RuleError.at(loc, f"rule {compiled.rule.id}: cannot evaluate{source}{about}: {reason}")


def _describe(item) -> str:
    kind = getattr(item, "KIND", type(item).__name__)
    ident = getattr(item, "id", None)
    where = getattr(item, "location", None)
    text = f"{kind} '{ident}'" if ident else kind
    return f"{text} ({where[0]}:{where[1]})" if where else text


def _subject(compiled, context, item) -> tuple[str, str]:
    kind = getattr(item, "KIND", None) or compiled.rule.kind_of_subject
    if compiled.subject is not None:
        return kind, str(_evaluate(compiled, compiled.subject, context, item))
    ident = getattr(item, "id", None)
    if ident is None and isinstance(item, dict):
        ident = item.get("id")
    return kind, str(ident if ident is not None else kind)


def _location(compiled, context, item, root_loc):
    rule = compiled.rule
    loc = None
    if compiled.at is not None:
        target = _evaluate(compiled, compiled.at, context, item)
        loc = getattr(target, "location", None)
    elif rule.at and hasattr(item, "field_location"):
        loc = item.field_location(rule.at)
    return loc or getattr(item, "location", None) or root_loc


def _row(compiled, context, item, failed, root_loc, message=None, key="", loc=None) -> tuple:
    """The row (see `finding_of`) of the finding of `compiled` on `item`: `failed` is the
    expression that was false, or None for a schema error, which brings its own
    `message`, `key` and `loc`."""
    rule = compiled.rule
    kind, ident = _subject(compiled, context, item)
    if message is None:
        if compiled.message is not None:
            try:
                message = compiled.message.in_context(context).strip()
            except Exception as exc:  # noqa: BLE001
                raise RuleError.at(rule.expr_loc("fail_msg"),
                                   f"rule {rule.id}: cannot render fail_msg for "
                                   f"{_describe(item)}: {_reason(exc)}") from None
        else:
            message = f"{rule.name} ({kind} '{ident}': `{failed.source}` is false)"
    loc = loc or _location(compiled, context, item, root_loc)
    path, line, column = loc if loc else (None, None, None)
    return kind, ident, message, path, line, column, key, _name_of(item)


def finding_of(rule, row: tuple) -> Finding:
    """A finding of `rule` from a row of the fields that differ between the findings of
    one rule: (subject kind, subject id, message, path, line, column, key, subject name);
    every other field is the rule's. A child process sends only rows (`parallel.py`), a
    fraction of the pickled size of whole findings."""
    kind, ident, message, path, line, column, key, name = row
    # By position, in the order of Finding's fields (waived: None, new: True, their
    # defaults): by keyword the call took twice as long, ~4 us more for each of the
    # ~80,000 findings of a large run.
    return Finding(rule.id, rule.name, rule.area, rule.severity, list(rule.articles), kind,
                   ident, message, rule.remediation, path, line, column, key,
                   list(rule.tags), None, True, rule.kind, name)


def _name_of(item) -> str | None:
    """The subject's own name, which reports list when one defect repeats over items."""
    if _UNNAMED[type(item)]:
        return None
    name = getattr(item, "name", None)
    return name.strip() or None if isinstance(name, str) else None


class _Unnamed(dict):
    """class -> whether its instances certainly have no `name`: one of our models with no
    such field or class attribute (a Flow). `getattr(flow, "name", None)` answers None
    only after pydantic's `__getattr__` has raised and caught an AttributeError, a few
    microseconds for each of the tens of thousands of findings on flows."""

    __slots__ = ()

    def __missing__(self, cls):
        from ..model.base import Located
        unnamed = self[cls] = issubclass(cls, Located) and "name" not in cls.model_fields \
            and not hasattr(cls, "name")
        return unnamed


_UNNAMED = _Unnamed()


def _schema_rows(compiled, context, item, root_loc) -> list[tuple]:
    """One finding's row per JSON Schema error, located at the offending field when
    known."""
    data = item.model_dump(mode="json", by_alias=True) if hasattr(item, "model_dump") else item
    rows = []
    errors = sorted(compiled.schema_check.iter_errors(data),
                    key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        field_path = [str(p) for p in error.absolute_path]
        where = ".".join(field_path) or "(item)"
        loc = _field_loc(item, list(error.absolute_path))
        rows.append(_row(compiled, context, item, None, root_loc,
                         message=f"{compiled.rule.name}: {where}: {error.message}",
                         key="/".join(field_path) + "#" + error.validator, loc=loc))
    return rows


def _field_loc(item, path):
    """The position of the field at `path` inside a model (as deep as positions exist)."""
    node, best = item, getattr(item, "location", None)
    for step in path:
        if isinstance(step, str) and hasattr(node, "field_location"):
            best = node.field_location(step) or best
            field = next((n for n, i in type(node).model_fields.items()
                          if (i.alias or n) == step), step)
            node = getattr(node, field, None)
        elif isinstance(step, int) and isinstance(node, (list, tuple)) and step < len(node):
            node = node[step]
            best = getattr(node, "location", None) or best
        else:
            break
    return best
