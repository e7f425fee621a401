"""What the company actually runs (SPEC §5): principals, systems, processors and flows.

References to the notice's vocabulary (purposes, data categories, ...) are plain ids here:
the notice not declaring one is a finding, not a load error. Structural references inside
the inventory (flow ends, grants, hosting providers, sub-processors) are checked on load.
"""

import warnings
from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import Field

from .base import Located, register_aliases
from .types import (Bool, RIGHTS, AuthMethod, Country, Duration, Id, LawfulBasis, Mechanism,
                    PrincipalKind, Scope, new_dict, new_list)

Text = str | None


class Principal(Located):
    KIND: ClassVar[str] = "principal"
    id: Id
    """The id grants name in their `principal`."""
    name: Text = None
    """Who they are (a group of staff, an outside firm, a service account)."""
    kind: PrincipalKind
    """employee_group, external (outside the company) or service (a machine account);
    compared with the notice's allowed_principals (Art. 5(1)(f), 32(4))."""
    organisation: Text = None
    """The organisation they belong to."""
    processor: Id | None = None
    """For external people: the id of the processor they work for (Art. 28, 29)."""
    description: Text = None
    """More about them."""


class Grant(Located):
    KIND: ClassVar[str] = "grant"
    principal: Id
    """The id of a principal given access to the system."""
    scope: Scope = "full"
    """How much of the system's data: full, partial or read (Art. 25(2): only what is
    necessary)."""
    privileged: Bool = False
    """true: administrator rights (can change or export everything); such accounts need MFA
    (Art. 32(1)(b))."""


class Access(Located):
    KIND: ClassVar[str] = "access"
    authentication: list[AuthMethod] = Field(default_factory=new_list)
    """How people sign in: password, mfa, sso, api_key or none (Art. 32(1)(b))."""
    public: Bool = False
    """true: reachable without signing in (Art. 5(1)(f), 32)."""
    grants: list[Grant] = Field(default_factory=new_list)
    """Who has access, and how much (Art. 5(1)(f), 25(2), 32(4))."""


class Hosting(Located):
    KIND: ClassVar[str] = "hosting"
    provider: Id = "self"
    """self, or the id of the processor hosting the system (Art. 28)."""
    countries: list[Country] = Field(default_factory=new_list)
    """Where the data is stored and processed, ISO 3166-1 alpha-2 (Art. 44)."""


class SystemRight(Located):
    KIND: ClassVar[str] = "system_right"
    supported: Bool | Literal["not_applicable"] = False
    """true: the system can fulfil the right; false: it cannot; not_applicable (with a
    reason)."""
    method: Text = None
    """How a request is carried out in this system (Art. 12(2))."""
    reason: Text = None
    """Why the right does not apply here (required with not_applicable)."""


class SystemRights(Located):
    KIND: ClassVar[str] = "system_rights"
    access: SystemRight | None = None
    """Access requests (Art. 15)."""
    rectification: SystemRight | None = None
    """Rectification (Art. 16)."""
    erasure: SystemRight | None = None
    """Erasure (Art. 17)."""
    restriction: SystemRight | None = None
    """Restriction (Art. 18)."""
    portability: SystemRight | None = None
    """Portability (Art. 20)."""
    objection: SystemRight | None = None
    """Objection (Art. 21)."""
    withdraw_consent: SystemRight | None = None
    """Withdrawal of consent (Art. 7(3))."""
    complaint: SystemRight | None = None
    """Complaints (Art. 77)."""
    no_automated_decision: SystemRight | None = None
    """Human review of automated decisions (Art. 22(3))."""

    @property
    def supported(self) -> list[str]:
        """Rights this system can fulfil, or that do not apply to it (with a reason)."""
        return [r for r in RIGHTS if (s := getattr(self, r)) is not None
                and (s.supported is True or (s.supported == "not_applicable" and s.reason))]


class SystemRetention(Located):
    KIND: ClassVar[str] = "retention"
    period: Duration | None = None
    """How long the system keeps the data, an ISO 8601 duration (Art. 5(1)(e)); compared
    with the notice's."""
    trigger: Text = None
    """From when the period runs."""
    enforced: Literal["automatic", "manual", "none"] | None = None
    """automatic (deleted by the system), manual, or none (Art. 5(1)(e), 25(2))."""


