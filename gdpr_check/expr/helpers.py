"""Functions, filters and tests that rule expressions may use (all documented in docs/).

Each helper reads the indexes built once per run (`index.Index`), never the raw lists,
so calling one for every item keeps a rule at O(items x log n).
"""
from __future__ import annotations

from functools import lru_cache

from typing import Any, NamedTuple

from ..model.types import RIGHTS, SCOPES
from .index import Index

ALWAYS_VALID = ("scc", "bcr", "code_of_conduct", "certification")
INDIRECT_SOURCES = ("public", "third_party")  # source kinds where Art. 14, not 13, applies


@lru_cache(maxsize=256)
def duration_days(duration: str | None) -> float | None:
    """ISO 8601 duration -> days (a month counts as 30 days, a year as 365)."""
    if duration is None:
        return None
    from datetime import timedelta

    from pydantic import TypeAdapter
    return TypeAdapter(timedelta).validate_python(duration).total_seconds() / 86400


def _calendar_parts(duration: str):
    """ISO 8601 duration -> (months, timedelta of the rest): years and months are calendar
    units whose length depends on the start date; weeks, days and times are fixed."""
    import re
    from datetime import timedelta

    from ..model.types import DURATION_PATTERN
    match = re.match(DURATION_PATTERN, duration)
    if match is None:
        raise ValueError(f"'{duration}' is not an ISO 8601 duration")
    y, mo, w, d, _t, h, mi, s, _f = (match.group(i) for i in range(1, 10))

    def num(part):
        return float(part[:-1]) if part else 0.0
    months = int(num(y)) * 12 + int(num(mo))
    rest = timedelta(weeks=num(w), days=num(d), hours=num(h), minutes=num(mi), seconds=num(s))
    return months, rest


def _add(start, months: int, rest):
    from calendar import monthrange
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    day = min(start.day, monthrange(year, month)[1])  # 31 Jan + P1M = 28/29 Feb
    return start.replace(year=year, month=month, day=day) + rest


@lru_cache(maxsize=1024)
def duration_exceeds(duration: str, limit: str) -> bool:
    """Whether `duration` is longer than `limit` from every start date (over a four-year
    leap cycle), so that P12M does not exceed P1Y, nor P1M exceed P30D, but P13M does."""
    from datetime import datetime, timedelta
    a, b = _calendar_parts(duration), _calendar_parts(limit)
    start = datetime(2024, 1, 1)
    for offset in range(4 * 365 + 1):
        day = start + timedelta(days=offset)
        if _add(day, *a) <= _add(day, *b):
            return False
    return True


