"""The privacy notice as structured data (SPEC §4).

Only what the notice *states* goes here. Fields the GDPR requires but the notice omits are
left empty, and rules report them; nothing here has a GDPR-friendly default.
`section` records where in the original notice a statement comes from.
"""

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from .base import Located
from .text import LocalizedText, check_language
from .types import (Bool, RIGHTS, AuthMethod, Country, Duration, Id, LawfulBases, Mechanism,
                    PrincipalKind, Scope, SpecialCondition, new_list)

# Human-readable text: a plain string in the notice's `language`, or `{fi: ..., en: ...}`
# (model/text.py). Addresses, numbers, proper names and `section` stay plain strings.
Text = LocalizedText | None
Language = Annotated[str, AfterValidator(check_language),
                     Field(json_schema_extra={"pattern": "^[a-z]{2}$"})]
Plain = str | None


class IndirectNotification(Located):
    """When people whose data comes from other sources are told (Art. 14(3), 14(5))."""
    KIND: ClassVar[str] = "indirect_notification"
    within: Duration | None = None  # at the latest this long after obtaining the data (<= P1M)
    """At the latest this long after obtaining the data, people are told (Art. 14(3)(a):
    within a reasonable period, at most one month). An ISO 8601 duration."""
    description: Text = None  # e.g. "at the first contact, at the latest within one month"
    """The notice's own words on when people are told, e.g. at the first contact."""
    exemption: Literal["already_informed", "impossible", "disproportionate_effort",
                       "required_by_law", "professional_secrecy"] | None = None  # Art. 14(5)
    """Why people whose data comes from elsewhere are not told (Art. 14(5)); omit when they
    are."""
    section: Plain = None
    """Where the original notice says this (its heading or section number), for tracing."""


class Notice(Located):
    KIND: ClassVar[str] = "notice"
    title: Text = None
    """The notice's title as published."""
    language: Language | None = None
    """The notice's language, an ISO 639-1 code (fi, en): the language of every plain string
    of policy/, and the default of `notice render`."""
    languages: list[Language] = Field(default_factory=new_list)
    """The languages the notice is published in (Art. 12(1)), when more than `language`:
    a version offered in a language must have every text in it (rule NT029)."""
    published: date | None = None
    """When the notice was first published."""
    updated: date | None = None
    """When the notice was last changed; rules compare it with the inventory's dates."""
    url: Plain = None
    """Where the notice is published (Art. 12(1): easily accessible)."""
    section: Plain = None
    """Where the original notice says this (its heading or section number), for tracing."""
    # Art. 14(3): when data subjects whose data comes from other sources are informed
    indirect_notification: IndirectNotification | None = None
    """When people whose data is obtained from other sources are told (Art. 14(3))."""


class Contact(Located):
    KIND: ClassVar[str] = "contact"
    name: Plain = None
    """The person's or function's name."""
    role: Text = None
    """Their role, e.g. privacy team."""
    phone: Plain = None
    """A phone number."""
    email: Plain = None
    """An e-mail address."""
    address: Plain = None
    """A postal address."""
    url: Plain = None
    """A web page or form."""
    section: Plain = None
    """Where the original notice says this (its heading or section number), for tracing."""


class Controller(Located):
    KIND: ClassVar[str] = "controller"
    name: str
    """The controller's legal name (Art. 13(1)(a), 14(1)(a))."""
    business_id: Plain = None
    """The controller's business or company registration id."""
    address: Plain = None
    """The controller's postal address (Art. 13(1)(a))."""
    country: Country
    """The country of establishment, ISO 3166-1 alpha-2 (FI, DE); decides the lead authority
    and whether Art. 27 applies."""
    contact: Contact | None = None
    """Who to contact about the processing (Art. 13(1)(a))."""
    representative: Contact | None = None
    """The EU representative of a controller outside the EU (Art. 13(1)(a), 27)."""
    dpo: Contact | None = None
    """The data protection officer's contact details (Art. 13(1)(b), 37(7))."""
    aim: Literal["political", "philosophical", "religious", "trade_union", "other"] | None = None
    """For a foundation, association or other not-for-profit body: its aim. Only a
    political, philosophical, religious or trade-union aim opens Art. 9(2)(d); `other` (a
    sports club, a hobby society) does not."""
    section: Plain = None
    """Where the original notice says this (its heading or section number), for tracing."""


class SupervisoryAuthority(Located):
    KIND: ClassVar[str] = "supervisory_authority"
    name: Text = None
    """The authority people may complain to (Art. 13(2)(d), 77)."""
    country: Country | None = None
    """Its country, ISO 3166-1 alpha-2."""
    url: Plain = None
    """Its web address."""
    section: Plain = None
    """Where the original notice says this (its heading or section number), for tracing."""


