"""The record of processing activities of Art. 30(1) (SPEC §8 `ropa`).

One processing activity is one purpose of one register: the unit the notice itself uses
(a register is kept for purposes, and Art. 30(1)(b) asks for the purposes of each
activity). The activities are the notice's register x purpose pairs, then the pairs the
inventory adds (a system of a register used for a purpose the notice does not give that
register, or a purpose it does not declare at all): processing that runs is recorded
whether or not the notice admits it, with a note saying so.

For each activity the record joins what the notice states with what the inventory shows:
- controller, contact, DPO and representative (Art. 30(1)(a)): from the notice;
- purpose and lawful basis (b): the notice's, plus any other basis the inventory's flows
  for that purpose rely on;
- data subjects and categories (c): the register's, plus those the activity's systems
  hold beyond them (marked);
- recipients (d): the notice's recipients for the purpose or linked from the processors
  involved, and the organisations that actually receive the data: hosting providers of the
  activity's systems, processors reached by its flows, processors whose staff have access
  grants, and their sub-processors (recursively);
- transfers outside the EEA (e): each party involved outside the EEA with its mechanism as
  the inventory records it and what the notice says about it;
- retention (f): the notice's period, and each system's actual period and enforcement;
- security (g): the notice's measures, and each system's authentication and encryption.

Where the notice says nothing the record says so ("not stated in the notice") instead of
leaving a blank a reader might take for "not applicable". Output is deterministic: the
policy's order first, inventory-only activities sorted by id.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .notice import country_name, humanise_duration

FORMATS = ("csv", "markdown")

# CSV columns, in order (a public interface: add at the end, never reorder).
COLUMNS = (
    ("activity", "Activity"),
    ("register", "Register"),
    ("purpose", "Purpose"),
    ("purpose_description", "Purpose as described in the notice"),
    ("lawful_basis", "Lawful basis"),
    ("legitimate_interest", "Legitimate interest"),
    ("controller", "Controller"),
    ("controller_contact", "Controller contact"),
    ("dpo", "Data protection officer"),
    ("representative", "Representative"),
    ("data_subjects", "Categories of data subjects"),
    ("data_categories", "Categories of personal data"),
    ("recipients", "Categories of recipients (notice)"),
    ("recipient_organisations", "Recipients (inventory)"),
    ("transfers", "Transfers to third countries and safeguards"),
    ("retention", "Time limits for erasure"),
    ("security", "Technical and organisational security measures"),
    ("systems", "Systems"),
    ("notes", "Notes"),
)
# Fields the same for every activity: shown once in the Markdown header.
CONTROLLER_FIELDS = ("controller", "controller_contact", "dpo", "representative")
ARTICLES = {"purpose": "Art. 30(1)(b)", "data_subjects": "Art. 30(1)(c)",
            "data_categories": "Art. 30(1)(c)", "recipients": "Art. 30(1)(d)",
            "recipient_organisations": "Art. 30(1)(d)", "transfers": "Art. 30(1)(e)",
            "retention": "Art. 30(1)(f)", "security": "Art. 30(1)(g)"}

NOT_STATED = "not stated in the notice"
BASES = {"consent": "consent (Art. 6(1)(a))", "contract": "contract (Art. 6(1)(b))",
         "legal_obligation": "legal obligation (Art. 6(1)(c))",
         "vital_interests": "vital interests (Art. 6(1)(d))",
         "public_task": "public task (Art. 6(1)(e))",
         "legitimate_interests": "legitimate interests (Art. 6(1)(f))"}
ENFORCED = {"automatic": "erased automatically", "manual": "erased manually",
            "none": "not enforced"}
MECHANISMS = {"adequacy": "adequacy decision", "dpf": "EU-US Data Privacy Framework",
              "scc": "standard contractual clauses", "bcr": "binding corporate rules",
              "code_of_conduct": "code of conduct", "certification": "certification",
              "derogation": "Art. 49 derogation", "none": "no safeguard"}
AUTH = {"password": "password", "mfa": "MFA", "sso": "SSO", "api_key": "API key",
        "none": "no authentication"}


@dataclass
class Activity:
    register: str | None
    purpose: str
    values: dict[str, list[str]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.register or '-'}/{self.purpose}"


def build(project, reference=None) -> list[Activity]:
    """The activities of `project` (a `load.Project`), each with its Art. 30(1) fields."""
    if reference is None:
        from .refdata import reference as default_reference
        reference = default_reference()
    ctx = _Context(project, reference)
    return [ctx.fill(register, purpose, origin) for register, purpose, origin in ctx.pairs()]


class _Context:
    """Indexes built once, so each activity is filled without scanning everything."""

    def __init__(self, project, reference):
        policy, inventory = project.policy, project.inventory
        self.policy, self.inventory, self.ref = policy, inventory, reference
        self.registers = {r.id: r for r in policy.registers}
        self.purposes = {p.id: p for p in policy.purposes}
        self.subjects = {s.id: s for s in policy.data_subjects}
        self.categories = {c.id: c for c in policy.data_categories}
        self.recipients = {r.id: r for r in policy.recipients}
        self.processors = {p.id: p for p in inventory.processors}
        self.systems = {s.id: s for s in inventory.systems}
        self.principals = {p.id: p for p in inventory.principals}
        self.flows_from: dict[str, list] = {}
        # (system, kind, id) -> purposes of the flows in or out of the system carrying id
        self.carried: dict[tuple, set] = {}
        for flow in inventory.flows:
            self.flows_from.setdefault(flow.from_, []).append(flow)
            for end in (flow.from_, flow.to):
                for kind in ("data_subjects", "data_categories"):
                    for ident in getattr(flow, kind):
                        self.carried.setdefault((end, kind, ident), set()).add(flow.purpose)
        self.systems_by_pair: dict[tuple, list] = {}
        for system in inventory.systems:
            for purpose in system.purposes:
                self.systems_by_pair.setdefault((system.register, purpose), []).append(system)
        connected = set()
        for system in inventory.systems:
            if system.hosting is not None:
                connected.add(system.hosting.provider)
            for grant in system.access.grants:
                principal = self.principals.get(grant.principal)
                if principal is not None and principal.processor:
                    connected.add(principal.processor)
        for flow in inventory.flows:
            connected.add(flow.to)
        for processor in inventory.processors:
            connected.update(processor.sub_processors)
        self.unconnected = [p for p in inventory.processors if p.id not in connected]
        self.transfers_by_recipient: dict[str, list] = {}
        for transfer in policy.transfers:
            self.transfers_by_recipient.setdefault(transfer.recipient, []).append(transfer)

    # -- which activities -----------------------------------------------------------------
    def pairs(self) -> list[tuple[str | None, str, str]]:
        """(register, purpose, origin) in record order; origin: notice | inventory."""
        seen = set()
        out = []
        for register in self.policy.registers:
            for purpose in register.purposes:
                if (register.id, purpose) not in seen:
                    seen.add((register.id, purpose))
                    out.append((register.id, purpose, "notice"))
        extra = sorted((k for k in self.systems_by_pair if k not in seen),
                       key=lambda k: (k[0] is None, k[0] not in self.registers,
                                      k[0] or "", k[1]))
        for register, purpose in extra:
            seen.add((register, purpose))
            out.append((register, purpose, "inventory"))
        used = {purpose for _, purpose in seen}
        for purpose in self.policy.purposes:   # declared, in no register and no system
            if purpose.id not in used:
                out.append((None, purpose.id, "notice"))
        return out

    # -- one activity -----------------------------------------------------------------------
    def fill(self, register_id, purpose_id, origin) -> Activity:
        activity = Activity(register_id, purpose_id)
        register = self.registers.get(register_id) if register_id else None
        purpose = self.purposes.get(purpose_id)
        systems = self.systems_by_pair.get((register_id, purpose_id), [])
        notes: list[str] = []
        processors = self.involved_processors(systems, purpose_id)
        v = activity.values
        v["activity"] = [activity.key]
        v["register"] = [self.register_label(register_id, notes)]
        v["purpose"] = [purpose.name or purpose.id if purpose else
                        f"{purpose_id} (not declared in the notice)"]
        v["purpose_description"] = [purpose.description] if purpose and purpose.description else []
        v["lawful_basis"] = self.bases(purpose, systems, purpose_id)
        v["legitimate_interest"] = ([purpose.legitimate_interest]
                                    if purpose and purpose.legitimate_interest else [])
        v.update(self.controller())
        # an activity only the inventory shows: the notice's lists for the register do not
        # describe it, the systems' data does
        stated = register if origin == "notice" else None
        v["data_subjects"] = self.vocabulary(stated, systems, "data_subjects", self.subjects,
                                             purpose_id)
        v["data_categories"] = self.vocabulary(stated, systems, "data_categories",
                                               self.categories, purpose_id)
        recipients = self.notice_recipients(purpose_id, processors)
        v["recipients"] = [self.recipient_label(r) for r in recipients] or [
            "none stated in the notice"]
        v["recipient_organisations"] = [self.processor_label(p, parent)
                                        for p, parent in processors]
        v["transfers"], transfer_notes = self.transfers(systems, processors, recipients)
        v["retention"] = self.retention(register, systems)
        v["security"] = self.security(systems)
        v["systems"] = [f"{s.name or s.id} ({s.id})" for s in systems]
        if purpose is None:
            notes.append("purpose not declared in the notice")
        elif origin == "inventory" and register_id in self.registers:
            notes.append("the notice does not give this purpose to this register")
        if register_id is None and origin == "notice":
            notes.append("the notice puts this purpose in no register")
        if not systems:
            notes.append("no system of the inventory is used for it")
        for processor, _ in processors:
            name = processor.name or processor.id
            if processor.role != "sub_processor" and processor.recipient is None:
                notes.append(f"{name} is not disclosed in the notice")
            elif processor.recipient and processor.recipient not in self.recipients:
                notes.append(f"{name} is linked to recipient '{processor.recipient}', which "
                             "the notice does not declare")
        notes.extend(transfer_notes)
        v["notes"] = notes
        return activity

    def register_label(self, register_id, notes) -> str:
        if register_id is None:
            return ""
        register = self.registers.get(register_id)
        if register is None:
            notes.append("register not declared in the notice")
            return f"{register_id} (not declared in the notice)"
        return register.name or register.id

    def controller(self) -> dict[str, list[str]]:
        c = self.policy.controller
        if c is None:
            return {"controller": [NOT_STATED], "controller_contact": [NOT_STATED],
                    "dpo": [NOT_STATED], "representative": [NOT_STATED]}
        details = [c.name]
        if c.business_id:
            details.append(f"business id {c.business_id}")
        if c.address:
            details.append(c.address)
        if c.country:
            details.append(country_name(c.country))
        return {"controller": [", ".join(details)],
                "controller_contact": [_contact(c.contact) or NOT_STATED],
                "dpo": [_contact(c.dpo) or "not named in the notice"],
                "representative": [_contact(c.representative) or "not named in the notice"]}

    def bases(self, purpose, systems, purpose_id) -> list[str]:
        out = []
        if purpose is not None and purpose.lawful_basis:
            out.append("notice: " + ", ".join(BASES[b] for b in purpose.lawful_basis))
            if purpose.special_condition:
                out.append(f"Art. 9(2) condition: {purpose.special_condition}")
            if purpose.authorising_law:
                out.append(f"authorised by: {purpose.authorising_law}")
        else:
            out.append(NOT_STATED)
        stated = set(purpose.lawful_basis) if purpose is not None else set()
        other: dict[str, list[str]] = {}
        for system in systems:
            for flow in self.flows_from.get(system.id, []):
                if flow.purpose == purpose_id and flow.lawful_basis and \
                        flow.lawful_basis not in stated:
                    other.setdefault(flow.lawful_basis, []).append(flow.id)
        for basis in sorted(other):
            out.append(f"inventory flows rely on {BASES[basis]}: "
                       f"{', '.join(sorted(set(other[basis])))}")
        return out

    def vocabulary(self, register, systems, kind, declared, purpose_id) -> list[str]:
        """The register's ids, then those only the systems hold (marked). A system's id
        counts for this purpose unless the system's flows carry it for other purposes
        only (job applicants in the shared mailbox are not part of invoicing)."""
        ids = list(getattr(register, kind)) if register is not None else []
        out = [_vocabulary_label(declared.get(i), i) for i in ids]
        extra = []
        for system in systems:
            for i in getattr(system, kind):
                purposes = self.carried.get((system.id, kind, i))
                if purposes and purpose_id not in purposes and None not in purposes:
                    continue
                if i not in ids and i not in extra:
                    extra.append(i)
        for i in extra:
            if i in declared:
                where = "held by the systems, not listed for this register in the notice" \
                    if register is not None else "held by the systems"
                out.append(f"{_vocabulary_label(declared[i], i)} ({where})")
            else:
                out.append(f"{i} (held by the systems, not declared in the notice)")
        return out

    def involved_processors(self, systems, purpose_id) -> list[tuple]:
        """(processor, parent id or None): hosting providers, processors reached by the
        activity's flows (directly or through a system they host), processors whose staff
        hold access grants, unconnected processors declaring the purpose, then
        sub-processors (those declaring no purposes, or this one), depth first."""
        direct: list[str] = []

        def add(pid):
            if pid and pid in self.processors and pid not in direct:
                direct.append(pid)

        for system in systems:
            if system.hosting is not None:
                add(system.hosting.provider)
            for flow in self.flows_from.get(system.id, []):
                if flow.purpose not in (None, purpose_id):
                    continue
                if flow.to in self.processors:
                    add(flow.to)
                elif flow.to in self.systems:
                    target = self.systems[flow.to]
                    if target.hosting is not None:
                        add(target.hosting.provider)
            for grant in system.access.grants:
                principal = self.principals.get(grant.principal)
                if principal is not None and principal.processor:
                    add(principal.processor)
        for processor in self.unconnected:
            if purpose_id in processor.purposes:
                add(processor.id)
        out: list[tuple] = []
        seen: set[str] = set()

        def visit(pid, parent):
            if pid in seen or pid not in self.processors:
                return
            processor = self.processors[pid]
            if parent is not None and processor.purposes and purpose_id not in processor.purposes:
                return
            seen.add(pid)
            out.append((processor, parent))
            for sub in processor.sub_processors:
                visit(sub, pid)

        for pid in direct:
            visit(pid, None)
        return out

    def notice_recipients(self, purpose_id, processors) -> list:
        linked = {p.recipient for p, _ in processors if p.recipient}
        return [r for r in self.policy.recipients
                if purpose_id in r.purposes or r.id in linked]

    def recipient_label(self, recipient) -> str:
        role = f" ({recipient.role.replace('_', ' ')})" if recipient.role else ""
        return f"{recipient.name or recipient.id}{role}"

    def processor_label(self, processor, parent) -> str:
        role = processor.role.replace("_", " ")
        if parent is not None:
            parent_name = self.processors[parent].name or parent
            role = f"sub-processor of {parent_name}"
        countries = ", ".join(processor.countries) or "countries not recorded"
        return f"{processor.name or processor.id} ({role}; {countries})"

    def transfers(self, systems, processors, recipients) -> tuple[list[str], list[str]]:
        """The transfers as entries, and notes on those the notice does not name."""
        out: list[str] = []
        notes: list[str] = []
        covered_recipients = set()
        parents = {p.id: parent for p, parent in processors}
        for processor, _ in processors:
            outside = [c for c in processor.countries if not self.ref.in_eea(c)]
            if not outside:
                continue
            where = ", ".join(f"{c} ({country_name(c)})" for c in outside)
            text = f"{where}: {processor.name or processor.id}: {_mechanism(processor.transfer)}"
            if processor.transfer is None or processor.transfer.mechanism is None:
                decisions = [d for d in (self.ref.decision_for(c) for c in outside) if d]
                if decisions:
                    text += " (adequacy decision in force: " + \
                        ", ".join(sorted({d.name for d in decisions})) + ")"
            # a sub-processor is disclosed through the processor that engages it
            recipient, ancestor = processor.recipient, parents.get(processor.id)
            while recipient is None and ancestor is not None:
                recipient = self.processors[ancestor].recipient
                ancestor = parents.get(ancestor)
            declared = [t for t in self.transfers_by_recipient.get(recipient or "", [])
                        if set(outside) & set(t.countries)]
            if declared:
                covered_recipients.add(recipient)
                safeguard = declared[0].safeguard
                said = (f"safeguard: {MECHANISMS[safeguard]}" if safeguard
                        else "no safeguard named")
                name = self.recipients[recipient].name if recipient in self.recipients else None
                text += f"; the notice names it ({name or recipient}, {said})"
            else:
                text += "; not named in the notice"
                notes.append(f"transfer to {', '.join(outside)} "
                             f"({processor.name or processor.id}) not named in the notice")
            out.append(text)
        for system in systems:   # data the company itself keeps outside the EEA
            hosting = system.hosting
            if hosting is not None and hosting.provider == "self":
                outside = [c for c in hosting.countries if not self.ref.in_eea(c)]
                if outside:
                    out.append(f"{', '.join(outside)}: {system.name or system.id} is hosted "
                               "there by the controller itself")
            backups = system.security.backups
            if backups is not None:
                outside = [c for c in backups.countries if not self.ref.in_eea(c)
                           and not (hosting and c in hosting.countries)]
                if outside:
                    out.append(f"{', '.join(outside)}: backups of {system.name or system.id}")
        for recipient in recipients:   # the notice names a transfer no processor shows
            for transfer in self.transfers_by_recipient.get(recipient.id, []):
                if recipient.id in covered_recipients:
                    continue
                countries = ", ".join(f"{c} ({country_name(c)})" for c in transfer.countries)
                safeguard = (f"safeguard: {MECHANISMS[transfer.safeguard]}" if transfer.safeguard
                             else "no safeguard named")
                out.append(f"{countries or 'countries not stated'}: "
                           f"{recipient.name or recipient.id} (notice; {safeguard}); no "
                           "recipient of this activity in the inventory is there")
        return out or ["none"], notes

    def retention(self, register, systems) -> list[str]:
        out = []
        retention = register.retention if register is not None else None
        if retention is not None and (retention.period or retention.description):
            text = _period(retention.period, retention.trigger)
            if retention.description:
                text = f"{text} ({retention.description})" if text else retention.description
            out.append(f"notice: {text}")
        else:
            out.append(NOT_STATED)
        for system in systems:
            name = system.name or system.id
            kept = system.retention
            if kept is None or not kept.period:
                enforced = f", {ENFORCED[kept.enforced]}" if kept and kept.enforced else ""
                out.append(f"{name}: no period set{enforced}")
            else:
                enforced = f", {ENFORCED[kept.enforced]}" if kept.enforced else ""
                out.append(f"{name}: {_period(kept.period, kept.trigger)}{enforced}")
        return out

    def security(self, systems) -> list[str]:
        out = []
        notice = self.policy.security
        if notice is not None and (notice.measures or notice.authentication):
            said = list(notice.measures)
            if notice.authentication:
                said.append("authentication: " + ", ".join(AUTH[a] for a in notice.authentication))
            out.append("notice: " + _join(said))
        elif notice is not None and notice.description:
            out.append(f"notice: {notice.description}")
        else:
            out.append(NOT_STATED)
        for system in systems:
            facts = []
            auth = system.access.authentication
            facts.append("authentication: " + (", ".join(AUTH[a] for a in auth) if auth
                                               else "not recorded"))
            if system.access.public:
                facts.append("public")
            sec = system.security
            for flag, yes, no in ((sec.encryption_at_rest, "encrypted at rest",
                                   "not encrypted at rest"),
                                  (sec.encryption_in_transit, "encrypted in transit",
                                   "not encrypted in transit"),
                                  (sec.audit_log, "audit log", "no audit log")):
                if flag is not None:
                    facts.append(yes if flag else no)
            if sec.backups is not None and sec.backups.retention:
                facts.append(f"backups kept {humanise_duration(sec.backups.retention)}")
            out.append(f"{system.name or system.id}: {', '.join(facts)}")
        return out


def _contact(contact) -> str:
    if contact is None:
        return ""
    return ", ".join(v for v in (contact.name, contact.role, contact.address, contact.phone,
                                 contact.email, contact.url) if v)


def _vocabulary_label(item, ident) -> str:
    if item is None:
        return f"{ident} (not declared in the notice)"
    marks = [m for m, on in (("special category, Art. 9", getattr(item, "special", False)),
                             ("criminal data, Art. 10", getattr(item, "criminal", False))) if on]
    label = item.name or item.id
    return f"{label} ({'; '.join(marks)})" if marks else label


def _period(period, trigger) -> str:
    text = humanise_duration(period) if period else ""
    if trigger:
        text = f"{text} from {trigger}" if text else f"from {trigger}"
    return text


def _mechanism(transfer) -> str:
    if transfer is None or transfer.mechanism is None:
        return "no transfer mechanism recorded"
    text = MECHANISMS[transfer.mechanism]
    extra = [transfer.reference] if transfer.reference else []
    if transfer.mechanism in ("scc", "bcr", "code_of_conduct", "certification"):
        extra.append("transfer impact assessment done" if transfer.tia
                     else "no transfer impact assessment")
    if transfer.dpf_certified and transfer.mechanism != "dpf":
        extra.append("recipient DPF-certified")
    return "; ".join([text, *extra])


def _join(parts: list[str]) -> str:
    """Sentences as they are, other items separated by semicolons."""
    out = ""
    for part in parts:
        if out:
            out += " " if out.endswith((".", "!", "?")) else "; "
        out += part
    return out


# -- output ----------------------------------------------------------------------------------

def render(project, fmt: str = "csv", reference=None) -> str:
    activities = build(project, reference)
    if fmt == "markdown":
        return to_markdown(project, activities)
    return to_csv(activities)


def to_csv(activities: list[Activity]) -> str:
    """RFC 4180: a header row, CRLF line ends, fields quoted where needed; several values
    in one cell are separated by ` | `."""
    import csv
    import io
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([key for key, _ in COLUMNS])
    for activity in activities:
        writer.writerow([" | ".join(activity.values.get(key, [])) for key, _ in COLUMNS])
    return buffer.getvalue()


def to_markdown(project, activities: list[Activity]) -> str:
    from .report.markdown import escape
    policy = project.policy
    first = activities[0].values if activities else None
    out = ["# Record of processing activities (Art. 30(1) GDPR)", ""]
    controller = policy.controller
    name = controller.name if controller is not None else NOT_STATED
    out += [f"Controller: **{escape(name)}**. Generated by gdpr-check from `policy/` (what "
            "the privacy notice states) and `inventory/` (what actually runs); where they "
            "differ, both are shown.", ""]
    if first is not None:
        out += ["| Art. 30(1)(a) | |", "|---|---|"]
        out += [f"| {label} | {_cell(first[key], escape)} |" for key, label in COLUMNS
                if key in CONTROLLER_FIELDS]
        out.append("")
    out += ["## Activities", "", "| # | Register | Purpose | Systems | Notes |",
            "|---|---|---|---|---|"]
    for number, activity in enumerate(activities, 1):
        v = activity.values
        systems = ", ".join(s.rsplit(" (", 1)[-1].rstrip(")") for s in v["systems"])
        out.append(f"| [{number}](#activity-{number}) | {_cell(v['register'], escape) or '–'} "
                   f"| {_cell(v['purpose'], escape)} | {escape(systems) or '–'} "
                   f"| {_cell(v['notes'], escape) or '–'} |")
    out.append("")
    for number, activity in enumerate(activities, 1):
        v = activity.values
        title = f"{v['register'][0]}: {v['purpose'][0]}" if v["register"][0] else v["purpose"][0]
        out += [f'<a id="activity-{number}"></a>', "",
                f"## {number}. {escape(title)}", "", "| | |", "|---|---|"]
        for key, label in COLUMNS:
            if key in CONTROLLER_FIELDS or key in ("register",):
                continue
            article = f"({ARTICLES[key]})" if key in ARTICLES else ""
            out.append(f"| **{escape(label)}**{' ' + escape(article) if article else ''} | "
                       f"{_cell(v.get(key, []), escape) or '–'} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _cell(values: list[str], escape) -> str:
    return "<br>".join(escape(v) for v in values)
