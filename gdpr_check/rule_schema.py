"""A rule's `schema:` (SPEC §6): refused when it loads unless it is safe to run, and run
with a linear-time regular-expression engine.

Rule packs may come from an untrusted pull request, and JSON Schema can hang a validator
two ways; both are refused when the rule loads (`check`), never met while it runs:

- **Regular expressions** (`pattern`, `patternProperties`): Python's `re` backtracks, so
  `^(a+)+$` against 30 characters runs for hours. Every pattern must compile with RE2
  (google-re2), which matches in linear time and has no backreferences or lookaround,
  and `validator()` matches with RE2, not `re`. jsonschema also matches
  `patternProperties` inside `additionalProperties` and `unevaluatedProperties` with `re`,
  so those are refused beside patterns (see `_REGEX_USERS`).
- **`$ref` cycles**: `{"$ref": "#"}` recurses until Python's stack is exhausted. Every
  `$ref` must be a JSON pointer into the schema itself (`#/$defs/x`) that resolves, and no
  `$ref` may lead back to a schema that contains it; `$dynamicRef` and `$recursiveRef`
  are refused. (Rule schemas describe one item of the inventory: none needs recursion.)

Import cost: jsonschema and re2 are imported only by rules with `schema:`.
"""
from __future__ import annotations

from urllib.parse import unquote

from .errors import InputError

_REFS = ("$ref", "$dynamicRef", "$recursiveRef")
MAX_REFS = 256  # the cycle check compares every pair
# Keywords jsonschema evaluates with Python's `re` over `patternProperties`.
_REGEX_USERS = ("additionalProperties", "unevaluatedProperties")


def check(schema: dict, loc, label: str) -> None:
    """Refuse a `schema:` that is not a valid JSON Schema or could hang its validator."""
    import jsonschema  # costly to import; only packs with `schema:` rules pay for it
    where = f"{label}.schema"
    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.SchemaError as exc:
        at = "/".join(str(p) for p in exc.absolute_path) or "(top)"
        raise InputError.at(loc, f"{where} is not a valid JSON Schema at {at}: "
                                 f"{exc.message}") from None
    except RecursionError:
        raise InputError.at(loc, f"{where} nests too deeply to check") from None
    refs, patterns, regex_users = [], [], []
    _collect(schema, "", refs, patterns, regex_users)
    if len(refs) > MAX_REFS:
        raise InputError.at(loc, f"{where} has {len(refs):,} $refs; expected at most "
                                 f"{MAX_REFS}")
    for pointer, key, ref in refs:
        problem = _ref_problem(schema, key, ref)
        if problem:
            raise InputError.at(loc, f"{where}: {key} '{ref}' at {pointer or '(top)'} "
                                     f"{problem}")
    cycle = _ref_cycle(schema, refs)
    if cycle:
        raise InputError.at(loc, f"{where}: $ref '{cycle}' leads back to a schema that "
                                 "contains it; recursive schemas are not allowed in rules")
    if patterns and regex_users:
        pointer, keyword = regex_users[0]
        raise InputError.at(loc, f"{where}: '{keyword}' at {pointer or '(top)'} cannot be "
                                 "used with patterns (jsonschema would match them with a "
                                 "backtracking engine); list the properties instead")
    for pointer, pattern in patterns:
        problem = _pattern_problem(pattern)
        if problem:
            raise InputError.at(loc, f"{where}: pattern '{pattern}' at {pointer or '(top)'} "
                                     f"is not allowed: {problem}")


def _collect(node, pointer, refs, patterns, regex_users) -> None:
    """The $refs, patterns and keywords matching patterns with `re`, with their pointers
    (walked without recursion: the parser bounds nesting, not the width)."""
    todo = [(node, pointer)]
    while todo:
        node, pointer = todo.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                here = f"{pointer}/{_escape(str(key))}"
                if key in _REFS and isinstance(value, str):
                    refs.append((pointer, key, value))
                elif key == "pattern" and isinstance(value, str):
                    patterns.append((here, value))
                elif key == "patternProperties" and isinstance(value, dict):
                    patterns.extend((f"{here}/{_escape(str(k))}", k) for k in value)
                elif key in _REGEX_USERS:
                    regex_users.append((here, key))
                todo.append((value, here))
        elif isinstance(node, list):
            todo.extend((value, f"{pointer}/{i}") for i, value in enumerate(node))
    refs.sort()
    patterns.sort()
    regex_users.sort()


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _ref_problem(schema, key, ref) -> str | None:
    if key != "$ref":
        return "is not allowed: rules use plain local $refs ('#/$defs/...')"
    if not ref.startswith("#"):
        return "is not local; expected a reference inside the schema ('#/$defs/...'): " \
               "rules never fetch anything"
    if ref != "#" and not ref.startswith("#/"):
        return "is not a JSON pointer; expected '#/$defs/<name>'"
    if _resolve(schema, ref) is _MISSING:
        return "does not resolve to a part of the schema"
    return None


_MISSING = object()


def _resolve(schema, ref: str):
    node = schema
    for token in ref[2:].split("/") if ref != "#" else ():
        token = unquote(token).replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return _MISSING
    return node


def _ref_cycle(schema, refs) -> str | None:
    """A $ref from which following $refs comes back to it, if any. A ref's target "leads
    to" every $ref written inside the target; a cycle is a ref reached again on the way."""
    targets = {ref: _pointer(ref) for _, key, ref in refs if key == "$ref"}
    inside = {ref: [r for p, k, r in refs if k == "$ref" and _within(p, target)]
              for ref, target in targets.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(inside):
        if state.get(start):
            continue
        stack = [(start, iter(inside[start]))]
        state[start] = 1
        while stack:
            ref, following = stack[-1]
            step = next(following, None)
            if step is None:
                state[ref] = 2
                stack.pop()
            elif state.get(step) == 1:
                return step
            elif not state.get(step):
                state[step] = 1
                stack.append((step, iter(inside[step])))
    return None


def _pointer(ref: str) -> str:
    return "" if ref == "#" else "/" + "/".join(
        unquote(t) for t in ref[2:].split("/"))


def _within(pointer: str, target: str) -> bool:
    return pointer == target or pointer.startswith(target + "/")


def _pattern_problem(pattern: str) -> str | None:
    try:
        _compiled(pattern)
    except Exception as exc:  # noqa: BLE001 - re2 raises its own error type
        reason = exc.args[0] if exc.args else exc
        reason = reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)
        return f"{reason} (patterns are matched by RE2, in linear time: no backreferences " \
               "or lookaround)"
    return None


_PATTERNS: dict = {}


def _compiled(pattern: str):
    found = _PATTERNS.get(pattern)
    if found is None:
        import re2
        options = re2.Options()
        options.log_errors = False  # errors are reported as input errors, not on stderr
        found = _PATTERNS[pattern] = re2.compile(pattern, options)
    return found


def validator(schema: dict):
    """A jsonschema validator for `schema` (which `check` accepted) matching patterns with
    RE2."""
    import jsonschema
    base = jsonschema.validators.validator_for(schema)
    cls = jsonschema.validators.extend(base, {"pattern": _pattern,
                                              "patternProperties": _pattern_properties})
    return cls(schema)


def _pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not _compiled(pattern).search(instance):
        from jsonschema.exceptions import ValidationError
        shown = repr(instance) if len(instance) <= 80 else \
            f"{instance[:80]!r}… ({len(instance):,} characters)"
        yield ValidationError(f"{shown} does not match {pattern!r}")


def _pattern_properties(validator, patterns, instance, schema):
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            if _compiled(pattern).search(key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)