# How data subjects stand towards the controller, where the GDPR treats that specially:
# consent of people who depend on the controller is rarely free (Art. 7(4), recital 43),
# and they are vulnerable data subjects for a DPIA (WP248 rev.01); see law/special.py.
Relationship = Literal["customer", "prospect", "supplier", "visitor", "patient", "member",
                       "pupil", "employee", "job_applicant", "citizen", "other"]

# How direct marketing reaches people. The first four are "electronic mail" and automated
# calls in the sense of the ePrivacy Directive (Art. 2(h), 13(1)): to natural persons only
# with their prior consent, save the existing-customer exception of Art. 13(2) (rule LB018).
MarketingChannel = Literal["email", "sms", "automated_call", "fax", "phone", "post"]

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
    """The id the inventory and registers use for this group of people (lower-case letters,
    digits, _ . -)."""
    name: Text = None
    """Who they are, as the notice says (e.g. customers' contact persons)."""
    description: Text = None
    """More about the group."""
    relationship: Relationship | None = None
    """How the group relates to the controller (customer, employee, job_applicant, ...): consent
    from people in a position of dependence is rarely freely given (Art. 4(11), 7(4))."""
    business_contacts: Bool = False
    """true: people reached in their professional role at a work address (a client's or a
    prospective client's staff). Member States differ on e-mail marketing to them
    (ePrivacy Art. 13(5)): where the controller's law lets it market to them on an
    opt-out (Finland, Act 917/2014, s. 201), the consent rule for electronic marketing
    (LB018) does not judge them; elsewhere it does."""
    children: Bool = False
    """true: the group is or includes children (under 18), who merit specific protection
    (recital 38; Art. 6(1)(f)): publishing their data on any basis but consent or a law
    is reported (LB021)."""
    lead_in: Text = None
    """The notice's own sentences that introduce this item in its list, or that state it
    together with others ("the register may hold, among others:"). `notice render` writes
    them once, above the items that share them, and leaves out an item they already
    state: a list keeps the notice's wording."""
    section: Plain = None
    """Where the original notice says this (its heading or section number), for tracing."""


class DataCategory(Located):
    KIND: ClassVar[str] = "data_category"
    id: Id
    """The id the inventory uses for this category of data."""
    name: Text = None
    """The category as the notice names it (Art. 14(1)(d))."""
    description: Text = None
    """More about what the category holds."""
    special: Bool = False
    """true: a special category (health, beliefs, ...) that needs an Art. 9(2) condition
    (Art. 9(1))."""
    criminal: Bool = False
    """true: data on criminal convictions and offences (Art. 10)."""
    lead_in: Text = None
    """The notice's own sentences that introduce this item in its list, or that state it
    together with others ("the register may hold, among others:"). `notice render` writes
    them once, above the items that share them, and leaves out an item they already
    state: a list keeps the notice's wording."""
    section: Plain = None
    """Where the original notice says this (its heading or section number), for tracing."""


