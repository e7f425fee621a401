"""Indexes over one loaded project, built once, so helpers answer in O(1) or O(log n).

SPEC §11: no rule may cost more than O(items x log n). Every helper that needs to find
something (an object by id, the flows leaving a system, what lies downstream) reads one
of these maps instead of scanning the inventory for each item.
"""
from __future__ import annotations

from collections import defaultdict
from functools import cached_property


class Index:
    def __init__(self, policy, inventory):
        self.policy = policy
        self.inventory = inventory
        inv, pol = inventory, policy
        self.by_kind: dict[str, dict] = {
            "system": {o.id: o for o in inv.systems},
            "processor": {o.id: o for o in inv.processors},
            "principal": {o.id: o for o in inv.principals},
            "flow": {o.id: o for o in inv.flows},
            "purpose": {o.id: o for o in pol.purposes},
            "data_category": {o.id: o for o in pol.data_categories},
            "data_subject": {o.id: o for o in pol.data_subjects},
            "register": {o.id: o for o in pol.registers},
            "recipient": {o.id: o for o in pol.recipients},
            "source": {o.id: o for o in pol.sources},
        }
        self.flows_from: dict[str, list] = defaultdict(list)
        self.flows_to: dict[str, list] = defaultdict(list)
        for flow in inv.flows:
            self.flows_from[flow.from_].append(flow)
            self.flows_to[flow.to].append(flow)
        self.transfers_to: dict[str, list] = defaultdict(list)
        for transfer in pol.transfers:
            self.transfers_to[transfer.recipient].append(transfer)
        self._downstream: dict[str, tuple] = {}
        self._sub_processors: dict[str, frozenset] = {}

    @cached_property
    def systems_by_subject(self) -> dict[str, list]:
        return _by_each(self.inventory.systems, "data_subjects")

    @cached_property
    def grants_by_principal(self) -> dict[str, list]:
        found = defaultdict(list)
        for system in self.inventory.systems:
            for grant in system.access.grants:
                found[grant.principal].append((system, grant))
        return found

    @cached_property
    def registers_by_purpose(self) -> dict[str, list]:
        """The notice's registers that list a given purpose."""
        return _by_each(self.policy.registers, "purposes")

    @cached_property
    def allowed_scopes(self) -> dict[str, str]:
        """Principal kind -> the widest scope the notice's `security.allowed_principals`
        allow for it (the mapping form); a kind the notice does not name is absent."""
        return self._widest("kind")

    @cached_property
    def allowed_by_principal(self) -> dict[str, str]:
        """Inventory principal id -> the widest scope the notice allows that principal by
        name (the list form `[staff, accountant]`, or a mapping's `principal`)."""
        return self._widest("principal")

    def _widest(self, field: str) -> dict[str, str]:
        from ..model.types import SCOPES
        found: dict[str, str] = {}
        security = self.policy.security
        for allowed in security.allowed_principals if security else ():
            key = getattr(allowed, field)
            if key is None:
                continue
            known = found.get(key)
            if known is None or SCOPES.index(allowed.scope) < SCOPES.index(known):
                found[key] = allowed.scope
        return found

    @cached_property
    def personal_flow_ends(self) -> frozenset:
        """The ids at either end of a flow that carries personal data (lists data subjects
        or categories): a system there holds personal data whatever its own lists say."""
        return frozenset(end for flow in self.inventory.flows
                         if flow.data_subjects or flow.data_categories
                         for end in (flow.from_, flow.to))

    @cached_property
    def disclosure_flows(self) -> list:
        """Flows that pass personal data on from one of the company's systems or a
        processor to a processor or a system hosted by one (not collection from the data
        subject or a source, not between self-hosted systems), in inventory order.

        Not disclosures either (`law.rights`): a flow from a third party or a joint
        controller (the payment provider sending the payment result: the company
        obtaining data, Art. 14), and a flow marked `inquiry` to a party the notice
        discloses as an authority (a particular inquiry: not a recipient, Art. 4(9))."""
        from ..law.rights import in_an_inquiry, obtained_from
        systems, processors, parties = self.by_kind["system"], self.by_kind["processor"], \
            self.parties
        recipients = self.by_kind["recipient"]

        def notice_role(party):
            recipient = recipients.get(party.recipient) if party.recipient else None
            return recipient.role if recipient is not None else None
        found = []
        for flow in self.inventory.flows:
            party = parties.get(flow.to)
            if party is None or not (flow.data_subjects or flow.data_categories) \
                    or not (flow.from_ in systems or flow.from_ in processors):
                continue
            if flow.from_ in processors and obtained_from(processors[flow.from_].role):
                continue
            if in_an_inquiry(notice_role(party), flow.inquiry):
                continue
            found.append(flow)
        return found

    @cached_property
    def stores(self) -> dict[str, frozenset]:
        """System id -> the ids that hold the system's own store: its hosting provider and
        the provider's sub-processors, transitively (its backup, its infrastructure).
        Systems the company hosts itself are absent."""
        found = {}
        for system in self.inventory.systems:
            hosting = system.hosting
            if hosting is not None and hosting.provider != "self":
                host = hosting.provider
                found[system.id] = frozenset({host, *self.sub_processors_of(host)})
        return found

    def sub_processors_of(self, processor: str) -> frozenset:
        """The sub-processors a processor engages, transitively (not itself)."""
        cached = self._sub_processors.get(processor)
        if cached is not None:
            return cached
        processors = self.by_kind["processor"]
        seen, stack = set(), [processor]
        while stack:
            current = processors.get(stack.pop())
            for sub in current.sub_processors if current is not None else ():
                if sub not in seen and sub != processor:
                    seen.add(sub)
                    stack.append(sub)
        result = self._sub_processors[processor] = frozenset(seen)
        return result

    def receiver_of(self, id: str):
        """The processor that receives data sent to `id`: the processor `id` itself, or the
        hosting provider of the system `id`; none for a self-hosted system, the data
        subject or a source."""
        return self.parties.get(id)

    @cached_property
    def parties(self) -> dict:
        """System or processor id -> the processor holding what is sent there (itself, or
        the system's hosting provider), or none (a self-hosted system): who holds the data
        at each end of a flow. A processor's id wins over a system's with the same id."""
        processors = self.by_kind["processor"]
        found = {}
        for system in self.inventory.systems:
            hosting = system.hosting
            found[system.id] = processors.get(hosting.provider) if hosting is not None \
                else None
        found.update(processors)
        return found

    @cached_property
    def boundary_flows(self) -> list:
        """Flows that carry personal data from one of the company's systems or a processor
        to another party, in inventory order. The parties: the company (its self-hosted
        systems), each processor with the systems it hosts (`parties`), and anyone outside
        the inventory (the data subject, a source, another organisation): a flow to an id
        that is neither a system nor a processor always crosses."""
        parties, nobody = self.parties, object()
        found = []
        for flow in self.inventory.flows:
            if not (flow.data_subjects or flow.data_categories):
                continue
            source = parties.get(flow.from_, nobody)
            # processor ids are unique (load/refs.py): one party, one object
            if source is not nobody and parties.get(flow.to, nobody) is not source:
                found.append(flow)
        return found

    @cached_property
    def undeclared_uses(self) -> dict[str, list]:
        """Vocabulary kind (purpose, data_category, data_subject) -> the inventory objects
        (systems, processors, then flows, in file order) that use an id of that kind the
        notice does not declare. One pass, so rules loop over the few offenders only."""
        purposes, categories, subjects = (self.by_kind[k] for k in
                                          ("purpose", "data_category", "data_subject"))
        found: dict[str, list] = {"purpose": [], "data_category": [], "data_subject": []}

        def check(obj, used_purposes, used_subjects):
            if _any_missing(used_purposes, purposes):
                found["purpose"].append(obj)
            if _any_missing(obj.data_categories, categories):
                found["data_category"].append(obj)
            if _any_missing(used_subjects, subjects):
                found["data_subject"].append(obj)

        for system in self.inventory.systems:
            check(system, system.purposes, system.data_subjects)
        for processor in self.inventory.processors:  # processors name no data subjects
            check(processor, processor.purposes, ())
        for flow in self.inventory.flows:
            check(flow, (flow.purpose,) if flow.purpose else (), flow.data_subjects)
        return found

    @cached_property
    def systems_by_provider(self) -> dict[str, list]:
        """Hosting provider id -> the systems it hosts (`self` included)."""
        found = defaultdict(list)
        for system in self.inventory.systems:
            if system.hosting is not None:
                found[system.hosting.provider].append(system)
        return found

    @cached_property
    def categories_by_purpose(self) -> dict[str, list]:
        """Purpose id -> the data category ids processed for it, sorted: every category of
        a system or processor counts for each of its purposes (the inventory records no
        finer pairing), a flow's categories for its purpose, a register's for its purposes."""
        found = defaultdict(set)
        for holder in (*self.inventory.systems, *self.inventory.processors,
                       *self.policy.registers):
            for purpose in holder.purposes:
                found[purpose].update(holder.data_categories)
        for flow in self.inventory.flows:
            if flow.purpose:
                found[flow.purpose].update(flow.data_categories)
        return {p: sorted(c) for p, c in found.items()}

    @cached_property
    def processors_by_recipient(self) -> dict[str, list]:
        """Notice recipient id -> the processors the inventory discloses under it."""
        found = defaultdict(list)
        for processor in self.inventory.processors:
            if processor.recipient:
                found[processor.recipient].append(processor)
        return found

    @cached_property
    def parents_of_processor(self) -> dict[str, list]:
        """Processors that engage a given sub-processor."""
        return _by_each(self.inventory.processors, "sub_processors")

    def downstream(self, start: str) -> tuple[str, ...]:
        """Ids reachable from `start` along flows and sub-processor links (not `start`)."""
        cached = self._downstream.get(start)
        if cached is not None:
            return cached
        seen, stack = {start}, [start]
        processors = self.by_kind["processor"]
        while stack:
            node = stack.pop()
            nexts = [f.to for f in self.flows_from.get(node, ())]
            if node in processors:
                nexts.extend(processors[node].sub_processors)
            for nxt in nexts:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        seen.discard(start)
        result = tuple(sorted(seen))
        self._downstream[start] = result
        return result


def _any_missing(ids, table: dict) -> bool:
    """Whether any of `ids` is not a key of `table`; tested in C, not by a generator made
    for each of the 300,000 lists a large inventory's `undeclared_uses` looks at."""
    return not all(map(table.__contains__, ids))


def _by_each(objects, field: str) -> dict[str, list]:
    """{value: objects whose list `field` holds it}, e.g. systems by data subject."""
    found = defaultdict(list)
    for obj in objects:
        for value in getattr(obj, field):
            found[value].append(obj)
    return found
