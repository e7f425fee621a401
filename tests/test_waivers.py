"""Waivers (SPEC §9): accepted risks are reported but do not fail the run, until they
expire; waivers that match nothing are reported as stale; incomplete ones are exit 2."""
from __future__ import annotations

import json
from datetime import date

import pytest

from gdpr_check import check
from gdpr_check.cli import main

from .packs import INDIA_PACK
from .rules.harness import write_project

# A rule of the project's own pack (rules/ at its root), so that these tests exercise the
# waiver mechanism whatever the built-in rules become: two processors fail it.
PACK = INDIA_PACK
VIOLATIONS = {"inventory": {"processors": [{"id": "mailer", "countries": ["IN"]},
                                           {"id": "cloudhost", "countries": ["IN"]}]}}


@pytest.fixture
def project(tmp_path):
    folder = write_project(tmp_path / "project", VIOLATIONS)
    (folder / "rules").mkdir()
    (folder / "rules" / "test.yaml").write_text(PACK)
    return folder


def waiver(rule, subject=None, expires="2999-12-31", reason="Accepted, ticket SEC-1",
           approved_by="DPO"):
    lines = [f"- rule: {rule}"]
    if subject is not None:
        lines.append(f"  subject: {subject}")
    if reason is not None:
        lines.append(f"  reason: {reason}")
    if approved_by is not None:
        lines.append(f"  approved_by: {approved_by}")
    if expires is not None:
        lines.append(f"  expires: {expires}")
    return "\n".join(lines) + "\n"


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_waiving_every_finding_makes_check_pass(project, capsys):
    before = check(project)
    assert before.failing("low"), "the patched project must have findings to waive"
    (project / "waivers.yaml").write_text("".join(
        waiver(f.rule, f.subject_id) for f in before.findings))

    code, out, _ = run(capsys, "check", str(project), "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert len(report["findings"]) == len(before.findings)
    for finding in report["findings"]:
        assert finding["waived"] == {"reason": "Accepted, ticket SEC-1", "approved_by": "DPO",
                                     "expires": "2999-12-31"}
    assert report["summary"]["waived"] == len(before.findings)
    assert report["summary"]["findings"] == 0
    assert report["notices"] == []

    code, out, _ = run(capsys, "check", str(project))
    assert code == 0
    assert out.count("[waived]") == len(before.findings)


def test_a_waiver_without_subject_covers_every_subject_of_its_rule(project):
    (project / "waivers.yaml").write_text(waiver("XT001"))
    report = check(project, select=["XT001"])
    assert sorted(f.subject_id for f in report.findings) == ["cloudhost", "mailer"]
    assert all(f.waived for f in report.findings)
    assert not report.failing("info")


def test_a_waiver_with_subject_covers_only_that_subject(project):
    (project / "waivers.yaml").write_text(waiver("XT001", "mailer"))
    report = check(project, select=["XT001"])
    waived = {f.subject_id: f.waived is not None for f in report.findings}
    assert waived == {"mailer": True, "cloudhost": False}
    assert [f.subject_id for f in report.failing("low")] == ["cloudhost"]


def test_expired_waivers_fail_again_and_are_reported(project, capsys):
    (project / "waivers.yaml").write_text(waiver("XT001", "mailer", expires="2030-01-01")
                                          + waiver("XT001", "cloudhost"))
    valid = check(project, select=["XT001"], today=date(2030, 1, 1))  # the last valid day
    assert not valid.failing("low") and valid.notices == []

    report = check(project, select=["XT001"], today=date(2030, 1, 2))
    assert [f.subject_id for f in report.failing("low")] == ["mailer"]
    (notice,) = report.notices
    assert notice.kind == "expired-waiver"
    assert (notice.path, notice.line) == ("waivers.yaml", 1)
    assert "2030-01-01" in notice.message and "mailer" in notice.message

    # Through the CLI (today's date): a waiver that expired long ago.
    (project / "waivers.yaml").write_text(waiver("XT001", "mailer", expires="2001-01-01"))
    code, out, _ = run(capsys, "check", str(project), "--select", "XT001")
    assert code == 1
    assert "waivers.yaml:1: expired-waiver: waiver for XT001 on 'mailer' expired on " \
           "2001-01-01" in out
    code, out, _ = run(capsys, "check", str(project), "--select", "XT001", "--format", "json")
    notices = json.loads(out)["notices"]
    assert notices == [{"kind": "expired-waiver", "message": notices[0]["message"],
                        "location": {"path": "waivers.yaml", "line": 1}}]


def test_stale_waivers_are_reported(project):
    text = (waiver("XT001", "no-such-processor")            # line 1: matches nothing
            + waiver("XT001", "mailer"))                    # line 6: applies
    (project / "waivers.yaml").write_text(text)
    report = check(project, select=["XT001"])
    assert [(n.kind, n.line) for n in report.notices] == [("stale-waiver", 1)]
    assert [f.subject_id for f in report.findings if f.waived] == ["mailer"]


def test_a_waiver_for_a_misspelt_rule_id_is_exit_2_with_a_did_you_mean(project, capsys):
    # It waives nothing, so the finding it was meant for would fail with only a notice.
    (project / "waivers.yaml").write_text(waiver("XT001", "mailer") + waiver("XT01", "cloudhost"))
    code, out, err = run(capsys, "check", str(project), "--select", "XT001")
    assert (code, out) == (2, "")
    assert err == ("gdpr-check: error: waivers.yaml:6:3: waiver for XT01 on 'cloudhost': "
                   "there is no rule 'XT01' (did you mean 'XT001'?)\n")
    assert run(capsys, "validate", str(project))[0] == 2


def test_a_waiver_for_a_rule_that_did_not_run_is_not_stale(project):
    (project / "waivers.yaml").write_text(waiver("XT001", "mailer"))
    report = check(project, ignore=["XT001"])
    assert "XT001" not in {r.id for r in report.rules}
    assert report.notices == []


@pytest.mark.parametrize("missing", ["reason", "expires", "approved_by"])
def test_a_waiver_missing_a_mandatory_field_is_exit_2_at_its_line(project, capsys, missing):
    fields = {"reason": "Accepted", "approved_by": "DPO", "expires": "2999-12-31"}
    fields[missing] = None
    (project / "waivers.yaml").write_text(waiver("XT001", "crm") + waiver("XT001", **fields))
    code, out, err = run(capsys, "check", str(project))
    assert code == 2
    assert out == ""
    assert err.startswith(f"gdpr-check: error: waivers.yaml:6:3: missing required key "
                          f"'{missing}'"), err
    assert len(err.splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("body,expected", [
    ("- rule: XT001\n  reason: x\n  approved_by: DPO\n  expires: soon\n",
     "waivers.yaml:4:3: waiver #1.expires: expected a date (YYYY-MM-DD), found 'soon'"),
    ("- rule: XT001\n  reason: ''\n  approved_by: DPO\n  expires: 2030-01-01\n",
     "waivers.yaml:2:3: waiver #1.reason: "),
    ("- rule: XT001\n  reasn: x\n  approved_by: DPO\n  expires: 2030-01-01\n",
     "waivers.yaml:2:3: unknown key 'reasn' (did you mean 'reason'?)"),
    ("rule: XT001\n", "waivers.yaml:1:1: expected a list of waivers at the top level"),
])
def test_malformed_waivers_are_exit_2(project, capsys, body, expected):
    (project / "waivers.yaml").write_text(body)
    code, _, err = run(capsys, "check", str(project))
    assert code == 2
    assert expected in err, err


def test_waivers_flag_and_default_file(project, capsys, tmp_path):
    (project / "waivers.yaml").write_text(waiver("XT001"))
    other = tmp_path / "other-waivers.yaml"
    other.write_text(waiver("XT001", "mailer"))
    assert all(f.waived for f in check(project, select=["XT001"]).findings)
    flagged = check(project, select=["XT001"], waivers=other)
    assert {f.subject_id for f in flagged.findings if f.waived} == {"mailer"}
    assert not any(f.waived for f in check(project, select=["XT001"], waivers=False).findings)
    code, _, err = run(capsys, "check", str(project), "--waivers", str(tmp_path / "none.yaml"))
    assert code == 2 and "waivers file not found" in err


def test_validate_checks_the_waivers_file_too(project, capsys):
    (project / "waivers.yaml").write_text(waiver("XT001", expires=None))
    code, _, err = run(capsys, "validate", str(project))
    assert code == 2 and "waivers.yaml:1:3: missing required key 'expires'" in err


def test_the_cli_judges_expiry_by_source_date_epoch_when_set(project, capsys, monkeypatch):
    (project / "waivers.yaml").write_text(waiver("XT001", expires="2030-01-01"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1893456000")  # 2030-01-01T00:00:00Z
    assert run(capsys, "check", str(project), "--select", "XT001")[0] == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1893456000 + 86400))  # 2030-01-02
    code, out, _ = run(capsys, "check", str(project), "--select", "XT001")
    assert code == 1 and "expired-waiver" in out
