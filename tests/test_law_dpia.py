"""law/dpia.py: what national Art. 35(4) lists add, and who may rest on Art. 35(10)."""
from __future__ import annotations

from gdpr_check.law.dpia import legislated, list_name, listed_monitoring
from gdpr_check.model.policy import Purpose


def test_the_finnish_list_names_biometric_identification_and_location():
    kinds = ["email", "biometric_attendance", "location", "cctv"]
    assert listed_monitoring(kinds, "FI") == ["biometric_attendance", "location"]


def test_a_state_whose_list_is_not_recorded_adds_nothing():
    assert listed_monitoring(["biometric_attendance"], "SE") == []
    assert listed_monitoring(["location"], None) == []
    assert list_name("SE") is None and "Ombudsman" in list_name("FI")


def _purpose(*bases, condition=None):
    return Purpose(id="p", lawful_basis=list(bases), special_condition=condition)


def test_art_35_10_needs_every_purpose_on_a_legal_obligation_or_public_task():
    law, task = _purpose("legal_obligation"), _purpose("public_task", "legal_obligation")
    assert legislated([law, task], True, False)
    assert not legislated([law, _purpose("legitimate_interests")], True, False)
    assert not legislated([_purpose("legal_obligation", "contract")], True, False)
    assert not legislated([], True, False)


def test_art_35_10_is_never_for_undeclared_purposes_art_9_data_or_biometrics():
    law = _purpose("legal_obligation")
    assert not legislated([law], False, False)  # a purpose the notice does not declare
    assert not legislated([law], True, True)    # special categories held
    assert not legislated([_purpose("legal_obligation", condition="explicit_consent")],
                          True, False)
    assert legislated([law], True, False, ["location"])
    assert not legislated([law], True, False, ["biometric_attendance"])


def test_the_finnish_list_names_the_art_14_5_b_derogation():
    from gdpr_check.law.dpia import listed_exemption
    assert listed_exemption("disproportionate_effort", "FI")
    assert listed_exemption("impossible", "FI")
    assert not listed_exemption("required_by_law", "FI")
    assert not listed_exemption("disproportionate_effort", "SE")
    assert not listed_exemption(None, "FI")