class Purpose(Located):
    KIND: ClassVar[str] = "purpose"
    id: Id
    """The id the inventory uses for this purpose."""
    name: Text = None
    """The purpose as the notice states it (Art. 5(1)(b), 13(1)(c))."""
    description: Text = None
    """More about the purpose."""
    lawful_basis: LawfulBases = Field(default_factory=new_list)
    """The Art. 6(1) basis (one, or a list when the notice names several): consent,
    contract, legal_obligation, vital_interests, public_task or legitimate_interests
    (Art. 13(1)(c))."""
    legitimate_interest: Text = None
    """The legitimate interests pursued, required with that basis (Art. 13(1)(d))."""
    special_condition: SpecialCondition | None = None
    """The Art. 9(2) condition for special categories used for this purpose (Art. 9(2))."""
    authorising_law: Plain = None
    """The Union or Member State law that authorises this purpose's processing of
    criminal-offence data (Art. 10) or of special categories under a condition that needs
    one (Art. 9(2)(g), (i), (j)), where the purpose does not rest on a legal obligation:
    e.g. a law that lets an association check its volunteers' criminal records (Finnish
    Act 148/2014), or a research act."""
    profiling: Bool = False
    """true: the purpose involves profiling (Art. 4(4), 13(2)(f), 21(2))."""
    automated_decision: Bool = False
    """true: decisions are made solely by automated means with legal or similar effects
    (Art. 22, 13(2)(f))."""
    direct_marketing: Bool = False
    """true: the purpose is direct marketing, which people may always object to (Art.
    21(2)-(3))."""
    channels: list[MarketingChannel] = Field(default_factory=new_list)
    """For direct marketing, how it reaches people: email, sms (text, picture and voice
    messages), automated_call, fax, phone (calls by a person) or post. The first four need
    the prior consent of natural persons, except to existing customers for similar
    products (ePrivacy Directive 2002/58/EC, Art. 13(1)-(2))."""
    provision: Literal["contractual", "statutory", "voluntary"] | None = None
    """Whether providing the data is a contractual or statutory requirement, or voluntary
    (Art. 13(2)(e))."""
    consequences: Text = None  # Art. 13(2)(e): what follows if the data is not provided
    """What follows if the data is not provided (Art. 13(2)(e))."""
    logic: Text = None  # Art. 13(2)(f): logic, significance, consequences of ADM/profiling
    """The logic involved, and the significance and consequences, of automated decisions or
    profiling (Art. 13(2)(f))."""
    context: PurposeContext | None = None
    """The setting of the purpose where it is care or HR (health_care, social_care,
    occupational_health, employment, social_security): Art. 9(2)(h) or (b) may then apply."""
    child_consent_from: int | None = Field(default=None, ge=0, le=17)
    """For an information society service offered directly to children on consent: the
    age from which a child consents alone (below it the holder of parental responsibility
    consents). Art. 8(1) allows no lower age than the member state sets (13-16)."""
    legal_claims: Bool = False
    """true: the purpose is establishing, exercising or defending legal claims (an archive
    kept for disputes): where the data are kept, erasure does not apply while they are
    needed for it (Art. 17(3)(e)), and an objection cannot stop it (Art. 21(1)); the
    notice still states the right to object (Art. 21(4)), and direct marketing still
    stops on an objection (Art. 21(3))."""
    publication: Bool = False
    """true: the purpose is to make the data public (a photo gallery, a list of speakers):
    public by design, which AC002 spares; its basis is the lawful-basis rules' question
    (on consent, the individual's intervention Art. 25(2) speaks of; children's data on
    any basis but consent or a law, LB021)."""
    open_ended: Bool = False
    """true: the notice leaves the purpose open ("and other similar purposes"), which
    Art. 5(1)(b) does not allow: purposes must be specified."""
    lead_in: Text = None
    """The notice's own sentences that introduce this item in its list, or that state it
    together with others ("the register may hold, among others:"). `notice render` writes
    them once, above the items that share them, and leaves out an item they already
    state: a list keeps the notice's wording."""
    section: Plain = None
    """Where the original notice says this (its heading or section number), for tracing."""


class BasisStatement(Located):
    """The notice's own words on the lawful bases, where it states them for the processing
    as a whole rather than purpose by purpose ("processing may rest on a contract,
    legitimate interests or consent"). A purpose whose `lawful_basis` lists exactly these
    bases is rendered under these words, not as resting on each of them (Art. 13(1)(c))."""
    KIND: ClassVar[str] = "lawful_basis_statement"
    bases: LawfulBases = Field(default_factory=new_list)
    """The bases the words name, as in a purpose's `lawful_basis`."""
    description: Text = None
    """The notice's words."""
    section: Plain = None
    """Where the original notice says this (its heading or section number), for tracing."""


class Retention(Located):
    KIND: ClassVar[str] = "retention"
    period: Duration | None = None
    """How long the data is kept, an ISO 8601 duration (P6Y, P30D) (Art. 5(1)(e), 13(2)(a))."""
    trigger: Text = None
    """From when the period runs, e.g. the end of the customer relationship."""
    description: Text = None
    """The criteria used, when no fixed period is stated (Art. 13(2)(a))."""
    section: Plain = None
    """Where the original notice says this (its heading or section number), for tracing."""


class Register(Located):
    KIND: ClassVar[str] = "register"
    id: Id
    """The id systems name in their `register`."""
    name: Text = None
    """The register (filing system) as the notice names it."""
    description: Text = None
    """More about the register."""
    data_subjects: list[Id] = Field(default_factory=new_list)
    """Ids of the notice's data_subjects whose data it holds."""
    data_categories: list[Id] = Field(default_factory=new_list)
    """Ids of the notice's data_categories it holds (Art. 14(1)(d))."""
    purposes: list[Id] = Field(default_factory=new_list)
    """Ids of the notice's purposes it serves (Art. 13(1)(c))."""
    sources: list[Id] = Field(default_factory=new_list)
    """Ids of the notice's sources its data comes from (Art. 14(2)(f))."""
    retention: Retention | None = None
    """How long its data is kept (Art. 13(2)(a), 14(2)(a))."""
    lead_in: Text = None
    """The notice's own sentences that introduce this item in its list, or that state it
    together with others ("the register may hold, among others:"). `notice render` writes
    them once, above the items that share them, and leaves out an item they already
    state: a list keeps the notice's wording."""
    section: Plain = None
    """Where the original notice says this (its heading or section number), for tracing."""