class Helpers:
    """The helpers of one run, bound to that run's index and the reference data."""

    def __init__(self, index: Index, reference):
        self.index = index
        self.ref = reference
        self._today = None  # computed on first use of today()

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

    def flows_from_any(self, ids) -> list:
        """Flows whose `from` is any of `ids`, in the order of `ids` (an index lookup
        per id, so a rule can loop over the few flows leaving some sources)."""
        return [flow for id in ids or () for flow in self.index.flows_from.get(id, ())]

    def downstream(self, id: str) -> list:
        """Ids reachable from `id` along flows and sub-processor links, transitively."""
        return list(self.index.downstream(id))

    def holders(self, data_subject: str) -> list:
        """Systems that hold data of the data subject `data_subject`."""
        return self.index.systems_by_subject.get(data_subject, [])

    def grants_of(self, principal: str) -> list:
        """(system, grant) pairs giving `principal` access."""
        return self.index.grants_by_principal.get(principal, [])

    def grantees(self, system) -> list:
        """Who may access `system` (an object or an id): one `(principal, grant, allowed)`
        per grant, in order. `principal` is the granted principal, `grant` the grant,
        `allowed` the widest scope the notice's `security.allowed_principals` allow for the
        principal's kind (none: the notice does not allow that kind); `.permitted` is true
        when the grant's scope is within it (scopes, widest first: full, partial, read)."""
        if isinstance(system, str):
            system = self.index.by_kind["system"].get(system)
        if system is None:
            return []
        principals = self.index.by_kind["principal"]
        allowed = self.index.allowed_scopes
        result = []
        for grant in system.access.grants:
            principal = principals.get(grant.principal)
            result.append(Grantee(principal, grant,
                                  allowed.get(principal.kind) if principal else None))
        return result

    def allowed_scope(self, kind: str):
        """The widest scope the notice allows principals of `kind` (employee_group,
        external, service), or none when its `security.allowed_principals` do not name it."""
        return self.index.allowed_scopes.get(kind)

    def outbound(self, id: str) -> list:
        """Flows from `id` that leave the company's own premises: whose `to` is not one of
        its self-hosted systems (a processor or third party, a system hosted by a provider,
        the data subject, another outside party)."""
        systems = self.index.by_kind["system"]
        return [f for f in self.index.flows_from.get(id, ())
                if f.to not in systems or self.receiver(f.to) is not None]

    def flow_bases(self, flow) -> list:
        """The lawful bases a flow relies on: its own `lawful_basis`, else those the notice
        declares for its purpose; [] when neither is known."""
        if flow.lawful_basis:
            return [flow.lawful_basis]
        purpose = self.index.by_kind["purpose"].get(flow.purpose) if flow.purpose else None
        return list(purpose.lawful_basis) if purpose is not None else []

    def objectable(self, flow) -> bool:
        """Whether data subjects may object to the processing a flow serves (Art. 21):
        its purpose is direct marketing (Art. 21(2), whatever the basis), or its bases
        (`flow_bases`) include legitimate interests or a public task (Art. 21(1))."""
        purpose = self.index.by_kind["purpose"].get(flow.purpose) if flow.purpose else None
        if purpose is not None and purpose.direct_marketing:
            return True
        return any(b in ("legitimate_interests", "public_task") for b in self.flow_bases(flow))

    def not_applicable(self, id: str, right: str) -> bool:
        """Whether the system `id` records `right` as `not_applicable` with a reason (the
        right cannot concern its data, e.g. erasure of accounting records the law requires
        keeping, Art. 17(3)(b)); false for a processor, an unknown id or another record."""
        system = self.index.by_kind["system"].get(id)
        record = getattr(system.rights, right, None) if system is not None else None
        return bool(record is not None and record.supported == "not_applicable"
                    and record.reason)

    def engaged_by(self, processor: str) -> list:
        """Processors that engage `processor` as a sub-processor."""
        return self.index.parents_of_processor.get(processor, [])

    def transfers_to(self, recipient: str) -> list:
        """The notice's `transfers` entries for the recipient id `recipient`."""
        return self.index.transfers_to.get(recipient, [])

    def adequacy(self, country: str, recipient=None):
        """The adequacy decision in force today for `country`, or none. Given `recipient`
        (a processor or a notice recipient) that names an international organisation with
        a decision of its own (e.g. the European Patent Organisation), that decision."""
        if recipient is not None:
            decision = self.ref.organisation_decision(*_names(self, recipient), on=self.today())
            if decision is not None:
                return decision
        return self.ref.decision_for(country, self.today())

    def adequate(self, country: str, recipient=None) -> bool:
        """Whether transfers to `country` need no further safeguard: the EEA, or an adequacy
        decision in force today whose scope covers `recipient` (a processor or a notice
        recipient): the DPF only DPF-certified organisations, decisions for commercial
        organisations or the private sector not public authorities (notice role
        `authority`). An international organisation with its own decision is adequate
        wherever its offices are; it is matched by its name, never by a country."""
        if self.ref.in_eea(country):
            return True
        decision = self.adequacy(country, recipient)
        if decision is None:
            return False
        if decision.kind == "organisation":
            return True
        return decision.covers(certified=_dpf_certified(recipient),
                               public_authority=_public_authority(self, recipient))

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

    def exceeds(self, duration, limit) -> bool:
        """Whether ISO 8601 `duration` is longer than `limit` whatever the start date
        (calendar-aware: P12M does not exceed P1Y, P31D does not exceed P1M, P13M does);
        false when either is none."""
        if duration is None or limit is None:
            return False
        return duration_exceeds(duration, limit)

    def lookup_all(self, kind: str, ids) -> list:
        """The objects of `kind` with the given ids, in order; ids not declared are skipped."""
        table = self.index.by_kind.get(kind)
        if table is None:
            raise ValueError(f"lookup_all(): unknown kind '{kind}'; expected one of "
                             f"{', '.join(sorted(self.index.by_kind))}")
        return [table[i] for i in ids or () if i in table]

    def today(self):
        """Today's date, or the date of SOURCE_DATE_EPOCH when set (reproducible runs)."""
        if self._today is None:
            import os
            from datetime import date, datetime, timezone
            epoch = os.environ.get("SOURCE_DATE_EPOCH")
            self._today = (datetime.fromtimestamp(int(epoch), timezone.utc).date()
                           if epoch and epoch.isdigit() else date.today())
        return self._today

    def effective_mechanism(self, processor) -> str:
        """The transfer mechanism a processor really relies on for its countries outside
        the EEA: its recorded `transfer.mechanism`; when none is recorded, `adequacy` if
        adequacy covers every such country for it (no safeguard is needed then), else
        `none`. For a processor only in the EEA: `none`."""
        transfer = getattr(processor, "transfer", None)
        recorded = transfer.mechanism if transfer is not None else None
        if recorded and recorded != "none":
            return recorded
        outside = self.outside_eea(processor.countries)
        if outside and all(self.adequate(c, processor) for c in outside):
            return "adequacy"
        return "none"

    def declared_transfers(self, processor, countries=None) -> list:
        """The notice's `transfers` entries that disclose transfers to `processor` (an
        object or id): those for its `recipient`, and for a sub-processor also those for
        the recipients of the processors that engage it (Art. 13(1)(f)). Given
        `countries`, only entries naming one of them or naming no country at all."""
        if isinstance(processor, str):
            processor = self.index.by_kind["processor"].get(processor)
        if processor is None:
            return []
        recipients = [processor.recipient] + [p.recipient for p in
                                              self.engaged_by(processor.id)]
        wanted = set(countries) if countries is not None else None
        seen, found = set(), []
        for recipient in recipients:
            for transfer in self.index.transfers_to.get(recipient, ()) if recipient else ():
                if id(transfer) in seen:
                    continue
                seen.add(id(transfer))
                if wanted is None or not transfer.countries or wanted & set(transfer.countries):
                    found.append(transfer)
        return found

    def uncovered(self, countries, recipient=None) -> list:
        """The countries of a list outside the EEA that no adequacy decision in force
        covers for `recipient` (see `adequate`): where a transfer needs a safeguard."""
        return [c for c in self.outside_eea(countries) if not self.adequate(c, recipient)]

    def international_organisation(self, recipient):
        """The adequacy decision in force for the international organisation that
        `recipient` (a processor or notice recipient) names, or none."""
        if recipient is None:
            return None
        return self.ref.organisation_decision(*_names(self, recipient), on=self.today())

    def disclosures(self) -> list:
        """Flows that pass personal data on from one of the company's systems or a
        processor to a processor, or to a system a processor hosts (`receiver(flow.to)`):
        what rights must follow (Art. 19). Collection from the data subject or a source,
        and flows between self-hosted systems, are not disclosures. Built once per run."""
        return self.index.disclosure_flows

    def receiver(self, id: str):
        """The processor that receives data sent to `id`: the processor `id` itself, or the
        hosting provider of the system `id`; none for a self-hosted system, the data
        subject or a source."""
        processors = self.index.by_kind["processor"]
        if id in processors:
            return processors[id]
        system = self.index.by_kind["system"].get(id)
        if system is not None and system.hosting is not None:
            return processors.get(system.hosting.provider)
        return None

    def located(self, id: str) -> list:
        """The countries where data sent to `id` is held: a processor's `countries`, a
        system's `hosting.countries`; [] for the data subject, a source or unknown ids."""
        processor = self.index.by_kind["processor"].get(id)
        if processor is not None:
            return list(processor.countries)
        system = self.index.by_kind["system"].get(id)
        if system is not None and system.hosting is not None:
            return list(system.hosting.countries)
        return []

    def uses(self, obj, kind: str) -> list:
        """The ids of `kind` (purpose, data_category, data_subject, register) that an
        inventory object (system, processor, flow) uses, as written in the inventory."""
        if kind == "purpose":
            if hasattr(obj, "purposes"):
                return list(obj.purposes)
            purpose = getattr(obj, "purpose", None)
            return [purpose] if purpose else []
        if kind == "register":
            register = getattr(obj, "register", None)
            return [register] if isinstance(register, str) and register else []
        if kind == "data_category":
            return list(getattr(obj, "data_categories", None) or ())
        if kind == "data_subject":
            return list(getattr(obj, "data_subjects", None) or ())
        raise ValueError(f"uses(): unknown kind '{kind}'; expected purpose, data_category, "
                         "data_subject or register")

    def undeclared(self, kind: str, ids) -> list:
        """The ids of a list that the notice does not declare as `kind` (purpose,
        data_category, data_subject, register, recipient, source), without repeats."""
        table = self.index.by_kind.get(kind)
        if table is None:
            raise ValueError(f"undeclared(): unknown kind '{kind}'; expected one of "
                             f"{', '.join(sorted(self.index.by_kind))}")
        return list(dict.fromkeys(i for i in ids or () if i not in table))

    def suggest_declared(self, kind: str, ids) -> str:
        """For `fail_msg`: ` (did you mean 'x'?)` naming the declared `kind` id closest to
        each undeclared id of a list (a typo like `bookkeping`), or `` when none is close."""
        from ..errors import did_you_mean
        table = self.index.by_kind.get(kind)
        if table is None:
            raise ValueError(f"suggest_declared(): unknown kind '{kind}'; expected one of "
                             f"{', '.join(sorted(self.index.by_kind))}")
        hints = [did_you_mean(i, table) for i in self.undeclared(kind, ids)]
        close = [h.split("'")[1] for h in hints if h]
        return f" (did you mean '{', '.join(close)}'?)" if close else ""

    def with_basis(self, purposes, basis: str) -> list:
        """The purpose ids of a list whose declared `lawful_basis` includes `basis`."""
        table = self.index.by_kind["purpose"]
        return [p for p in purposes or () if p in table and basis in table[p].lawful_basis]

    def consent_based(self, system) -> list:
        """The purposes for which `system` (an object or id) processes data on consent,
        sorted: its purposes whose only declared basis is consent, and the purposes of the
        flows into or out of it that state `lawful_basis: consent`. A purpose listing
        consent among several bases does not count: which basis applies is undetermined."""
        if isinstance(system, str):
            system = self.index.by_kind["system"].get(system)
        if system is None:
            return []
        table = self.index.by_kind["purpose"]
        found = {p for p in system.purposes
                 if p in table and list(table[p].lawful_basis) == ["consent"]}
        for flow in (*self.index.flows_to.get(system.id, ()),
                     *self.index.flows_from.get(system.id, ())):
            if flow.lawful_basis == "consent" and flow.purpose:
                found.add(flow.purpose)
        return sorted(found)

    def using_undeclared(self, kind: str) -> list:
        """The inventory objects (systems, processors, then flows) that use an id of `kind`
        (purpose, data_category, data_subject) the notice does not declare; from an index
        built once, so a rule can loop over the offenders only."""
        found = self.index.undeclared_uses.get(kind)
        if found is None:
            raise ValueError(f"using_undeclared(): unknown kind '{kind}'; expected purpose, "
                             "data_category or data_subject")
        return found

    def flows_via(self, mechanism: str) -> list:
        """The flows whose destination is a processor recording `transfer.mechanism` ==
        `mechanism`, or a system hosted by such a processor."""
        found = []
        for processor in self.index.by_kind["processor"].values():
            transfer = processor.transfer
            if transfer is None or transfer.mechanism != mechanism:
                continue
            found.extend(self.index.flows_to.get(processor.id, ()))
            for system in self.index.systems_by_provider.get(processor.id, ()):
                found.extend(self.index.flows_to.get(system.id, ()))
        return found

    def categories_for(self, purpose: str) -> list:
        """The data category ids processed for `purpose`, sorted: by the systems and
        processors that list it (each is taken to process all its categories for each of
        its purposes), the flows made for it, and the notice's registers that list it."""
        return self.index.categories_by_purpose.get(purpose, [])

    # -- filters (`value | name`) -----------------------------------------------------
    def special(self, categories) -> list:
        """The data category ids of a list that the notice marks special (Art. 9(1))."""
        return self._categories_where(categories, lambda c: c.special)

    def criminal(self, categories) -> list:
        """The data category ids of a list that the notice marks criminal (Art. 10)."""
        return self._categories_where(categories, lambda c: c.criminal)

    def outside_eea(self, countries) -> list:
        """The countries of a list (or one country) that are outside the EEA."""
        if isinstance(countries, str):
            countries = [countries]
        return [c for c in countries or () if not self.ref.in_eea(c)]

    def ids(self, objects) -> list:
        """The `id` of each object in a list."""
        return [o.id for o in objects or ()]

    def sensitive(self, categories) -> list:
        """The data category ids of a list that the notice marks special (Art. 9) or
        criminal (Art. 10); undeclared ids are not counted."""
        return self._categories_where(categories, lambda c: c.special or c.criminal)

    def _categories_where(self, categories, test) -> list:
        """The ids of `categories` the notice declares and whose declaration passes `test`."""
        table = self.index.by_kind["data_category"]
        return [c for c in categories or () if c in table and test(table[c])]

    def registers_for(self, purpose: str) -> list:
        """The notice's registers that list the purpose `purpose`."""
        return self.index.registers_by_purpose.get(purpose, [])

    def indirect_sources(self, register) -> list:
        """The sources of a register (object or id) from which data is obtained other than
        from the data subject (`kind` public or third_party: Art. 14 applies)."""
        if isinstance(register, str):
            register = self.index.by_kind["register"].get(register)
        sources = self.index.by_kind["source"]
        return [sources[s] for s in getattr(register, "sources", None) or ()
                if s in sources and sources[s].kind in INDIRECT_SOURCES]

    def collects_directly(self, register) -> bool:
        """Whether a register (object or id) may hold data collected from the data subject
        (Art. 13): it names no source, or a source that is not public or third_party."""
        if isinstance(register, str):
            register = self.index.by_kind["register"].get(register)
        listed = getattr(register, "sources", None) or ()
        return not listed or len(self.indirect_sources(register)) < len(listed)

    def personal(self, systems) -> list:
        """The systems of a list (or one system) that hold personal data: that list any
        data subjects or data categories. `item | personal` is truthy for such a system."""
        if systems is None:
            return []
        if hasattr(systems, "data_categories"):
            systems = [systems]
        return [s for s in systems if s.data_subjects or s.data_categories]

    def functions(self) -> dict:
        return {name: getattr(self, name) for name in FUNCTIONS}


