"""Evaluation budgets: how much work, and how large values, rule expressions may make.

Rules may come from an untrusted pull request. The static checks (`checks.py`) keep what a
rule *says* small; the budgets keep what it *does* small:

- **Steps** (deterministic): every filter, test, function and method call, every `{% for %}`
  iteration and every `~`, `+`, `*`, `%`, `**` costs one step plus the size of the strings,
  lists and mappings it is given, so `range(100000) | select('in', big_list)` pays for the
  100,000 x 100,000 comparisons it would make. A rule may spend `RULE_STEPS` (plus
  `STEPS_PER_ITEM` for each item it checks), a run `RUN_STEPS` (plus the same per item).
- **Size** (deterministic): every string, list or mapping a call builds costs its length;
  no single value may be longer than `MAX_LENGTH`, and a rule may build `RULE_SIZE` in all
  (plus `SIZE_PER_ITEM`). Builders that could make a huge value from small arguments
  (`zfill`, `ljust`, `rjust`, `center`, `expandtabs`, `replace`, `join`, `translate`,
  `format`, `indent`, `wordwrap`, `batch`, `slice`, `sum`, `tojson`, `~`, `+`, `*`) are
  refused *before* they build it.
- **Time** (a backstop, the only part that depends on the machine): a rule that still runs
  after `RULE_SECONDS` is stopped. Steps bound nearly everything; this covers work between
  two hooks (a comparison inside a `{% for %}` body).

Exceeding a budget raises `BudgetExceeded`; the engine reports it as an input error naming
the rule, the expression's file:line and the item (exit code 2).
"""
from __future__ import annotations

import time
from types import GeneratorType

from jinja2.exceptions import SecurityError

MAX_LENGTH = 1_000_000          # characters or elements of one value
MAX_INT_BITS = 4_096 * 4        # bits of an integer a `*` may build
RULE_STEPS = 1_000_000       # the built-in pack: at most ~1,600 per rule on the samples
RUN_STEPS = 20_000_000       # the built-in pack: ~13,000 per run on the samples
STEPS_PER_ITEM = 2_000
RULE_SIZE = 10_000_000
RUN_SIZE = 100_000_000
SIZE_PER_ITEM = 20_000
RULE_SECONDS = 10.0
_CLOCK_EVERY = 4_096            # steps between two looks at the clock

_SIZED = (str, bytes, list, tuple, dict, set, frozenset)


class BudgetExceeded(SecurityError):
    """A rule used up a budget; the message names the budget."""


class _Budget:
    """The counters of the rule running now and of the whole run (one per process)."""

    __slots__ = ("steps", "size", "step_limit", "size_limit", "rule_steps", "rule_size",
                 "run_step_limit", "run_size_limit", "deadline", "next_clock", "allowance")

    def __init__(self):
        self.start_run()

    def start_run(self, items: int = 0) -> None:
        self.steps = self.size = 0
        self.run_step_limit = RUN_STEPS + STEPS_PER_ITEM * items
        self.run_size_limit = RUN_SIZE + SIZE_PER_ITEM * items
        self.start_rule(0)

    def start_rule(self, items: int) -> None:
        self.allowance = (RULE_STEPS + STEPS_PER_ITEM * items, RULE_SIZE + SIZE_PER_ITEM * items)
        self.rule_steps = self.steps + self.allowance[0]
        self.rule_size = self.size + self.allowance[1]
        self.size_limit = min(self.rule_size, self.run_size_limit)
        self.deadline = time.monotonic() + RULE_SECONDS
        self.next_clock = self.steps + _CLOCK_EVERY
        self._set_step_limit()

    def _set_step_limit(self) -> None:
        self.step_limit = min(self.rule_steps, self.run_step_limit, self.next_clock)

    def over_steps(self) -> None:
        """`steps` passed `step_limit`: a budget, or only the next look at the clock."""
        if self.steps > self.rule_steps:
            raise BudgetExceeded(f"the rule used up its evaluation budget of "
                                 f"{self.allowance[0]:,} "
                                 "steps (calls, tests and loop iterations, weighted by the "
                                 "size of what they work on)")
        if self.steps > self.run_step_limit:
            raise BudgetExceeded(f"the run used up its evaluation budget of "
                                 f"{self.run_step_limit:,} steps (calls, tests and loop "
                                 "iterations, weighted by the size of what they work on)")
        if time.monotonic() > self.deadline:
            raise BudgetExceeded(f"the rule ran for more than its time budget of "
                                 f"{RULE_SECONDS:g} seconds")
        self.next_clock = self.steps + _CLOCK_EVERY
        self._set_step_limit()

    def over_size(self) -> None:
        which = "rule" if self.size > self.rule_size else "run"
        limit = self.run_size_limit if which == "run" else self.allowance[1]
        raise BudgetExceeded(f"the {which} used up its memory budget of {limit:,} characters "
                             "or elements of strings and lists built")


