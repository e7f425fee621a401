"""What national lists under Art. 35(4) add to the cases in which a DPIA is mandatory.

Art. 35(3) names three cases; each supervisory authority publishes a list of the kinds of
processing that need a DPIA in its state (Art. 35(4)), built on the WP248 rev.01 criteria.
Recorded here are the entries a system's `employee_monitoring` can show, for the states
whose list has been read for them.
"""
from __future__ import annotations

from .special import LAW_BASES

# Controller's country -> the kinds of employee monitoring its authority's list makes a
# DPIA mandatory for. Finland: the Data Protection Ombudsman's list of 21.12.2018
# (Official Journal 2/2019) asks for one where biometric data identify a person, or
# location data are processed, together with at least one more criterion, systematic
# monitoring among them: monitoring employees is that criterion.
MANDATORY_MONITORING: dict[str, frozenset[str]] = {
    "FI": frozenset({"biometric_attendance", "location"}),
}
# Kinds of monitoring a screening never answers, Art. 35(10) or not.
NEVER_LEGISLATED = frozenset({"biometric_attendance"})

# Controller's country -> the Art. 14(5) exemptions from informing people whose data come
# from elsewhere that its list makes a DPIA mandatory for, together with another WP248
# criterion. Finland: the same list (a derogation from informing under Art. 14(5)); the
# "invisible processing" of WP248 is the impossible or disproportionate effort of 14(5)(b).
MANDATORY_EXEMPTIONS: dict[str, frozenset[str]] = {
    "FI": frozenset({"impossible", "disproportionate_effort"}),
}

# Where each list is published, for messages.
LISTS: dict[str, str] = {
    "FI": "the Data Protection Ombudsman's list of 21 December 2018",
}


def listed_monitoring(kinds, controller_country: str | None) -> list[str]:
    """The kinds of employee monitoring among `kinds` for which the list of
    `controller_country`'s authority makes a DPIA mandatory (Art. 35(4)); [] for a state
    whose list is not recorded."""
    listed = MANDATORY_MONITORING.get(controller_country or "", frozenset())
    return [k for k in kinds or () if k in listed]


def listed_exemption(exemption: str | None, controller_country: str | None) -> bool:
    """Whether `controller_country`'s list makes a DPIA mandatory where people are not
    informed on this Art. 14(5) ground (with another criterion)."""
    return exemption in MANDATORY_EXEMPTIONS.get(controller_country or "", frozenset())


def list_name(controller_country: str | None) -> str | None:
    """How a message names the Art. 35(4) list of `controller_country`'s authority."""
    return LISTS.get(controller_country or "")


# Art. 35(10): processing on a legal obligation or a public task (Art. 6(1)(c), (e)) whose
# law regulates that very processing, and whose impact was assessed when that law was
# adopted, needs no DPIA of its own unless the Member State says otherwise (the
# tachograph, Regulation (EU) 165/2014). Only processing on the bases laid down by law
# (`special.LAW_BASES`) can claim it, and never biometric identification, which no such
# law regulates for an employer.


def legislated(purposes, declared_all: bool, holds_special: bool, kinds=()) -> bool:
    """Whether a screening of processing for `purposes` (the declared purposes' objects,
    with `lawful_basis` and `special_condition`) may rest on Art. 35(10): all of its
    purposes declared (`declared_all`), each on a legal obligation or a public task only
    and needing no Art. 9(2) condition, no special categories held, and no monitoring
    of a kind in `NEVER_LEGISLATED` (a law requiring a record of hours does not regulate
    the fingerprints taken to keep it)."""
    purposes = list(purposes)
    if not purposes or not declared_all or holds_special \
            or NEVER_LEGISLATED.intersection(kinds or ()):
        return False
    return all(p.lawful_basis and set(p.lawful_basis) <= set(LAW_BASES)
               and not p.special_condition for p in purposes)
