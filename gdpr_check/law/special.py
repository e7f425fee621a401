"""Special categories (Art. 9), criminal-offence data (Art. 10) and the relationships in
which consent and monitoring are judged differently (Art. 4(11), 7(4), 35(1)).

Where such data is processed is read from what each system, processor and flow of the
inventory holds and for which purpose, never from the notice's registers: a register
lists the data and purposes of a whole processing activity, so spreading its categories
over every one of its purposes would report purposes that never touch the data.
"""
from __future__ import annotations

from typing import Any, NamedTuple

# Art. 9(2) conditions that plainly apply to a purpose of a given `context`, with the
# Art. 6(1) bases that show the processing is the necessary kind the condition covers.
# (h): "medical diagnosis, the provision of health or social care or treatment ... the
# assessment of the working capacity of the employee", by professionals under secrecy
# (Art. 9(3)), under law or a contract with a health professional. (b): "obligations ...
# in the field of employment and social security and social protection law in so far as
# it is authorised by Union or Member State law or a collective agreement": the Art. 6
# basis may be the employment contract (sick pay under it), but only a law or collective
# agreement authorises the processing; `plain_conditions` gives (b) on either basis and
# `law_shown` tells whether the purpose shows that law (a legal obligation, or one named
# in `authorising_law`): LB012 asks a contract-only purpose to name it (health questions
# to every applicant are authorised by no law, Finnish Act 759/2004, s. 5).
CARE_BASES = ("legal_obligation", "contract", "public_task")
# Purposes whose special-category data are patient or client records (health care,
# occupational health care included, and social care), which national law makes the
# controller log the use of (Finland: Act 703/2023, which covers every provider of
# health and social care services).
CARE_CONTEXTS = frozenset({"health_care", "occupational_health", "social_care"})
EMPLOYMENT_BASES = ("legal_obligation", "contract")
PLAIN_CONDITIONS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "health_care": (("health_care", CARE_BASES),),
    "social_care": (("health_care", CARE_BASES),),
    "occupational_health": (("health_care", CARE_BASES),
                            ("employment_social_security", EMPLOYMENT_BASES)),
    "employment": (("employment_social_security", EMPLOYMENT_BASES),),
    "social_security": (("employment_social_security", EMPLOYMENT_BASES),),
}
CONDITION_POINTS = {"explicit_consent": "Art. 9(2)(a)",
                    "employment_social_security": "Art. 9(2)(b)",
                    "vital_interests": "Art. 9(2)(c)", "nonprofit_body": "Art. 9(2)(d)",
                    "made_public": "Art. 9(2)(e)", "legal_claims": "Art. 9(2)(f)",
                    "substantial_public_interest": "Art. 9(2)(g)",
                    "health_care": "Art. 9(2)(h)", "public_health": "Art. 9(2)(i)",
                    "archiving_research": "Art. 9(2)(j)"}

# The Art. 6 bases that are laid down by law (Art. 6(3)), and so show the law that Art. 10
# (official authority, or a law authorising the processing) and Art. 9(2)(b), (g), (i),
# (j) ask for; national law may also authorise criminal data for legal claims (Finnish
# Data Protection Act 1050/2018, s. 7), which the notice shows as `legal_claims`.
LAW_BASES = ("public_task", "legal_obligation")

# Data subjects who depend on the controller, so that their consent is rarely free
# (Art. 4(11), 7(4), recital 43; EDPB Guidelines 05/2020 on consent, para. 16-24): staff
# and applicants (para. 21-23), and people dealing with a public authority (para. 16-20).
# The same dependence makes them vulnerable data subjects for a DPIA (WP248 rev.01).
DEPENDENT_RELATIONSHIPS = ("employee", "job_applicant", "citizen")

# Systematic monitoring of employees (WP248 rev.01, criteria 3 and 7; WP29 Opinion 2/2017
# on data processing at work), by what the system watches.
EMPLOYEE_MONITORING = {
    "email": "e-mail and message monitoring",
    "dlp": "data loss prevention (content inspection)",
    "web_usage": "web and application usage monitoring",
    "cctv": "camera surveillance of the workplace",
    "location": "location tracking (vehicles, phones)",
    "productivity": "productivity or activity tracking",
    "keystrokes": "keystroke or screen recording",
    "call_recording": "call recording",
    "biometric_attendance": "biometric time and attendance",
}

# Uses of reading or storing information on a user's device that need consent under the
# ePrivacy Directive, Art. 5(3): all but what is strictly necessary for the service the
# user asked for (CJEU C-673/17 Planet49; EDPB Guidelines 2/2023, para. 7-9).
CONSENT_FREE_TERMINAL_USES = ("strictly_necessary",)


