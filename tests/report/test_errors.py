"""Errors travel with the report (issue 10, item 6): an input that does not load and a rule
that cannot be evaluated are part of every format, the run still exits 2, and one failing
rule no longer discards what the other rules found."""
from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from gdpr_check import check
from gdpr_check.cli import main
from gdpr_check.errors import InputError

BASE = Path(__file__).resolve().parents[1] / "fixtures" / "base"

# XE001 finds every system (a finding per system); XE002 cannot be evaluated on `crm` (it
# reads a field systems do not have), which ends that rule's run.
PACK = """\
- id: XE001
  name: Every system is reviewed
  description: A finding on every system, to show the findings of a rule that can run.
  area: security
  articles: ["Art. 32"]
  severity: low
  loop: inventory.systems
  that: false
- id: XE002
  name: A rule that cannot be evaluated on crm
  description: Fails to evaluate on the system crm.
  area: security
  articles: ["Art. 32"]
  severity: low
  loop: inventory.systems
  that: "item.id != 'crm' or item.nosuchfield"
"""
FORMATS = {"json": "r.json", "sarif": "r.sarif", "junit": "r.xml", "markdown": "r.md",
           "html": "r.html"}


@pytest.fixture()
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    (root / "pack").mkdir()
    (root / "pack" / "rules.yaml").write_text(PACK)
    return root


def _outputs(folder: Path) -> list[str]:
    return [arg for name in FORMATS.values() for arg in ("--output", str(folder / name))]


def _check_all(project: Path, out: Path, capsys, *extra) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["check", str(project), "--rules", str(project / "pack"), "--select", "XE001",
                 "--select", "XE002", *extra, *_outputs(out)])
    got = capsys.readouterr()
    return code, got.out, got.err


def test_a_failing_rule_keeps_the_other_rules_findings(project):
    with pytest.raises(InputError, match="rule XE002: cannot evaluate"):
        check(project, rules=[project / "pack"], select=["XE001", "XE002"])
    report = check(project, rules=[project / "pack"], select=["XE001", "XE002"],
                   on_error="report")
    [error] = report.errors
    assert (error.kind, error.rule, error.path) == ("rule", "XE002", "pack/rules.yaml")
    assert "system 'crm'" in error.message
    systems = {f.subject_id for f in report.findings}
    assert {f.rule for f in report.findings} == {"XE001"}
    assert "crm" in systems and len(systems) > 1


