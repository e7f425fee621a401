"""A project with findings in several areas and severities, independent of the built-in
rules (which grow while the sample data is written): the compliant base fixture, patched,
checked with the report-test rule pack of `rules/` only."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from gdpr_check import check

from ..rules.harness import write_project

RULES = Path(__file__).parent / "rules"
REPO = Path(__file__).resolve().parents[2]
# The OASIS SARIF 2.1.0 schema (errata 01), as published in oasis-tcs/sarif-spec.
SCHEMA = Path(__file__).parent / "sarif-schema-2.1.0.json"

# crm_backup unencrypted (XR100, a flow), the newsletter list without MFA (XR200), the
# notice names a DPO (XR300), crm (XR400, waived below), mailer in the US (XR600).
PATCH = {"inventory": {
    "flows": [{"id": "crm_backup", "encrypted": False}],
    "systems": [{"id": "newsletter_list", "access": {"authentication": ["password"]}}],
}}
WAIVERS = """\
- rule: XR400
  subject: crm
  reason: Record of processing | being written <by> the DPO
  approved_by: DPO
  expires: 2099-12-31
"""
EXPECTED = {("XR100", "crm_backup"), ("XR200", "newsletter_list"), ("XR300", "policy"),
            ("XR400", "crm"), ("XR600", "mailer")}


def make_project(folder: Path) -> Path:
    write_project(folder, PATCH)
    (folder / "waivers.yaml").write_text(WAIVERS)
    return folder


def run(project: Path, **options):
    options.setdefault("waivers", project / "waivers.yaml")
    options.setdefault("baseline", False)
    options.setdefault("select", ["report-test"])
    return check(project, rules=[RULES], config=False, **options)


@pytest.fixture(scope="session")
def project(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("project"))


@pytest.fixture()
def report(project):
    """A fresh report each time, with the data-flow map the HTML report draws."""
    result = run(project, graph=True)
    assert {(f.rule, f.subject_id) for f in result.findings} == EXPECTED
    return result


@pytest.fixture(scope="session")
def sarif_validator():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)
