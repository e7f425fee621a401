"""Functions, filters and tests that rule expressions may use (all documented in docs/).

Each helper reads the indexes built once per run (`index.Index`), never the raw lists,
so calling one for every item keeps a rule at O(items x log n).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

from ..law import dpia, marketing, rights, special, transfers
from ..model.types import RIGHTS, SCOPES
from .index import Index

INDIRECT_SOURCES = ("public", "third_party")  # source kinds where Art. 14, not 13, applies


@lru_cache(maxsize=256)
def duration_days(duration: str | None) -> float | None:
    """ISO 8601 duration -> days (a month counts as 30 days, a year as 365)."""
    if duration is None:
        return None
    return _timedelta_adapter().validate_python(duration).total_seconds() / 86400


@lru_cache(maxsize=1)
def _timedelta_adapter():
    """Pydantic's reader of durations, built once (~1 ms each: it builds a validator)."""
    from datetime import timedelta

    from pydantic import TypeAdapter
    return TypeAdapter(timedelta)


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
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    day = min(start.day, _days_in(year, month))  # 31 Jan + P1M = 28/29 Feb
    return start.replace(year=year, month=month, day=day) + rest


def _days_in(year: int, month: int) -> int:
    """`calendar.monthrange(year, month)[1]`, without importing `calendar` (~1 ms)."""
    from datetime import date
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


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
        # (kind, id, article), for a flow (kind, purpose, basis, article) -> rights_due()
        self._rights_due: dict = {}
        self._processings: dict = {}  # the same keys without the article -> _processing()
        self._disclosures: dict = {}  # right (or None) -> disclosures(right)
        self._special_uses: dict = {}  # kind -> special_uses(kind), computed on first use
        self._untranslated = None  # computed on first use of untranslated()
        self._grantees: dict = {}  # system id -> grantees(system)

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
        `allowed` the widest scope the notice's `security.allowed_principals` allow the
        principal: named by id (list form), else by its kind (mapping form); none: the
        notice allows neither. `.permitted` is true when the grant's scope is within it
        (scopes, widest first: full, partial, read)."""
        if isinstance(system, str):
            system = self.index.by_kind["system"].get(system)
        if system is None:
            return []
        cached = self._grantees.get(system.id)
        if cached is None:  # rules ask for it several times per system
            cached = self._grantees[system.id] = self._grantees_of(system)
        return cached

    def _grantees_of(self, system) -> list:
        principals = self.index.by_kind["principal"]
        by_kind, by_id = self.index.allowed_scopes, self.index.allowed_by_principal
        result = []
        for grant in system.access.grants:
            principal = principals.get(grant.principal)
            allowed = by_id.get(grant.principal)
            if allowed is None and principal is not None:
                allowed = by_kind.get(principal.kind)
            result.append(Grantee(principal, grant, allowed))
        return result

    def allowed_scope(self, kind: str):
        """The widest scope the notice allows principals of `kind` (employee_group,
        external, service), or none when its `security.allowed_principals` do not name it."""
        return self.index.allowed_scopes.get(kind)

    def outbound(self, id: str) -> list:
        """Flows from `id` that leave the company's own premises: whose `to` is not one of
        its self-hosted systems (a processor or third party, a system hosted by a provider,
        the data subject, another outside party)."""
        return [f for f in self.index.flows_from.get(id, ()) if self._outside(f.to)]

    def leaves_company(self, system) -> list:
        """Why the personal data of `system` travel outside the company, as messages say
        it: hosted by a provider, public, sending data out or receiving it from outside
        (flows not recorded encrypted), used by external principals; [] for a
        self-hosted system used only by the company's own staff."""
        reasons = []
        hosting = system.hosting
        if hosting is not None and hosting.provider != "self":
            reasons.append(f"it is hosted by {hosting.provider}")
        if system.access.public:
            reasons.append("it is public")
        # a flow recorded encrypted carries its own protection (AC007 judges each flow)
        out = list(dict.fromkeys(f.to for f in self.outbound(system.id)
                                 if f.encrypted is not True))
        if out:
            reasons.append(f"it sends data to {', '.join(out)}")
        inbound = list(dict.fromkeys(f.from_ for f in self.index.flows_to.get(system.id, ())
                                     if f.encrypted is not True
                                     and self._outside(f.from_)))
        if inbound:
            reasons.append(f"it receives data from {', '.join(inbound)}")
        external = [g.grant.principal for g in self.grantees(system)
                    if g.principal is not None and g.principal.kind == "external"]
        if external:
            reasons.append(f"external principals use it ({', '.join(external)})")
        return reasons

    def _outside(self, id: str) -> bool:
        """Whether `id` is outside the company's own premises: anyone but one of its
        self-hosted systems (the data subject, a source, a processor, a system a provider
        hosts)."""
        return id not in self.index.by_kind["system"] or self.receiver(id) is not None

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
        return "objection" in self.rights_due(flow)

    def rights_due(self, obj, article: str | None = None) -> dict:
        """The rights the processing of `obj` attracts by law (`law/rights.py`), each
        with the ids of the purposes that attract it, in the order of `RIGHTS`. `obj` is
        a system (its purposes, each on the bases stated by the flows bringing it data
        for that purpose when all of them state one, else the purpose's declared bases),
        a flow (`flow_bases`), a purpose, or the policy (all its purposes). Given
        `article` (e.g. 'Art. 21(2)'), only the rights that article gives. Access,
        rectification, restriction and the complaint are always due; a right attracted
        only by processing with no purpose has an empty list."""
        kind = getattr(obj, "KIND", None)
        # A flow's processing is its purpose and basis: 100,000 flows share a few dozen.
        key = (kind, obj.purpose, obj.lawful_basis, article) if kind == "flow" else \
            (kind, getattr(obj, "id", None), article)
        cached = self._rights_due.get(key)
        if cached is None:
            cached = self._rights_due[key] = self._compute_rights_due(obj, key[:-1],
                                                                      article)
        return cached

    def _compute_rights_due(self, obj, processing_key, article):
        # Rules ask for a system's rights with and without an article: its processing,
        # the costly part, is worked out once.
        processing = self._processings.get(processing_key)
        if processing is None:
            processing = self._processings[processing_key] = self._processing(obj)
        return rights.due(processing, article)

    def _processing(self, obj) -> tuple:
        """The processing `obj` does (`law.rights.Processing`, one per purpose)."""
        Processing, system_bases = rights.Processing, rights.system_bases
        purposes = self.index.by_kind["purpose"]

        kind = getattr(obj, "KIND", None)
        # Legal claims lift erasure and the objection's effect where the data are kept
        # (a system, a flow), not the rights themselves: the notice still states them
        # (Art. 13(2)(b), 21(4)), so a purpose or the policy is asked as without it.
        kept = kind in ("system", "flow")

        def operation(pid, purpose, bases):
            if purpose is None:
                return Processing(pid, tuple(bases))
            return Processing(pid, tuple(bases), purpose.special_condition,
                              bool(purpose.direct_marketing), bool(purpose.automated_decision),
                              kept and bool(purpose.legal_claims))
        if kind == "flow":
            return (operation(obj.purpose, purposes.get(obj.purpose) if obj.purpose else None,
                              self.flow_bases(obj)),)
        if kind == "purpose":
            return (operation(obj.id, obj, obj.lawful_basis),)
        if kind == "system":
            stated_for: dict = {}  # purpose -> the bases the flows into it state, in order
            for flow in self.index.flows_to.get(obj.id, ()):
                stated_for.setdefault(flow.purpose, []).append(flow.lawful_basis)
            found = []
            for pid in obj.purposes or [None]:
                purpose = purposes.get(pid) if pid else None
                stated = stated_for.get(pid, [])
                declared = purpose.lawful_basis if purpose is not None else ()
                found.append(operation(pid, purpose, system_bases(declared, stated)))
            return tuple(found)
        if kind == "policy":
            return tuple(operation(p.id, p, p.lawful_basis) for p in obj.purposes)
        raise ValueError(f"rights_due(): expected a system, flow, purpose or the policy, "
                         f"not {kind or type(obj).__name__}")

    def unrecorded_rights(self, system) -> list:
        """The rights a system's `rights:` leaves open, in the order of `RIGHTS`: not
        mentioned, or marked `not_applicable` without a reason. (`supported: false` is
        recorded: the system cannot fulfil the right.)"""
        record = system.rights
        return [r for r in RIGHTS if (s := getattr(record, r)) is None
                or (s.supported == "not_applicable" and not s.reason)]

    def right_article(self, right: str) -> str:
        """The article giving `right` (`access` -> 'Art. 15'), for messages."""
        return rights.ARTICLES[_known_right("right_article", right)]

    def right_name(self, right: str) -> str:
        """How messages name `right` (`withdraw_consent` -> 'withdrawal of consent')."""
        return rights.NAMES[_known_right("right_name", right)]

    def same_store(self, flow) -> bool:
        """Whether a flow only moves data within the store it comes from: from a system to
        its own hosting provider, or to a sub-processor of that provider (its backup or
        infrastructure). The provider already holds the system's data under the
        controller's instructions; erasing in the system erases there, and copies in
        backups go with the backup's retention. Not a disclosure to a recipient (Art.
        4(9), 19)."""
        return flow.to in self.index.stores.get(flow.from_, ())

    def not_applicable(self, id: str, right: str) -> bool:
        """Whether the system `id` records `right` as `not_applicable` with a reason (the
        right cannot concern its data, e.g. erasure of accounting records the law requires
        keeping, Art. 17(3)(b)); false for a processor, an unknown id or another record."""
        system = self.index.by_kind["system"].get(id)
        record = getattr(system.rights, right, None) if system is not None else None
        return bool(record is not None and record.supported == "not_applicable"
                    and record.reason)

    def hosted_by(self, provider: str) -> list:
        """The systems whose `hosting.provider` is `provider`, in inventory order."""
        return self.index.systems_by_provider.get(provider, [])

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
        return transfers.adequacy(self.ref, country, self._recipient(recipient), self.today())

    def adequate(self, country: str, recipient=None) -> bool:
        """Whether transfers to `country` need no further safeguard: the EEA, or an adequacy
        decision in force today whose scope covers `recipient` (a processor or a notice
        recipient): the DPF only DPF-certified organisations, decisions for commercial
        organisations or the private sector not public authorities (notice role
        `authority`). An international organisation with its own decision is adequate
        wherever its offices are; it is matched by its name, never by a country."""
        return transfers.adequate(self.ref, country, self._recipient(recipient), self.today())

    def valid_mechanisms(self, countries, recipient=None, occasional: bool = False) -> list:
        """Transfer mechanisms valid for every country in `countries` (Art. 45-49)."""
        return transfers.valid_mechanisms(self.ref, countries, self._recipient(recipient),
                                          self.today(), occasional)

    def days(self, duration):
        """An ISO 8601 duration in days (P1M = 30); none stays none."""
        return duration_days(duration)

    def opt_out_contacts(self, groups) -> list:
        """The groups of `groups` (data subjects) marked `business_contacts` that the
        controller's national law lets it market to by e-mail on an opt-out
        (`law/marketing.py`); [] where its law asks for consent."""
        return marketing.opt_out_contacts(groups or (), self._controller_country())

    def dpia_listed(self, kinds) -> list:
        """The kinds of employee monitoring among `kinds` for which the Art. 35(4) list of
        the controller's supervisory authority makes a DPIA mandatory (`law/dpia.py`);
        [] where that list is not recorded."""
        return dpia.listed_monitoring(kinds, self._controller_country())

    def legislated(self, system) -> bool:
        """Whether a screening of `system` may rest on Art. 35(10) (`law/dpia.py`)."""
        purposes = self.index.by_kind["purpose"]
        declared = [purposes[p] for p in system.purposes if p in purposes]
        return dpia.legislated(declared, len(declared) == len(system.purposes),
                               bool(self.special(system.data_categories)),
                               system.employee_monitoring)

    def dpia_listed_exemption(self, exemption) -> bool:
        """Whether the controller's authority's Art. 35(4) list asks a DPIA where people
        whose data come from elsewhere are not told on this Art. 14(5) ground."""
        return dpia.listed_exemption(exemption, self._controller_country())

    def dpia_list(self) -> str | None:
        """How a message names the controller's authority's Art. 35(4) list."""
        return dpia.list_name(self._controller_country())

    def _controller_country(self) -> str | None:
        controller = self.index.policy.controller
        return controller.country if controller else None

    def in_words(self, duration):
        """An ISO 8601 duration as a message says it: P3M -> '3 months', P1Y6M -> '1 year
        and 6 months'; none, or anything else, stays as it is."""
        if not isinstance(duration, str) or not duration.startswith("P"):
            return duration
        from ..notice import humanise_duration  # (only a message with a duration in it)
        return humanise_duration(duration)

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
        return transfers.effective_mechanism(
            self.ref, transfer.mechanism if transfer is not None else None,
            processor.countries, self._recipient(processor), self.today())

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
        return transfers.uncovered(self.ref, countries, self._recipient(recipient),
                                   self.today())

    def international_organisation(self, recipient):
        """The adequacy decision in force for the international organisation that
        `recipient` (a processor or notice recipient) names, or none."""
        if recipient is None:
            return None
        return self.ref.organisation_decision(*self._recipient(recipient).names,
                                              on=self.today())

    def _recipient(self, recipient) -> transfers.Recipient | None:
        """What the law of transfers asks of a processor or notice recipient: the names it
        goes by, DPF certification, and whether the notice calls it an authority."""
        if recipient is None:
            return None
        ref = getattr(recipient, "recipient", None)
        notice = self.index.by_kind["recipient"].get(ref) if isinstance(ref, str) \
            else recipient
        objs = [recipient] if notice is None or notice is recipient else [recipient, notice]
        names = tuple(v for o in objs for v in (getattr(o, "id", None),
                                                getattr(o, "name", None)) if v)
        return transfers.Recipient(names, transfers.dpf_certified(recipient),
                                   getattr(notice, "role", None) == "authority")

    def disclosures(self, right: str | None = None) -> list:
        """Flows that pass personal data on from one of the company's systems or a
        processor to a recipient (Art. 4(9)): a processor, or a system a processor hosts
        (`receiver(flow.to)`): what rights must follow (Art. 19). Collection from the data
        subject or a source, flows between self-hosted systems and flows within a
        system's own store (`same_store`: to its host or the host's backup) are not
        disclosures. Given `right`, only the disclosures that must pass it on: whose
        processing attracts it (`rights_due`) and whose source does not record it
        `not_applicable` with a reason. In inventory order; built once per run."""
        cached = self._disclosures.get(right)
        if cached is None:
            if right is None:
                stores = self.index.stores
                cached = [f for f in self.index.disclosure_flows
                          if f.to not in stores.get(f.from_, ())]  # not same_store(f)
            else:
                cached = self._disclosures_due(_known_right("disclosures", right))
            self._disclosures[right] = cached
        return cached

    def _disclosures_due(self, right: str) -> list:
        """`disclosures(right)` in one pass: the sources recording the right not
        applicable are found once, and whether a flow attracts the right once per
        (purpose, basis), which is all that decides it (`rights_due`)."""
        exempt = {s for s in self.index.by_kind["system"] if self.not_applicable(s, right)}
        attracts: dict = {}
        found = []
        for flow in self.disclosures():
            if flow.from_ in exempt:
                continue
            key = (flow.purpose, flow.lawful_basis)
            due = attracts.get(key)
            if due is None:
                due = attracts[key] = right in self.rights_due(flow)
            if due:
                found.append(flow)
        return found

    def boundary_flows(self) -> list:
        """Flows that carry personal data from one of the company's systems or a processor
        across the company's boundary, in inventory order: to a party other than the one
        holding the source. The parties are the company (its self-hosted systems), each
        processor with the systems it hosts (`receiver`), and anyone outside the inventory
        (the data subject, a source). Built once per run."""
        return self.index.boundary_flows

    def receiver(self, id: str):
        """The processor that receives data sent to `id`: the processor `id` itself, or the
        hosting provider of the system `id`; none for a self-hosted system, the data
        subject or a source."""
        return self.index.receiver_of(id)

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
        from ..errors import closest
        table = self.index.by_kind.get(kind)
        if table is None:
            raise ValueError(f"suggest_declared(): unknown kind '{kind}'; expected one of "
                             f"{', '.join(sorted(self.index.by_kind))}")
        close = [c for c in (closest(i, table) for i in self.undeclared(kind, ids)) if c]
        return f" (did you mean '{', '.join(close)}'?)" if close else ""

    def with_basis(self, purposes, basis: str) -> list:
        """The purpose ids of a list whose declared `lawful_basis` includes `basis`."""
        table = self.index.by_kind["purpose"]
        return [p for p in purposes or () if p in table and basis in table[p].lawful_basis]

    def consent_based(self, system) -> list:
        """The purposes for which `system` (an object or id) processes data on consent,
        sorted: its purposes whose only declared basis is consent, those whose Art. 9(2)
        condition is explicit consent where the system holds special categories (the
        consent that lifts the prohibition of Art. 9(1) for them: fingerprints for a time
        clock, whatever the Art. 6 basis of the working-time records), and the purposes of
        the flows into or out of it that state `lawful_basis: consent`. A purpose listing
        consent among several bases does not count: which basis applies is undetermined."""
        if isinstance(system, str):
            system = self.index.by_kind["system"].get(system)
        if system is None:
            return []
        table = self.index.by_kind["purpose"]
        holds_special = bool(self.special(system.data_categories))
        found = {p for p in system.purposes
                 if p in table and (list(table[p].lawful_basis) == ["consent"]
                                    or holds_special
                                    and table[p].special_condition == "explicit_consent")}
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

    def disclosed_as(self, recipient: str) -> list:
        """The processors whose `recipient` is the notice recipient `recipient`."""
        return self.index.processors_by_recipient.get(recipient, [])

    def backup_countries(self, processor) -> list:
        """The countries, sorted, where the systems that `processor` (an object or id) hosts
        keep their backups: copies of the data it holds there, which the notice's transfers
        must name as much as the processor's own `countries` (Art. 13(1)(f))."""
        pid = processor if isinstance(processor, str) else processor.id
        return sorted({country for system in self.index.systems_by_provider.get(pid, ())
                       if system.security is not None and system.security.backups is not None
                       for country in system.security.backups.countries})

    def not_dpf_certified(self, recipient: str) -> list:
        """The processors disclosed as `recipient` that hold data in the US and record a
        `transfer` without `dpf_certified: true`: the DPF decision does not cover them
        (Decision (EU) 2023/1795). Processors recording no transfer are not counted."""
        return [p for p in self.disclosed_as(recipient) if "US" in p.countries
                and p.transfer is not None and not transfers.dpf_certified(p)]

    def special_uses(self, kind: str) -> list:
        """Where the inventory processes `kind` data ('special', Art. 9; 'criminal',
        Art. 10): one record per purpose, declared or not, sorted by id, with `.id`, the
        notice's `.purpose` (none when undeclared), the `.categories` concerned and the
        `.holders` (systems, processors, flows) holding them for it. Each holder's
        categories count for its own purposes only; registers are not counted."""
        tests = {"special": lambda c: c.special, "criminal": lambda c: c.criminal}
        if kind not in tests:
            raise ValueError(f"special_uses(): unknown kind '{kind}'; expected special or "
                             "criminal")
        cache = self._special_uses
        if kind not in cache:
            inv = self.index.inventory
            cache[kind] = special.uses((*inv.systems, *inv.processors, *inv.flows),
                                       self.index.by_kind["data_category"],
                                       self.index.by_kind["purpose"], tests[kind])
        return cache[kind]

    def plain_conditions(self, purpose) -> list:
        """The Art. 9(2) conditions that plainly apply to a purpose (an object or id) by
        its `context` and basis: health_care ((h)) for care and occupational health,
        employment_social_security ((b)) for employment; [] when none does."""
        if isinstance(purpose, str):
            purpose = self.index.by_kind["purpose"].get(purpose)
        return special.plain_conditions(purpose)

    def law_shown(self, purpose) -> bool:
        """Whether a purpose (an object or id) shows the law behind it: a legal obligation or
        public task, or a law named in `authorising_law` (Art. 9(2)(b), (g), (i), (j))."""
        if isinstance(purpose, str):
            purpose = self.index.by_kind["purpose"].get(purpose)
        return special.law_shown(purpose)

    def care_records(self, system) -> list:
        """The purposes of `system` in a health care, occupational health or social care
        context, if it holds special-category data for them (patient or client records);
        [] otherwise."""
        if not self.special(system.data_categories):
            return []
        purposes = self.index.by_kind["purpose"]
        return [p for p in system.purposes if p in purposes
                and purposes[p].context in special.CARE_CONTEXTS]

    def without_law(self, purposes) -> list:
        """The purpose ids of a list that do not show the law behind them (`law_shown`):
        `ids | without_law`."""
        table = self.index.by_kind["purpose"]
        return [p for p in purposes or () if not special.law_shown(table.get(p))]

    def art9_point(self, condition: str) -> str:
        """The point of Art. 9(2) a condition id names, e.g. health_care -> Art. 9(2)(h)."""
        return special.CONDITION_POINTS.get(condition, "Art. 9(2)")

    def criminal_authorised(self, purpose) -> bool:
        """Whether a purpose (an object or id) may process criminal-offence data (Art. 10):
        based on a public task or a legal obligation, or the `legal_claims` condition."""
        if isinstance(purpose, str):
            purpose = self.index.by_kind["purpose"].get(purpose)
        return special.criminal_authorised(purpose)

    def monitoring_labels(self, kinds) -> list:
        """Readable names of `employee_monitoring` kinds (email, cctv, location, ...)."""
        return special.monitoring_labels(kinds)

    def tracking_without_consent(self, system) -> list:
        """The `terminal_access` entries of a system that read or store information on the
        user's device for anything but the strictly necessary (ePrivacy Directive Art.
        5(3)) without resting on consent: their purpose is undeclared or not based on
        consent alone, or the system does not record the consent."""
        return special.tracking_without_consent(system, self.index.by_kind["purpose"])

    def controller_name(self) -> str:
        """The controller's name as the notice gives it, or `the controller` when the
        notice names none (for messages)."""
        controller = self.index.policy.controller
        return controller.name if controller else "the controller"

    def stated_rights(self) -> list:
        """The rights the notice states (`policy.rights.stated`); [] without `rights`."""
        stated = self.index.policy.rights
        return stated.stated if stated else []

    def disclosed_under(self, processor):
        """The notice recipient under which a processor (an object) receives data: its own
        `recipient` (none when the notice does not declare it); for a processor naming
        none, the first declared recipient of the processors that engage it as a
        sub-processor (Art. 13(1)(e)); else none."""
        recipients = self.index.by_kind["recipient"]
        if processor.recipient:
            return recipients.get(processor.recipient)
        for parent in self.engaged_by(processor.id):
            if parent.recipient and parent.recipient in recipients:
                return recipients[parent.recipient]
        return None

    def countries_reached(self, processor) -> list:
        """The countries a processor's transfer safeguard reaches: its own `countries`,
        then those of its declared sub-processors, as recorded (repeats kept); [] for
        none."""
        if processor is None:
            return []
        processors = self.index.by_kind["processor"]
        return [*processor.countries, *(c for sub in processor.sub_processors
                                         if sub in processors
                                         for c in processors[sub].countries)]

    # -- filters (`value | name`) -----------------------------------------------------
    def dependent(self, subjects) -> list:
        """The data subject ids of a list whose declaration records a relationship of
        dependence on the controller (employee, job_applicant, citizen), in which consent
        is rarely freely given (Art. 7(4); EDPB Guidelines 05/2020, para. 16-24)."""
        return special.dependent(subjects, self.index.by_kind["data_subject"])

    def children(self, subjects) -> list:
        """The data subject ids of a list whose declaration marks the group as (or as
        including) children, whose interests weigh more in a balancing of legitimate
        interests (Art. 6(1)(f); recital 38)."""
        table = self.index.by_kind["data_subject"]
        return [s for s in subjects or () if s in table and table[s].children]

    def special(self, categories) -> list:
        """The data category ids of a list that the notice marks special (Art. 9(1))."""
        return self._categories_where(categories, lambda c: c.special)

    def criminal(self, categories) -> list:
        """The data category ids of a list that the notice marks criminal (Art. 10)."""
        return self._categories_where(categories, lambda c: c.criminal)

    def outside_eea(self, countries) -> list:
        """The countries of a list (or one country) that are outside the EEA."""
        return transfers.outside_eea(self.ref, countries)

    def shortlist(self, objects) -> str:
        """The names (else ids) of the first three objects of a list joined by `; `, and
        ` and N more` for the rest: how messages name a list of purposes."""
        objects = list(objects or ())
        names = "; ".join(o.name or o.id for o in objects[:3])
        return names + (f" and {len(objects) - 3} more" if len(objects) > 3 else "")

    def ids(self, objects) -> list:
        """The `id` of each object in a list."""
        return [o.id for o in objects or ()]

    def sensitive_reach(self, principal: str, party) -> list:
        """(system, category ids) for each system a `principal`'s `partial` grant reaches
        that holds special-category or criminal-offence data `party` (its organisation)
        is not recorded to receive; none when the party records no categories at all."""
        received = set(getattr(party, "data_categories", None) or ())
        if not received:
            return []
        found = []
        for system, grant in self.grants_of(principal):
            if grant.scope == "partial":
                beyond = [c for c in self.sensitive(system.data_categories)
                          if c not in received]
                if beyond:
                    found.append((system, beyond))
        return found

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

    def register_categories(self, system) -> list:
        """The data categories the notice's registers state for what `system` does: those
        of its own `register` and of every register listing one of its purposes (one
        system may serve the purposes of two registers), in the notice's order; [] when
        its own register states none (nothing to compare with)."""
        own = self.index.by_kind["register"].get(system.register) if system.register else None
        if own is None or not own.data_categories:
            return []
        return list(dict.fromkeys(c for register in self._registers_served(system)
                                  for c in register.data_categories))

    def obtained_elsewhere(self, system) -> list:
        """The sources other than the data subject (`indirect_sources`) of the registers
        `system` serves: its own `register` and every register listing one of its
        purposes, each source once, in the order found."""
        found = {}
        for register in self._registers_served(system):
            for source in self.indirect_sources(register):
                found.setdefault(source.id, source)
        return list(found.values())

    def _registers_served(self, system) -> list:
        """The notice's registers `system` serves: its own `register` first, then each
        register listing one of its purposes, each once."""
        registers = self.index.by_kind["register"]
        own = registers.get(system.register) if system.register else None
        found = {own.id: own} if own is not None else {}
        for purpose in system.purposes:
            for register in self.index.registers_by_purpose.get(purpose, ()):
                found.setdefault(register.id, register)
        return list(found.values())

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
        data subjects or data categories, or that a flow carrying personal data leaves or
        reaches (a system whose own lists were left blank still holds what flows through
        it). `item | personal` is truthy for such a system."""
        if systems is None:
            return []
        if hasattr(systems, "data_categories"):
            systems = [systems]
        ends = self.index.personal_flow_ends
        return [s for s in systems if s.data_subjects or s.data_categories or s.id in ends]

    def translation(self, text, lang: str):
        """A text of the notice in `lang` (`translation(item.name, 'en')`), or none when it
        has no version in `lang`; never the text in another language. As a plain value,
        a text reads in the notice's `language`."""
        from ..model.text import text_in
        return text_in(text, lang)

    def untranslated(self) -> list:
        """The notice's texts that lack a language the notice is published in (its
        `language` and `languages`): one record per text and language, with `.id`
        (the text's path and the language: `purposes.newsletter.name.fi`), `.language`,
        `.field`, `.object` and the field's `.location`; in policy order. Plain strings are in `language`; with no language
        stated, nothing is reported."""
        if self._untranslated is None:
            from ..model.text import untranslated
            policy = self.index.policy
            notice = policy.notice
            languages = list(dict.fromkeys(
                [notice.language, *notice.languages] if notice is not None else []))
            self._untranslated = [
                Untranslated(f"{where}.{lang}", lang, name, obj,
                             obj.field_location(name.split("[")[0]))
                for lang in languages if lang
                for obj, name, where in untranslated(policy, lang)]
        return self._untranslated

    def functions(self) -> dict:
        return {name: getattr(self, name) for name in FUNCTIONS}


