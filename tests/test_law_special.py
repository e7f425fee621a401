"""law/special.py: where special-category and criminal data are processed, which Art. 9(2)
conditions plainly apply, and the vocabularies it shares with the model."""
from __future__ import annotations

from typing import get_args

from gdpr_check.law import special
from gdpr_check.model.inventory import EmployeeMonitoring, Flow, System
from gdpr_check.model.policy import (DataCategory, DataSubject, Purpose, PurposeContext,
                                     Relationship)

CATEGORIES = {c.id: c for c in (DataCategory(id="contact"),
                                DataCategory(id="health", special=True),
                                DataCategory(id="record", criminal=True))}


def purpose(id, **fields):
    return Purpose(id=id, **fields)


def test_vocabularies_are_the_models():
    assert set(special.PLAIN_CONDITIONS) == set(get_args(PurposeContext))
    assert set(special.DEPENDENT_RELATIONSHIPS) <= set(get_args(Relationship))
    assert set(special.EMPLOYEE_MONITORING) == set(get_args(EmployeeMonitoring))


def test_each_system_counts_for_its_own_purposes_only():
    care = System(id="ehr", purposes=["care"], data_categories=["contact", "health"])
    billing = System(id="billing", purposes=["invoicing"], data_categories=["contact"])
    flow = Flow.model_validate({"id": "referral", "from": "ehr", "to": "billing",
                                "purpose": "hr", "data_categories": ["health"]})
    purposes = {"care": purpose("care")}
    uses = special.uses([care, billing, flow], CATEGORIES, purposes, lambda c: c.special)
    assert [(u.id, u.categories, [h.id for h in u.holders]) for u in uses] == \
        [("care", ("health",), ["ehr"]), ("hr", ("health",), ["referral"])]
    assert uses[0].purpose is purposes["care"] and uses[1].purpose is None  # undeclared
    assert uses[0].KIND == "purpose" and uses[1].location is None  # built without a file


def test_criminal_data_is_a_separate_kind():
    vetting = System(id="vetting", purposes=["checks"], data_categories=["record", "health"])
    uses = special.uses([vetting], CATEGORIES, {}, lambda c: c.criminal)
    assert [(u.id, u.categories) for u in uses] == [("checks", ("record",))]


def test_plain_conditions_need_the_setting_and_a_basis_showing_necessity():
    assert special.plain_conditions(purpose("a", context="health_care",
                                            lawful_basis="legal_obligation")) == ["health_care"]
    assert special.plain_conditions(purpose("b", context="occupational_health",
                                            lawful_basis="legal_obligation")) == \
        ["health_care", "employment_social_security"]
    assert special.plain_conditions(purpose("c", context="employment",
                                            lawful_basis="contract")) == \
        ["employment_social_security"]
    # consent is no sign of necessity; public task is not an employment-law obligation
    assert special.plain_conditions(purpose("d", context="health_care",
                                            lawful_basis="consent")) == []
    assert special.plain_conditions(purpose("e", context="employment",
                                            lawful_basis="public_task")) == []
    assert special.plain_conditions(purpose("f", lawful_basis="legal_obligation")) == []
    assert special.plain_conditions(None) == []


def test_criminal_authorised():
    assert special.criminal_authorised(purpose("a", lawful_basis="legal_obligation"))
    assert special.criminal_authorised(purpose("b", lawful_basis="public_task"))
    assert special.criminal_authorised(purpose("c", lawful_basis="contract",
                                               special_condition="legal_claims"))
    assert not special.criminal_authorised(purpose("d", lawful_basis="consent"))
    assert not special.criminal_authorised(None)


def test_dependent_subjects():
    subjects = {s.id: s for s in (DataSubject(id="staff", relationship="employee"),
                                  DataSubject(id="buyers", relationship="customer"),
                                  DataSubject(id="others"))}
    assert special.dependent(["buyers", "staff", "others", "unknown"], subjects) == ["staff"]