class Grantee(NamedTuple):
    """One grant on a system, with its principal and what the notice allows (`grantees`)."""
    principal: Any
    grant: Any
    allowed: str | None

    @property
    def permitted(self) -> bool:
        """Whether the notice allows this principal's kind at least the grant's scope."""
        return self.allowed is not None and \
            SCOPES.index(self.grant.scope) >= SCOPES.index(self.allowed)


def _dpf_certified(recipient) -> bool:
    transfer = getattr(recipient, "transfer", None)
    return bool(transfer is not None and transfer.dpf_certified)


def _notice_recipient(helpers, recipient):
    """The notice's recipient for a processor (via `recipient`), or `recipient` itself."""
    ref = getattr(recipient, "recipient", None)
    if isinstance(ref, str):
        return helpers.index.by_kind["recipient"].get(ref)
    return recipient


def _public_authority(helpers, recipient) -> bool:
    """Whether the recipient is a public authority (notice recipient role `authority`)."""
    notice = _notice_recipient(helpers, recipient) if recipient is not None else None
    return getattr(notice, "role", None) == "authority"


def _names(helpers, recipient) -> list:
    """Ids and names by which a recipient may name an international organisation."""
    notice = _notice_recipient(helpers, recipient)
    objs = [recipient] if notice is None or notice is recipient else [recipient, notice]
    return [v for o in objs for v in (getattr(o, "id", None), getattr(o, "name", None)) if v]


FUNCTIONS = ("lookup", "declared", "declared_purpose", "flows_from", "flows_to", "flows_from_any",
             "downstream",
             "holders", "grants_of", "engaged_by", "transfers_to", "adequacy", "adequate",
             "valid_mechanisms", "days", "outside_eea", "ids", "exceeds", "lookup_all", "today",
             "sensitive", "registers_for", "indirect_sources", "collects_directly",
             "grantees", "allowed_scope", "outbound", "personal", "flow_bases",
             "not_applicable", "disclosures", "objectable",
             "effective_mechanism", "declared_transfers", "receiver", "located", "uses",
             "undeclared", "with_basis", "categories_for", "special", "criminal",
             "uncovered", "international_organisation", "consent_based",
             "using_undeclared", "flows_via", "suggest_declared")
FILTERS = ("outside_eea", "ids", "days", "sensitive", "indirect_sources", "collects_directly",
           "personal", "special", "criminal")
CONSTANTS = {"RIGHTS": list(RIGHTS)}
