"""The law of transfers (gdpr_check/law/transfers.py) as plain functions over the shipped
reference data: no project, no expressions. Each case is written from the decision or the
article, not from the module."""
from __future__ import annotations

from datetime import date

import pytest

from gdpr_check.law import transfers
from gdpr_check.law.transfers import Recipient
from gdpr_check.refdata import reference

ON = date(2026, 11, 1)
PLAIN = Recipient(names=("acme", "Acme Inc."), certified=False, public_authority=False)
CERTIFIED = PLAIN._replace(certified=True)
AUTHORITY = PLAIN._replace(public_authority=True)
EPO = Recipient(names=("epo", "European Patent Office"), certified=False,
                public_authority=False)


@pytest.fixture(scope="module")
def ref():
    return reference()


@pytest.mark.parametrize("country", ["FI", "DE", "NO", "IS", "LI"])
def test_the_eea_needs_no_safeguard(ref, country):
    assert transfers.adequate(ref, country, None, ON)
    assert transfers.outside_eea(ref, [country]) == []


def test_the_dpf_covers_only_certified_organisations(ref):
    # Decision (EU) 2023/1795: the adequacy finding is limited to certified organisations
    assert transfers.adequate(ref, "US", CERTIFIED, ON)
    assert not transfers.adequate(ref, "US", PLAIN, ON)
    assert not transfers.adequate(ref, "US", None, ON)
    assert transfers.uncovered(ref, ["FI", "US"], PLAIN, ON) == ["US"]
    assert transfers.uncovered(ref, ["FI", "US"], CERTIFIED, ON) == []


@pytest.mark.parametrize("country", ["CA", "JP"])
def test_commercial_and_private_sector_decisions_leave_out_authorities(ref, country):
    # Decision 2002/2/EC (PIPEDA: commercial organisations); (EU) 2019/419 (private sector)
    assert transfers.adequate(ref, country, PLAIN, ON)
    assert not transfers.adequate(ref, country, AUTHORITY, ON)


def test_a_country_without_a_decision_is_not_adequate(ref):
    assert not transfers.adequate(ref, "IN", PLAIN, ON)
    assert transfers.adequacy(ref, "IN", PLAIN, ON) is None


def test_an_international_organisation_is_adequate_by_name_wherever_it_is(ref):
    # its own decision ((EU) 2025/1382), matched by name, whatever country it sits in
    assert transfers.adequacy(ref, "IN", EPO, ON).kind == "organisation"
    assert transfers.adequate(ref, "IN", EPO, ON)
    # a country is never an organisation: the same country for an ordinary recipient
    assert not transfers.adequate(ref, "IN", PLAIN, ON)


def test_valid_mechanisms(ref):
    always = ["scc", "bcr", "code_of_conduct", "certification"]
    assert transfers.valid_mechanisms(ref, ["FI"], PLAIN, ON) == \
        ["none", "adequacy", "dpf", *always, "derogation"]
    assert transfers.valid_mechanisms(ref, ["US"], PLAIN, ON) == always
    assert transfers.valid_mechanisms(ref, ["US"], CERTIFIED, ON) == \
        [*always, "adequacy", "dpf"]
    # the DPF carries only transfers to the US, adequacy only where every country has it
    assert transfers.valid_mechanisms(ref, ["US", "JP"], CERTIFIED, ON) == \
        [*always, "adequacy"]
    assert transfers.valid_mechanisms(ref, ["US", "IN"], CERTIFIED, ON) == always
    # Art. 49 derogations only for occasional transfers
    assert transfers.valid_mechanisms(ref, ["IN"], PLAIN, ON, occasional=True) == \
        [*always, "derogation"]


def test_effective_mechanism(ref):
    assert transfers.effective_mechanism(ref, "scc", ["IN"], PLAIN, ON) == "scc"
    assert transfers.effective_mechanism(ref, None, ["JP"], PLAIN, ON) == "adequacy"
    assert transfers.effective_mechanism(ref, "none", ["JP"], PLAIN, ON) == "adequacy"
    assert transfers.effective_mechanism(ref, None, ["US"], PLAIN, ON) == "none"
    assert transfers.effective_mechanism(ref, None, ["FI"], PLAIN, ON) == "none"


def test_dpf_certified_reads_the_recorded_transfer():
    class Transfer:
        def __init__(self, certified):
            self.dpf_certified = certified

    class Party:
        def __init__(self, transfer):
            self.transfer = transfer

    assert transfers.dpf_certified(Party(Transfer(True)))
    assert not transfers.dpf_certified(Party(Transfer(False)))
    assert not transfers.dpf_certified(Party(None))
    assert not transfers.dpf_certified(object())
