"""Bounds on what one operation may build, checked *before* it builds it (see budget.py).

A rule expression can turn small arguments into a huge value: `'x'.zfill(10**10)`,
`s.replace('', s)`, `sep.join(...)`, `'{:>1000000000}'.format(x)`, `x | indent(10**6)`
over many lines, `[[1]] * 100000 | sum(start=[])` (quadratic). Each is refused when the
size it would build, computed from its arguments, exceeds `budget.MAX_LENGTH`.
"""
from __future__ import annotations

import inspect
import re

from ..lazy_pattern import LazyPattern
from .budget import MAX_INT_BITS, MAX_LENGTH, BudgetExceeded, built, cost_of, is_int, \
    reserve, spend

MAX_POWER_BITS = 4096
MAX_JSON_INDENT = 16

_WIDTH_METHODS = frozenset({"zfill", "ljust", "rjust", "center"})


def check_method(method, args: tuple, kwargs: dict) -> tuple:
    """Refuse a str/bytes method call that would build more than MAX_LENGTH; returns the
    arguments to call it with (`join` is given its iterable as a list, measured)."""
    owner = getattr(method, "__self__", None)
    if not isinstance(owner, (str, bytes)):
        return args
    name = getattr(method, "__name__", "")
    what = f"{type(owner).__name__}.{name}()"
    if name in _WIDTH_METHODS:
        width = args[0] if args else kwargs.get("width")
        if is_int(width):
            reserve(width, what)
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        if is_int(size):
            tab = "\t" if isinstance(owner, str) else b"\t"
            reserve(len(owner) + owner.count(tab) * max(size, 0), what)
    elif name == "replace" and len(args) >= 2:
        count = args[2] if len(args) > 2 else kwargs.get("count", -1)
        reserve(_replaced_length(owner, args[0], args[1], count), what)
    elif name == "join" and args:
        items = list(args[0])
        spend(len(items))
        reserve(_joined_length(owner, items), what)
        args = (items, *args[1:])
    elif name == "translate" and args and isinstance(args[0], dict):
        longest = max((len(v) for v in args[0].values() if isinstance(v, (str, bytes))),
                      default=1)
        reserve(len(owner) * max(longest, 1), what)
    elif name in ("format", "format_map"):
        values = [*args, *kwargs.values()]
        if name == "format_map" and args and isinstance(args[0], dict):
            values = list(args[0].values())
        reserve(_formatted_length(owner, values), what)
    return args


def _replaced_length(text, old, new, count) -> int:
    if not isinstance(old, (str, bytes)) or not isinstance(new, (str, bytes)) or \
            len(new) <= len(old):
        return len(text)
    hits = text.count(old) if old else len(text) + 1
    if is_int(count) and count >= 0:
        hits = min(hits, count)
    return len(text) + hits * (len(new) - len(old))


def _joined_length(separator, items) -> int:
    total = len(separator) * max(len(items) - 1, 0)
    for item in items:
        if isinstance(item, (str, bytes)):
            total += len(item)
            if total > MAX_LENGTH:
                break
    return total


def _formatted_length(fmt: str, values, marker: str = "{") -> int:
    """An upper bound on `fmt.format(*values)` or `fmt % values` (widths are checked
    apart): every field shows the longest value."""
    fields = fmt.count(marker)
    if not fields:
        return len(fmt)
    longest = max((len(v) if isinstance(v, str) else len(str(v)) if isinstance(
        v, (list, tuple, dict, set, bytes)) else 32 for v in values), default=0)
    return len(fmt) + fields * longest


def check_binop(op: str, left, right) -> None:
    """`**`, `*`, `+` and `%` that would build a huge number, string or list."""
    if op == "**" and is_int(left) and is_int(right) and right > 0 and abs(left) > 1 \
            and abs(left).bit_length() * right > MAX_POWER_BITS:
        raise BudgetExceeded(f"{left} ** {right} is too large for a rule expression")
    if op == "*":
        if is_int(left) and is_int(right) and \
                left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise BudgetExceeded(f"a product of {left.bit_length() + right.bit_length():,} "
                                 "bits is too large for a rule expression (at most "
                                 f"{MAX_INT_BITS:,})")
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, (str, bytes, list, tuple)) and is_int(count) \
                    and len(seq) * count > MAX_LENGTH:
                raise BudgetExceeded(f"repeating a {type(seq).__name__} {count} times is "
                                     "too large for a rule expression")
    if op == "+" and isinstance(left, (str, bytes, list, tuple)) and \
            isinstance(right, (str, bytes, list, tuple)):
        reserve(len(left) + len(right), "`+`")
    if op == "%" and isinstance(left, str):
        check_percent_format(left, right)


