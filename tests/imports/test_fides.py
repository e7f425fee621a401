"""`gdpr-check import fides` / `export fides` on the sample project Fides ships."""
from __future__ import annotations

import yaml

import gdpr_check
from gdpr_check.cli import main
from gdpr_check.load import load_project

from .conftest import IMPORTS, snapshot

SAMPLE = IMPORTS / "fides"


def test_sample_imported_checked_exported_and_validated_by_fideslang(tmp_path, capsys):
    from fideslang.models import Organization, Taxonomy
    project = tmp_path / "cookie_house"
    assert main(["import", "fides", str(SAMPLE), "--project", str(project),
                 "--country", "US"]) == 0
    out = capsys.readouterr().out
    assert "created" in out and "inventory/fides.yaml" in out
    loaded = load_project(project)
    systems = {s.id: s for s in loaded.inventory.systems}
    assert set(systems) == {"cookie_house", "cookie_house_loyalty_database",
                            "cookie_house_postgresql_database",
                            "cookie_house_customer_database", "cookie_house_marketing_system",
                            "cookie_house_custom_request_fields_database"}
    db = systems["cookie_house_postgresql_database"]
    assert db.purposes == ["essential.service"] and db.owner == "Engineering"
    # the referenced dataset's field categories are carried; system data is not personal
    assert "user.contact.email" in db.data_categories
    assert not any(c.startswith("system") for c in db.data_categories)
    flows = {(f.from_, f.to) for f in loaded.inventory.flows}
    assert ("cookie_house_marketing_system", "cookie_house_customer_database") in flows
    assert loaded.policy.controller.name == "Cookie House"
    assert loaded.policy.controller.country == "US"
    targeted = {p.id: p for p in loaded.policy.purposes}[
        "marketing.advertising.first_party.targeted"]
    assert targeted.direct_marketing and targeted.profiling
    # what could not be mapped is listed, never dropped silently
    assert "not mapped: 1 fides policies" in out
    assert "no legal_basis_for_processing" in out
    assert "category system.operations is system data" in out

    report = gdpr_check.check(project, config=False)
    # the manifests give no legal basis: the checker says so for each purpose
    assert {f.subject_id for f in report.findings if f.rule == "NT007"} == {
        "essential.service", "functional.service.improve",
        "marketing.advertising.first_party.targeted"}

    manifest = tmp_path / "export.yml"
    assert main(["export", "fides", str(project), "--output", str(manifest)]) == 0
    data = yaml.safe_load(manifest.read_text())
    Organization.model_validate(data["organization"][0])
    taxonomy = Taxonomy.model_validate({k: v for k, v in data.items() if k != "organization"})
    assert {s.fides_key for s in taxonomy.system} == set(systems)
    exported = {s.fides_key: s for s in taxonomy.system}
    assert exported["cookie_house_marketing_system"].egress[0].fides_key == \
        "cookie_house_customer_database"


def test_import_is_idempotent_and_refuses_hand_edits(tmp_path, capsys):
    project = tmp_path / "p"
    args = ["import", "fides", str(SAMPLE), "--project", str(project)]
    assert main(args) == 0
    first = snapshot(project)
    assert main(args) == 0
    assert snapshot(project) == first
    assert "unchanged" in capsys.readouterr().out
    target = project / "inventory" / "fides.yaml"
    target.write_text("# our own note\n" + target.read_text().replace("Cookie House eCommerce",
                                                                      "Our shop"))
    edited = snapshot(project)
    assert main(args) == 2
    assert "edited by hand" in capsys.readouterr().err
    assert snapshot(project) == edited
    assert main(args + ["--force"]) == 0
    text = target.read_text()
    assert text.startswith("# our own note\n") and "Cookie House eCommerce" in text


def test_existing_declarations_are_not_repeated(base_project, capsys):
    assert main(["import", "fides", str(SAMPLE), "--project", str(base_project),
                 "--country", "FI"]) == 0
    out = capsys.readouterr().out
    assert "policy/ already has a controller" in out
    load_project(base_project)  # merges with the base project without duplicate ids


def test_dry_run_writes_nothing(tmp_path, capsys):
    project = tmp_path / "p"
    project.mkdir()
    assert main(["import", "fides", str(SAMPLE), "--project", str(project), "--dry-run"]) == 0
    assert "--- would write" in capsys.readouterr().out
    assert snapshot(project) == {}


def test_malformed_manifest_is_exit_2_at_file_line(tmp_path, capsys):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "systems.yml").write_text(
        "system:\n  - fides_key: shop\n    name: Shop\n    privacy_declarations:\n"
        "      - data_use: essential\n        data_categories: user\n")
    project = tmp_path / "p"
    assert main(["import", "fides", str(bad), "--project", str(project)]) == 2
    err = capsys.readouterr().err
    assert "systems.yml:6" in err and "Traceback" not in err
    assert not project.exists() or snapshot(project) == {}
    (bad / "systems.yml").write_text("systm:\n  - fides_key: shop\n")
    assert main(["import", "fides", str(bad), "--project", str(project)]) == 2
    assert "systems.yml:1:1: 'systm' is not a Fides resource type" in capsys.readouterr().err


DECLARED = """\
system:
  - fides_key: clinic_app
    name: Clinic app
    system_type: Application
    privacy_declarations:
      - data_use: essential.service
        data_categories: [user.health_and_medical, user.criminal_history, user.name]
        data_subjects: [patient]
        legal_basis_for_processing: Contract
        special_category_legal_basis: Health or social care (with a basis in law)
    egress:
      - {fides_key: user, type: user}
"""


def test_legal_bases_and_special_categories_are_mapped(tmp_path):
    from gdpr_check.imports import fides
    manifests = tmp_path / "m"
    manifests.mkdir()
    (manifests / "system.yml").write_text(DECLARED)
    plan = fides.plan_import(manifests, tmp_path / "p", "FI")
    policy = yaml.safe_load(plan.files[1].text)
    purpose, = policy["purposes"]
    assert purpose["lawful_basis"] == ["contract"]
    assert purpose["special_condition"] == "health_care"
    categories = {c["id"]: c for c in policy["data_categories"]}
    assert categories["user.health_and_medical"].get("special") is True
    assert categories["user.criminal_history"].get("criminal") is True
    assert "special" not in categories["user.name"]
    inventory = yaml.safe_load(plan.files[0].text)
    assert inventory["flows"] == [{"id": "clinic_app-to-data_subject", "from": "clinic_app",
                                   "to": "data_subject"}]
