"""law/dpia.py: what national Art. 35(4) lists add, and who may rest on Art. 35(10)."""
from __future__ import annotations

from gdpr_check.law.dpia import legislated, list_name, listed_monitoring


def test_the_finnish_list_names_biometric_identification_and_location():
    kinds = ["email", "biometric_attendance", "location", "cctv"]
    assert listed_monitoring(kinds, "FI") == ["biometric_attendance", "location"]


def test_a_state_whose_list_is_not_recorded_adds_nothing():
    assert listed_monitoring(["biometric_attendance"], "SE") == []
    assert listed_monitoring(["location"], None) == []
    assert list_name("SE") is None and "Ombudsman" in list_name("FI")


def test_art_35_10_needs_every_purpose_on_a_legal_obligation_or_public_task():
    assert legislated([["legal_obligation"], ["public_task", "legal_obligation"]])
    assert not legislated([["legal_obligation"], ["legitimate_interests"]])
    assert not legislated([["legal_obligation", "contract"]])
    assert not legislated([]) and not legislated([[]])


def test_the_finnish_list_names_the_art_14_5_b_derogation():
    from gdpr_check.law.dpia import listed_exemption
    assert listed_exemption("disproportionate_effort", "FI")
    assert listed_exemption("impossible", "FI")
    assert not listed_exemption("required_by_law", "FI")
    assert not listed_exemption("disproportionate_effort", "SE")
    assert not listed_exemption(None, "FI")


def test_biometric_identification_is_never_an_art_35_10_case():
    assert legislated([["legal_obligation"]], ["location"])
    assert not legislated([["legal_obligation"]], ["biometric_attendance"])
