"""--baseline (SPEC §8, §9): a previous JSON report; only findings it does not hold fail."""
from __future__ import annotations

import json
import re

import pytest

from gdpr_check import check
from gdpr_check.cli import main

from .packs import INDIA_PACK
from .rules.harness import write_project

# A rule of the project's own pack (rules/ at its root), so that these tests exercise the
# baseline whatever the built-in rules become.
PACK = INDIA_PACK
MAILER = {"id": "mailer", "countries": ["IN"]}
CLOUDHOST = {"id": "cloudhost", "countries": ["IN"]}


def project_with(folder, *processors):
    write_project(folder, {"inventory": {"processors": list(processors)}})
    (folder / "rules").mkdir(exist_ok=True)
    (folder / "rules" / "test.yaml").write_text(PACK)
    return folder


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def baseline(tmp_path, capsys):
    """A project with one finding, and its own JSON report written as the baseline."""
    project = project_with(tmp_path / "project", MAILER)
    path = tmp_path / "baseline.json"
    code, _, _ = run(capsys, "check", str(project), "--format", "json", "--output", str(path))
    assert code == 1 and path.is_file()
    return project, path


def test_own_report_as_baseline_passes(baseline, capsys):
    project, path = baseline
    code, out, _ = run(capsys, "check", str(project), "--baseline", str(path))
    assert code == 0
    assert "[baseline]" in out
    assert "; 0 new, 0 fixed since " in out

    code, out, _ = run(capsys, "check", str(project), "--baseline", str(path),
                       "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["findings"] and all(f["new"] is False for f in report["findings"])
    assert report["summary"]["new"] == 0 and report["fixed"] == []


def test_a_new_violation_fails_and_is_the_only_new_finding(baseline, capsys):
    project, path = baseline
    old = {f.fingerprint for f in check(project).findings}
    project_with(project, MAILER, CLOUDHOST)  # add a second violation
    report = check(project, baseline=path)
    new = [f for f in report.findings if f.new]
    assert [(f.rule, f.subject_id) for f in new if f.rule == "XT001"] == [("XT001", "cloudhost")]
    assert {f.fingerprint for f in report.findings if not f.new} == old
    assert report.failing("info") == new

    code, out, _ = run(capsys, "check", str(project), "--baseline", str(path), "--format",
                       "json")
    assert code == 1
    data = json.loads(out)
    assert {(f["rule"], f["subject"]["id"]) for f in data["findings"] if f["new"]} == \
        {(f.rule, f.subject_id) for f in new}
    assert data["summary"]["new"] == len(new)

    code, out, _ = run(capsys, "check", str(project), "--baseline", str(path), "-q")
    assert code == 1
    findings = [line for line in out.splitlines() if re.match(r"  \S+:\d+: ", line)]
    unmarked = [line for line in findings if not line.endswith("[baseline]")]
    assert len(unmarked) == len(new) and any("Nordic Cloud" in line for line in unmarked)
    assert f"; {len(new)} new, 0 fixed since " in out


def test_findings_gone_since_the_baseline_are_listed_as_fixed(tmp_path, capsys):
    project = project_with(tmp_path / "project", MAILER, CLOUDHOST)
    path = tmp_path / "baseline.json"
    assert run(capsys, "check", str(project), "--select", "XT001", "--format", "json",
               "--output", str(path))[0] == 1
    gone = next(f for f in check(project, select=["XT001"]).findings
                if f.subject_id == "cloudhost")
    project_with(project, MAILER)  # cloudhost fixed
    report = check(project, select=["XT001"], baseline=path)
    assert report.fixed == [{"rule": "XT001", "subject": {"kind": "processor", "id": "cloudhost"},
                             "fingerprint": gone.fingerprint}]
    code, out, _ = run(capsys, "check", str(project), "--select", "XT001", "--baseline",
                       str(path))
    assert code == 0
    assert "Fixed since the baseline (1)\n  XT001  processor cloudhost\n" in out
    assert "; 0 new, 1 fixed since " in out
    # A rule left out of the run fixed nothing.
    assert check(project, select=["LB001"], baseline=path).fixed == []


def test_fingerprints_survive_unrelated_edits(baseline):
    project, path = baseline
    inventory = project / "inventory" / "inventory.yaml"
    inventory.write_text("# a comment\n# and another, moving every line\n"
                         + inventory.read_text())
    report = check(project, baseline=path)
    assert report.findings and not any(f.new for f in report.findings)


@pytest.mark.parametrize("content,expected", [
    ('{"version": "2.1.0", "runs": []}', ":1:1: not a JSON report of gdpr-check: this is a "
                                         "SARIF log"),
    ("[1, 2]", ":1:1: not a JSON report of gdpr-check: found a JSON list"),
    ('{"tool": {"name": "other"}}', ':1:1: not a JSON report of gdpr-check: no "tool"'),
    ('{"tool": {"name": "gdpr-check"}, "findings": [{"rule": "XT001"}]}',
     "not a JSON report of gdpr-check: findings[0] lacks a rule, subject"),
    ('{"tool": {"name": "gdpr-check"},\n "findings": [,]}', ":2:15: baseline is not JSON"),
    ("", ":1:1: baseline is not JSON"),
])
def test_a_baseline_that_is_not_a_report_is_exit_2(baseline, capsys, content, expected):
    project, path = baseline
    path.write_text(content)
    code, out, err = run(capsys, "check", str(project), "--baseline", str(path))
    assert code == 2 and out == ""
    assert err.startswith(f"gdpr-check: error: {path.as_posix()}"), err
    assert expected in err, err
    assert "gdpr-check check --format json --output FILE" in err
    assert len(err.splitlines()) == 1


def test_a_missing_baseline_is_exit_2(baseline, capsys, tmp_path):
    project, _ = baseline
    code, _, err = run(capsys, "check", str(project), "--baseline", str(tmp_path / "nope.json"))
    assert code == 2 and "baseline not found" in err
