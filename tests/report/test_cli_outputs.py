"""`gdpr-check check` writing several reports in one run, atomically, and annotating PRs."""
from __future__ import annotations

import json
import os
from xml.etree import ElementTree as ET

import pytest

from gdpr_check.cli import main
from gdpr_check.findings import Finding, Notice, Report
from gdpr_check.report import render, write_atomic
from gdpr_check.report.text import _github_annotations

from .conftest import RULES, run


def check_args(project, *more) -> list[str]:
    return ["check", str(project), "--rules", str(RULES), "--select", "report-test", *more]


@pytest.fixture()
def counted(monkeypatch):
    """Count how often the engine runs: the rule pass and each rule's evaluation."""
    import gdpr_check.api
    import gdpr_check.engine
    calls = {"run_rules": 0, "run_rule": 0}
    run_rules, run_rule = gdpr_check.engine.run_rules, gdpr_check.engine.run_rule

    def counting_run_rules(*args, **kwargs):
        calls["run_rules"] += 1
        return run_rules(*args, **kwargs)

    def counting_run_rule(*args, **kwargs):
        calls["run_rule"] += 1
        return run_rule(*args, **kwargs)
    monkeypatch.setattr(gdpr_check.api, "run_rules", counting_run_rules)
    monkeypatch.setattr(gdpr_check.engine, "run_rule", counting_run_rule)
    return calls


def test_several_formats_in_one_run(project, tmp_path, capsys, counted, monkeypatch):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    sarif, html = tmp_path / "r.sarif", tmp_path / "out" / "r.html"
    code = main(check_args(project, "--format", "text", "--output", "-",
                           "--format", "sarif", "--output", str(sarif),
                           "--format", "html", "--output", str(html)))
    assert code == 1                                   # findings at or above low
    assert counted == {"run_rules": 1, "run_rule": 6}  # 6 rules, each evaluated once
    out = capsys.readouterr().out
    assert "XR100" in out and "4 findings" in out
    report = run(project, graph=True)  # the run builds the map when HTML is asked for
    assert sarif.read_text() == render(report, "sarif")
    assert html.read_text() == render(report, "html")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["out", "r.html", "r.sarif"]


def test_all_reports_to_files_show_a_summary_on_the_terminal(project, tmp_path, capsys):
    sarif, junit = tmp_path / "r.sarif", tmp_path / "r.xml"
    code = main(check_args(project, "--format", "sarif", "--output", str(sarif),
                           "--format", "junit", "--output", str(junit)))
    assert code == 1
    out = capsys.readouterr().out
    assert "4 findings" in out and "Security (1)" in out   # the verdict and the counts
    assert "XR100" not in out                            # not every finding again
    assert out.splitlines()[-1] == f"reports written: {sarif}, {junit}"
    assert sarif.exists() and junit.exists()
    main(check_args(project, "--format", "sarif", "--output", str(sarif), "--format", "text"))
    assert "XR100" in capsys.readouterr().out              # asked for: the whole report


def test_formats_inferred_from_suffixes(project, tmp_path, capsys, counted):
    names = ["r.sarif", "r.html", "r.xml", "r.md", "r.json"]
    args = [x for name in names for x in ("--output", str(tmp_path / name))]
    assert main(check_args(project, *args)) == 1
    assert counted["run_rules"] == 1
    assert "4 findings" in capsys.readouterr().out    # the text report still on the terminal
    assert json.loads((tmp_path / "r.sarif").read_text())["version"] == "2.1.0"
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")
    assert ET.parse(tmp_path / "r.xml").getroot().tag == "testsuites"
    assert (tmp_path / "r.md").read_text().startswith("## ❌ gdpr-check")
    assert len(json.loads((tmp_path / "r.json").read_text())["findings"]) == 5


def test_a_failing_renderer_writes_nothing(project, tmp_path, capsys, monkeypatch):
    """Every format is written to a temporary file before any replaces its report: one
    failing, even half way through its pieces, leaves all old files."""
    import gdpr_check.report.html

    def broken(*_args, **_options):
        yield "<!DOCTYPE html>"
        raise RuntimeError("renderer broke")
    monkeypatch.setattr(gdpr_check.report.html, "chunks", broken)
    sarif, html = tmp_path / "r.sarif", tmp_path / "r.html"
    sarif.write_text("old sarif")
    code = main(check_args(project, "--output", str(sarif), "--output", str(html)))
    assert code == 3
    assert "internal error: RuntimeError: renderer broke" in capsys.readouterr().err
    assert sarif.read_text() == "old sarif"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.sarif"]


