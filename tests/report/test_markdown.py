"""Markdown for PR comments and job summaries: the summary table, then every finding."""
from __future__ import annotations

import re

from gdpr_check.findings import Finding, Report
from gdpr_check.report import render
from gdpr_check.report.markdown import escape

from .conftest import run

UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def test_summary_table_by_area_and_severity(report):
    text = render(report, "markdown")
    table = [line for line in text.splitlines() if line.startswith("|")]
    header, rule, *rows = table
    assert header == "| Area | Critical | High | Medium | Low | Info | Total | Waived |"
    width = len(UNESCAPED_PIPE.findall(header))
    assert all(len(UNESCAPED_PIPE.findall(line)) == width for line in table)
    cells = {r.split("|")[1].strip(): [c.strip() for c in r.split("|")[2:-1]] for r in rows}
    assert cells["Security"] == ["1", "·", "·", "·", "·", "1", "·"]
    assert cells["Transfer safeguards"] == ["·", "1", "·", "·", "·", "1", "·"]
    assert cells["Records of processing"] == ["·", "·", "·", "·", "·", "0", "1"]
    assert cells["**Total**"] == ["**1**", "**1**", "**1**", "**1**", "**0**", "**4**", "**1**"]


def test_headline_gives_the_verdict(report):
    first = render(report, "markdown", fail_on="high").splitlines()[0]
    assert first.startswith("## ❌ gdpr-check: 4 findings (1 critical, 1 high, 1 medium, 1 low)")
    assert first.endswith("2 at or above *high*")
    assert render(Report(findings=[]), "markdown").startswith("## ✅ gdpr-check: no findings")


def test_every_finding_is_listed_with_a_link_articles_and_fix(report):
    text = render(report, "markdown")
    for f in report.findings:
        assert f"`{f.rule}`" in text
        link = f"[{escape(f'{f.path}:{f.line}')}]({f.path}#L{f.line})"
        assert link in text, link
        assert escape(", ".join(f.articles)) in text
        if f.remediation:
            assert f"**Fix:** {escape(f.remediation)}" in text
    assert text.count("\n- ") == len(report.findings)


def test_findings_grouped_by_area_most_severe_first(report):
    text = render(report, "markdown")
    headings = re.findall(r"^### (.+) \((\d+)\)$", text, re.M)
    assert headings == [("Transfer safeguards", "1"), ("Access control", "1"),
                        ("Notice completeness", "1"), ("Security", "1"),
                        ("Records of processing", "1")]


def test_user_text_is_escaped(report):
    text = render(report, "markdown")
    line = next(x for x in text.splitlines() if "crm\\_backup sends" in x)
    assert "&lt;b&gt;data&lt;/b&gt; \\| unencrypted \\*now\\* &amp; \\`here\\`" in line
    assert "<b>" not in text and "<tunnel>" not in text
    assert "@\u200bdpo" in line                # no @mention of a GitHub user


def test_escape():
    assert escape("a | b") == "a \\| b"
    assert escape("multi\nline\n\ntext") == "multi line text"
    assert escape("[x](javascript:alert(1))") == "\\[x\\](javascript:alert(1))"
    assert escape("1. item", line_start=True) == "1\\. item"
    assert escape("- item", line_start=True) == "\\- item"
    assert escape("version 1.2") == "version 1.2"
    assert escape("mail dpo@example.test") == "mail dpo@example.test"


def test_waived_findings_are_marked(report):
    text = render(report, "markdown")
    line = next(x for x in text.splitlines() if "`XR400`" in x)
    assert "**waived**: Record of processing \\| being written &lt;by&gt; the DPO" in line
    assert "(approved by DPO, expires 2099-12-31)" in line


def test_link_base_for_comments_outside_the_repository(report):
    text = render(report, "markdown", link_base="https://github.com/o/r/blob/abc123/")
    assert "](https://github.com/o/r/blob/abc123/inventory/inventory.yaml#L" in text


def test_paths_are_url_encoded():
    finding = Finding(rule="X1", name="n", area="notice", severity="low", articles=["Art. 13"],
                      subject_kind="notice", subject_id="n", message="m", remediation=None,
                      path="policy/my notice (v2).yaml", line=4, column=1)
    text = render(Report(findings=[finding]), "markdown")
    assert "[policy/my notice (v2).yaml:4](policy/my%20notice%20%28v2%29.yaml#L4)" in text


def test_deterministic(project, report):
    assert render(report, "markdown") == render(run(project), "markdown")


def many_findings(count: int) -> Report:
    severities = ["critical", "high", "medium", "low", "info"]
    return Report(findings=[
        Finding(rule=f"X{i % 7}", name="A rule with a long enough name to take some room",
                area=["notice", "rights", "security"][i % 3], severity=severities[i % 5],
                articles=["Art. 13(1)(c)", "Art. 14(1)(c)"], subject_kind="system",
                subject_id=f"system_{i}", message=f"System {i} does something it should not "
                "do, described at some length " * 2, remediation="Fix it properly " * 5,
                path="inventory/systems.yaml", line=i + 1, column=3)
        for i in range(count)])


def test_long_reports_fit_a_github_comment():
    report = many_findings(400)
    text = render(report, "markdown")
    assert len(text) <= 60_000 < len(render(report, "markdown", max_chars=None))
    shown = text.count("\n- ")
    note = re.search(r"\*(\d+) less severe findings are left out", text)
    assert note and shown + int(note.group(1)) == 400
    # the most severe are kept: every critical finding, then high ones while room is left
    assert text.count("**critical**") == 80 and 0 < text.count("**high**") <= 80
    assert shown == 80 + text.count("**high**")
    assert "**medium**" not in text and "**info**" not in text
    # headings say how many of each area are shown
    assert re.search(r"^### Security \(\d+ of 133\)$", text, re.M)


def test_short_reports_are_not_cut(report):
    assert "left out" not in render(report, "markdown", max_chars=60_000)
