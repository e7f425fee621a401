"""The privacy notice as structured data (SPEC §4).

Only what the notice *states* goes here. Fields the GDPR requires but the notice omits are
left empty, and rules report them; nothing here has a GDPR-friendly default.
`section` records where in the original notice a statement comes from.
"""

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import BeforeValidator, Field, model_validator

from .base import Located
from .types import (Bool, RIGHTS, AuthMethod, Country, Duration, Id, LawfulBases, Mechanism,
                    PrincipalKind, Scope, SpecialCondition)

Text = str | None


class IndirectNotification(Located):
    """When people whose data comes from other sources are told (Art. 14(3), 14(5))."""
    KIND: ClassVar[str] = "indirect_notification"
    within: Duration | None = None  # at the latest this long after obtaining the data (<= P1M)
    description: Text = None  # e.g. "at the first contact, at the latest within one month"
    exemption: Literal["already_informed", "impossible", "disproportionate_effort",
                       "required_by_law", "professional_secrecy"] | None = None  # Art. 14(5)
    section: Text = None


class Notice(Located):
    KIND: ClassVar[str] = "notice"
    title: Text = None
    language: Text = None
    published: date | None = None
    updated: date | None = None
    url: Text = None
    section: Text = None
    # Art. 14(3): when data subjects whose data comes from other sources are informed
    indirect_notification: IndirectNotification | None = None


class Contact(Located):
    KIND: ClassVar[str] = "contact"
    name: Text = None
    role: Text = None
    phone: Text = None
    email: Text = None
    address: Text = None
    url: Text = None
    section: Text = None


class Controller(Located):
    KIND: ClassVar[str] = "controller"
    name: str
    business_id: Text = None
    address: Text = None
    country: Country
    contact: Contact | None = None
    representative: Contact | None = None
    dpo: Contact | None = None
    section: Text = None


class SupervisoryAuthority(Located):
    KIND: ClassVar[str] = "supervisory_authority"
    name: Text = None
    country: Country | None = None
    url: Text = None
    section: Text = None


# How data subjects stand towards the controller, where the GDPR treats that specially:
# consent of people who depend on the controller is rarely free (Art. 7(4), recital 43),
# and they are vulnerable data subjects for a DPIA (WP248 rev.01); see law/special.py.
Relationship = Literal["customer", "prospect", "supplier", "visitor", "patient", "member",
                       "pupil", "employee", "job_applicant", "citizen", "other"]

# The settings in which an Art. 9(2) condition plainly applies to a purpose (law/special.py).
PurposeContext = Literal["health_care", "social_care", "occupational_health", "employment",
                         "social_security"]

# Where the notice lets people send rights requests (Art. 12(2)). `in_writing`: "in writing"
# with no means named, as many notices put it.
RequestChannel = Literal["in_writing", "post", "email", "web_form", "phone", "in_person",
                         "self_service"]


class DataSubject(Located):
    KIND: ClassVar[str] = "data_subject"
    id: Id
    name: Text = None
    description: Text = None
    relationship: Relationship | None = None  # e.g. employee: consent rarely free (Art. 7(4))
    section: Text = None


class DataCategory(Located):
    KIND: ClassVar[str] = "data_category"
    id: Id
    name: Text = None
    description: Text = None
    special: Bool = False
    criminal: Bool = False
    section: Text = None


class Purpose(Located):
    KIND: ClassVar[str] = "purpose"
    id: Id
    name: Text = None
    description: Text = None
    lawful_basis: LawfulBases = Field(default_factory=list)
    legitimate_interest: Text = None
    special_condition: SpecialCondition | None = None
    profiling: Bool = False
    automated_decision: Bool = False
    direct_marketing: Bool = False
    provision: Literal["contractual", "statutory", "voluntary"] | None = None
    consequences: Text = None  # Art. 13(2)(e): what follows if the data is not provided
    logic: Text = None  # Art. 13(2)(f): logic, significance, consequences of ADM/profiling
    context: PurposeContext | None = None  # care or HR setting: Art. 9(2)(h)/(b) may apply
    open_ended: Bool = False  # the notice leaves it open ("and other similar purposes")
    section: Text = None


class Retention(Located):
    KIND: ClassVar[str] = "retention"
    period: Duration | None = None
    trigger: Text = None
    description: Text = None
    section: Text = None


class Register(Located):
    KIND: ClassVar[str] = "register"
    id: Id
    name: Text = None
    description: Text = None
    data_subjects: list[Id] = Field(default_factory=list)
    data_categories: list[Id] = Field(default_factory=list)
    purposes: list[Id] = Field(default_factory=list)
    sources: list[Id] = Field(default_factory=list)
    retention: Retention | None = None
    section: Text = None


class Source(Located):
    KIND: ClassVar[str] = "source"
    id: Id
    name: Text = None
    kind: Literal["data_subject", "public", "third_party", "internal"] | None = None
    description: Text = None
    section: Text = None


