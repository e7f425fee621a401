"""Terraform plans and .tf files: resources, regions -> countries, drift findings, import."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import gdpr_check
from gdpr_check.cli import main
from gdpr_check.errors import InputError
from gdpr_check.imports.terraform import read_sources
from gdpr_check.load import load_project

from .conftest import IMPORTS, snapshot

PLAN = IMPORTS / "terraform" / "plan.json"
TF = IMPORTS / "terraform" / "main.tf"


def resources(path):
    return {r.address: r for r in read_sources([path], path.parent)}


def test_plan_resources_of_aws_azure_and_google():
    found = resources(PLAN)
    assert "aws_iam_role.deploy" not in found            # says nothing about personal data
    bucket = found["aws_s3_bucket.crm_files"]
    assert (bucket.cloud, bucket.kind, bucket.region, bucket.country) == \
        ("aws", "storage", "us-east-1", "US")            # region from the provider config
    assert bucket.public is True and bucket.system == "crm" and bucket.personal
    assert found["aws_db_instance.newsletter"].encrypted is False
    archive = found["azurerm_storage_account.archive"]
    assert archive.country == "NL" and archive.system is None and archive.personal
    exports = found["module.analytics.google_storage_bucket.exports"]
    assert exports.country == "FI" and exports.where.endswith(
        "(/planned_values/root_module/child_modules/0/resources/0)")
    assert found["aws_cloudfront_distribution.site"].country is None  # a CDN is global


def test_tf_file_resources_with_lines_and_literal_values_only():
    found = resources(TF)
    assert found["aws_s3_bucket.crm_files"].country == "SE"   # provider region eu-north-1
    assert found["aws_s3_bucket.crm_files"].where == "main.tf:6"
    assert found["aws_db_instance.newsletter"].country == "US"
    # `location = var.bucket_location` is not evaluated: unknown, not guessed
    assert found["google_storage_bucket.exports"].region is None


def drift(project, *sources):
    report = gdpr_check.check(project, config=False, sources=[Path(s) for s in sources])
    return {f.rule: f for f in report.findings if f.rule.startswith("RC9")}


def test_drift_region_outside_recorded_countries(base_project):
    finding = drift(base_project, PLAN)["RC901"]
    assert finding.subject_id == "crm" and finding.location == "inventory/inventory.yaml:19"
    assert "aws_s3_bucket.crm_files" in finding.message
    assert "plan.json:7:9 (/planned_values/root_module/resources/0)" in finding.message


def test_drift_public_bucket_for_a_system_recorded_not_public(base_project):
    finding = drift(base_project, PLAN)["RC902"]
    assert finding.subject_id == "crm" and finding.path == "inventory/inventory.yaml"
    assert "aws_s3_bucket.crm_files" in finding.message and "publicly accessible" in \
        finding.message


def test_drift_unencrypted_storage_recorded_as_encrypted(base_project):
    finding = drift(base_project, PLAN)["RC903"]
    assert finding.subject_id == "newsletter_list"
    assert finding.location == "inventory/inventory.yaml:63"
    assert "aws_db_instance.newsletter" in finding.message


def test_drift_personal_data_no_system_covers(base_project):
    finding = drift(base_project, PLAN)["RC904"]
    assert finding.subject_id == "azurerm_storage_account.archive"
    assert finding.path == "inventory/inventory.yaml"
    assert "plan.json:67:9" in finding.message


MATCHING = """\
resource "google_sql_database_instance" "crm" {
  region = "europe-north1"
  labels = { "gdpr-system" = "crm", "personal-data" = "true" }
}
resource "aws_db_instance" "newsletter" {
  region            = "us-east-1"
  storage_encrypted = true
  tags              = { "gdpr-system" = "newsletter_list" }
}
resource "aws_s3_bucket" "logs" {
  region = "eu-north-1"
}
"""


def test_no_drift_where_infrastructure_matches(base_project, tmp_path):
    tf = tmp_path / "ok.tf"
    tf.write_text(MATCHING)
    assert drift(base_project, tf) == {}
    assert set(drift(base_project, TF)) == {"RC901"}   # the .tf's crm bucket is in SE


def test_sources_from_the_config_and_the_cli(base_project, capsys):
    (base_project / "infra").mkdir()
    (base_project / "infra" / "plan.json").write_bytes(PLAN.read_bytes())
    (base_project / ".gdpr-check.yaml").write_text("sources: [infra/plan.json]\n")
    report = gdpr_check.check(base_project)
    assert {"RC901", "RC902", "RC903", "RC904"} <= {f.rule for f in report.findings}
    assert main(["check", str(base_project), "--format", "json", "--select", "RC903"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [f["rule"] for f in data["findings"]] == ["RC903"]


@pytest.mark.parametrize("text, expected", [
    ('{"format_version": "1.2", "planned_values": {"root_module": {"resources": [{"address": '
     '"aws_s3_bucket.x", "type": "aws_s3_bucket", "values": {"region": "mars-north-1"}}]}}}',
     "plan.json:1:76: /planned_values/root_module/resources/0: unknown aws region "
     "'mars-north-1'"),
    ('{"format_version": "1.2", "planned_values": {"root_module": {"resources": [{"type": ',
     "plan.json:1:85: malformed JSON"),
    ('{"planned_values": {}}', "plan.json:1:1: expected a Terraform plan"),
    ('{"format_version": "1.2", "format_version": "1.2"}', "plan.json:1:"),
])
def test_bad_plans_are_exit_2_with_position_and_write_nothing(base_project, tmp_path, capsys,
                                                              text, expected):
    plan = tmp_path / "plan.json"
    plan.write_text(text)
    before = snapshot(base_project)
    assert main(["import", "terraform", str(plan), "--project", str(base_project)]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err and "internal error" not in err
    assert snapshot(base_project) == before
    assert main(["check", str(base_project), "--source", str(plan)]) == 2


def test_malformed_tf_is_exit_2_with_line(tmp_path, capsys):
    tf = tmp_path / "bad.tf"
    tf.write_text('resource "aws_s3_bucket" "x" {\n  bucket = \n}\n')
    with pytest.raises(InputError) as caught:
        read_sources([tf], tmp_path)
    assert str(caught.value).startswith("bad.tf:") and "malformed HCL" in str(caught.value)


SYSTEMS = """\
systems:
  # the customer database; hosting is checked by TR rules
  - id: crm
    name: Customer database
    hosting:
      provider: cloudhost   # our Finnish host
      countries: [FI]
    security:
      audit_log: true       # required by SEC-7
  - id: shop
    name: Web shop