BUDGET = _Budget()


def start_run(items: int = 0) -> None:
    """Reset every counter: a run of rules over a project with `items` objects begins."""
    BUDGET.start_run(items)


def start_rule(items: int) -> None:
    """A rule over `items` items begins: it gets its own budget, within the run's."""
    BUDGET.start_rule(items)


def used() -> tuple[int, int]:
    """(steps, size) spent so far in this process (the parallel engine adds its child's)."""
    return BUDGET.steps, BUDGET.size


def within_run(steps: int, size: int) -> bool:
    """Whether a run that spent (steps, size) in all stayed within the run's budgets."""
    return steps <= BUDGET.run_step_limit and size <= BUDGET.run_size_limit


def spend(cost: int) -> None:
    budget = BUDGET
    budget.steps += cost
    if budget.steps > budget.step_limit:
        budget.over_steps()


def _sized_type(kind: type):
    """Whether values of exactly type `kind` are `_SIZED`, or None when only `isinstance`
    on the value itself can tell: a value may pass as another type through `__class__`
    (a class that defines it, or reads attributes its own way, as a proxy does)."""
    if kind in _BUILTIN:
        return issubclass(kind, _SIZED)
    if not kind.__flags__ & _HEAP_TYPE:
        return None  # a C type, such as weakref.proxy, may answer `__class__` as it likes
    if any("__class__" in vars(base) or "__getattribute__" in vars(base)
           for base in kind.__mro__[:-1]):
        return None
    return issubclass(kind, _SIZED)


_BUILTIN = frozenset({str, bytes, list, tuple, dict, set, frozenset, int, bool, float,
                      type(None), GeneratorType})  # filters give generators
_HEAP_TYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class defined in Python


class _SizedByType(dict):
    """type -> `_sized_type(type)`, each computed once: `isinstance` against seven types
    on every argument was a third of the budget's cost (a model, none of them, walks its
    long MRO seven times), for millions of calls in a large run."""

    __slots__ = ()

    def __missing__(self, kind):
        answer = self[kind] = _sized_type(kind)
        return answer


_SIZED_BY_TYPE = _SizedByType()


def _is_sized(value) -> bool:
    sized = _SIZED_BY_TYPE[type(value)]
    return isinstance(value, _SIZED) if sized is None else sized


def cost_of(args) -> int:
    """One step, plus the length of every string, list or mapping among `args`."""
    cost = 1
    for arg in args:
        kind = type(arg)
        if kind is str:  # most arguments: an id
            cost += len(arg)
        else:  # `_is_sized`, written out: the next most common argument, a model, is not
            sized = _SIZED_BY_TYPE[kind]
            if sized or sized is None and isinstance(arg, _SIZED):
                cost += len(arg)
    return cost


def built(value):
    """Charge a value just built to the memory budget; refuse one longer than MAX_LENGTH."""
    if _is_sized(value):
        length = len(value)
        if length > MAX_LENGTH:
            raise too_large(f"a {type(value).__name__} of", length)
        budget = BUDGET
        budget.size += length
        if budget.size > budget.size_limit:
            budget.over_size()
    return value


def reserve(length: int, what: str) -> None:
    """Refuse to build a value of `length` (computed before building it)."""
    if length > MAX_LENGTH:
        raise too_large(f"{what} would build", length)


def too_large(what: str, length: int) -> BudgetExceeded:
    return BudgetExceeded(f"{what} {length:,} characters or elements: too large for a rule "
                          f"expression (at most {MAX_LENGTH:,})")


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
