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
                                            lawful_basis="legal_obligation")) == \
        ["employment_social_security"]
    # (b) may apply on the employment contract (sick pay under it); whether a law or
    # collective agreement authorises the processing is `law_shown`'s
    assert special.plain_conditions(purpose("c2", context="employment",
                                            lawful_basis="contract")) == \
        ["employment_social_security"]
    assert not special.law_shown(purpose("c2", context="employment", lawful_basis="contract"))
    assert special.law_shown(purpose("c4", context="employment", lawful_basis="contract",
                                     authorising_law="Act 759/2004, s. 5"))
    assert special.law_shown(purpose("c5", lawful_basis=["contract", "legal_obligation"]))
    assert special.plain_conditions(purpose("c3", context="occupational_health",
                                            lawful_basis="contract")) == \
        ["health_care", "employment_social_security"]
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


# -- the rules on a project: per system and per flow ------------------------------------

def run(tmp_path, patch, *rules):
    from gdpr_check import check

    from .rules.harness import write_project
    return check(write_project(tmp_path, patch), select=list(rules)).findings


HEALTH = {"id": "health", "name": "Health data", "special": True}


def test_per_system_and_per_flow_each_purpose_is_judged_on_its_own_data(tmp_path):
    """The CRM holds health data for a purpose with a condition; the sign-up flow carries
    it for the newsletter, which has none: only the newsletter is reported, naming the
    flow, and the register that lists health data for both adds nothing."""
    findings = run(tmp_path, {
        "policy": {"data_categories": [HEALTH],
                   "purposes": [{"id": "customer_relationship",
                                 "special_condition": "explicit_consent"}],
                   "registers": [{"id": "marketing",
                                  "data_categories": ["contact_details", "health"]}]},
        "inventory": {"systems": [{"id": "crm",
                                   "data_categories": ["contact_details", "health"]}],
                      "flows": [{"id": "signup",
                                 "data_categories": ["contact_details", "health"]}]}},
        "LB010", "LB012")
    assert [(f.rule, f.subject_id) for f in findings] == [("LB010", "newsletter")]
    assert "(health, in signup)" in findings[0].message


def test_an_undeclared_purpose_with_health_data_is_also_an_art9_finding(tmp_path):
    findings = run(tmp_path, {
        "policy": {"data_categories": [HEALTH]},
        "inventory": {"systems": [{"id": "sick_leave", "name": "Sick-leave records",
                                   "purposes": ["absence_management"],
                                   "data_subjects": ["customer_contacts"],
                                   "data_categories": ["health"]}]}},
        "LB001", "LB010")
    assert sorted((f.rule, f.subject_id) for f in findings) == \
        [("LB001", "sick_leave"), ("LB010", "absence_management")]
    art9 = next(f for f in findings if f.rule == "LB010")
    assert art9.path == "inventory/inventory.yaml" and art9.severity == "critical"
    assert "which the notice does not declare" in art9.message


def test_a_care_purpose_on_the_law_is_not_critical(tmp_path):
    findings = run(tmp_path, {
        "policy": {"data_categories": [HEALTH],
                   "purposes": [{"id": "customer_relationship", "context": "health_care",
                                 "lawful_basis": "legal_obligation"}]},
        "inventory": {"systems": [{"id": "crm",
                                   "data_categories": ["contact_details", "health"]}]}},
        "LB010", "LB012")
    assert [(f.rule, f.severity) for f in findings] == [("LB012", "medium")]
    assert "Art. 9(2)(h)" in findings[0].message


def test_per_system_criminal_data_follows_the_system_purpose(tmp_path):
    record = {"id": "record", "name": "Criminal record extract", "criminal": True}
    findings = run(tmp_path, {
        "policy": {"data_categories": [record],
                   "purposes": [{"id": "vetting", "name": "Statutory background checks",
                                 "lawful_basis": "legal_obligation"}]},
        "inventory": {"systems": [{"id": "hr", "name": "HR system", "purposes": ["vetting"],
                                   "data_subjects": ["customer_contacts"],
                                   "data_categories": ["record"]}]}},
        "LB011")
    assert findings == []
