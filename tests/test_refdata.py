"""The reference data of the law (gdpr_check/refdata/reference.yaml) and its loader."""
from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path

import pytest

from gdpr_check.errors import InputError
from gdpr_check.model.types import iso_countries
from gdpr_check.refdata import DATA_FILE, SCOPES, load, reference

EU27 = {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
        "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"}
EFTA_EEA = {"IS", "LI", "NO"}
ADEQUATE_COUNTRIES = {"AD", "AR", "BR", "CA", "FO", "GG", "IL", "IM", "JP", "JE", "NZ", "KR",
                      "CH", "GB", "US", "UY"}
DECISION_NUMBER = re.compile(r"^(\(EU\) \d{4}/\d{1,4}|\d{4}/\d{1,4}/(EC|EU))$")


@pytest.fixture(scope="module")
def ref():
    return reference()


def test_the_eea_is_the_eu_27_plus_iceland_liechtenstein_norway(ref):
    assert len(ref.eea) == 30
    assert ref.eea == EU27 | EFTA_EEA
    assert ref.eu == EU27
    assert ref.eea <= iso_countries()
    assert not ref.in_eea("GB") and not ref.in_eea("CH") and not ref.in_eea("US")
    assert ref.in_eea("NO")  # YAML 1.2: Norway stays a string, not false


def test_every_decision_is_well_formed_and_sourced(ref):
    ids = [d.id for d in ref.decisions]
    assert len(ids) == len(set(ids))
    for d in ref.decisions:
        assert d.name and d.id
        assert DECISION_NUMBER.match(d.decision), d.decision
        assert d.scope in SCOPES
        assert date(1995, 10, 24) < d.adopted <= ref.as_of, d
        assert d.source.startswith("https://"), d
        assert "eur-lex.europa.eu" in d.source or "commission.europa.eu" in d.source, d
        assert set(d.countries) <= iso_countries(), d
        assert not set(d.countries) & ref.eea, d
        assert d.in_force(ref.as_of), d
        for amendment in d.amended_by:
            assert amendment.reference and amendment.adopted >= d.adopted
            assert amendment.source.startswith("https://")
        if d.scope != "all":
            assert d.scope_note, f"{d.id}: a partial scope needs its scope_note"


def test_every_decision_in_force_is_listed(ref):
    covered = {c for d in ref.decisions for c in d.countries}
    assert covered == ADEQUATE_COUNTRIES
    assert ref.decision_for("IN") is None and ref.decision_for("AU") is None
    assert ref.decision_for("BR").decision == "(EU) 2026/179"
    assert ref.decision_for("KR").decision == "(EU) 2022/254"


def test_united_kingdom_decision_renewed_until_2031(ref):
    uk = ref.decision_for("GB")
    assert uk.decision == "(EU) 2021/1772" and uk.adopted == date(2021, 6, 28)
    assert uk.scope == "all" and uk.covers()
    assert uk.expires == date(2031, 12, 27)
    assert [a.adopted for a in uk.amended_by] == [date(2025, 6, 24), date(2025, 12, 19)]
    assert uk.amended_by[-1].reference == "(EU) 2025/2574"
    assert uk.in_force(date(2026, 1, 1))
    assert not uk.in_force(date(2031, 12, 28))
    assert ref.decision_for("GB", on=date(2032, 1, 1)) is None
    assert ref.decision_for("GI") is None  # Gibraltar is not covered


def test_us_decision_covers_only_dpf_certified_organisations(ref):
    dpf = ref.decision_for("US")
    assert dpf.decision == "(EU) 2023/1795" and dpf.adopted == date(2023, 7, 10)
    assert dpf.scope == "certified" and not dpf.full
    assert dpf.covers(certified=True)
    assert not dpf.covers(certified=False)


def test_partial_scopes_exclude_public_authorities(ref):
    for country in ("CA", "JP"):
        decision = ref.decision_for(country)
        assert decision.covers(public_authority=False)
        assert not decision.covers(public_authority=True)
    assert ref.decision_for("KR").covers(public_authority=True)  # PIPA covers both sectors


def test_european_patent_organisation_matched_by_name_never_by_country(ref):
    epo = ref.organisation_decision("European Patent Organisation")
    assert epo is not None and epo.kind == "organisation" and epo.countries == ()
    assert epo.decision == "(EU) 2025/1382" and epo.adopted == date(2025, 7, 15)
    assert ref.organisation_decision("european-patent-office") is epo
    assert ref.organisation_decision("EPO") is epo
    assert ref.organisation_decision("DE") is None
    assert ref.organisation_decision("Patentanwälte GmbH") is None
    assert all(ref.decision_for(c) is not epo for c in iso_countries())
    assert ref.organisation_decision("EPO", on=date(2025, 7, 14)) is None  # not yet adopted