class Backups(Located):
    KIND: ClassVar[str] = "backups"
    countries: list[Country] = Field(default_factory=new_list)
    """Where backups are kept, ISO 3166-1 alpha-2 (Art. 44)."""
    retention: Duration | None = None
    """How long backups are kept, an ISO 8601 duration (Art. 5(1)(e))."""


class SystemSecurity(Located):
    KIND: ClassVar[str] = "security"
    encryption_at_rest: Bool | None = None
    """true: stored data is encrypted (Art. 32(1)(a))."""
    encryption_in_transit: Bool | None = None
    """true: data is encrypted on the network (Art. 32(1)(a))."""
    audit_log: Bool | None = None
    """true: access and changes are logged (Art. 32(1)(b), 5(2))."""
    backups: Backups | None = None
    """Backups, their location and retention (Art. 32(1)(c))."""


class Consent(Located):
    KIND: ClassVar[str] = "consent"
    recorded: Bool | None = None
    """true: the system records who consented, when and to what (Art. 7(1)); false: it
    does not; empty: not recorded in the inventory (a to-do, LB015)."""
    withdrawable: Bool | None = None
    """true: consent can be withdrawn as easily as given (Art. 7(3)); false: it cannot;
    empty: not recorded in the inventory (a to-do, LB015)."""


class Dpia(Located):
    """The data protection impact assessment of a system's processing (Art. 35)."""
    KIND: ClassVar[str] = "dpia"
    done: date | None = None  # when the DPIA was completed; null: not (yet) done
    """When the DPIA was completed; empty: not (yet) done (Art. 35)."""
    reference: Text = None  # where the DPIA document is kept
    """Where the DPIA document is kept."""
    not_required: Text = None  # a screening's reason why no DPIA is needed (not for Art. 35(3) cases)
    """A screening's reason why no DPIA is needed (not for Art. 35(3) cases)."""


# Systematic monitoring of employees a system carries out (a DPIA trigger, WP248 rev.01;
# what each means: law/special.py).
EmployeeMonitoring = Literal["email", "dlp", "web_usage", "cctv", "location", "productivity",
                             "keystrokes", "call_recording", "biometric_attendance"]


class TerminalAccess(Located):
    """Reading or storing information on a user's device: cookies, SDKs, pixels,
    fingerprinting (ePrivacy Directive 2002/58/EC, Art. 5(3))."""
    KIND: ClassVar[str] = "terminal_access"
    means: list[Literal["cookies", "local_storage", "pixel", "sdk", "fingerprinting"]] = \
        Field(default_factory=new_list)
    """How the device is read or written: cookies, local_storage, pixel, sdk, fingerprinting."""
    use: Literal["strictly_necessary", "analytics", "advertising", "tracking",
                 "personalisation"]
    """What it is for: only strictly_necessary is exempt from consent (Art. 5(3) ePrivacy;
    EDPB Guidelines 2/2023)."""
    purpose: Id | None = None
    """The notice's purpose the information read serves."""
    description: Text = None
    """What is read or stored, in words (e.g. the GA4 cookies _ga, _ga_*)."""


# `register` is also ABCMeta.register on the class; the field wins on instances, which is
# all that rules and the loader use, so pydantic's shadowing warning is silenced: only for
# classes made by our models' metaclass (the warning names its module, base.py), so that a
# library caller's own models still get it.
warnings.filterwarnings("ignore", message='Field name "register"', category=UserWarning,
                        module=r"gdpr_check\.model\.base\Z")


