"""SARIF 2.1.0: valid against the OASIS schema, and carrying what GitHub code scanning reads."""
from __future__ import annotations

import json
import shutil

import pytest

from gdpr_check import check
from gdpr_check.findings import Finding, Notice, Report
from gdpr_check.report import render

from .conftest import REPO, make_project, run


def sarif(report) -> dict:
    return json.loads(render(report, "sarif"))


def test_valid_against_the_oasis_schema(report, sarif_validator):
    errors = sorted(sarif_validator.iter_errors(sarif(report)), key=str)
    assert not errors, [e.message for e in errors[:5]]


def _repository_has_sample_data() -> bool:
    return any((REPO / "policy").glob("*.yaml")) and any((REPO / "inventory").glob("*.yaml"))


@pytest.mark.skipif(not _repository_has_sample_data(), reason="policy/ and inventory/ of "
                    "this repository are not written yet")
def test_the_3dtech_project_is_valid_sarif(sarif_validator):
    report = check(REPO)
    log = sarif(report)
    errors = sorted(sarif_validator.iter_errors(log), key=str)
    assert not errors, [e.message for e in errors[:5]]
    results = log["runs"][0]["results"]
    assert len(results) == len(report.findings)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert (REPO / location["artifactLocation"]["uri"]).is_file()


def test_driver_and_rule_metadata(report):
    driver = sarif(report)["runs"][0]["tool"]["driver"]
    assert driver["name"] == "gdpr-check"
    assert driver["version"] == report.tool_version
    assert driver["informationUri"].startswith("https://")
    rules = {r["id"]: r for r in driver["rules"]}
    assert sorted(rules) == sorted(r.id for r in report.rules)   # passing rules too
    flow = rules["XR100"]
    assert flow["name"] == "FlowsAreEncryptedInTransit"
    assert flow["shortDescription"]["text"] == "Flows are encrypted in transit"
    assert flow["fullDescription"]["text"].startswith("Personal data sent between systems")
    assert flow["defaultConfiguration"]["level"] == "error"
    assert "Art. 32(1)(a)" in flow["help"]["text"]
    assert "Use TLS 1.2+" in flow["help"]["text"]
    assert "Art. 32(1)(a)" in flow["help"]["markdown"]
    assert "&lt;tunnel&gt;" in flow["help"]["markdown"]     # escaped for Markdown
    assert "\\|" in flow["help"]["markdown"]
    assert "security" in flow["properties"]["tags"]
    assert "report-test" in flow["properties"]["tags"]
    # rules without a description fall back to their name
    assert rules["XR200"]["fullDescription"]["text"] == "Systems require MFA"


@pytest.mark.parametrize("rule,level,score", [
    ("XR100", "error", 9.5),     # critical
    ("XR600", "error", 8.0),     # high
    ("XR200", "warning", 5.5),   # medium
    ("XR300", "note", 3.0),      # low
    ("XR400", "note", 1.0),      # info
])
def test_levels_and_security_severity(report, rule, level, score):
    log = sarif(report)
    descriptor = next(r for r in log["runs"][0]["tool"]["driver"]["rules"] if r["id"] == rule)
    severity = descriptor["properties"]["security-severity"]
    assert isinstance(severity, str) and float(severity) == score
    assert descriptor["defaultConfiguration"]["level"] == level
    result = next(r for r in log["runs"][0]["results"] if r["ruleId"] == rule)
    assert result["level"] == level


def test_github_buckets_the_scores_like_our_severities():
    """GitHub: > 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, <= 3.9 low."""
    from gdpr_check.report.sarif import SECURITY_SEVERITY

    def github(score):
        return ("critical" if score > 9.0 else "high" if score >= 7.0 else
                "medium" if score >= 4.0 else "low")
    for ours, score in SECURITY_SEVERITY.items():
        assert github(float(score)) == ("low" if ours == "info" else ours)


def test_results_point_at_relative_paths_with_lines(report):
    log = sarif(report)
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    by_key = {(f.rule, f.subject_id): f for f in report.findings}
    assert len(run_["results"]) == len(report.findings)
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        finding = by_key[(result["ruleId"], result["locations"][0]["logicalLocations"][0]
                          ["name"])]
        assert result["message"]["text"] == finding.message
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": finding.path, "uriBaseId": "%SRCROOT%"}
        assert not physical["artifactLocation"]["uri"].startswith("/")
        assert physical["region"]["startLine"] == finding.line >= 1
        assert physical["region"]["startColumn"] == finding.column >= 1
        assert result["partialFingerprints"] == {"gdprCheck/v1": finding.fingerprint}


