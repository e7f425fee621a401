"""Electronic direct marketing where the ePrivacy Directive leaves the rule to national law.

E-mail, text and automated-call marketing to natural persons needs their prior consent,
save the existing-customer exception (Directive 2002/58/EC, Art. 13(1)-(2)); for legal
persons' subscribers, Member States decide (Art. 13(5)). Some let a company market to
people in their professional role at a work address on an opt-out, others ask for
consent there too.
"""
from __future__ import annotations

# Member States of the controller whose law lets it send such marketing to business
# contacts on an opt-out: Finland (Act 917/2014 on electronic communications services,
# s. 201). Germany (UWG s. 7(2)) and Austria (TKG 2021 s. 174) ask for consent; the others
# are not recorded, and are judged as asking for it.
B2B_OPT_OUT = frozenset({"FI"})


def opt_out_contacts(groups, controller_country: str | None) -> list:
    """The data-subject groups of `groups` marked `business_contacts` that a controller in
    `controller_country` may market to by e-mail on an opt-out; [] where its law asks for
    consent (or is not recorded)."""
    if controller_country not in B2B_OPT_OUT:
        return []
    return [g for g in groups if getattr(g, "business_contacts", False)]