def test_a_failing_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "report.md"
    target.write_text("old report")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(target, "half a report, then a lone surrogate \ud800 that UTF-8 refuses")
    assert target.read_text() == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_a_failing_rename_leaves_no_temporary(tmp_path, monkeypatch):
    import gdpr_check.outputs as outputs
    from gdpr_check.errors import InputError

    def refuse(*_args):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(outputs.os, "replace", refuse)
    with pytest.raises(InputError, match="cannot replace .*r.json: Permission denied"):
        write_atomic(tmp_path / "r.json", "{}")
    assert list(tmp_path.iterdir()) == []


def test_unknown_suffix_is_a_usage_error(project, tmp_path, capsys):
    assert main(check_args(project, "--output", str(tmp_path / "r.sarif"),
                           "--output", str(tmp_path / "r.weird"))) == 2
    assert "cannot tell the format of --output" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


# --- GitHub annotations (report/text.py, printed when GITHUB_ACTIONS=true) -------------

def annotations(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("::")]


def test_annotations_under_github_actions(project, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(project.parent))
    assert main(check_args(project, "--fail-on", "medium")) == 1
    lines = annotations(capsys.readouterr().out)
    report = run(project)
    by_rule = {f.rule: f for f in report.findings}
    prefix = f"{project.name}/"             # paths relative to the workspace, not the project
    # failing (>= medium) first, most severe first; XR300 (low) is only a warning; the
    # waived XR400 is not annotated
    assert [line.split(" ", 1)[0] for line in lines] == ["::error"] * 3 + ["::warning"]
    assert [line.split("title=")[1].split("%3A")[0] for line in lines] == \
        ["XR100", "XR600", "XR200", "XR300"]
    first = by_rule["XR100"]
    assert lines[0].startswith(f"::error file={prefix}{first.path},line={first.line},"
                               f"col={first.column},title=XR100%3A Flows are encrypted in "
                               "transit::XR100 Flow crm_backup sends")
    assert lines[0].endswith("(Art. 32(1)(a))%0AFix: Use TLS 1.2+ | or a VPN <tunnel>.")


def test_no_annotations_outside_github_or_in_files(project, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    main(check_args(project))
    assert annotations(capsys.readouterr().out) == []
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    text_file = tmp_path / "report.txt"
    main(check_args(project, "--format", "text", "--output", str(text_file),
                    "--format", "json"))
    assert annotations(text_file.read_text()) == []


def test_annotation_escaping():
    finding = Finding(rule="X1", name="Name, with: colon 100%", area="notice",
                      severity="high", articles=["Art. 13"], subject_kind="system",
                      subject_id="s", message="line one\nline two 50%\r", remediation=None,
                      path="policy/a,b:c.yaml", line=7, column=None)
    notice = Notice(kind="expired-waiver", message="waiver expired", path="waivers.yaml",
                    line=2)
    lines = _github_annotations(Report(findings=[finding], notices=[notice]), "low")
    assert lines == [
        "::error file=policy/a%2Cb%3Ac.yaml,line=7,title=X1%3A Name%2C with%3A colon 100%25"
        "::X1 line one%0Aline two 50%25%0D (Art. 13)",
        "::warning file=waivers.yaml,line=2,title=gdpr-check%3A expired-waiver::waiver expired",
    ]


def test_reports_get_ordinary_file_permissions(tmp_path):
    """Written through a private temporary file, but readable like any file open() makes,
    and a replaced report keeps its mode."""
    old = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.json"
        write_atomic(fresh, "{}\n")
        assert fresh.stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "kept.json"
        kept.write_text("old")
        kept.chmod(0o600)
        write_atomic(kept, "{}\n")
        assert kept.stat().st_mode & 0o777 == 0o600 and kept.read_text() == "{}\n"
    finally:
        os.umask(old)
