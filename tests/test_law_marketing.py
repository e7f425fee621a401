"""law/marketing.py: who national law lets a company e-mail marketing to on an opt-out."""
from __future__ import annotations

from gdpr_check.law import marketing
from gdpr_check.model.policy import DataSubject

LEADS = DataSubject(id="leads", relationship="prospect", business_contacts=True)
ENTRANTS = DataSubject(id="entrants", relationship="prospect")


def test_a_finnish_controller_may_market_to_business_contacts_on_an_opt_out():
    assert marketing.opt_out_contacts([LEADS, ENTRANTS], "FI") == [LEADS]


def test_elsewhere_business_contacts_are_judged_like_anyone():
    # Germany (UWG s. 7(2)) asks for consent; an unrecorded member state is taken to
    assert marketing.opt_out_contacts([LEADS], "DE") == []
    assert marketing.opt_out_contacts([LEADS], "SE") == []
    assert marketing.opt_out_contacts([LEADS], None) == []