class Recipient(Located):
    KIND: ClassVar[str] = "recipient"
    id: Id
    name: Text = None
    role: Literal["processor", "third_party", "joint_controller", "authority"] | None = None
    purposes: list[Id] = Field(default_factory=list)
    data_categories: list[Id] = Field(default_factory=list)
    description: Text = None
    section: Text = None


class Transfer(Located):
    KIND: ClassVar[str] = "transfer"
    recipient: Id
    countries: list[Country] = Field(default_factory=list)
    safeguard: Mechanism | None = None
    copy_available: Text = None  # Art. 13(1)(f): how to get a copy of Art. 46/47 safeguards
    description: Text = None
    section: Text = None


class AllowedPrincipal(Located):
    """Who the notice says may access the registers: a kind of principal with the widest
    scope it may have (e.g. 'named employees', 'accountants': the mapping form), or one
    inventory principal by its id (`principal`; the list form `[staff, accountant]`)."""
    KIND: ClassVar[str] = "allowed_principal"
    id: Id
    principal: Id | None = None  # the inventory principal the notice names (list form)
    name: Text = None
    kind: PrincipalKind | None = None
    scope: Scope = "full"
    description: Text = None

    @model_validator(mode="after")
    def _kind_or_principal(self):
        if self.kind is None and self.principal is None:
            raise ValueError("give the `kind` of principal the notice allows (employee_group, "
                             "external, service), or name an inventory `principal`")
        return self


def _principal_ids(value):
    """The list form (SPEC §4): `allowed_principals: [staff, accountant]` names inventory
    principals by id. Each id becomes `{id, principal}` at the id's own position, so a
    reference error points at the id that is wrong."""
    if not isinstance(value, list):
        return value
    locs = getattr(value, "item_locs", None) or ()
    items = []
    for index, item in enumerate(value):
        if isinstance(item, str):
            loc = locs[index] if index < len(locs) else getattr(value, "loc", None)
            item = _LocatedMapping({"id": item, "principal": item}, loc)
        items.append(item)
    return items


class _LocatedMapping(dict):
    """A mapping that carries its position `loc`, as the parsed tree's mappings do (the
    model cannot import `load.tree.LocDict`; base.Located reads `loc` and `key_locs`)."""
    __slots__ = ("loc", "key_locs")

    def __init__(self, mapping: dict, loc):
        super().__init__(mapping)
        self.loc = loc
        self.key_locs = dict.fromkeys(mapping, loc)


AllowedPrincipals = Annotated[
    list[AllowedPrincipal],
    BeforeValidator(_principal_ids, json_schema_input_type=list[AllowedPrincipal | Id])]


class Security(Located):
    KIND: ClassVar[str] = "security"
    measures: list[str] = Field(default_factory=list)
    allowed_principals: AllowedPrincipals = Field(default_factory=list)
    authentication: list[AuthMethod] = Field(default_factory=list)
    description: Text = None
    section: Text = None


class RightStatement(Located):
    KIND: ClassVar[str] = "right_statement"
    stated: Bool = True
    how: Text = None
    description: Text = None
    section: Text = None


class Rights(Located):
    KIND: ClassVar[str] = "rights"
    access: RightStatement | None = None
    rectification: RightStatement | None = None
    erasure: RightStatement | None = None
    restriction: RightStatement | None = None
    portability: RightStatement | None = None
    objection: RightStatement | None = None
    withdraw_consent: RightStatement | None = None
    complaint: RightStatement | None = None
    no_automated_decision: RightStatement | None = None
    request_channel: Text = None
    request_channels: list[RequestChannel] = Field(default_factory=list)  # Art. 12(2)
    identity_verification: Bool | str | None = None
    response_time: Duration | None = None
    description: Text = None
    section: Text = None

    @property
    def stated(self) -> list[str]:
        """The rights the notice states, in SPEC order."""
        return [r for r in RIGHTS if (s := getattr(self, r)) is not None and s.stated]


class Policy(Located):
    KIND: ClassVar[str] = "policy"
    notice: Notice | None = None
    controller: Controller | None = None
    supervisory_authority: SupervisoryAuthority | None = None
    data_subjects: list[DataSubject] = Field(default_factory=list)
    data_categories: list[DataCategory] = Field(default_factory=list)
    purposes: list[Purpose] = Field(default_factory=list)
    registers: list[Register] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    recipients: list[Recipient] = Field(default_factory=list)
    transfers: list[Transfer] = Field(default_factory=list)
    security: Security | None = None
    rights: Rights | None = None

    @property
    def lawful_bases(self) -> list[str]:
        """Every basis any purpose states, sorted (for 'rights that follow from bases')."""
        return sorted({b for p in self.purposes for b in p.lawful_basis})
