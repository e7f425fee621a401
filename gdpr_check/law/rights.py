"""Which data-subject rights a processing operation attracts, by lawful basis (Art. 12-22).

The rights of Chapter III do not all apply to all processing. Which ones do follows from
the lawful basis (Art. 6(1)), the Art. 9(2) condition and two facts of the purpose (direct
marketing, solely automated decisions):

    right                  applies                                          article
    access                 always                                           Art. 15
    rectification          always                                           Art. 16
    erasure                unless the processing rests only on a legal       Art. 17(1);
                           obligation or a public task, or is needed for     17(3)(b), 17(3)(e)
                           legal claims (a purpose's `legal_claims`, or the
                           Art. 9(2)(f) condition)
    restriction            always                                           Art. 18
    portability            consent, explicit consent or a contract           Art. 20(1)
    objection              legitimate interests or a public task, unless     Art. 21(1)
                           for legal claims; direct marketing, whatever      Art. 21(2)
                           the basis
    withdraw_consent       consent or explicit consent                       Art. 7(3)
    no_automated_decision  decisions based solely on automated processing    Art. 22(1), 22(3)
                           with legal or similarly significant effects
    complaint              always, to a supervisory authority (no system)    Art. 77

Where several bases are listed for one purpose, a right counts as due if any of them
carries it: the controller has told data subjects it may rely on that basis and may not
swap it for another when they exercise the right (EDPB Guidelines 05/2020 on consent,
para. 121-123). The exceptions of Art. 17(3) apply only where every basis falls under
them. With no basis known, the basis-dependent rights are not asked, but erasure is:
its exceptions need the basis to be shown.

Plain functions over plain values; `expr/helpers.py` applies them to the model.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

# Each right's own article: what a finding about that right cites.
ARTICLES: dict[str, str] = {
    "access": "Art. 15", "rectification": "Art. 16", "erasure": "Art. 17",
    "restriction": "Art. 18", "portability": "Art. 20", "objection": "Art. 21",
    "withdraw_consent": "Art. 7(3)", "complaint": "Art. 77",
    "no_automated_decision": "Art. 22",
}

# How messages name each right.
NAMES: dict[str, str] = {
    "access": "access", "rectification": "rectification", "erasure": "erasure",
    "restriction": "restriction of processing", "portability": "data portability",
    "objection": "objection", "withdraw_consent": "withdrawal of consent",
    "complaint": "a complaint to the supervisory authority",
    "no_automated_decision": "human review of automated decisions",
}

# Rights that apply whatever the basis (erasure is handled apart: Art. 17(3) exceptions).
ALWAYS: dict[str, str] = {"access": "Art. 15", "rectification": "Art. 16",
                          "restriction": "Art. 18(1)", "complaint": "Art. 77(1)"}

# Bases (Art. 6(1), and explicit consent under Art. 9(2)(a)) -> the rights they add.
BY_BASIS: dict[str, dict[str, str]] = {
    "consent": {"portability": "Art. 20(1)", "withdraw_consent": "Art. 7(3)"},
    "explicit_consent": {"portability": "Art. 20(1)", "withdraw_consent": "Art. 7(3)"},
    "contract": {"portability": "Art. 20(1)"},
    "legitimate_interests": {"objection": "Art. 21(1)"},
    "public_task": {"objection": "Art. 21(1)"},
    "legal_obligation": {},
    "vital_interests": {},
}

# Bases under which erasure does not apply while the data are needed for them (Art. 17(3)(b)).
ERASURE_EXEMPT_BASES = frozenset({"legal_obligation", "public_task"})
# Art. 9(2) conditions under which erasure does not apply (Art. 17(3)(e): legal claims).
ERASURE_EXEMPT_CONDITIONS = frozenset({"legal_claims"})


def rights_of(bases: Iterable[str], special_condition: str | None = None, *,
              direct_marketing: bool = False, automated_decision: bool = False,
              legal_claims: bool = False) -> dict[str, tuple[str, ...]]:
    """The rights processing on `bases` (Art. 6(1) bases) attracts, each with the
    articles giving it, in the order of `model.types.RIGHTS`. `special_condition` is the
    Art. 9(2) condition, if any; `direct_marketing` adds objection under Art. 21(2)
    whatever the basis; `automated_decision` (solely automated, with legal or similarly
    significant effects) adds the Art. 22 rights; `legal_claims` (processing for legal
    claims) takes away erasure (Art. 17(3)(e)) and the objection of Art. 21(1), which
    yields to legal claims."""
    from ..model.types import RIGHTS
    bases = list(dict.fromkeys(bases))
    found: dict[str, list[str]] = {right: [article] for right, article in ALWAYS.items()}
    if not legal_claims and _erasure_applies(bases, special_condition):
        found["erasure"] = ["Art. 17(1)"]
    grounds = [*bases, *([special_condition] if special_condition == "explicit_consent"
                         else [])]
    for basis in grounds:
        for right, article in BY_BASIS.get(basis, {}).items():
            if legal_claims and article == "Art. 21(1)":
                continue
            found.setdefault(right, [])
            if article not in found[right]:
                found[right].append(article)
    if direct_marketing:
        found.setdefault("objection", []).append("Art. 21(2)")
    if automated_decision:
        found["no_automated_decision"] = ["Art. 22(1)", "Art. 22(3)"]
    return {right: tuple(found[right]) for right in RIGHTS if right in found}


def _erasure_applies(bases: list[str], special_condition: str | None) -> bool:
    """Erasure applies unless every basis is exempt (Art. 17(3)(b)) or the Art. 9(2)
    condition is legal claims (Art. 17(3)(e)); with no basis known the exception cannot
    be shown, so it applies."""
    if special_condition in ERASURE_EXEMPT_CONDITIONS:
        return False
    return not bases or not all(b in ERASURE_EXEMPT_BASES for b in bases)


# Parties that send the company data they hold on their own account: what comes from
# them is the company obtaining data (Art. 14), not disclosing it. Art. 19 binds a
# controller towards the recipients it disclosed data to; an independent controller's
# own erasures are its own duty, and between joint controllers their arrangement says who
# relays what (Art. 26(1)).
CONTROLLER_ROLES = frozenset({"third_party", "joint_controller"})


def obtained_from(role: str | None) -> bool:
    """Whether data coming from a party in `role` (an inventory processor's `role`) is
    the company obtaining it, not passing it on."""
    return role in CONTROLLER_ROLES


def in_an_inquiry(notice_role: str | None, inquiry: bool) -> bool:
    """Whether a flow reaches a public authority in a particular inquiry, which is not a
    recipient (Art. 4(9), second sentence), so that Art. 19 does not apply: a flow
    marked `inquiry` to a party the notice discloses as an `authority` (a recording
    handed to the police). Regular reporting to an authority (earnings to the tax
    register) is a disclosure to a recipient like any other."""
    return notice_role == "authority" and bool(inquiry)


def gives(articles: Iterable[str], article: str) -> bool:
    """Whether `article` (e.g. "Art. 21(2)") is among `articles`, or a paragraph of it
    ("Art. 21" matches "Art. 21(1)")."""
    return any(a == article or a.startswith(article + "(") for a in articles)


class Processing(NamedTuple):
    """One processing operation, as far as the rights it attracts go: the purpose it
    serves (an id, or none), its lawful bases and the facts of that purpose."""
    purpose: str | None
    bases: tuple[str, ...]
    special_condition: str | None = None
    direct_marketing: bool = False
    automated_decision: bool = False
    legal_claims: bool = False


@lru_cache(maxsize=4096)
def due(processing: tuple[Processing, ...], article: str | None = None) -> dict[str, list]:
    """The rights a set of processing operations attracts (`rights_of` of each), each with
    the ids of the purposes that attract it, in the order of `model.types.RIGHTS`. Given
    `article` (e.g. 'Art. 21(2)'), only the rights that article gives. A right attracted
    only by processing with no purpose has an empty list. Cached: a large inventory has
    100,000 flows but a few dozen distinct (purpose, bases) pairs; the result is shared,
    so callers must not change it."""
    from ..model.types import RIGHTS
    found: dict[str, list] = {}
    for operation in processing:
        attracted = rights_of(operation.bases, operation.special_condition,
                              direct_marketing=operation.direct_marketing,
                              automated_decision=operation.automated_decision,
                              legal_claims=operation.legal_claims)
        for right, articles in attracted.items():
            if article is not None and not gives(articles, article):
                continue
            ids = found.setdefault(right, [])
            if operation.purpose and operation.purpose not in ids:
                ids.append(operation.purpose)
    return {right: found[right] for right in RIGHTS if right in found}


def system_bases(declared: Iterable[str], stated: list) -> tuple[str, ...]:
    """The lawful bases a system processes a purpose on: those the flows bringing it data
    for that purpose state (`stated`, none for a flow stating none) when all of them
    state one, else the notice's `declared` bases with any stated ones after them. The
    inventory's basis for the data it brings in is the more specific fact (bookkeeping
    on a legal obligation within a purpose the notice lists on contract or consent); any
    flow without one leaves the notice's."""
    if stated and all(stated):
        return tuple(stated)
    return tuple(dict.fromkeys([*declared, *filter(None, stated)]))
