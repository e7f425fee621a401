"""Validate a located tree against a model; turn pydantic's errors into file:line lines."""
from __future__ import annotations

import typing

from pydantic import BaseModel, ValidationError

from ..errors import InputError, did_you_mean, raise_all
from .tree import describe, key_loc, locate
from .validators import validate_python

_TYPE_NAMES = {
    "string_type": "a string", "bool_type": "true or false", "bool_parsing": "true or false",
    "int_type": "a whole number", "int_parsing": "a whole number",
    "float_type": "a number", "float_parsing": "a number",
    "list_type": "a list", "dict_type": "a mapping", "model_type": "a mapping",
    "model_attributes_type": "a mapping", "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)", "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "a date (YYYY-MM-DD)",
}


def validate(model: type[BaseModel], tree, what: str, context: dict | None = None):
    """`model.model_validate(tree)`, raising `InputError`s that point into the YAML, with
    the validator an earlier run kept where there is one (`validators.py`). `context`
    reaches the validators (the notice's language for its texts: model/text.py)."""
    try:
        return validate_python(model, tree, context)
    except ValidationError as exc:
        raise_all(_convert(model, tree, exc.errors(include_url=False), what))


def _convert(model, tree, errors, what) -> list[InputError]:
    by_path: dict[tuple, list] = {}
    for error in errors:  # one line per place: a union reports once per member
        by_path.setdefault(_real_path(tree, error["loc"], error["type"]), []).append(error)
    places, result = set(), []
    for path, group in by_path.items():
        converted = _one(model, tree, path, group[0], what)
        expected = list(dict.fromkeys(_TYPE_NAMES[e["type"]] for e in group
                                      if e["type"] in _TYPE_NAMES))
        literals = [e for e in group if e["type"] == "literal_error"]
        if len(group) > 1 and len(expected) + len(literals) == len(group) and expected:
            for error in literals:  # `true, false or not_applicable`
                expected.append(error.get("ctx", {}).get("expected", "").replace("'", ""))
            converted = InputError.at(locate(tree, path),
                                      f"{_field_name(path, what)}: expected "
                                      f"{' or '.join(expected)}, found "
                                      f"{describe(group[0].get('input'))}")
        place = (converted.path, converted.line, converted.column)
        if converted.line is not None and place in places:
            continue  # a `defaults` value merged into many items: report it once
        places.add(place)
        result.append(converted)
    return result


def _real_path(tree, loc, kind) -> tuple:
    """Drop pydantic's union-member steps, keeping only keys/indexes of the YAML."""
    path, node = [], tree
    for step in loc:
        if isinstance(node, dict) and isinstance(step, str) and step in node:
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
        elif kind in ("missing", "extra_forbidden") and isinstance(node, dict) and step == loc[-1]:
            pass  # the key that is missing (or unexpected) is not a real node
        else:
            continue
        path.append(step)
    return tuple(path)


def _one(model, tree, path, error, what) -> InputError:
    kind, field = error["type"], _field_name(path, what)
    if kind == "extra_forbidden":
        parent_model = _model_at(model, path[:-1])
        known = sorted(_yaml_names(parent_model)) if parent_model else []
        key = path[-1]
        hint = did_you_mean(str(key), known)
        expected = f"; expected one of: {', '.join(known)}" if known and not hint else ""
        return InputError.at(key_loc(_node_at(tree, path[:-1]), key),
                             f"unknown key '{key}'{hint}{expected}"
                             f"{_reference(what, parent_model)}")
    if kind == "missing":
        return InputError.at(locate(tree, path[:-1]),
                             f"missing required key '{path[-1]}' in {_field_name(path[:-1], what)}")
    loc = locate(tree, path)
    found = describe(error.get("input"))
    if kind == "literal_error":
        allowed = error.get("ctx", {}).get("expected", "")
        options = [o.strip(" '") for o in allowed.replace(" or ", ", ").split(",")]
        hint = _closest_value(str(error.get("input")), options)
        return InputError.at(loc, f"{field}: expected one of {', '.join(options)}, "
                                  f"found {found}{hint}")
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        if pattern.startswith("^[A-Za-z]"):
            return InputError.at(loc, f"{field}: {found} is not a valid rule id (a letter, then "
                                      "letters, digits, '_', '.' or '-', e.g. TR001)")
        if "a-z0-9" in pattern:
            return InputError.at(loc, f"{field}: {found} is not a valid id (lower-case letters,"
                                      " digits, '_', '.', '-', starting with a letter or digit)")
        if pattern.startswith("^Art"):
            return InputError.at(loc, f"{field}: {found} is not an article reference; expected "
                                      "'Art. N', 'Art. N(p)' or 'Art. N(p)(x)', e.g. "
                                      "'Art. 6(1)(f)'")
        return InputError.at(loc, f"{field}: {found} does not match {pattern}")
    if kind == "value_error":
        message = error["msg"].removeprefix("Value error, ")
        if message.endswith(_NOT_A_COUNTRY):
            message += country_hint(str(error.get("input")))
        return InputError.at(loc, f"{field}: {message}")
    if kind in _TYPE_NAMES:
        return InputError.at(loc, f"{field}: expected {_TYPE_NAMES[kind]}, found {found}")
    if kind == "too_short":
        return InputError.at(loc, f"{field}: must not be empty")
    return InputError.at(loc, f"{field}: {error['msg']}")




