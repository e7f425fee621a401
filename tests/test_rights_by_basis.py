"""Which rights each lawful basis attracts (gdpr_check/law/rights.py), basis x right.

The table below is written from the articles, not from the module: a row per Art. 6(1)
basis, a column per right of `model.types.RIGHTS`. Then the facts that add or remove
rights whatever the basis (Art. 9(2)(a), 17(3)(e), 21(2), 22), and how the helper
`rights_due` finds a system's bases.
"""
from __future__ import annotations

import typing

import pytest

from gdpr_check.law.rights import ARTICLES, gives, rights_of
from gdpr_check.model.types import RIGHTS, LawfulBasis

BASES = typing.get_args(LawfulBasis)

# basis -> the rights it attracts besides access, rectification, restriction, complaint
# (Art. 15, 16, 18, 77: every basis).
EXTRA = {
    "consent": {"erasure", "portability", "withdraw_consent"},     # 17(1)(b), 20(1)(a), 7(3)
    "contract": {"erasure", "portability"},                        # 20(1)(a)
    "legal_obligation": set(),                                     # 17(3)(b)
    "vital_interests": {"erasure"},
    "public_task": {"objection"},                                  # 21(1); 17(3)(b), 20(3)
    "legitimate_interests": {"erasure", "objection"},              # 21(1)
}
ALWAYS = {"access", "rectification", "restriction", "complaint"}


def test_the_table_covers_every_basis_of_the_model():
    assert set(EXTRA) == set(BASES)


@pytest.mark.parametrize("right", RIGHTS)
@pytest.mark.parametrize("basis", BASES)
def test_right_by_basis(basis, right):
    expected = right in ALWAYS | EXTRA[basis]
    assert (right in rights_of([basis])) is expected


@pytest.mark.parametrize("right", RIGHTS)
@pytest.mark.parametrize("basis", BASES)
def test_direct_marketing_adds_objection_under_art_21_2_whatever_the_basis(basis, right):
    due = rights_of([basis], direct_marketing=True)
    assert (right in due) is (right in ALWAYS | EXTRA[basis] | {"objection"})
    assert gives(due["objection"], "Art. 21(2)")


@pytest.mark.parametrize("basis", BASES)
def test_automated_decisions_add_the_art_22_rights(basis):
    assert "no_automated_decision" not in rights_of([basis])
    due = rights_of([basis], automated_decision=True)
    assert due["no_automated_decision"] == ("Art. 22(1)", "Art. 22(3)")


@pytest.mark.parametrize("basis", BASES)
def test_explicit_consent_adds_withdrawal_and_portability(basis):
    due = rights_of([basis], "explicit_consent")
    assert {"withdraw_consent", "portability"} <= set(due)
    assert due["withdraw_consent"] == ("Art. 7(3)",)


@pytest.mark.parametrize("basis", BASES)
def test_legal_claims_exclude_erasure(basis):
    assert "erasure" not in rights_of([basis], "legal_claims")  # Art. 17(3)(e)


@pytest.mark.parametrize("basis", BASES)
def test_a_purpose_for_legal_claims_excludes_erasure_and_the_art_21_1_objection(basis):
    due = rights_of([basis], legal_claims=True)
    assert "erasure" not in due  # Art. 17(3)(e)
    assert "Art. 21(1)" not in due.get("objection", ())  # "... or for legal claims"
    assert set(ALWAYS) <= set(due)


def test_legal_claims_leave_the_objection_to_direct_marketing():
    due = rights_of(["legitimate_interests"], direct_marketing=True, legal_claims=True)
    assert due["objection"] == ("Art. 21(2)",)  # Art. 21(3): marketing stops regardless


def test_any_listed_basis_counts_and_the_erasure_exception_needs_all():
    due = rights_of(["contract", "legal_obligation"])
    assert "erasure" in due and "portability" in due
    assert "erasure" not in rights_of(["legal_obligation", "public_task"])


def test_no_known_basis_asks_erasure_but_nothing_basis_dependent():
    assert set(rights_of([])) == ALWAYS | {"erasure"}


def test_articles_name_each_right_and_results_keep_the_rights_order():
    assert set(ARTICLES) == set(RIGHTS)
    due = rights_of(["consent", "legitimate_interests"], direct_marketing=True,
                    automated_decision=True)
    assert list(due) == [r for r in RIGHTS if r in due]
    assert due["objection"] == ("Art. 21(1)", "Art. 21(2)")
    assert gives(due["objection"], "Art. 21") and not gives(due["objection"], "Art. 2")


# -- the helper: a system's bases come from its purposes and the flows into it ----------

@pytest.fixture
def helpers_for(tmp_path):
    from gdpr_check.api import validate
    from gdpr_check.expr.helpers import Helpers
    from gdpr_check.expr.index import Index
    from gdpr_check.refdata import reference
    from tests.rules.harness import write_project

    def build(patch):
        project = validate(write_project(tmp_path, patch))
        index = Index(project.policy, project.inventory)
        return Helpers(index, reference()), index
    return build


