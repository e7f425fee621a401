"""Reference data of the law: EEA states, adequacy decisions, supervisory authorities.

All of it lives in `reference.yaml` beside this module, dated and with sources, so a new
adequacy decision is a data edit (SPEC §3). Loaded once, on first use.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).with_name("reference.yaml")


@dataclass(frozen=True)
class Decision:
    """One adequacy decision in force (Art. 45)."""
    id: str
    name: str
    countries: tuple[str, ...]
    decision: str
    adopted: date
    scope: str          # all | commercial | certified | private_sector | organisation
    scope_note: str = ""
    organisation: str = ""
    source: str = ""

    @property
    def full(self) -> bool:
        """True when every transfer to the country is covered, whoever receives it."""
        return self.scope == "all"


@dataclass(frozen=True)
class Reference:
    as_of: date
    eea: frozenset[str]
    eea_names: dict[str, str]
    decisions: tuple[Decision, ...]
    authorities: dict[str, dict]
    sources: tuple[str, ...] = field(default=())

    def in_eea(self, country: str) -> bool:
        return country in self.eea

    def decision_for(self, country: str) -> Decision | None:
        return self._by_country.get(country)

    @property
    def _by_country(self) -> dict[str, Decision]:
        index = self.__dict__.get("_index")
        if index is None:
            index = {c: d for d in self.decisions for c in d.countries}
            object.__setattr__(self, "_index", index)
        return index


def _to_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@lru_cache(maxsize=1)
def reference() -> Reference:
    from ..load.parser import parse_bytes
    data = parse_bytes(DATA_FILE.read_bytes(), str(DATA_FILE))
    decisions = tuple(
        Decision(id=d["id"], name=d["name"], countries=tuple(d.get("countries") or ()),
                 decision=d["decision"], adopted=_to_date(d["adopted"]), scope=d["scope"],
                 scope_note=d.get("scope_note") or "", organisation=d.get("organisation") or "",
                 source=d.get("source") or "")
        for d in data["adequacy"])
    return Reference(
        as_of=_to_date(data["as_of"]),
        eea=frozenset(s["country"] for s in data["eea"]),
        eea_names={s["country"]: s["name"] for s in data["eea"]},
        decisions=decisions,
        authorities={a["country"]: dict(a) for a in data.get("supervisory_authorities") or []},
        sources=tuple(data.get("sources") or ()),
    )