class System(Located):
    KIND: ClassVar[str] = "system"
    id: Id
    """The id flows and principals' grants refer to."""
    name: Text = None
    """The system's name."""
    description: Text = None
    """What it is and does."""
    owner: Text = None
    """Who is responsible for it in the company (Art. 5(2))."""
    register: Id | None = None
    """The id of the notice's register it belongs to (Art. 30)."""
    purposes: list[Id] = Field(default_factory=new_list)
    """Ids of the notice's purposes it processes data for (Art. 5(1)(b)); one the notice
    lacks is a finding."""
    data_subjects: list[Id] = Field(default_factory=new_list)
    """Ids of the notice's data_subjects whose data it holds."""
    data_categories: list[Id] = Field(default_factory=new_list)
    """Ids of the notice's data_categories it holds (Art. 30(1)(c))."""
    hosting: Hosting | None = None
    """Who hosts it and where (Art. 28, 44)."""
    access: Access = Field(default_factory=Access)
    """Authentication and who has access (Art. 32)."""
    rights: SystemRights = Field(default_factory=SystemRights)
    """How it fulfils each data subject right (Art. 12, 15-22)."""
    retention: SystemRetention | None = None
    """How long it keeps data, and how deletion is enforced (Art. 5(1)(e))."""
    security: SystemSecurity = Field(default_factory=SystemSecurity)
    """Encryption, logging and backups (Art. 32)."""
    consent: Consent | None = None
    """How consent is recorded and withdrawn, where a purpose relies on it (Art. 7)."""
    dpia: Dpia | None = None  # the DPIA of this processing, if one was done or screened (Art. 35)
    """The DPIA of this processing, if one was done or screened (Art. 35)."""
    large_scale: Bool | None = None  # the processing is large-scale (Art. 35(3)(b), recital 91)
    """true: the processing is large-scale (Art. 35(3)(b), 37(1), recital 91)."""
    monitors_public_area: Bool | None = None  # systematic monitoring of a public area, e.g. CCTV (Art. 35(3)(c))
    """true: systematic monitoring of a publicly accessible area, e.g. CCTV (Art. 35(3)(c))."""
    employee_monitoring: list[EmployeeMonitoring] = Field(default_factory=new_list)
    """Ways the system monitors employees (e-mail/DLP, CCTV, location, productivity): a DPIA
    criterion (Art. 35(1); WP248 rev.01 criteria 3 and 7)."""
    terminal_access: list[TerminalAccess] = Field(default_factory=new_list)
    """What the system reads or stores on users' devices (cookies, SDKs, fingerprinting), and
    why: consent is needed unless strictly necessary (ePrivacy Directive Art. 5(3))."""


class Dpa(Located):
    KIND: ClassVar[str] = "dpa"
    signed: date | None = None
    """When the data processing agreement was signed (Art. 28(3))."""
    reference: Text = None
    """Where the agreement is kept."""
    legal_act: Text = None
    """The Union or Member State law (a statute, not a contract's or a service's terms) that
    binds the processor instead of a contract (Art. 28(3): "a contract or other legal
    act"), e.g. the Finnish Act 784/2021 for the national health-record archive Kela keeps
    on behalf of care providers."""
    breach_notification_hours: int | None = Field(default=None, ge=0)  # hours the DPA gives the processor to report a breach to us (Art. 33(2), 28(3)(f))
    """Hours the DPA gives the processor to report a breach to the controller (Art. 33(2),
    28(3)(f))."""
    breach_notification: Bool | None = None  # the DPA obliges the processor to report breaches to us without undue delay (Art. 33(2)); false: no such clause
    """true: the DPA obliges the processor to report breaches without undue delay (Art.
    33(2)); false: no such clause."""


class ProcessorTransfer(Located):
    KIND: ClassVar[str] = "transfer"
    mechanism: Mechanism | None = None
    """The transfer tool for a processor outside the EEA: adequacy, dpf, scc, bcr,
    code_of_conduct, certification, derogation or none (Art. 45-49)."""
    reference: Text = None
    """Where the safeguard is documented."""
    tia: Bool = False
    """true: a transfer impact assessment was done (CJEU C-311/18 Schrems II; EDPB
    Recommendations 01/2020)."""
    dpf_certified: Bool = False
    """true: the recipient is on the EU-US Data Privacy Framework list (Art. 45, Decision
    (EU) 2023/1795)."""


class Processor(Located):
    KIND: ClassVar[str] = "processor"
    id: Id
    """The id hosting, flows and principals refer to."""
    name: Text = None
    """The processor's (vendor's) name."""
    description: Text = None
    """What it does for the company."""
    role: Literal["processor", "sub_processor", "third_party", "joint_controller"] = "processor"
    """processor (Art. 28), sub_processor (Art. 28(2), 28(4)), third_party or
    joint_controller (Art. 26)."""
    countries: list[Country] = Field(default_factory=new_list)
    """Where it processes the data, ISO 3166-1 alpha-2 (Art. 44)."""
    recipient: Id | None = None
    """The id of the notice's recipient that discloses it (Art. 13(1)(e))."""
    dpa: Dpa | None = None
    """The data processing agreement (Art. 28(3))."""
    transfer: ProcessorTransfer | None = None
    """The safeguard for processing outside the EEA (Art. 44-49)."""
    sub_processors: list[Id] = Field(default_factory=new_list)
    """Ids of the processors it engages (Art. 28(2), 28(4))."""
    purposes: list[Id] = Field(default_factory=new_list)
    """Ids of the notice's purposes it processes data for."""
    data_categories: list[Id] = Field(default_factory=new_list)
    """Ids of the notice's data_categories it receives."""


