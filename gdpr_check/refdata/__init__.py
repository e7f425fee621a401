"""Reference data of the law: EEA states, adequacy decisions, supervisory authorities.

All of it lives in `reference.yaml` beside this module, dated and with sources, so a new
adequacy decision is a data edit (SPEC §3). Loaded once, on first use; the file is small
and parsed by the project's own YAML parser (no pydantic, no pycountry) to stay cheap.

The questions rules ask of it:
- is a country in the EEA (`in_eea`);
- which adequacy decision is in force for a country, or for an international organisation
  named by a recipient (`decision_for`, `organisation_decision`), on a given day;
- does that decision cover a given recipient (`Decision.covers`): a decision may cover only
  commercial organisations, only the private sector, only DPF-certified organisations, ...
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from ..errors import InputError

DATA_FILE = Path(__file__).with_name("reference.yaml")

# What each `scope` covers (see the header of reference.yaml).
SCOPES = {
    "all": "every recipient in the country",
    "law": "recipients subject to the country's data protection law",
    "commercial": "commercial organisations, not public authorities",
    "private_sector": "private-sector business operators, not public authorities",
    "certified": "only organisations certified under the framework",
    "organisation": "one international organisation",
}


@dataclass(frozen=True)
class Amendment:
    """A renewal or amendment of an adequacy decision."""
    reference: str
    adopted: date
    note: str = ""
    source: str = ""


@dataclass(frozen=True)
class Decision:
    """One adequacy decision (Art. 45)."""
    id: str
    name: str
    countries: tuple[str, ...]
    decision: str
    adopted: date
    scope: str          # see SCOPES
    scope_note: str = ""
    organisation: str = ""
    source: str = ""
    aliases: tuple[str, ...] = ()
    expires: date | None = None     # last day it applies; None: no end date
    amended_by: tuple[Amendment, ...] = ()

    @property
    def full(self) -> bool:
        """True when every transfer to the country is covered, whoever receives it."""
        return self.scope == "all"

    @property
    def kind(self) -> str:
        """`country` or `organisation` (an international organisation has no country)."""
        return "organisation" if self.scope == "organisation" else "country"

    def in_force(self, on: date | None = None) -> bool:
        """Whether the decision applies on `on` (default: today)."""
        on = on or date.today()
        return self.adopted <= on and (self.expires is None or on <= self.expires)

    def covers(self, certified: bool = False, public_authority: bool = False) -> bool:
        """Whether a recipient with these properties falls within the decision's scope.

        `certified`: the recipient is certified under the framework (the DPF);
        `public_authority`: the recipient is a public authority (outside decisions that
        cover only commercial organisations or the private sector)."""
        if self.scope == "certified":
            return certified
        if self.scope in ("commercial", "private_sector"):
            return not public_authority
        return True

    def matches_organisation(self, *names) -> bool:
        """Whether any of `names` (an id or a name) names this international organisation."""
        if self.kind != "organisation":
            return False
        own = {_norm(n) for n in (self.organisation, self.name, self.id, *self.aliases) if n}
        return any(n and _norm(n) in own for n in names)


@dataclass(frozen=True)
class Reference:
    as_of: date
    eea: frozenset[str]
    eea_names: dict[str, str]
    decisions: tuple[Decision, ...]
    authorities: dict[str, dict]
    sources: tuple[str, ...] = field(default=())
    eu: frozenset[str] = field(default=frozenset())
    child_consent_ages: dict[str, int] = field(default_factory=dict)

    def child_consent_age(self, country: str | None) -> int | None:
        """The age from which a child of `country` (an EEA state) consents alone to an
        information society service (Art. 8(1)); None outside the EEA."""
        return self.child_consent_ages.get(country) if country else None

    def in_eea(self, country: str) -> bool:
        return country in self.eea

    def decision_for(self, country: str, on: date | None = None) -> Decision | None:
        """The adequacy decision in force for `country` on `on` (default today), or None."""
        for decision in self._by_country.get(country, ()):
            if decision.in_force(on):
                return decision
        return None

    def organisation_decision(self, *names, on: date | None = None) -> Decision | None:
        """The decision in force for the international organisation named by any of
        `names` (ids or names of a recipient), or None. Never matched by country."""
        for decision in self.decisions:
            if decision.matches_organisation(*names) and decision.in_force(on):
                return decision
        return None

    def authority(self, country: str) -> dict | None:
        """The supervisory authority of an EEA state: {country, name, name_en, url}."""
        return self.authorities.get(country)

    @property
    def _by_country(self) -> dict[str, tuple[Decision, ...]]:
        index = self.__dict__.get("_index")
        if index is None:
            built: dict[str, list] = {}
            for d in self.decisions:
                for c in d.countries:
                    built.setdefault(c, []).append(d)
            index = {c: tuple(ds) for c, ds in built.items()}
            object.__setattr__(self, "_index", index)
        return index


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()


def _to_date(value, where) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError.at(where, f"expected an ISO date (YYYY-MM-DD), found {value!r}") from None


def _need(entry, key, where):
    value = entry.get(key) if isinstance(entry, dict) else None
    if value in (None, ""):
        raise InputError.at(getattr(entry, "loc", where), f"reference data: missing '{key}'")
    return value


def _decision(d) -> Decision:
    loc = getattr(d, "loc", None)
    scope = _need(d, "scope", loc)
    if scope not in SCOPES:
        raise InputError.at(loc, f"reference data: unknown scope '{scope}'; expected one of "
                                 f"{', '.join(SCOPES)}")
    countries = tuple(d.get("countries") or ())
    if (scope == "organisation") == bool(countries):
        raise InputError.at(loc, "reference data: a decision names countries, or (scope "
                                 "organisation) an international organisation, not both")
    amendments = tuple(
        Amendment(reference=_need(a, "reference", loc), adopted=_to_date(a.get("adopted"), loc),
                  note=a.get("note") or "", source=a.get("source") or "")
        for a in d.get("amended_by") or ())
    expires = d.get("expires")
    return Decision(
        id=_need(d, "id", loc), name=_need(d, "name", loc), countries=countries,
        decision=_need(d, "decision", loc), adopted=_to_date(_need(d, "adopted", loc), loc),
        scope=scope, scope_note=d.get("scope_note") or "",
        organisation=d.get("organisation") or "", source=_need(d, "source", loc),
        aliases=tuple(d.get("aliases") or ()),
        expires=_to_date(expires, loc) if expires is not None else None,
        amended_by=amendments)


def load(path: Path = DATA_FILE) -> Reference:
    """Parse and check a reference data file (use `reference()` for the cached default)."""
    from ..load.parser import parse_bytes
    from ..load.prebuilt import PREBUILT  # the shipped file's tree, parsed ahead
    data = parse_bytes(path.read_bytes(), str(path), PREBUILT)
    decisions = tuple(_decision(d) for d in data["adequacy"])
    ids = [d.id for d in decisions]
    if len(ids) != len(set(ids)):
        raise InputError(f"reference data: duplicate decision id in {sorted(ids)}", str(path))
    return Reference(
        as_of=_to_date(data["as_of"], getattr(data, "loc", None)),
        eea=frozenset(s["country"] for s in data["eea"]),
        eea_names={s["country"]: s["name"] for s in data["eea"]},
        eu=frozenset(s["country"] for s in data["eea"] if s.get("eu")),
        decisions=decisions,
        authorities={a["country"]: dict(a) for a in data.get("supervisory_authorities") or []},
        sources=tuple(data.get("sources") or ()),
        child_consent_ages={a["country"]: int(a["age"])
                            for a in data.get("child_consent_ages") or []},
    )


@lru_cache(maxsize=1)
def reference() -> Reference:
    """The built-in reference data, loaded once per process."""
    return load(DATA_FILE)