class Source(Located):
    KIND: ClassVar[str] = "source"
    id: Id
    """The id registers and flows use for this source."""
    name: Text = None
    """Where the data comes from, as the notice says (Art. 14(2)(f))."""
    kind: Literal["data_subject", "public", "third_party", "internal"] | None = None
    """data_subject (collected from the person: Art. 13), public or third_party (Art. 14
    applies), or internal."""
    description: Text = None
    """More about the source."""
    lead_in: Text = None
    """The notice's own sentences that introduce this item in its list, or that state it
    together with others ("the register may hold, among others:"). `notice render` writes
    them once, above the items that share them, and leaves out an item they already
    state: a list keeps the notice's wording."""
    section: Plain = None
    """Where the original notice says this (its heading or section number), for tracing."""


class Recipient(Located):
    KIND: ClassVar[str] = "recipient"
    id: Id
    """The id processors and transfers name in their `recipient`."""
    name: Text = None
    """The recipient or category of recipients (Art. 13(1)(e))."""
    role: Literal["processor", "third_party", "joint_controller", "authority"] | None = None
    """processor (Art. 28), third_party, joint_controller (Art. 26) or authority."""
    purposes: list[Id] = Field(default_factory=new_list)
    """Ids of the notice's purposes for which they receive data."""
    data_categories: list[Id] = Field(default_factory=new_list)
    """Ids of the notice's data_categories they receive."""
    description: Text = None
    """More about the recipient."""
    lead_in: Text = None
    """The notice's own sentences that introduce this item in its list, or that state it
    together with others ("the register may hold, among others:"). `notice render` writes
    them once, above the items that share them, and leaves out an item they already
    state: a list keeps the notice's wording."""
    section: Plain = None
    """Where the original notice says this (its heading or section number), for tracing."""


class Transfer(Located):
    KIND: ClassVar[str] = "transfer"
    recipient: Id
    """The id of the notice's recipient that receives the data outside the EEA (Art.
    13(1)(f))."""
    countries: list[Country] = Field(default_factory=new_list)
    """The third countries, ISO 3166-1 alpha-2 (Art. 44)."""
    safeguard: Mechanism | None = None
    """The transfer tool: adequacy (Art. 45), dpf, scc, bcr, code_of_conduct, certification
    (Art. 46-47), derogation (Art. 49) or none."""
    copy_available: Text = None  # Art. 13(1)(f): how to get a copy of Art. 46/47 safeguards
    """How to obtain a copy of the Art. 46/47 safeguards, or where they are available (Art.
    13(1)(f))."""
    description: Text = None
    """The notice's words on the transfer."""
    section: Plain = None
    """Where the original notice says this (its heading or section number), for tracing."""


class AllowedPrincipal(Located):
    """Who the notice says may access the registers: a kind of principal with the widest
    scope it may have (e.g. 'named employees', 'accountants': the mapping form), or one
    inventory principal by its id (`principal`; the list form `[staff, accountant]`)."""
    KIND: ClassVar[str] = "allowed_principal"
    id: Id
    """The id of this kind of accessor."""
    principal: Id | None = None
    """The list form names one inventory principal by its id; the notice then states
    no scope for it."""
    name: Text = None
    """Who may access the registers, as the notice says (e.g. named employees)."""
    kind: PrincipalKind | None = None
    """employee_group, external (people outside the company) or service (machine accounts);
    required unless `principal` is given."""
    scope: Scope = "full"
    """The widest access the notice allows them: full, partial or read (Art. 5(1)(f),
    25(2))."""
    description: Text = None
    """More about them."""

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
    measures: list[LocalizedText] = Field(default_factory=new_list)
    """The security measures the notice describes (Art. 32): free text items."""
    allowed_principals: AllowedPrincipals = Field(default_factory=new_list)
    """Who the notice says may access personal data, with the scope allowed (Art. 5(1)(f),
    32(4)): mappings, or inventory principal ids (`[staff, accountant]`)."""
    authentication: list[AuthMethod] = Field(default_factory=new_list)
    """The sign-in methods the notice promises: password, mfa, sso, api_key or none (Art.
    32(1)(b))."""
    description: Text = None
    """The notice's words on security."""
    section: Plain = None
    """Where the original notice says this (its heading or section number), for tracing."""