class Untranslated(NamedTuple):
    """A text of the notice without a version in `language` (`untranslated()`)."""
    id: str
    language: str
    field: str
    object: Any
    location: tuple | None

    @property
    def KIND(self) -> str:  # noqa: N802 - the name findings read a subject's kind from
        return getattr(self.object, "KIND", "notice")


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

    def __getitem__(self, key):
        """`g['principal']`, as Jinja's `selectattr`/`map(attribute=)` look a field up first:
        a plain tuple's TypeError would send each lookup down the sandbox's generic path
        (about ten times slower). Only these four names; anything else is a KeyError, and
        Jinja then takes that path with all its checks."""
        if type(key) is str:
            if key in _GRANTEE_NAMES:
                return getattr(self, key)
            raise KeyError(key)
        return tuple.__getitem__(self, key)


_GRANTEE_NAMES = frozenset({*Grantee._fields, "permitted"})


def _known_right(helper: str, right) -> str:
    if right not in RIGHTS:
        raise ValueError(f"{helper}(): unknown right '{right}'; expected one of "
                         f"{', '.join(RIGHTS)}")
    return right


FUNCTIONS = ("lookup", "declared", "declared_purpose", "flows_from", "flows_to", "flows_from_any",
             "downstream", "holders", "grants_of", "engaged_by", "hosted_by", "opt_out_contacts",
             "dpia_listed", "dpia_listed_exemption", "dpia_list", "legislated",
             "transfers_to", "adequacy", "adequate",
             "valid_mechanisms", "days", "outside_eea", "ids", "exceeds", "lookup_all", "today",
             "sensitive", "sensitive_reach", "registers_for", "register_categories",
             "obtained_elsewhere",
             "indirect_sources", "collects_directly",
             "grantees", "allowed_scope", "outbound", "leaves_company", "personal", "flow_bases",
             "not_applicable", "disclosures", "boundary_flows", "objectable", "rights_due", "right_article", "right_name",
             "unrecorded_rights",
             "same_store",
             "effective_mechanism", "declared_transfers", "receiver", "located", "uses",
             "undeclared", "with_basis", "categories_for", "special", "criminal",
             "uncovered", "international_organisation", "consent_based",
             "using_undeclared", "flows_via", "disclosed_as", "not_dpf_certified", "special_uses", "plain_conditions", "law_shown",
             "without_law", "care_records",
             "art9_point",
             "criminal_authorised", "dependent", "children", "monitoring_labels", "backup_countries",
             "tracking_without_consent", "suggest_declared", "untranslated", "translation",
             "controller_name", "stated_rights", "disclosed_under", "countries_reached",
             "shortlist")
FILTERS = ("outside_eea", "ids", "days", "sensitive", "indirect_sources", "collects_directly",
           "personal", "special", "criminal", "dependent", "children", "without_law",
           "shortlist",
           "in_words")
CONSTANTS = {"RIGHTS": list(RIGHTS)}
