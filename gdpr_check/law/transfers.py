"""Transfers to third countries and international organisations (Art. 44-49): where a
transfer needs no safeguard, and which mechanisms can carry it.

- Inside the EEA there is no transfer (Art. 44; the EEA Agreement extends the GDPR to
  Iceland, Liechtenstein and Norway).
- An adequacy decision (Art. 45(3)) covers a country, but only within its scope: the
  EU-US Data Privacy Framework (Decision (EU) 2023/1795) only organisations certified
  under it; decisions for commercial organisations (Canada, Decision 2002/2/EC: PIPEDA)
  or the private sector (Japan, Decision (EU) 2019/419) not public authorities. The
  scope of each decision is data in `refdata/reference.yaml`. An international
  organisation with a decision of its own is adequate wherever its offices are, and is
  matched by its name, never by a country.
- Standard contractual clauses (Art. 46(2)(c)), binding corporate rules (Art. 47), codes
  of conduct and certifications (Art. 46(2)(e), (f)) are valid wherever the data goes;
  the derogations of Art. 49 only for occasional transfers (recital 113; EDPB
  Guidelines 2/2018 on Art. 49).

Plain functions over the reference data (`refdata`) and the facts of a recipient
(`Recipient`); `expr/helpers.py` reads those facts from the model.
"""
from __future__ import annotations

from datetime import date
from typing import NamedTuple

# Mechanisms valid for any destination (Art. 46(2)(c), 47, 46(2)(e), 46(2)(f)).
ALWAYS_VALID = ("scc", "bcr", "code_of_conduct", "certification")


class Recipient(NamedTuple):
    """What decides whether an adequacy decision covers a recipient."""
    names: tuple[str, ...]   # ids and names by which it may name an international organisation
    certified: bool          # certified under the DPF (its `transfer.dpf_certified`)
    public_authority: bool   # a public authority (the notice's recipient role `authority`)


def dpf_certified(party) -> bool:
    """Whether a processor (or notice recipient) records DPF certification."""
    transfer = getattr(party, "transfer", None)
    return bool(transfer is not None and transfer.dpf_certified)


def adequacy(ref, country: str, recipient: Recipient | None, on: date):
    """The adequacy decision in force on `on` for `country`, or none; for a recipient
    naming an international organisation with a decision of its own, that decision."""
    if recipient is not None:
        decision = ref.organisation_decision(*recipient.names, on=on)
        if decision is not None:
            return decision
    return ref.decision_for(country, on)


def adequate(ref, country: str, recipient: Recipient | None, on: date) -> bool:
    """Whether a transfer of `recipient`'s data to `country` needs no further safeguard:
    the EEA, or an adequacy decision in force on `on` whose scope covers the recipient
    (Art. 45(1)). Without a recipient, it is neither certified nor an authority."""
    if ref.in_eea(country):
        return True
    decision = adequacy(ref, country, recipient, on)
    if decision is None:
        return False
    if decision.kind == "organisation":
        return True
    return decision.covers(certified=recipient is not None and recipient.certified,
                           public_authority=recipient is not None and recipient.public_authority)


def outside_eea(ref, countries) -> list:
    """The countries of a list (or one country) outside the EEA, in order."""
    if isinstance(countries, str):
        countries = [countries]
    return [c for c in countries or () if not ref.in_eea(c)]


def uncovered(ref, countries, recipient: Recipient | None, on: date) -> list:
    """The countries outside the EEA that no adequacy decision covers for `recipient`:
    where a transfer needs an Art. 46 safeguard or an Art. 49 derogation."""
    return [c for c in outside_eea(ref, countries) if not adequate(ref, c, recipient, on)]


def valid_mechanisms(ref, countries, recipient: Recipient | None, on: date,
                     occasional: bool = False) -> list:
    """The mechanisms that can carry a transfer to every country of `countries`: within
    the EEA any (there is no transfer); else the Art. 46-47 safeguards, adequacy when it
    covers every country for the recipient, the DPF for a certified recipient in the US
    only, and the Art. 49 derogations for an occasional transfer."""
    outside = [c for c in countries if not ref.in_eea(c)]
    if not outside:
        return ["none", "adequacy", "dpf", *ALWAYS_VALID, "derogation"]
    valid = list(ALWAYS_VALID)
    if all(adequate(ref, c, recipient, on) for c in outside):
        valid.append("adequacy")
    if outside == ["US"] * len(outside) and recipient is not None and recipient.certified:
        valid.append("dpf")
    if occasional:
        valid.append("derogation")
    return valid


def effective_mechanism(ref, recorded: str | None, countries, recipient: Recipient | None,
                        on: date) -> str:
    """The mechanism a transfer really relies on: the one recorded; with none recorded,
    `adequacy` when adequacy covers every country outside the EEA (no safeguard is
    needed), else `none` (also for a recipient only in the EEA)."""
    if recorded and recorded != "none":
        return recorded
    outside = outside_eea(ref, countries)
    if outside and all(adequate(ref, c, recipient, on) for c in outside):
        return "adequacy"
    return "none"
