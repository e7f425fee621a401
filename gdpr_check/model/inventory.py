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
                    PrincipalKind, Scope)

Text = str | None


class Principal(Located):
    KIND: ClassVar[str] = "principal"
    id: Id
    name: Text = None
    kind: PrincipalKind
    organisation: Text = None
    processor: Id | None = None
    description: Text = None


class Grant(Located):
    KIND: ClassVar[str] = "grant"
    principal: Id
    scope: Scope = "full"
    privileged: Bool = False


class Access(Located):
    KIND: ClassVar[str] = "access"
    authentication: list[AuthMethod] = Field(default_factory=list)
    public: Bool = False
    grants: list[Grant] = Field(default_factory=list)


class Hosting(Located):
    KIND: ClassVar[str] = "hosting"
    provider: Id = "self"
    countries: list[Country] = Field(default_factory=list)


class SystemRight(Located):
    KIND: ClassVar[str] = "system_right"
    supported: Bool | Literal["not_applicable"] = False
    method: Text = None
    reason: Text = None


class SystemRights(Located):
    KIND: ClassVar[str] = "system_rights"
    access: SystemRight | None = None
    rectification: SystemRight | None = None
    erasure: SystemRight | None = None
    restriction: SystemRight | None = None
    portability: SystemRight | None = None
    objection: SystemRight | None = None
    withdraw_consent: SystemRight | None = None
    complaint: SystemRight | None = None
    no_automated_decision: SystemRight | None = None

    @property
    def supported(self) -> list[str]:
        """Rights this system can fulfil, or that do not apply to it (with a reason)."""
        return [r for r in RIGHTS if (s := getattr(self, r)) is not None
                and (s.supported is True or (s.supported == "not_applicable" and s.reason))]


class SystemRetention(Located):
    KIND: ClassVar[str] = "retention"
    period: Duration | None = None
    trigger: Text = None
    enforced: Literal["automatic", "manual", "none"] | None = None


class Backups(Located):
    KIND: ClassVar[str] = "backups"
    countries: list[Country] = Field(default_factory=list)
    retention: Duration | None = None


class SystemSecurity(Located):
    KIND: ClassVar[str] = "security"
    encryption_at_rest: Bool | None = None
    encryption_in_transit: Bool | None = None
    audit_log: Bool | None = None
    backups: Backups | None = None


class Consent(Located):
    KIND: ClassVar[str] = "consent"
    recorded: Bool = False
    withdrawable: Bool = False


class Dpia(Located):
    """The data protection impact assessment of a system's processing (Art. 35)."""
    KIND: ClassVar[str] = "dpia"
    done: date | None = None  # when the DPIA was completed; null: not (yet) done
    reference: Text = None  # where the DPIA document is kept
    not_required: Text = None  # a screening's reason why no DPIA is needed (not for Art. 35(3) cases)


# Systematic monitoring of employees a system carries out (a DPIA trigger, WP248 rev.01;
# what each means: law/special.py).
EmployeeMonitoring = Literal["email", "dlp", "web_usage", "cctv", "location", "productivity",
                             "keystrokes", "call_recording", "biometric_attendance"]


class TerminalAccess(Located):
    """Reading or storing information on a user's device: cookies, SDKs, pixels,
    fingerprinting (ePrivacy Directive 2002/58/EC, Art. 5(3))."""
    KIND: ClassVar[str] = "terminal_access"
    means: list[Literal["cookies", "local_storage", "pixel", "sdk", "fingerprinting"]] = \
        Field(default_factory=list)
    use: Literal["strictly_necessary", "analytics", "advertising", "tracking",
                 "personalisation"]
    purpose: Id | None = None  # the notice's purpose the information read serves
    description: Text = None


# `register` is also ABCMeta.register on the class; the field wins on instances, which is
# all that rules and the loader use, so pydantic's shadowing warning is silenced here.
warnings.filterwarnings("ignore", message='Field name "register"', category=UserWarning)


