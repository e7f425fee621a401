"""Two kinds of finding (violations, unrecorded facts) and one entry per issue, in every
format: machine formats keep one entry per finding, human ones group (report/issues.py)."""
from __future__ import annotations


import json
import re
from xml.etree import ElementTree as ET

import pytest

from gdpr_check.findings import Finding, Report
from gdpr_check.report import render
from gdpr_check.report.issues import counts, plural, todos, violations

LB005 = "The purpose '{}' states 3 lawful bases (contract, consent), so which one applies " \
        "is ambiguous"
PURPOSES = [("orders", "Orders, credit and invoicing", 10),
            ("collection", "Collection of unpaid receivables", 20),
            ("newsletter", "Newsletter", 30)]


def finding(rule, subject_id, message, kind="violation", severity="medium",
            subject_kind="purpose", name=None, path="policy/processing.yaml", line=1,
            area="lawful_basis"):
    return Finding(rule=rule, name=f"Rule {rule}", area=area, severity=severity,
                   articles=["Art. 13(1)(c)"], subject_kind=subject_kind,
                   subject_id=subject_id, message=message, remediation="Fix it.", path=path,
                   line=line, column=3, kind=kind, subject_name=name)


def sample() -> Report:
    """One notice defect over three purposes, a different one on a fourth, a violation on
    a system, and two unrecorded facts of one rule plus one of another."""
    found = [finding("LB005", pid, LB005.format(name), name=name, line=line)
             for pid, name, line in PURPOSES]
    found.append(finding("LB005", "marketing",
                         "The purpose 'Marketing' states 2 lawful bases (consent, contract), "
                         "so which one applies is ambiguous", name="Marketing", line=40))
    found.append(finding("SE003", "crm", "CRM holds personal data but does not log access to "
                         "it", subject_kind="system", name="CRM", area="security",
                         path="inventory/systems.yaml", line=5))
    for sid, name, line in (("mailer", "Mailer Inc.", 30), ("cloudhost", "Cloud Host Oy", 12)):
        found.append(finding("BR003", sid, f"The data processing agreement with {name} is not "
                             "recorded to oblige it to report personal data breaches",
                             kind="unrecorded", severity="low", subject_kind="processor",
                             name=name, area="breach", path="inventory/processors.yaml",
                             line=line))
    found.append(finding("PR003", "cloudhost", "The agreement with Cloud Host Oy has no "
                         "reference", kind="unrecorded", severity="info",
                         subject_kind="processor", name="Cloud Host Oy", area="processors",
                         path="inventory/processors.yaml", line=14))
    return Report(findings=found)


# --- grouping --------------------------------------------------------------------------

def test_a_defect_repeated_over_purposes_is_one_issue():
    issues = violations(sample().findings)
    lb005 = [i for i in issues if i.head.rule == "LB005"]
    assert [len(i) for i in lb005] == [3, 1]          # "2 bases" is a different defect
    assert lb005[0].message == LB005.format("…")
    assert {f.subject_id for f in lb005[0].findings} == {"orders", "collection", "newsletter"}
    assert lb005[1].message.startswith("The purpose 'Marketing' states 2")


def test_status_splits_an_issue():
    findings = [f._replace(waived={"reason": "ok"}) if f.subject_id == "orders" else f
                for f in sample().findings]
    sizes = sorted(len(i) for i in violations(findings) if i.head.rule == "LB005")
    assert sizes == [1, 1, 2]


def test_subject_id_is_taken_out_when_the_message_has_no_name():
    found = [finding("LB006", fid, f"Flow {fid} relies on legal_obligation",
                     subject_kind="flow") for fid in ("a_to_b", "b_to_c")]
    found.append(finding("LB006", "x", "Flow x_to_y relies on legal_obligation",
                         subject_kind="flow"))            # `x` is not a word of the message
    assert [len(i) for i in violations(found)] == [2, 1]


def test_unrecorded_facts_are_a_todo_list_by_rule():
    listed = todos(sample().findings)
    assert [(t.head.rule, len(t)) for t in listed] == [("BR003", 2), ("PR003", 1)]
    assert [f.subject_id for f in listed[0].findings] == ["cloudhost", "mailer"]  # by line
    assert all(f.kind == "violation" for i in violations(sample().findings) for f in i.findings)


def test_counts_and_plurals():
    assert counts(sample().findings) == {"violations": 5, "issues": 3, "unrecorded": 3}
    assert plural(1, "purpose") == "1 purpose"
    assert plural(2, "data_category") == "2 data categories"
    assert plural(3, "process") == "3 processes"


# --- the gate --------------------------------------------------------------------------

def test_unrecorded_facts_fail_only_when_asked():
    report = sample()
    assert {f.rule for f in report.failing("low")} == {"LB005", "SE003"}
    assert {f.rule for f in report.failing("low", unrecorded=True)} == \
        {"LB005", "SE003", "BR003"}                        # PR003 is info: below 'low'
    assert {f.rule for f in report.failing("info", unrecorded=True)} >= {"PR003"}
    assert report.failing("never", unrecorded=True) == []
    only_todos = Report(findings=[f for f in sample().findings if f.kind == "unrecorded"])
    assert only_todos.failing("info") == []


# --- machine formats: one entry per finding ----------------------------------------------