class Use(NamedTuple):
    """One purpose (declared or not) for which the inventory processes data of a kind
    (special or criminal): the categories concerned and the systems, processors and flows
    that hold them for it, in inventory order."""
    id: str
    purpose: Any  # the notice's purpose, or None when the notice does not declare it
    categories: tuple[str, ...]
    holders: tuple[Any, ...]

    KIND = "purpose"

    @property
    def location(self):
        """The declared purpose's position, else the first object processing for it."""
        where = self.purpose if self.purpose is not None else self.holders[0]
        return where.location

    @property
    def holder_names(self) -> list[str]:
        return [getattr(h, "name", None) or h.id for h in self.holders]


def purposes_of(holder) -> list[str]:
    """The purposes an inventory object processes for: a system's or processor's
    `purposes`, a flow's `purpose`."""
    if hasattr(holder, "purposes"):
        return list(holder.purposes)
    purpose = getattr(holder, "purpose", None)
    return [purpose] if purpose else []


def uses(holders, categories: dict, purposes: dict, test) -> list[Use]:
    """The purposes for which `holders` process a category whose declaration (in
    `categories`, id -> DataCategory) passes `test`, sorted by purpose id. Each holder's
    categories count for each of its own purposes: the inventory records no finer pairing,
    and a system holding the data for a purpose processes it for that purpose."""
    passing = {c for c, category in categories.items() if test(category)}  # not per holder
    found: dict[str, tuple[dict, dict]] = {}
    for holder in holders:
        kinds = [c for c in holder.data_categories if c in passing]
        if not kinds:
            continue
        for purpose in purposes_of(holder):
            cats, seen = found.setdefault(purpose, ({}, {}))
            cats.update(dict.fromkeys(kinds))
            seen.setdefault(id(holder), holder)
    return [Use(p, purposes.get(p), tuple(sorted(cats)), tuple(seen.values()))
            for p, (cats, seen) in sorted(found.items())]


def plain_conditions(purpose) -> list[str]:
    """The Art. 9(2) conditions that may apply to a declared purpose without being stated:
    (h) to a care or occupational-health purpose resting on a law, a contract or a public
    task; (b) to an employment or social-security one resting on a legal obligation or the
    employment contract. Never on consent, which (a) would need explicit. Whether (b)'s
    authorising law is shown is `law_shown`'s."""
    if purpose is None:
        return []
    bases = set(purpose.lawful_basis)
    found = []
    for condition, needed in PLAIN_CONDITIONS.get(getattr(purpose, "context", None), ()):
        if bases and bases <= set(needed):
            found.append(condition)
    return found


def law_shown(purpose) -> bool:
    """Whether a purpose shows the law behind it: it rests on a legal obligation or a
    public task (Art. 6(3): laid down by law), or names the law (`authorising_law`)."""
    if purpose is None:
        return False
    return any(b in LAW_BASES for b in purpose.lawful_basis) \
        or bool(purpose.authorising_law)


def criminal_authorised(purpose) -> bool:
    """Whether a declared purpose may process criminal-offence data (Art. 10): it rests on
    a public task or a legal obligation, or on the `legal_claims` condition national law
    authorises, or it names the law that authorises it (`authorising_law`: a law
    that permits without obliging, so the Art. 6 basis is another, e.g. legitimate
    interests)."""
    if purpose is None:
        return False
    return law_shown(purpose) or purpose.special_condition == "legal_claims"


def dependent(subject_ids, subjects: dict) -> list[str]:
    """The data subject ids whose declaration (`subjects`, id -> DataSubject) records a
    relationship of dependence on the controller (employee, job applicant, citizen)."""
    return [s for s in subject_ids or () if s in subjects
            and getattr(subjects[s], "relationship", None) in DEPENDENT_RELATIONSHIPS]


def monitoring_labels(kinds) -> list[str]:
    """How each recorded kind of employee monitoring is named in findings."""
    return [EMPLOYEE_MONITORING.get(k, k) for k in kinds or ()]


def tracking_without_consent(system, purposes: dict) -> list:
    """The `terminal_access` entries of a system that need consent (ePrivacy Directive
    Art. 5(3): anything but the strictly necessary) and do not rest on it: their purpose
    is undeclared or not based on consent alone, or the system records no consent."""
    recorded = bool(system.consent is not None and system.consent.recorded)
    found = []
    for access in system.terminal_access:
        if access.use in CONSENT_FREE_TERMINAL_USES:
            continue
        purpose = purposes.get(access.purpose) if access.purpose else None
        on_consent = purpose is not None and list(purpose.lawful_basis) == ["consent"]
        if not (on_consent and recorded):
            found.append(access)
    return found