class RightStatement(Located):
    KIND: ClassVar[str] = "right_statement"
    stated: Bool = True
    """false: the notice mentions the right only to say it does not apply."""
    how: Text = None
    """How to exercise the right (Art. 12(2))."""
    description: Text = None
    """The notice's words on the right."""
    section: Plain = None
    """Where the original notice says this (its heading or section number), for tracing."""


class Rights(Located):
    KIND: ClassVar[str] = "rights"
    access: RightStatement | None = None
    """The right of access (Art. 15)."""
    rectification: RightStatement | None = None
    """The right to rectification (Art. 16)."""
    erasure: RightStatement | None = None
    """The right to erasure (Art. 17)."""
    restriction: RightStatement | None = None
    """The right to restriction of processing (Art. 18)."""
    portability: RightStatement | None = None
    """The right to data portability (Art. 20)."""
    objection: RightStatement | None = None
    """The right to object (Art. 21)."""
    withdraw_consent: RightStatement | None = None
    """The right to withdraw consent at any time (Art. 7(3), 13(2)(c))."""
    complaint: RightStatement | None = None
    """The right to lodge a complaint with a supervisory authority (Art. 77, 13(2)(d))."""
    no_automated_decision: RightStatement | None = None
    """The right not to be subject to a solely automated decision (Art. 22)."""
    request_channel: Text = None
    """Where to send requests, e.g. an e-mail address (Art. 12(2))."""
    request_channels: list[RequestChannel] = Field(default_factory=new_list)
    """How the notice lets people make requests (in_writing, post, email, web_form, phone,
    in_person, self_service): the controller must facilitate them (Art. 12(2))."""
    identity_verification: Bool | LocalizedText | None = None
    """true, or how the requester's identity is verified (Art. 12(6))."""
    response_time: Duration | None = None
    """The time the notice promises to answer within, an ISO 8601 duration; at most one
    month (Art. 12(3))."""
    response_time_description: Text = None
    """The notice's words on the response time, with any qualifier it states ("as a rule
    within one month"); `notice render` shows them instead of the bare duration."""
    description: Text = None
    """The notice's words on rights."""
    section: Plain = None
    """Where the original notice says this (its heading or section number), for tracing."""

    @property
    def stated(self) -> list[str]:
        """The rights the notice states, in SPEC order."""
        return [r for r in RIGHTS if (s := getattr(self, r)) is not None and s.stated]


class Policy(Located):
    KIND: ClassVar[str] = "policy"
    notice: Notice | None = None
    """The notice itself: title, language, dates, where it is published (Art. 12)."""
    controller: Controller | None = None
    """Who is responsible for the processing (Art. 13(1)(a)-(b), 14(1)(a)-(b))."""
    supervisory_authority: SupervisoryAuthority | None = None
    """Where people may complain (Art. 13(2)(d))."""
    data_subjects: list[DataSubject] = Field(default_factory=new_list)
    """The groups of people whose data is processed."""
    data_categories: list[DataCategory] = Field(default_factory=new_list)
    """The categories of personal data (Art. 14(1)(d))."""
    purposes: list[Purpose] = Field(default_factory=new_list)
    """Why the data is processed, each with its lawful basis (Art. 13(1)(c))."""
    lawful_basis_statement: BasisStatement | None = None
    """The notice's words on the bases, when it states them for all processing at once
    (Art. 13(1)(c)); the purposes still list the bases each may rest on."""
    registers: list[Register] = Field(default_factory=new_list)
    """The registers (filing systems) with their data, purposes and retention (Art. 30)."""
    sources: list[Source] = Field(default_factory=new_list)
    """Where the data comes from (Art. 14(2)(f))."""
    recipients: list[Recipient] = Field(default_factory=new_list)
    """Who receives the data (Art. 13(1)(e))."""
    transfers: list[Transfer] = Field(default_factory=new_list)
    """Transfers to third countries and their safeguards (Art. 13(1)(f), 44-49)."""
    security: Security | None = None
    """The security measures and who may access the data (Art. 32)."""
    rights: Rights | None = None
    """The rights the notice states and how to exercise them (Art. 13(2)(b)-(d), 15-22)."""

    @property
    def lawful_bases(self) -> list[str]:
        """Every basis any purpose states, sorted (for 'rights that follow from bases')."""
        return sorted({b for p in self.purposes for b in p.lawful_basis})
