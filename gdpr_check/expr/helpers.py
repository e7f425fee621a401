"""Functions, filters and tests that rule expressions may use (all documented in docs/).

Each helper reads the indexes built once per run (`index.Index`), never the raw lists,
so calling one for every item keeps a rule at O(items x log n).
"""
from __future__ import annotations

from functools import lru_cache

from ..model.types import RIGHTS
from .index import Index

ALWAYS_VALID = ("scc", "bcr", "code_of_conduct", "certification")


@lru_cache(maxsize=256)
def duration_days(duration: str | None) -> float | None:
    """ISO 8601 duration -> days (a month counts as 30 days, a year as 365)."""
    if duration is None:
        return None
    from datetime import timedelta

    from pydantic import TypeAdapter
    return TypeAdapter(timedelta).validate_python(duration).total_seconds() / 86400


class Helpers:
    """The helpers of one run, bound to that run's index and the reference data."""

    def __init__(self, index: Index, reference):
        self.index = index
        self.ref = reference

    # -- functions (called as `name(...)` in expressions) -------------------------------
    def lookup(self, kind: str, id: str):
        """The object of `kind` (system, processor, principal, flow, purpose, data_category,
        data_subject, register, recipient, source) with `id`, or none."""
        table = self.index.by_kind.get(kind)
        if table is None:
            raise ValueError(f"lookup(): unknown kind '{kind}'; expected one of "
                             f"{', '.join(sorted(self.index.by_kind))}")
        return table.get(id)

    def declared(self, kind: str, id: str) -> bool:
        """Whether the notice (or inventory) declares an object of `kind` with `id`."""
        return self.lookup(kind, id) is not None

    def declared_purpose(self, id: str) -> bool:
        """Whether the notice declares the purpose `id`."""
        return id in self.index.by_kind["purpose"]

    def flows_from(self, id: str) -> list:
        """Flows whose `from` is `id`."""
        return self.index.flows_from.get(id, [])

    def flows_to(self, id: str) -> list:
        """Flows whose `to` is `id`."""
        return self.index.flows_to.get(id, [])

    def downstream(self, id: str) -> list:
        """Ids reachable from `id` along flows and sub-processor links, transitively."""
        return list(self.index.downstream(id))

    def holders(self, data_subject: str) -> list:
        """Systems that hold data of the data subject `data_subject`."""
        return self.index.systems_by_subject.get(data_subject, [])

    def grants_of(self, principal: str) -> list:
        """(system, grant) pairs giving `principal` access."""
        return self.index.grants_by_principal.get(principal, [])

    def engaged_by(self, processor: str) -> list:
        """Processors that engage `processor` as a sub-processor."""
        return self.index.parents_of_processor.get(processor, [])

    def transfers_to(self, recipient: str) -> list:
        """The notice's `transfers` entries for the recipient id `recipient`."""
        return self.index.transfers_to.get(recipient, [])

    def adequacy(self, country: str):
        """The adequacy decision in force for `country`, or none."""
        return self.ref.decision_for(country)

    def adequate(self, country: str, recipient=None) -> bool:
        """Whether an adequacy decision covers transfers to `country` (for `recipient`,
        when the decision covers only some recipients, e.g. DPF-certified ones)."""
        if self.ref.in_eea(country):
            return True
        decision = self.ref.decision_for(country)
        if decision is None:
            return False
        if decision.scope == "certified":
            return bool(recipient is not None and _dpf_certified(recipient))
        return True

    def valid_mechanisms(self, countries, recipient=None, occasional: bool = False) -> list:
        """Transfer mechanisms valid for every country in `countries` (Art. 45-49)."""
        outside = [c for c in countries if not self.ref.in_eea(c)]
        if not outside:
            return ["none", "adequacy", "dpf", *ALWAYS_VALID, "derogation"]
        valid = list(ALWAYS_VALID)
        if all(self.adequate(c, recipient) for c in outside):
            valid.append("adequacy")
        if outside == ["US"] * len(outside) and recipient is not None and _dpf_certified(recipient):
            valid.append("dpf")
        if occasional:
            valid.append("derogation")
        return valid

    def days(self, duration):
        """An ISO 8601 duration in days (P1M = 30); none stays none."""
        return duration_days(duration)

    # -- filters (`value | name`) -----------------------------------------------------
    def outside_eea(self, countries) -> list:
        """The countries of a list (or one country) that are outside the EEA."""
        if isinstance(countries, str):
            countries = [countries]
        return [c for c in countries or () if not self.ref.in_eea(c)]

    def ids(self, objects) -> list:
        """The `id` of each object in a list."""
        return [o.id for o in objects or ()]

    def functions(self) -> dict:
        return {name: getattr(self, name) for name in FUNCTIONS}


def _dpf_certified(recipient) -> bool:
    transfer = getattr(recipient, "transfer", None)
    return bool(transfer is not None and transfer.dpf_certified)


FUNCTIONS = ("lookup", "declared", "declared_purpose", "flows_from", "flows_to", "downstream",
             "holders", "grants_of", "engaged_by", "transfers_to", "adequacy", "adequate",
             "valid_mechanisms", "days", "outside_eea", "ids")
FILTERS = ("outside_eea", "ids", "days")
CONSTANTS = {"RIGHTS": list(RIGHTS)}
