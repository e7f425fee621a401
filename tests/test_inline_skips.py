"""Inline skips: `# gdpr-check: skip=RULE reason` beside the item it concerns."""
from __future__ import annotations

import json

import pytest

from gdpr_check import check
from gdpr_check.cli import main
from gdpr_check.errors import InputError
from gdpr_check.inline_skips import item_span, scan

from .packs import project_with_pack

VIOLATIONS = {"inventory": {"processors": [{"id": "mailer", "countries": ["IN"]},
                                           {"id": "cloudhost", "countries": ["IN"]}]}}
INVENTORY = "inventory/inventory.yaml"


@pytest.fixture
def project(tmp_path):
    return project_with_pack(tmp_path / "project", VIOLATIONS)


def comment(project, anchor: str, text: str, *, above=False, after=0) -> int:
    """Add `text` as a comment to the line `anchor` (or `after` lines below it), or on its
    own line above it; returns the comment's line number."""
    path = project / INVENTORY
    lines = path.read_text().splitlines()
    index = lines.index(anchor) + after
    if above:
        indent = len(lines[index]) - len(lines[index].lstrip())
        lines.insert(index, " " * indent + text)
    else:
        lines[index] += "  " + text
    path.write_text("\n".join(lines) + "\n")
    return index + 1


def waived(report):
    return {f.subject_id: f.waived for f in report.findings if f.waived}


@pytest.mark.parametrize("where", [{}, {"above": True}, {"after": 3}])
def test_a_skip_on_above_or_inside_the_item_waives_its_finding(project, where):
    line = comment(project, "- id: mailer", "# gdpr-check: skip=XT001 DPO accepted, SEC-9",
                   **where)
    report = check(project, select=["XT001"])
    assert waived(report) == {"mailer": {"reason": "DPO accepted, SEC-9", "approved_by": None,
                                         "expires": None, "inline": f"{INVENTORY}:{line}"}}
    assert [f.subject_id for f in report.failing("low")] == ["cloudhost"]
    assert report.notices == []


def test_no_inline_skips_ignores_them_for_an_audit(project, capsys):
    comment(project, "- id: mailer", "# gdpr-check: skip=XT001 accepted")
    assert main(["check", str(project), "--select", "XT001", "--format", "json",
                 "--no-inline-skips"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [f["waived"] for f in report["findings"]] == [None, None]


def test_a_skip_for_another_rule_or_item_waives_nothing_and_is_reported(project):
    line = comment(project, "- id: mailer", "# gdpr-check: skip=LB001 not this rule")
    report = check(project, select=["XT001", "LB001"])
    assert waived(report) == {}
    (notice,) = report.notices
    assert (notice.kind, notice.path, notice.line) == ("unused-skip", INVENTORY, line)


def test_a_skip_without_a_reason_is_exit_2_at_its_line(project, capsys):
    line = comment(project, "- id: mailer", "# gdpr-check: skip=XT001")
    code = main(["check", str(project)])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith(f"gdpr-check: error: {INVENTORY}:{line}:")
    assert "a reason is required" in err


def test_a_skip_of_an_unknown_rule_is_exit_2_with_a_did_you_mean(project, capsys):
    comment(project, "- id: mailer", "# gdpr-check: skip=XT01 typo")
    assert main(["check", str(project)]) == 2
    assert "there is no rule 'XT01' (did you mean 'XT001'?)" in capsys.readouterr().err


def test_the_scanner_ignores_hashes_in_values_and_reads_several_ids():
    text = ("a: 'text # gdpr-check: skip=AC004 not a comment'\n"
            "b: x # gdpr-check: skip=AC004, AC007 both accepted\n"
            "# gdpr-check: skip=SE003 above the next line\n\n"
            "c: 1\n")
    skips = scan(text, "f.yaml")
    assert [(s.rules, s.reason, s.line, s.target) for s in skips] == [
        (("AC004", "AC007"), "both accepted", 2, 2), (("SE003",), "above the next line", 3, 5)]
    with pytest.raises(InputError, match="expected `# gdpr-check: skip=RULE"):
        scan("# gdpr-check: skip AC004 no equals sign\n", "f.yaml")


def test_an_item_spans_its_deeper_lines():
    lines = ["items:", "- id: a", "  name: A", "", "  # note", "  x: 1", "- id: b", "other: 1"]
    assert list(item_span(lines, 2)) == [2, 3, 4, 5, 6]
    assert list(item_span(lines, 7)) == [7]