def test_an_authority_for_each_of_the_30_eea_states(ref):
    assert set(ref.authorities) == ref.eea
    for country, authority in ref.authorities.items():
        assert authority["name"] and authority["name_en"], country
        assert authority["url"].startswith("https://"), country
    assert ref.authority("FI")["name"] == "Tietosuojavaltuutetun toimisto"
    assert ref.authority("US") is None


def test_an_art_8_age_for_each_of_the_30_eea_states(ref):
    """Art. 8(1): 16, or a lower age set by the member state, not below 13."""
    assert set(ref.child_consent_ages) == ref.eea
    assert all(13 <= age <= 16 for age in ref.child_consent_ages.values())
    assert ref.child_consent_age("FI") == 13  # Tietosuojalaki 1050/2018, 5 §
    assert ref.child_consent_age("DE") == 16
    assert ref.child_consent_age("US") is None and ref.child_consent_age(None) is None


def test_the_file_is_dated_and_names_its_sources(ref):
    assert date(2026, 1, 26) <= ref.as_of  # includes the Brazil decision
    assert len(ref.sources) >= 3 and all("https://" in s for s in ref.sources)


def test_loader_is_fast():
    load(DATA_FILE)  # warm the parser import
    times = []
    for _ in range(5):
        start = time.perf_counter()
        load(DATA_FILE)
        times.append(time.perf_counter() - start)
    assert min(times) < 0.02, times
    assert reference() is reference()  # loaded once per process


MINIMAL = """\
as_of: 2027-01-01
sources: ["https://example.test"]
eea:
  - {country: FI, name: Finland, eu: true}
adequacy:
%s
supervisory_authorities:
  - {country: FI, name: Tietosuojavaltuutetun toimisto, url: "https://tietosuoja.fi"}
"""


def _write(tmp_path: Path, decisions: str) -> Path:
    path = tmp_path / "reference.yaml"
    path.write_text(MINIMAL % decisions, encoding="utf-8")
    return path


def test_a_new_decision_is_a_data_edit(tmp_path):
    path = _write(tmp_path, '  - {id: in, name: India, countries: [IN], decision: "(EU) 2027/1",'
                            ' adopted: 2027-01-01, scope: all, source: "https://eur-lex.europa.eu/x"}')
    ref = load(path)
    assert ref.decision_for("IN", on=date(2027, 1, 2)).name == "India"
    assert ref.decision_for("IN", on=date(2026, 12, 31)) is None


@pytest.mark.parametrize("entry,problem", [
    ('{id: x, name: X, countries: [IN], decision: "1", adopted: 2020-01-01, scope: most,'
     ' source: "https://x"}', "unknown scope"),
    ('{id: x, name: X, countries: [IN], decision: "1", adopted: 2020-01-01, scope: all}',
     "missing 'source'"),
    ('{id: x, name: X, countries: [IN], decision: "1", adopted: 2020-13-01, scope: all,'
     ' source: "https://x"}', "ISO date"),
    ('{id: x, name: X, countries: [], decision: "1", adopted: 2020-01-01, scope: all,'
     ' source: "https://x"}', "not both"),
])
def test_malformed_reference_data_is_refused_with_its_position(tmp_path, entry, problem):
    path = _write(tmp_path, "  - " + entry)
    with pytest.raises(InputError) as err:
        load(path)
    assert problem in err.value.message
    assert err.value.path == str(path) and err.value.line


def test_helpers_apply_scope_and_organisations(tmp_path):
    from gdpr_check.expr import Helpers, Index
    from gdpr_check.load import load_project
    from tests.rules.harness import write_project
    write_project(tmp_path, {
        "policy": {"recipients": [{"id": "patent_office", "name": "Patent office",
                                   "role": "authority"}]},
        "inventory": {"processors": [
            {"id": "epo", "name": "European Patent Office", "role": "third_party",
             "countries": ["DE"], "recipient": "patent_office"},
            {"id": "agency", "name": "Canadian agency", "role": "third_party",
             "countries": ["CA"], "recipient": "patent_office"},
        ]}})
    project = load_project(tmp_path)
    helpers = Helpers(Index(project.policy, project.inventory), reference())
    procs = {p.id: p for p in project.inventory.processors}
    assert helpers.international_organisation(procs["epo"]).id == "epo"
    assert helpers.international_organisation(procs["cloudhost"]) is None
    assert helpers.adequate("US", procs["mailer"])          # DPF-certified in the base
    assert not helpers.adequate("US", procs["cloudhost"])   # not certified
    assert not helpers.adequate("CA", procs["agency"])      # a public authority
    assert helpers.adequate("CA", procs["cloudhost"])
    assert helpers.uncovered(["FI", "GB", "IN", "US"], procs["cloudhost"]) == ["IN", "US"]
    assert helpers.effective_mechanism(procs["mailer"]) == "dpf"