def test_waived_findings_are_suppressed(report):
    results = {r["ruleId"]: r for r in sarif(report)["runs"][0]["results"]}
    assert results["XR400"]["suppressions"] == [{
        "kind": "external", "status": "accepted",
        "justification": "Record of processing | being written <by> the DPO",
        "properties": {"approved_by": "DPO", "expires": "2099-12-31"}}]
    assert all("suppressions" not in r for k, r in results.items() if k != "XR400")


def test_fingerprints_survive_lines_moving(tmp_path, report):
    """Comments and blank lines above everything move every finding down; GitHub must
    still see the same alerts."""
    before = {r["ruleId"]: r for r in sarif(report)["runs"][0]["results"]}
    moved = make_project(tmp_path)
    for name in ("inventory/inventory.yaml", "policy/notice.yaml"):
        path = moved / name
        path.write_text("# moved\n\n# by an unrelated edit\n" + path.read_text())
    after = {r["ruleId"]: r for r in sarif(run(moved))["runs"][0]["results"]}
    assert before.keys() == after.keys()
    for rule in before:
        assert after[rule]["partialFingerprints"] == before[rule]["partialFingerprints"]
        line = lambda r: r["locations"][0]["physicalLocation"]["region"]["startLine"]  # noqa: E731
        assert line(after[rule]) == line(before[rule]) + 3


def test_fingerprints_differ_between_subjects(report):
    prints = [r["partialFingerprints"]["gdprCheck/v1"] for r in sarif(report)["runs"][0]["results"]]
    assert len(set(prints)) == len(prints)


def test_baseline_state(tmp_path, project):
    """With a baseline, results say whether they are new; without one, they do not."""
    old = run(project, waivers=False, select=["XR100", "XR200"])
    baseline = tmp_path / "baseline.json"
    baseline.write_text(render(old, "json"))
    report = run(project, baseline=baseline)
    states = {r["ruleId"]: r["baselineState"] for r in sarif(report)["runs"][0]["results"]}
    assert states == {"XR100": "unchanged", "XR200": "unchanged", "XR300": "new",
                      "XR400": "new", "XR600": "new"}
    assert all("baselineState" not in r for r in sarif(run(project))["runs"][0]["results"])


def test_notices_become_tool_notifications(tmp_path, sarif_validator):
    project = make_project(tmp_path)
    (project / "waivers.yaml").write_text(
        "- {rule: XR200, subject: newsletter_list, reason: old, approved_by: DPO, "
        "expires: 2020-01-01}\n")
    report = run(project)
    log = sarif(report)
    assert not list(sarif_validator.iter_errors(log))
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["descriptor"]["id"] for n in notes] == ["expired-waiver"]
    assert notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "waivers.yaml"


def test_hand_made_reports_and_odd_paths(sarif_validator):
    """A report without rule objects (the library used directly), a finding without a
    location and a path that needs percent-encoding still give valid SARIF."""
    findings = [
        Finding(rule="X1", name="A rule", area="notice", severity="low", articles=["Art. 13"],
                subject_kind="notice", subject_id="notice", message="no location",
                remediation=None, path=None, line=None, column=None),
        Finding(rule="X2", name="Another", area="rights", severity="medium",
                articles=["Art. 15"], subject_kind="system", subject_id="a b",
                message="odd path", remediation="fix", path="inventory/my systems#1.yaml",
                line=3, column=None),
    ]
    report = Report(findings=findings, notices=[Notice(kind="k", message="m")])
    log = sarif(report)
    assert not list(sarif_validator.iter_errors(log))
    results = log["runs"][0]["results"]
    assert [d["id"] for d in log["runs"][0]["tool"]["driver"]["rules"]] == ["X1", "X2"]
    assert "physicalLocation" not in results[0]["locations"][0]
    location = results[1]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "inventory/my%20systems%231.yaml"
    assert location["region"] == {"startLine": 3}


def test_deterministic(project, report):
    again = run(project)
    assert render(report, "sarif") == render(again, "sarif")


def test_sarif_of_a_copy_elsewhere_is_identical(tmp_path, project, report):
    """Paths are relative to the project root, so the checkout location does not leak."""
    copy = tmp_path / "elsewhere"
    shutil.copytree(project, copy)
    assert render(run(copy), "sarif") == render(report, "sarif")