def test_a_system_takes_its_purposes_bases(helpers_for):
    helpers, index = helpers_for(None)
    assert set(helpers.rights_due(index.by_kind["system"]["crm"])) == \
        ALWAYS | EXTRA["contract"]
    assert helpers.rights_due(index.by_kind["system"]["newsletter_list"])[
        "withdraw_consent"] == ["newsletter"]


def test_flows_stating_a_basis_settle_an_ambiguous_purpose(helpers_for):
    patch = {"policy": {"purposes": [{"id": "customer_relationship",
                                      "lawful_basis": ["contract", "consent"]}]}}
    helpers, index = helpers_for(patch)
    assert "withdraw_consent" in helpers.rights_due(index.by_kind["system"]["crm"])
    patch["inventory"] = {"flows": [{"id": "orders", "lawful_basis": "legal_obligation"}]}
    helpers, index = helpers_for(patch)
    assert set(helpers.rights_due(index.by_kind["system"]["crm"])) == ALWAYS


def test_same_store_flows_are_not_disclosures(helpers_for):
    helpers, index = helpers_for(None)
    flows = index.by_kind["flow"]
    assert helpers.same_store(flows["crm_backup"]) and helpers.same_store(flows["list_to_mailer"])
    assert helpers.disclosures() == []


# -- the rules: the notice's and the systems' rules follow the same table ----------------

SYSTEM_RULES = {"RI017": "access", "RI018": "rectification", "RI019": "erasure",
                "RI020": "restriction", "RI021": "portability", "RI022": "objection",
                "RI024": "withdraw_consent", "RI025": "no_automated_decision"}
NOTICE_RULES = {"RI005": "portability", "RI006": "objection", "RI008": "withdraw_consent"}


def _run(tmp_path, basis, rules):
    from gdpr_check import check
    from tests.rules.harness import write_project
    patch = {
        "policy": {"purposes": [{"id": "customer_relationship", "lawful_basis": basis},
                                {"id": "newsletter", "lawful_basis": basis}],
                   "rights": {"portability": None, "objection": None,
                              "withdraw_consent": None}},
        "inventory": {"systems": [
            {"id": system, "rights": {r: {"supported": False} for r in RIGHTS}}
            for system in ("crm", "newsletter_list")]},
    }
    report = check(write_project(tmp_path, patch), select=list(rules), config=False,
                   waivers=False, baseline=False)
    return {(f.rule, f.subject_id) for f in report.findings}


@pytest.mark.parametrize("basis", BASES)
def test_system_rules_ask_each_system_for_the_rights_its_basis_attracts(tmp_path, basis):
    found = _run(tmp_path, basis, SYSTEM_RULES)
    expected = {(rule, system) for rule, right in SYSTEM_RULES.items()
                if right in ALWAYS | EXTRA[basis] for system in ("crm", "newsletter_list")}
    assert found == expected


@pytest.mark.parametrize("basis", BASES)
def test_notice_rules_ask_the_notice_for_the_rights_its_bases_attract(tmp_path, basis):
    found = {rule for rule, _ in _run(tmp_path, basis, NOTICE_RULES)}
    assert found == {rule for rule, right in NOTICE_RULES.items() if right in EXTRA[basis]}


# -- law.rights.due and system_bases: the plain functions rights_due() applies ----------

def test_due_lists_the_purposes_attracting_each_right():
    from gdpr_check.law.rights import Processing, due
    marketing = Processing("newsletter", ("consent",), direct_marketing=True)
    invoicing = Processing("invoicing", ("legal_obligation",))
    found = due((marketing, invoicing))
    assert list(found) == [r for r in RIGHTS if r in found]  # in the order of RIGHTS
    assert found["access"] == ["newsletter", "invoicing"]
    assert found["erasure"] == ["newsletter"]       # Art. 17(3)(b) exempts the bookkeeping
    assert found["objection"] == ["newsletter"]     # Art. 21(2), whatever the basis
    assert found["withdraw_consent"] == ["newsletter"]
    assert due((marketing, invoicing), "Art. 21(2)") == {"objection": ["newsletter"]}
    # processing with no purpose attracts rights for no purpose id
    assert due((Processing(None, ("consent",)),))["withdraw_consent"] == []


def test_system_bases_prefer_what_every_incoming_flow_states():
    from gdpr_check.law.rights import system_bases
    assert system_bases(["contract"], ["legal_obligation", "legal_obligation"]) == \
        ("legal_obligation", "legal_obligation")
    # a flow stating no basis leaves the notice's, with the stated ones after it
    assert system_bases(["contract"], ["legal_obligation", None]) == \
        ("contract", "legal_obligation")
    assert system_bases(["contract", "consent"], []) == ("contract", "consent")