_NOT_A_COUNTRY = "is not an ISO 3166-1 alpha-2 country code"
# Names people write for a country that pycountry does not match, and the code meant.
_COUNTRY_ALIASES = {
    "uk": "GB", "u.k.": "GB", "britain": "GB", "great britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern ireland": "GB", "u.s.": "US",
    "u.s.a.": "US", "america": "US", "united states of america": "US", "el": "GR",
    "korea": "KR", "south korea": "KR", "russia": "RU", "czechia": "CZ",
    "holland": "NL", "the netherlands": "NL", "suomi": "FI", "sverige": "SE",
    "deutschland": "DE", "norge": "NO", "eesti": "EE",
}
_GREECE_NOTE = " EL is the EU's code for Greece; ISO 3166-1, used here, has GR"


def country_hint(value: str) -> str:
    """` (did you mean 'FI'?)` for a country name, an alpha-3 code or a common alias."""
    import pycountry
    text = value.strip()
    code = _COUNTRY_ALIASES.get(text.casefold())
    if code is None:
        try:
            code = pycountry.countries.lookup(text).alpha_2  # names, alpha-3, official names
        except LookupError:
            import difflib  # stricter than did_you_mean: 0.6 offers Albania for Atlantis
            names = {c.name: c.alpha_2 for c in pycountry.countries}
            close = difflib.get_close_matches(text, sorted(names), n=1, cutoff=0.8)
            code = names[close[0]] if close else None  # a misspelt name: `Finnland`
    if code is None or code == text:
        return ""
    note = _GREECE_NOTE if code == "GR" else ""
    return f" (did you mean '{code}' ({pycountry.countries.get(alpha_2=code).name})?{note})"


# Words other tools use for a severity, and our nearest level: spelling alone would offer
# `never` for `severe` (fail_on), the opposite of what was meant.
_SEVERITY_WORDS = {
    "severe": "high", "error": "high", "major": "high", "blocker": "critical",
    "warning": "medium", "warn": "medium", "moderate": "medium", "minor": "low",
    "note": "low", "information": "info", "informational": "info", "none": "never",
    "off": "never",
}


def _closest_value(found: str, options: list[str]) -> str:
    meant = _SEVERITY_WORDS.get(found.strip().casefold())
    if meant in options:
        return f" (did you mean '{meant}'?)"
    return did_you_mean(found, options) or did_you_mean(found.casefold(), options)


def _reference(what: str, model) -> str:
    """Where the keys of a policy or inventory object are documented (docs/reference.md)."""
    if what not in ("policy", "inventory") or model is None:
        return ""
    from ..meta import REFERENCE_DOC_URL
    return f" (reference: {REFERENCE_DOC_URL}#{what}-{model.__name__.lower()})"


def _field_name(path, what) -> str:
    name = what
    for step in path:
        name += f"[{step}]" if isinstance(step, int) else f".{step}"
    return name




def _node_at(tree, path):
    for step in path:
        tree = tree[step]
    return tree


def _yaml_names(model) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _model_at(model, path):
    """The model class describing the mapping at `path` (for did-you-mean on its keys)."""
    for step in path:
        if isinstance(step, int):
            continue
        field = next((info for name, info in model.model_fields.items()
                      if (info.alias or name) == step), None)
        if field is None:
            return None
        model = _find_model(field.annotation)
        if model is None:
            return None
    return model


def _find_model(annotation):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _find_model(arg)
        if found is not None:
            return found
    return None


__all__ = ["validate"]