class System(Located):
    KIND: ClassVar[str] = "system"
    id: Id
    name: Text = None
    description: Text = None
    owner: Text = None
    register: Id | None = None
    purposes: list[Id] = Field(default_factory=list)
    data_subjects: list[Id] = Field(default_factory=list)
    data_categories: list[Id] = Field(default_factory=list)
    hosting: Hosting | None = None
    access: Access = Field(default_factory=Access)
    rights: SystemRights = Field(default_factory=SystemRights)
    retention: SystemRetention | None = None
    security: SystemSecurity = Field(default_factory=SystemSecurity)
    consent: Consent | None = None
    dpia: Dpia | None = None  # the DPIA of this processing, if one was done or screened (Art. 35)
    large_scale: Bool | None = None  # the processing is large-scale (Art. 35(3)(b), recital 91)
    monitors_public_area: Bool | None = None  # systematic monitoring of a public area, e.g. CCTV (Art. 35(3)(c))
    employee_monitoring: list[EmployeeMonitoring] = Field(default_factory=list)  # WP248 rev.01
    terminal_access: list[TerminalAccess] = Field(default_factory=list)  # ePrivacy Art. 5(3)


class Dpa(Located):
    KIND: ClassVar[str] = "dpa"
    signed: date | None = None
    reference: Text = None
    breach_notification_hours: int | None = Field(default=None, ge=0)  # hours the DPA gives the processor to report a breach to us (Art. 33(2), 28(3)(f))
    breach_notification: Bool | None = None  # the DPA obliges the processor to report breaches to us without undue delay (Art. 33(2)); false: no such clause


class ProcessorTransfer(Located):
    KIND: ClassVar[str] = "transfer"
    mechanism: Mechanism | None = None
    reference: Text = None
    tia: Bool = False
    dpf_certified: Bool = False


class Processor(Located):
    KIND: ClassVar[str] = "processor"
    id: Id
    name: Text = None
    description: Text = None
    role: Literal["processor", "sub_processor", "third_party", "joint_controller"] = "processor"
    countries: list[Country] = Field(default_factory=list)
    recipient: Id | None = None
    dpa: Dpa | None = None
    transfer: ProcessorTransfer | None = None
    sub_processors: list[Id] = Field(default_factory=list)
    purposes: list[Id] = Field(default_factory=list)
    data_categories: list[Id] = Field(default_factory=list)


Propagated = Literal["erasure", "objection", "rectification", "restriction"]


class Flow(Located):
    KIND: ClassVar[str] = "flow"
    id: Id
    from_: Id = Field(alias="from")
    to: Id
    description: Text = None
    data_subjects: list[Id] = Field(default_factory=list)
    data_categories: list[Id] = Field(default_factory=list)
    purpose: Id | None = None
    lawful_basis: LawfulBasis | None = None
    encrypted: Bool | None = None
    occasional: Bool = False
    propagates: list[Propagated] = Field(default_factory=list)


class Defaults(Located):
    """Values merged under every item of a kind, like Ansible's group_vars/all."""
    KIND: ClassVar[str] = "defaults"
    principals: dict[str, Any] = Field(default_factory=dict)
    systems: dict[str, Any] = Field(default_factory=dict)
    processors: dict[str, Any] = Field(default_factory=dict)
    flows: dict[str, Any] = Field(default_factory=dict)


class BreachProcedure(Located):
    """How the company detects, documents and notifies personal data breaches (Art. 33-34)."""
    KIND: ClassVar[str] = "breach"
    procedure: Text = None  # where the breach response procedure is written down
    contact: Text = None  # who is responsible for assessing and notifying breaches
    log: Text = None  # where breaches are documented, the breach register (Art. 33(5))


class Inventory(Located):
    KIND: ClassVar[str] = "inventory"
    defaults: Defaults | None = None
    principals: list[Principal] = Field(default_factory=list)
    systems: list[System] = Field(default_factory=list)
    processors: list[Processor] = Field(default_factory=list)
    flows: list[Flow] = Field(default_factory=list)
    breach: BreachProcedure | None = None  # the breach response procedure (Art. 33-34)


register_aliases(Flow)