Propagated = Literal["erasure", "objection", "rectification", "restriction"]


class Flow(Located):
    KIND: ClassVar[str] = "flow"
    id: Id
    """The flow's id."""
    from_: Id = Field(alias="from")
    """Where the data comes from: a system, a processor, a notice source or data_subject."""
    to: Id
    """Where it goes: a system, a processor, a notice source or data_subject."""
    description: Text = None
    """What moves and why."""
    data_subjects: list[Id] = Field(default_factory=new_list)
    """Ids of the notice's data_subjects whose data moves."""
    data_categories: list[Id] = Field(default_factory=new_list)
    """Ids of the notice's data_categories that move."""
    purpose: Id | None = None
    """The id of the notice's purpose the flow serves (Art. 5(1)(b))."""
    lawful_basis: LawfulBasis | None = None
    """The Art. 6(1) basis of the flow, when it differs from its purpose's (Art. 6(1))."""
    encrypted: Bool | None = None
    """true: encrypted in transit (Art. 32(1)(a))."""
    occasional: Bool = False
    """true: occasional, not systematic (Art. 49(1), EDPB Guidelines 2/2018)."""
    inquiry: Bool = False
    """true: data handed to a public authority for a particular inquiry under law (a
    recording requested by the police): the authority is not a recipient (Art. 4(9)), so
    rights need not follow the flow (Art. 19). Routine reporting to an authority (earnings
    to the tax register) is not an inquiry."""
    propagates: list[Propagated] = Field(default_factory=new_list)
    """The requests passed on to the receiver: erasure, objection, rectification,
    restriction (Art. 19)."""


class Defaults(Located):
    """Values merged under every item of a kind, like Ansible's group_vars/all."""
    KIND: ClassVar[str] = "defaults"
    principals: dict[str, Any] = Field(default_factory=new_dict)
    """Keys merged under every principal (an item's own keys win)."""
    systems: dict[str, Any] = Field(default_factory=new_dict)
    """Keys merged under every system (an item's own keys win)."""
    processors: dict[str, Any] = Field(default_factory=new_dict)
    """Keys merged under every processor (an item's own keys win)."""
    flows: dict[str, Any] = Field(default_factory=new_dict)
    """Keys merged under every flow (an item's own keys win)."""


class BreachProcedure(Located):
    """How the company detects, documents and notifies personal data breaches (Art. 33-34)."""
    KIND: ClassVar[str] = "breach"
    procedure: Text = None  # where the breach response procedure is written down
    """Where the breach response procedure is written down (Art. 33, 34)."""
    contact: Text = None  # who is responsible for assessing and notifying breaches
    """Who assesses and notifies breaches (Art. 33(3)(b))."""
    log: Text = None  # where breaches are documented, the breach register (Art. 33(5))
    """Where breaches are documented, the breach register (Art. 33(5))."""


class Inventory(Located):
    KIND: ClassVar[str] = "inventory"
    defaults: Defaults | None = None
    """Keys applied to every item of a kind, like Ansible's group_vars/all."""
    principals: list[Principal] = Field(default_factory=new_list)
    """Who has access to systems: staff groups, outside people, service accounts (Art.
    32(4))."""
    systems: list[System] = Field(default_factory=new_list)
    """The systems that hold personal data (Art. 30(1))."""
    processors: list[Processor] = Field(default_factory=new_list)
    """The vendors that process personal data for the company (Art. 28)."""
    flows: list[Flow] = Field(default_factory=new_list)
    """Where personal data moves between systems, processors and sources (Art.
    30(1)(d)-(e))."""
    breach: BreachProcedure | None = None  # the breach response procedure (Art. 33-34)
    """The breach response procedure (Art. 33-34)."""


register_aliases(Flow)
