"""Value types shared by the policy, the inventory and the rules (SPEC §3)."""

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, Strict

# Only true and false: pydantic's lax mode would also take "yes", "no", "on", "1" and
# "false" (a string), the YAML 1.1 surprises the parser is careful to avoid.
Bool = Annotated[bool, Strict()]

ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
Id = Annotated[str, Field(pattern=ID_PATTERN)]

DURATION_PATTERN = (r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?"
                    r"(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
_DURATION = re.compile(DURATION_PATTERN)


def _check_duration(value: str) -> str:
    # fullmatch: `$` also matches before a final line break, so "P1M\n" (a `|` block
    # scalar) passed here and then failed inside a built-in rule, blamed on the rule file.
    if not _DURATION.fullmatch(value):
        raise ValueError(f"{value!r} is not an ISO 8601 duration such as P1M, P30D "
                         f"or P3Y{_stray_space(value)}")
    return value


def _stray_space(value: str) -> str:
    """A hint when a value would be valid but for spaces or line breaks around it."""
    return " (remove the spaces or line break around it)" \
        if value.strip() != value and value.strip() else ""


def new_list() -> list:
    """The `default_factory` of list fields. A Python function, not the builtin `list`:
    pydantic reads each factory's signature (does it take the validated data?), and for a
    builtin, inspect parses its text signature with tokenize: ~60 µs a field, ~55 fields,
    and ~3 ms more for tokenize's first pattern, at every start."""
    return []


def new_dict() -> dict:
    """The `default_factory` of mapping fields (see `new_list`)."""
    return {}


Duration = Annotated[str, AfterValidator(_check_duration),
                     Field(json_schema_extra={"pattern": DURATION_PATTERN})]

_COUNTRIES: frozenset[str] | None = None


def iso_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes, from pycountry's data (loaded on first use)."""
    global _COUNTRIES
    if _COUNTRIES is None:
        _COUNTRIES = _codes_from_data() or _codes_from_pycountry()
    return _COUNTRIES


def _codes_from_data() -> frozenset[str] | None:
    """The country codes read straight from pycountry's ISO 3166-1 file (`pycountry_codes`)."""
    codes = pycountry_codes("iso3166-1.json", "3166-1")
    return codes if codes is not None and len(codes) > 200 else None


def pycountry_codes(database: str, key: str) -> frozenset[str] | None:
    """The `alpha_2` codes of one of pycountry's data files, read without importing
    pycountry: its import looks up its own version in the installed distributions, which
    cost more (~20-50 ms; ~90 ms for the languages) than the rest of reading the notice.
    None if the file is not where, or not what, pycountry has always shipped; then the
    caller asks pycountry."""
    import importlib.util
    import json
    import os
    try:
        spec = importlib.util.find_spec("pycountry")
        folder = list(spec.submodule_search_locations or ())[0]
        with open(os.path.join(folder, "databases", database), encoding="utf-8") as f:
            codes = frozenset(entry["alpha_2"] for entry in json.load(f)[key]
                              if "alpha_2" in entry)
    except (AttributeError, ImportError, IndexError, KeyError, OSError, TypeError,
            ValueError):
        return None
    return codes if codes and all(len(c) == 2 for c in codes) else None


def _codes_from_pycountry() -> frozenset[str]:
    import pycountry
    return frozenset(c.alpha_2 for c in pycountry.countries)


def _check_country(value: str) -> str:
    if value not in iso_countries():
        hint = " (codes are upper case)" if value.upper() in iso_countries() else \
            _stray_space(value)
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code{hint}")
    return value


Country = Annotated[str, AfterValidator(_check_country),
                    Field(json_schema_extra={"pattern": "^[A-Z]{2}$"})]


def _as_list(value):
    """Accept a single value where a list is expected (`lawful_basis: consent`)."""
    return [value] if isinstance(value, str) else value


LawfulBasis = Literal["consent", "contract", "legal_obligation", "vital_interests",
                      "public_task", "legitimate_interests"]
LawfulBases = Annotated[list[LawfulBasis],
                        BeforeValidator(_as_list,
                                        json_schema_input_type=LawfulBasis | list[LawfulBasis])]

SpecialCondition = Literal["explicit_consent", "employment_social_security", "vital_interests",
                           "nonprofit_body", "made_public", "legal_claims",
                           "substantial_public_interest", "health_care", "public_health",
                           "archiving_research"]

Mechanism = Literal["adequacy", "dpf", "scc", "bcr", "code_of_conduct", "certification",
                    "derogation", "none"]

Right = Literal["access", "rectification", "erasure", "restriction", "portability",
                "objection", "withdraw_consent", "complaint", "no_automated_decision"]
RIGHTS: tuple[str, ...] = Right.__args__

AuthMethod = Literal["password", "mfa", "sso", "api_key", "none"]
Scope = Literal["full", "partial", "read"]
# Widest first: `full` (all of a system's data), `partial` (part of it), `read` (read-only,
# the narrowest). Access-control rules compare a grant's scope with what the notice allows.
SCOPES: tuple[str, ...] = Scope.__args__
PrincipalKind = Literal["employee_group", "external", "service"]