"""


def test_import_updates_hosting_and_security_keeping_user_fields(tmp_path, capsys):
    root = tmp_path / "p"
    (root / "inventory").mkdir(parents=True)
    (root / "inventory" / "systems.yaml").write_text(SYSTEMS)
    (root / "inventory" / "processors.yaml").write_text(
        "processors:\n  - id: cloudhost\n    countries: [FI]\n"
        "  - id: aws\n    name: Amazon Web Services\n    countries: [US]\n")
    tf = tmp_path / "infra.tf"
    tf.write_text(MATCHING.replace('"crm"', '"crm"').replace(
        '"newsletter_list"', '"shop"'))
    args = ["import", "terraform", str(tf), "--project", str(root)]
    assert main(args) == 0
    text = (root / "inventory" / "systems.yaml").read_text()
    assert "# the customer database; hosting is checked by TR rules" in text
    project = load_project(root)
    crm, shop = project.inventory.systems
    assert crm.hosting.provider == "cloudhost" and crm.hosting.countries == ["FI"]
    assert crm.security.audit_log is True and crm.security.encryption_at_rest is True
    assert shop.hosting.provider == "aws" and shop.hosting.countries == ["US"]
    assert shop.security.encryption_at_rest is True
    first = snapshot(root)
    assert main(args) == 0                       # idempotent
    assert snapshot(root) == first
    assert "unchanged" in capsys.readouterr().out


def test_every_report_format_renders_drift_findings(base_project):
    from gdpr_check.report import FORMATS, render
    report = gdpr_check.check(base_project, config=False, sources=[PLAN])
    for fmt in FORMATS:
        assert "RC901" in render(report, fmt, root=str(base_project))


def test_a_missing_source_in_the_config_is_exit_2(base_project, capsys):
    (base_project / ".gdpr-check.yaml").write_text("sources: [infra/nope.json]\n")
    assert main(["check", str(base_project)]) == 2
    assert ".gdpr-check.yaml:1:" in capsys.readouterr().err


def test_unknown_region_in_a_tf_file_is_exit_2_with_line(base_project, tmp_path, capsys):
    tf = tmp_path / "x.tf"
    tf.write_text('\nresource "azurerm_storage_account" "a" {\n  location = "Atlantis"\n}\n')
    before = snapshot(base_project)
    assert main(["import", "terraform", str(tf), "--project", str(base_project)]) == 2
    assert "x.tf:2: unknown azure region 'Atlantis'" in capsys.readouterr().err
    assert snapshot(base_project) == before