def test_json_carries_the_kind_and_counts_by_kind():
    data = json.loads(render(sample(), "json"))
    assert len(data["findings"]) == 8
    assert {f["kind"] for f in data["findings"]} == {"violation", "unrecorded"}
    keys = list(data["findings"][0])
    assert keys.index("kind") == keys.index("fingerprint") + 1     # SPEC §7's order
    assert data["summary"]["by_kind"] == {"violation": 5, "unrecorded": 3}
    assert len({f["fingerprint"] for f in data["findings"]}) == 8


def test_sarif_unrecorded_facts_are_notes(sarif_validator):
    log = json.loads(render(sample(), "sarif"))
    sarif_validator.validate(log)
    run = log["runs"][0]
    assert len(run["results"]) == 8
    for result in run["results"]:
        kind = result["properties"]["kind"]
        if kind == "unrecorded":
            assert result["level"] == "note"
        else:
            assert result["level"] == "warning"            # medium violations
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["BR003"]["defaultConfiguration"]["level"] == "note"
    assert rules["BR003"]["properties"]["kind"] == "unrecorded"


def test_junit_unrecorded_facts_are_skipped_unless_gated():
    root = ET.fromstring(render(sample(), "junit"))
    assert root.get("failures") == "5" and root.get("skipped") == "3"
    skipped = [c for c in root.iter("testcase") if c.find("skipped") is not None]
    assert all(c.find("skipped").get("message").startswith("not recorded: ") for c in skipped)
    gated = ET.fromstring(render(sample(), "junit", fail_on_unrecorded=True))
    assert gated.get("failures") == "8" and gated.get("skipped") == "0"


# --- human formats: one entry per issue, and the to-do list -------------------------------

def test_text_shows_an_issue_once_with_its_subjects():
    text = render(sample(), "text")
    assert text.count("LB005") == 2
    line = next(x for x in text.splitlines() if "LB005" in x and "…" in x)
    assert line.startswith("  policy/processing.yaml:10: medium   LB005  The purpose '…'")
    assert line.endswith("(3 purposes)")
    assert "      policy/processing.yaml:10: Orders, credit and invoicing\n" \
           "      policy/processing.yaml:20: Collection of unpaid receivables\n" \
           "      policy/processing.yaml:30: Newsletter\n" in text
    assert "Lawful basis (2 issues, 4 findings)" in text


def test_text_todo_list_and_summary():
    text = render(sample(), "text")
    assert "Not recorded (3 facts to record, 2 rules; they do not fail the run)" in text
    assert "  low      BR003  Rule BR003: not recorded for 2 processors" in text
    assert "      inventory/processors.yaml:12: Cloud Host Oy" in text
    assert text.rstrip().splitlines()[-1] == (
        "5 findings in 3 issues (5 medium), 3 facts not recorded from 0 rules on 0 files; "
        "5 at or above 'low'")
    gated = render(sample(), "text", fail_on_unrecorded=True)
    assert "they fail the run" in gated and gated.rstrip().endswith("7 at or above 'low'")


def test_markdown_groups_and_lists_todos():
    text = render(sample(), "markdown")
    first = text.splitlines()[0]
    assert first == ("## ❌ gdpr-check: 5 findings in 3 issues (5 medium), 3 facts not "
                     "recorded, 5 at or above *low*")
    assert re.search(r"^### Lawful basis \(2 issues, 4 findings\)$", text, re.M)
    assert re.search(r"^### Not recorded \(2 issues, 3 findings\)$", text, re.M)
    assert "3 purposes: Orders, credit and invoicing ([policy/processing.yaml:10]" in text
    assert text.count("\n- ") == 5                   # 3 issues + 2 to-dos
    total = next(x for x in text.splitlines() if x.startswith("| **Total**"))
    assert "| **5** | **0** |" in total               # the table counts violations


def test_markdown_of_todos_only_is_not_a_failure():
    report = Report(findings=[f for f in sample().findings if f.kind == "unrecorded"])
    assert render(report, "markdown").startswith(
        "## 📝 gdpr-check: 0 findings, 3 facts not recorded, 0 at or above *low*")


def test_html_rows_per_issue_and_a_todo_table():
    text = render(sample(), "html")
    rows = re.findall(r'<tr class="finding[^"]*"[^>]*data-count="(\d+)"', text)
    assert sorted(rows) == ["1", "1", "3"]
    todo = re.findall(r'<tr class="todo" data-rule="(\w+)"[^>]*data-count="(\d+)"', text)
    assert todo == [("BR003", "2"), ("PR003", "1")]
    assert 'id="count-unrecorded">3<' in text
    assert '<span id="shown" aria-live="polite">5 findings</span>' in text
    assert "They do not fail the run." in text


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json", "sarif", "junit"])
def test_deterministic(fmt):
    assert render(sample(), fmt) == render(sample(), fmt)


def test_github_annotations_make_unrecorded_facts_notices():
    text = render(sample(), "text", github=True)
    levels = {m.group(2): m.group(1) for m in
              re.finditer(r"^::(\w+) [^:]*title=(\w+)%3A", text, re.M)}
    assert levels == {"LB005": "error", "SE003": "error", "BR003": "notice", "PR003": "notice"}
