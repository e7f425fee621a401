"""Per-rule settings in the config (`rule_settings`), `--show-config`, and the config's
JSON Schema."""
from __future__ import annotations

import json

import jsonschema
import pytest

from gdpr_check import check
from gdpr_check.cli import main

from .packs import project_with_pack

PACK = """\
- id: XT002
  name: Processors keep personal data out of banned countries (a test rule)
  area: transfers
  severity: high
  articles: ["Art. 44"]
  loop: inventory.processors
  vars:
    banned: "['IN']"
  that: ["item.countries | select('in', banned) | list | length == 0"]
  fail_msg: "{{ item.name }} keeps data in {{ banned | join(', ') }}"
"""
VIOLATIONS = {"inventory": {"processors": [{"id": "mailer", "countries": ["IN"]}]}}


@pytest.fixture
def project(tmp_path):
    return project_with_pack(tmp_path / "project", VIOLATIONS, PACK)


def configure(project, text):
    (project / ".gdpr-check.yaml").write_text(text)


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_severity_enabled_and_vars_change_by_id(project):
    assert [f.severity for f in check(project, select=["XT002"]).findings] == ["high"]
    configure(project, "rule_settings:\n  XT002: {severity: low}\n")
    assert [f.severity for f in check(project, select=["XT002"]).findings] == ["low"]
    configure(project, "rule_settings:\n  XT002:\n    vars: {banned: \"['CN']\"}\n")
    assert check(project, select=["XT002"]).findings == []
    configure(project, "select: [transfers]\nrule_settings:\n  XT002: {enabled: false}\n")
    assert "XT002" not in {r.id for r in check(project).rules}


@pytest.mark.parametrize("text,where,message", [
    ("rule_settings:\n  XT02: {severity: low}\n", ".gdpr-check.yaml:2:3",
     "rule_settings: there is no rule 'XT02' (did you mean 'XT002'?)"),
    ("rule_settings:\n  XT002: {vars: {baned: x}}\n", ".gdpr-check.yaml:2:",
     "rule_settings.XT002.vars: XT002 has no var 'baned' (did you mean 'banned'?)"),
    ("rule_settings:\n  XT002: {severity: severe}\n", ".gdpr-check.yaml:2:",
     "(did you mean 'high'?)"),
])
def test_a_misspelt_setting_is_exit_2_at_its_line(project, capsys, text, where, message):
    configure(project, text)
    code, out, err = run(capsys, "check", str(project))
    assert (code, out) == (2, "")
    assert err.startswith(f"gdpr-check: error: {where}") and message in err, err


def test_an_expression_set_in_the_config_is_checked_like_the_rules(project, capsys):
    configure(project, "rule_settings:\n  XT002:\n    vars: {banned: \"item.__class__\"}\n")
    code, _, err = run(capsys, "check", str(project), "--select", "XT002")
    assert code == 2 and err.startswith("gdpr-check: error: .gdpr-check.yaml:3:"), err


def test_show_config_names_where_each_value_comes_from(project, capsys):
    configure(project, "fail_on: medium\nrule_settings:\n  XT002: {severity: low}\n")
    code, out, err = run(capsys, "check", str(project), "--show-config", "--select", "XT002")
    assert (code, err) == (0, "")
    lines = dict(line.split(":", 1) for line in out.splitlines())
    assert lines["fail_on"].split() == ['"medium"', "#", ".gdpr-check.yaml:1"]
    assert lines["select"].split() == ['["XT002"]', "#", "--select"]
    assert lines["ignore"].split() == ["[]", "#", "default"]
    assert lines["rule_settings"].endswith('{"XT002": {"severity": "low"}}  # .gdpr-check.yaml:2')


def test_the_config_schema_describes_and_checks_the_keys(capsys):
    code, out, _ = run(capsys, "schema", "config")
    assert code == 0
    schema = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    assert not list(validator.iter_errors({"fail_on": "high", "rule_settings": {
        "AC004": {"severity": "low"}}, "select": "TR001"}))
    assert list(validator.iter_errors({"fail_on": "severe"}))
    assert list(validator.iter_errors({"unknown": 1}))
    assert all(prop.get("description") for prop in schema["properties"].values())