def test_every_format_carries_the_rule_error(project, tmp_path, capsys, sarif_validator):
    out = tmp_path / "out"
    code, stdout, err = _check_all(project, out, capsys)
    assert code == 2
    assert stdout == ""  # the terminal's share is the error, on standard error, as before
    [line] = err.splitlines()
    assert line.startswith("gdpr-check: error: pack/rules.yaml:") and "XE002" in line

    data = json.loads((out / "r.json").read_text())
    assert data["summary"]["errors"] == 1
    assert data["errors"][0]["kind"] == "rule" and data["errors"][0]["rule"] == "XE002"
    assert data["errors"][0]["location"]["path"] == "pack/rules.yaml"
    assert {f["rule"] for f in data["findings"]} == {"XE001"} and data["findings"]

    log = json.loads((out / "r.sarif").read_text())
    assert not sorted(sarif_validator.iter_errors(log), key=str)
    [invocation] = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and note["descriptor"]["id"] == "rule-error"
    assert note["associatedRule"] == {"id": "XE002"}
    region = note["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == data["errors"][0]["location"]["line"]
    assert {r["ruleId"] for r in log["runs"][0]["results"]} == {"XE001"}

    suites = ET.fromstring((out / "r.xml").read_text().encode())
    assert suites.get("errors") == "1"
    [error] = suites.iter("error")
    assert error.get("type") == "rule-error" and "XE002" in error.get("message")
    assert suites.find("testsuite").get("name") == "gdpr-check.errors"
    assert int(suites.get("failures")) == len(data["findings"])

    markdown = (out / "r.md").read_text()
    assert markdown.startswith("## ⛔ gdpr-check: 1 error, the check is incomplete")
    assert "### Errors" in markdown and "XE002" in markdown.split("### Errors")[1]

    html = (out / "r.html").read_text()
    assert 'id="errors"' in html and "Incomplete: 1 error stopped the check" in html
    assert html.index('id="errors"') < html.index('id="summary"')


def test_a_project_that_does_not_load_writes_reports_of_its_errors(project, tmp_path, capsys,
                                                                    sarif_validator):
    (project / "inventory" / "broken.yaml").write_text("systems:\n  - id: a\n    nmae: x\n")
    out = tmp_path / "out"
    code, stdout, err = _check_all(project, out, capsys)
    assert code == 2 and stdout == ""
    assert err.startswith("gdpr-check: error: inventory/broken.yaml:3:5: unknown key 'nmae'")
    data = json.loads((out / "r.json").read_text())
    assert data["findings"] == [] and data["errors"][0]["kind"] == "input"
    assert data["errors"][0]["location"] == {"path": "inventory/broken.yaml", "line": 3,
                                             "column": 5}
    log = json.loads((out / "r.sarif").read_text())
    assert not sorted(sarif_validator.iter_errors(log), key=str)
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is False
    assert log["runs"][0]["results"] == []
    assert ET.fromstring((out / "r.xml").read_bytes()).get("errors") == "1"
    assert "unknown key" in (out / "r.md").read_text()
    html = (out / "r.html").read_text()
    assert "the project did not load" in html and "Passes" not in html
    assert "✅" not in (out / "r.md").read_text()


def test_a_report_format_on_standard_output_carries_the_errors(project, capsys):
    (project / "inventory" / "broken.yaml").write_text("systems:\n  - id: a\n    nmae: x\n")
    capsys.readouterr()
    assert main(["check", str(project), "--format", "json"]) == 2
    got = capsys.readouterr()
    assert json.loads(got.out)["errors"][0]["location"]["path"] == "inventory/broken.yaml"
    assert got.err.count("\n") == 1


def test_a_run_without_errors_is_unchanged(project, tmp_path, capsys):
    """No `errors` key, `executionSuccessful` only where notices need an invocation."""
    out = tmp_path / "out"
    capsys.readouterr()
    code = main(["check", str(project), "--rules", str(project / "pack"), "--select", "XE001",
                 "--fail-on", "never", *_outputs(out)])
    assert code == 0
    data = json.loads((out / "r.json").read_text())
    assert "errors" not in data and "errors" not in data["summary"]
    assert "invocations" not in json.loads((out / "r.sarif").read_text())["runs"][0]
    assert ET.fromstring((out / "r.xml").read_bytes()).get("errors") == "0"


def test_a_report_with_errors_is_refused_as_a_baseline(project, tmp_path, capsys):
    out = tmp_path / "out"
    assert _check_all(project, out, capsys)[0] == 2
    capsys.readouterr()
    code = main(["check", str(project), "--baseline", str(out / "r.json")])
    assert code == 2
    err = capsys.readouterr().err
    assert "report of a run that stopped on errors" in err and err.count("\n") == 1


def test_the_earlier_report_stays_when_the_output_cannot_be_written(project, tmp_path,
                                                                     capsys):
    """All or none still: a report with errors that cannot be written leaves every file
    as it was, and both problems are told."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "r.json").write_text("earlier\n")
    (project / "inventory" / "broken.yaml").write_text("systems:\n  - id: a\n    nmae: x\n")
    capsys.readouterr()
    code = main(["check", str(project), "--format", "json", "--format", "json",
                 "--output", str(out / "r.json"),
                 "--output", str(project / "inventory" / "broken.yaml")])
    assert code == 2
    err = capsys.readouterr().err.splitlines()
    assert "inventory/broken.yaml" in err[0] and "an input of this run" in err[1]
    assert (out / "r.json").read_text() == "earlier\n"


# --- on GitHub, the errors mark the lines of the pull request ---------------------------

def test_errors_are_github_annotations_on_the_line_to_fix(project, capsys, monkeypatch):
    """The run prints no text report when it fails, so without these a pull request that
    breaks a file (or a rule) showed nothing on its lines."""
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(project.parent))
    bad = project / "inventory" / "inventory.yaml"
    bad.write_text(bad.read_text(encoding="utf-8") + "flows: [unclosed\n", encoding="utf-8")
    code = main(["check", str(project), "--rules", str(project / "pack"), "--select", "XE002"])
    out = capsys.readouterr()
    assert code == 2
    lines = [line for line in out.out.splitlines() if line.startswith("::")]
    assert len(lines) == 1 and lines[0].startswith(
        "::error file=project/inventory/inventory.yaml,line="), lines
    assert ",title=gdpr-check%3A input error::" in lines[0]
    assert "inventory/inventory.yaml:" in out.err  # standard error as before


def test_a_rule_error_is_annotated_at_the_rule(project, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(project.parent))
    code = main(["check", str(project), "--rules", str(project / "pack"), "--select", "XE002"])
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("::")]
    assert code == 2
    assert len(lines) == 1 and lines[0].startswith("::error file=project/pack/rules.yaml,line=")
    assert "title=gdpr-check%3A rule XE002 cannot run::" in lines[0]


def test_no_error_annotations_outside_github(project, capsys, monkeypatch):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert main(["check", str(project), "--rules", str(project / "pack"),
                 "--select", "XE002"]) == 2
    assert not [line for line in capsys.readouterr().out.splitlines() if line.startswith("::")]