# (compiled when a rule first formats with `%`: few do)
_PERCENT_SPEC = LazyPattern(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[a-zA-Z%]")


def _too_wide(width) -> bool:
    return width is not None and width.isdigit() and int(width) > MAX_LENGTH


def check_percent_format(fmt: str, args) -> None:
    """`'%1000000000s' % x` or `'%*s' % (10**9, x)` would build a huge string."""
    values = args if isinstance(args, tuple) else (args,)
    for width, precision in _PERCENT_SPEC.findall(fmt):
        if _too_wide(width) or _too_wide(precision) or ("*" in (width, precision) and any(
                is_int(v) and v > MAX_LENGTH for v in values)):
            raise _wide()
    shown = list(args.values()) if isinstance(args, dict) else values
    reserve(_formatted_length(fmt, shown, "%"), "`%`")


def check_brace_format(fmt: str) -> bool:
    """Refuse literal widths over the bound; True when a width comes from an argument."""
    nested = False
    for field in re.findall(r"\{(?:[^{}]|\{[^{}]*\})*\}", fmt):
        spec = field[1:-1].partition(":")[2]
        nested = nested or "{" in spec
        if any(int(n) > MAX_LENGTH for n in re.findall(r"\d+", spec)):
            raise _wide()
    return nested


def check_nested_widths(args, kwargs) -> None:
    """`'{0:{1}}'.format(x, 10**9)`: a width given as an argument."""
    values = [*args, *kwargs.values()]
    if len(args) == 1 and isinstance(args[0], dict):  # format_map
        values += list(args[0].values())
    if any(is_int(v) and v > MAX_LENGTH for v in values):
        raise _wide()


def _wide() -> BudgetExceeded:
    return BudgetExceeded(f"a format width larger than {MAX_LENGTH:,} is too large for a "
                          "rule expression")


# Jinja2 filters that can build a value much larger than their arguments: the size each
# would build, from its bound arguments (by parameter name, as Jinja2 declares them).
def _filter_bounds():
    def width(b):
        w = b.get("width", 80)
        return w if is_int(w) else len(w) if isinstance(w, str) else 0

    def lines(b):
        s = b.get("s", "")
        return s.count("\n") + 1 if isinstance(s, str) else 1

    def text(b, name="s"):
        s = b.get(name, "")
        return len(s) if isinstance(s, (str, list, tuple)) else 0

    return {
        "center": lambda b: max(width(b), text(b, "value")),
        "indent": lambda b: text(b) + width(b) * lines(b),
        "wordwrap": lambda b: text(b) + len(str(b.get("wrapstring") or "\n")) * (
            text(b) // max(b.get("width", 79) if is_int(b.get("width", 79)) else 1, 1)
            + lines(b)),
        "replace": lambda b: _replaced_length(b.get("s", ""), b.get("old"), b.get("new"),
                                              b.get("count") if b.get("count") is not None
                                              else -1) if isinstance(b.get("s"), str) else 0,
        "truncate": lambda b: text(b) + len(str(b.get("end", "..."))),
        "batch": lambda b: b.get("linecount") if is_int(b.get("linecount")) else 0,
        "slice": lambda b: b.get("slices") if is_int(b.get("slices")) else 0,
        "format": lambda b: 0,  # checked by check_percent_format
    }


_FILTER_BOUNDS = _filter_bounds()
# Filters whose iterable is measured first: `join` and `sum` build from all of it at once.
_MEASURED = {"join": "value", "sum": "iterable"}


def bounded_filter(name: str, original):
    """`original` (a Jinja2 filter) counting steps and sizes, with its own bound if it has
    one; keeps the `jinja_pass_arg` (context, environment) the compiled code passes."""
    bound = _FILTER_BOUNDS.get(name)
    measured = _MEASURED.get(name)
    checked = bound is not None or measured is not None or name == "tojson"
    signature = []  # computed on the first call: most runs never call most filters

    def bounded(*args, **kwargs):
        spend(cost_of(args))
        if checked:
            if not signature:
                signature.append(_Signature(original))
            args, kwargs = _checked_arguments(name, signature[0], bound, measured, args,
                                              kwargs)
        # without an empty `**kwargs`, which would copy a dict on every call
        return built(original(*args, **kwargs) if kwargs else original(*args))

    bounded.__name__ = name
    bounded.__doc__ = original.__doc__
    if hasattr(original, "jinja_pass_arg"):
        bounded.jinja_pass_arg = original.jinja_pass_arg
    return bounded


class _Signature:
    """A filter's signature, binding the common call (positional arguments only, no more
    than it names) without `inspect`'s general `bind` (~30 µs a call, in a message's
    `| join`)."""

    __slots__ = ("signature", "positional", "required")

    def __init__(self, function):
        self.signature = inspect.signature(function)
        positional, self.required = [], 0
        for parameter in self.signature.parameters.values():
            if parameter.kind not in (parameter.POSITIONAL_ONLY,
                                      parameter.POSITIONAL_OR_KEYWORD):
                break
            positional.append(parameter.name)
            if parameter.default is parameter.empty:
                self.required = len(positional)
        self.positional = tuple(positional)

    def bind(self, args, kwargs):
        """(the arguments: by name in a dict, True) for a call of positional arguments
        alone that `inspect` would bind the same, else (`inspect`'s BoundArguments,
        False); raises TypeError for a call the filter would refuse."""
        if not kwargs and self.required <= len(args) <= len(self.positional):
            return dict(zip(self.positional, args)), True
        return self.signature.bind(*args, **kwargs), False


def _checked_arguments(name, signature, bound, measured, args, kwargs):
    try:
        bound_args, positional = signature.bind(args, kwargs)
    except TypeError:
        return args, kwargs  # the filter itself reports the wrong call
    values = bound_args if positional else bound_args.arguments
    if name == "format":
        check_percent_format(str(values.get("value", "")),
                             tuple(values.get("args", ())) or values.get("kwargs") or ())
    if name == "tojson" and is_int(values.get("indent")) and \
            values["indent"] > MAX_JSON_INDENT:
        raise BudgetExceeded(f"tojson(indent={values['indent']}) is more indentation than "
                             f"the {MAX_JSON_INDENT} a rule expression may use")
    if bound is not None:
        reserve(bound(values), f"| {name}")
    if measured is not None and measured in values:
        items = list(values[measured])
        values[measured] = items
        spend(len(items))
        start = values.get("start", 0)
        if name == "join" or isinstance(start, (str, bytes, list, tuple)):
            sized = [len(i) for i in items if isinstance(i, (str, bytes, list, tuple))]
            total = sum(sized) + (len(start) if isinstance(start, (list, tuple, str)) else 0)
            reserve(total + len(str(values.get("d", ""))) * max(len(items) - 1, 0),
                    f"| {name}")
            if name == "sum":  # sequences summed are copied once per item: quadratic
                spend(len(items) * total)
    if positional:  # every argument, in order: the call as it came, with `items` measured
        return tuple(values.values()), {}
    return bound_args.args, bound_args.kwargs


def concat(parts):
    """`a ~ b ~ c` (the compiler's `str_join`), refused before building a huge string."""
    parts = [p if isinstance(p, str) else str(p) for p in parts]
    spend(len(parts))
    reserve(sum(map(len, parts)), "`~`")
    return built("".join(parts))


def iterate(iterable):
    """The iterable of a `{% for %}`: one step per iteration."""
    for element in iterable:
        spend(1)
        yield element


def render(parts) -> str:
    """A template's output joined (the environment's `concat`), never beyond MAX_LENGTH."""
    out, total = [], 0
    append = out.append  # a message has ten parts or so, and a large run 80,000 messages
    for part in parts:
        total += len(part)
        if total > MAX_LENGTH:
            reserve(total, "the message")
        append(part)
    return built("".join(out))
