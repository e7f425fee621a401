"""Which rules run: `--select`/`--ignore` and the config's `select`/`ignore` (SPEC §8).

A key names a rule id, an area or a tag. An area may be written as its key
(`transfers`) or as the title the reports show it under (`Transfer safeguards`), in any
case. A key that names nothing is an error with a did-you-mean, and so is a selection that
leaves no rule to run: in a CI gate, a typo (`--select lawfulbasis`) must not quietly run
zero rules and pass.
"""
from __future__ import annotations

from typing import NamedTuple

from .errors import InputError, closest, raise_all
from .model.rule import AREA_TITLES


# (a NamedTuple: no dataclass methods to generate at every start-up, see api.Inputs)
class Key(NamedTuple):
    """One selection key and where it was written: a flag, or a config file:line."""
    text: str
    source: str = "--select"          # how the message names it: `--ignore`, `select`, ...
    loc: tuple | None = None          # (path, line, column) in a config file, else None


def area_of(text: str) -> str | None:
    """The area key that `text` names (its key or its title, any case), or None."""
    folded = text.strip().casefold()
    for key, title in AREA_TITLES.items():
        if folded in (key, title.casefold(), key.replace("_", " "), key.replace("_", "-")):
            return key
    return None


def _as_keys(keys, source: str) -> list[Key]:
    return [k if isinstance(k, Key) else Key(str(k), source) for k in keys]


def _matcher(key: Key, rules):
    """A predicate over rules for `key`; an `InputError` when it names nothing."""
    area = area_of(key.text)
    if area is not None:
        return lambda rule: rule.area == area
    if any(key.text == rule.id for rule in rules):
        return lambda rule: rule.id == key.text
    if any(key.text in rule.tags for rule in rules):
        return lambda rule: key.text in rule.tags
    return None


def unknown_key_error(key: Key, rules) -> InputError:
    options = {r.id for r in rules} | {t for r in rules for t in r.tags} | set(AREA_TITLES)
    hint = _casefold_hint(key.text, options)
    return InputError.at(key.loc, f"{key.source} {key.text!r}: no rule id, area or tag of "
                                  f"that name{hint}; areas: {', '.join(AREA_TITLES)}")


def _casefold_hint(text: str, options) -> str:
    """`lb001` for `LB001`: `closest` is case-sensitive, and ids are upper-case."""
    folded = {o.casefold(): o for o in options}
    close = closest(text.casefold(), folded)
    return f" (did you mean '{folded[close]}'?)" if close else ""


def select_rules(rules, select=(), ignore=()) -> list:
    """Keep rules matching any `select` key, then drop those matching any `ignore` key.

    A rule is anything with an `id`, an `area` and `tags` (the pack's rules, and the drift
    checks of `imports.drift` when infrastructure is compared). Raises `InputError` (all
    problems at once) for a key that names no rule, area or tag of `rules`, and when the
    selection leaves no rule.
    """
    select, ignore = _as_keys(select, "--select"), _as_keys(ignore, "--ignore")
    errors, chosen_by, dropped_by = [], [], []
    for key, into in [(k, chosen_by) for k in select] + [(k, dropped_by) for k in ignore]:
        match = _matcher(key, rules)
        if match is None:
            errors.append(unknown_key_error(key, rules))
        else:
            into.append(match)
    raise_all(errors)
    chosen = [r for r in rules if not select or any(m(r) for m in chosen_by)]
    chosen = [r for r in chosen if not any(m(r) for m in dropped_by)]
    if rules and not chosen:
        raise InputError.at(_first_loc(select + ignore),
                            f"the selection ({describe(select, ignore)}) leaves no rule to "
                            "run; a gate that runs nothing would always pass")
    return chosen


def require_enabled(enabled, selected, select=(), ignore=()) -> None:
    """A run whose selected rules are all switched off (`enabled: false`) runs nothing."""
    if selected and not enabled:
        keys = _as_keys(select, "--select") + _as_keys(ignore, "--ignore")
        raise InputError.at(_first_loc(keys),
                            f"every rule the selection ({describe(keys, [])}) keeps is "
                            "switched off (enabled: false); no rule would run")


def describe(select, ignore) -> str:
    parts = [f"{k.source} {k.text}" for k in _as_keys(select, "--select")]
    parts += [f"{k.source} {k.text}" for k in _as_keys(ignore, "--ignore")]
    return ", ".join(parts) or "every rule"


def _first_loc(keys):
    return next((k.loc for k in keys if k.loc is not None), None)
