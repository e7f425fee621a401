"""JUnit XML: parseable, one failing testcase per finding, one passing testcase per clean rule."""
from __future__ import annotations

from xml.etree import ElementTree as ET

from gdpr_check.findings import Finding, Report
from gdpr_check.report import render

from .conftest import run


def parse(report) -> ET.Element:
    return ET.fromstring(render(report, "junit").encode())


def test_counts_match_the_findings(report):
    root = parse(report)
    assert root.tag == "testsuites"
    cases = root.findall("testsuite/testcase")
    failures = root.findall("testsuite/testcase/failure")
    skipped = root.findall("testsuite/testcase/skipped")
    waived = [f for f in report.findings if f.waived is not None]
    assert len(failures) == len(report.findings) - len(waived) == 4
    assert len(skipped) == len(waived) == 1
    passing_rules = {r.id for r in report.rules} - {f.rule for f in report.findings}
    assert passing_rules == {"XR500"}
    assert len(cases) == len(report.findings) + len(passing_rules)
    assert root.get("tests") == str(len(cases))
    assert root.get("failures") == "4" and root.get("skipped") == "1"
    assert root.get("errors") == "0"
    for suite in root.findall("testsuite"):
        mine = suite.findall("testcase")
        assert suite.get("tests") == str(len(mine))
        assert suite.get("failures") == str(len(suite.findall("testcase/failure")))
        assert suite.get("skipped") == str(len(suite.findall("testcase/skipped")))


def test_a_suite_per_area(report):
    root = parse(report)
    names = [s.get("name") for s in root.findall("testsuite")]
    areas = {r.area for r in report.rules}
    assert sorted(names) == names
    assert names == [f"gdpr-check.{a}" for a in sorted(areas)]


def test_passing_rules_are_passing_testcases(report):
    root = parse(report)
    case = next(c for c in root.iter("testcase") if c.get("classname").endswith(".XR500"))
    assert list(case) == []
    assert case.get("name") == "XR500: Systems keep data for a period"


def test_failures_carry_message_articles_and_location(report):
    root = parse(report)
    by_name = {c.get("name"): c for c in root.iter("testcase")}
    finding = next(f for f in report.findings if f.rule == "XR100")
    case = by_name["XR100 flow crm_backup"]
    assert case.get("classname") == "gdpr-check.security.XR100"
    assert case.get("file") == finding.path and case.get("line") == str(finding.line)
    failure = case.find("failure")
    assert failure.get("message") == finding.message        # < | * & survive escaping
    assert failure.get("type") == "critical"
    assert "Art. 32(1)(a)" in failure.text
    assert f"{finding.path}:{finding.line}:{finding.column}" in failure.text
    assert "Use TLS 1.2+ | or a VPN <tunnel>." in failure.text


def test_waived_findings_are_skipped_with_the_reason(report):
    root = parse(report)
    case = next(c for c in root.iter("testcase") if c.get("name") == "XR400 system crm")
    assert case.find("failure") is None
    assert case.find("skipped").get("message") == \
        "waived: Record of processing | being written <by> the DPO"


def test_baseline_findings_are_skipped(tmp_path, project):
    baseline = tmp_path / "baseline.json"
    baseline.write_text(render(run(project, select=["XR100"]), "json"))
    root = parse(run(project, baseline=baseline))
    case = next(c for c in root.iter("testcase") if c.get("name") == "XR100 flow crm_backup")
    assert case.find("skipped").get("message") == "in baseline"
    assert root.get("failures") == "3"


def test_characters_xml_cannot_hold_are_replaced():
    finding = Finding(rule="X1", name="bell\x07", area="notice", severity="low",
                      articles=["Art. 13"], subject_kind="notice", subject_id="n",
                      message="null\x00 and escape\x1b[31m", remediation=None,
                      path="policy/a.yaml", line=1, column=1)
    root = ET.fromstring(render(Report(findings=[finding]), "junit").encode())
    failure = root.find("testsuite/testcase/failure")
    assert failure.get("message") == "null\ufffd and escape\ufffd[31m"


def test_an_empty_run_is_still_a_report():
    root = ET.fromstring(render(Report(findings=[]), "junit").encode())
    assert root.get("tests") == "0" and root.findall("testsuite") == []


def test_deterministic(project, report):
    assert render(report, "junit") == render(run(project), "junit")
