"""What a report is filed with (issue 9, item 10): the controller, the commit, the rule
packs and the reference data with their dates, in the library's report and in every
format that has a place for them; the run's date only when asked."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from gdpr_check import check
from gdpr_check.cli import main
from gdpr_check.provenance import BUILTIN_RULES_AS_OF
from gdpr_check.refdata import reference
from gdpr_check.report import paths, render

from ..rules.harness import write_project

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
PACK = """\
- id: ZZ001
  name: Every system names an owner
  description: A test rule (Art. 5(2)).
  area: records
  articles: ["Art. 5(2)"]
  severity: low
  loop: inventory.systems
  that: ["item.owner is not none"]
  fail_msg: "{{ item.id }} has no owner"
"""


def make_project(folder):
    """The compliant base project: no waivers, so any pack may run on it."""
    return write_project(folder, None)


def _git(repo, *args, date="2024-05-06T10:00:00+00:00"):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.org", GIT_AUTHOR_DATE=date,
               GIT_COMMITTER_DATE=date)
    return subprocess.run(["git", "-C", str(repo), *args], env=env, check=True,
                          capture_output=True, text=True).stdout.strip()


@pytest.fixture()
def committed(tmp_path, monkeypatch):
    """A repository whose project is `compliance/`, with a pack of its own committed on
    2024-05-06 and an `origin` whose URL carries a token."""
    for name in ("GITHUB_WORKSPACE", "GITHUB_SERVER_URL", "GITHUB_REPOSITORY",
                 "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(name, raising=False)
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    project = make_project(repo / "compliance")
    (project / "rules").mkdir()
    (project / "rules" / "own.yaml").write_text(PACK)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "pack")
    _git(repo, "remote", "add", "origin", "https://x-access-token:s3cr3t@github.com/o/r.git")
    paths._prefix.cache_clear()
    yield project
    paths._prefix.cache_clear()


@needs_git
def test_the_library_report_carries_what_was_checked_with_what(committed):
    report = check(committed, config=False, baseline=False)
    record = report.provenance
    assert record.controller == "Example Oy"
    assert record.commit == _git(committed.parent, "rev-parse", "HEAD")
    assert record.repository == "https://github.com/o/r.git"     # the token is dropped
    builtin, own = record.rule_packs
    assert (builtin.name, builtin.date, builtin.version) == \
        ("built-in", BUILTIN_RULES_AS_OF, report.tool_version)
    assert builtin.rules == len(report.rules) - 1
    assert (own.name, own.rules, own.date, own.version) == \
        ("compliance/rules", 1, "2024-05-06", None)
    assert record.reference_date == reference().as_of.isoformat()
    assert record.run_date is None


@needs_git
def test_every_format_names_it_and_no_secret_leaks(committed, sarif_validator):
    report = check(committed, config=False, baseline=False)
    sha = report.provenance.commit
    texts = {fmt: render(report, fmt, root=committed)
             for fmt in ("html", "json", "sarif", "markdown", "junit", "text")}
    assert not any("s3cr3t" in text or "x-access-token" in text for text in texts.values())
    run = json.loads(texts["sarif"])["runs"][0]
    sarif_validator.validate(json.loads(texts["sarif"]))
    assert run["versionControlProvenance"] == [
        {"repositoryUri": "https://github.com/o/r.git", "revisionId": sha}]
    assert run["properties"]["controller"] == "Example Oy"
    assert run["properties"]["referenceDataAsOf"] == reference().as_of.isoformat()
    assert [p["name"] for p in run["properties"]["rulePacks"]] == ["built-in",
                                                                   "compliance/rules"]
    assert "runDate" not in run["properties"]
    data = json.loads(texts["json"])["run"]
    assert data["commit"] == sha and data["controller"] == "Example Oy"
    assert data["rule_packs"][1] == {"name": "compliance/rules", "rules": 1,
                                     "date": "2024-05-06", "version": None}
    assert "run_date" not in data
    html = texts["html"]
    assert f'<dd id="audit-commit"><code>{sha}</code></dd>' in html
    assert f"built-in (gdpr-check {report.tool_version}, {len(report.rules) - 1} rules, " \
           f"reviewed {BUILTIN_RULES_AS_OF})" in html
    assert "compliance/rules (1 rule, last commit 2024-05-06)" in html


def test_the_run_date_only_when_asked(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    project = make_project(tmp_path / "p")
    plain = check(project, config=False, baseline=False)
    assert plain.provenance.run_date is None
    dated = check(project, config=False, baseline=False, dated=True)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\dZ", dated.provenance.run_date)
    assert json.loads(render(dated, "json"))["run"]["run_date"] == dated.provenance.run_date
    assert json.loads(render(dated, "sarif"))["runs"][0]["properties"]["runDate"] == \
        dated.provenance.run_date
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764633600")   # reproducible builds pin it
    pinned = check(project, config=False, baseline=False)
    assert pinned.provenance.run_date == "2025-12-02T00:00Z"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    out = tmp_path / "r.html"
    main(["check", str(project), "--fail-on", "never", "--run-date", "--output", str(out)])
    assert re.search(r'<dd id="audit-run">\d{4}-\d\d-\d\d \d\d:\d\d UTC</dd>', out.read_text())
    main(["check", str(project), "--fail-on", "never", "--output", str(out)])
    assert 'id="audit-run"' not in out.read_text()
    capsys.readouterr()


@pytest.mark.parametrize("remote, shown", [
    ("https://user:token@github.com/o/r.git", "https://github.com/o/r.git"),
    ("git@github.com:o/r.git", "ssh://github.com/o/r.git"),
    ("ssh://git@example.org:2222/o/r", "ssh://example.org:2222/o/r"),
    ("https://github.com/o/r?token=x#frag", "https://github.com/o/r"),
    ("/srv/git/r.git", None), ("file:///srv/git/r.git", None), ("../r", None),
    ("C:\\repos\\r", None), ("http://[::1", None),
])
def test_remote_addresses_are_shown_without_credentials_or_local_paths(remote, shown):
    assert paths._public_url(remote) == shown


def test_a_github_job_names_its_repository_when_the_checkout_has_no_remote(monkeypatch,
                                                                         tmp_path):
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/privacy")
    assert paths.repository_url(tmp_path) == "https://github.com/acme/privacy"


@needs_git
def test_the_checked_repositorys_remote_wins_over_the_jobs(committed, monkeypatch):
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/workflows")   # another repository's job
    assert paths.repository_url(committed) == "https://github.com/o/r.git"


def test_dated_is_a_flag_not_a_date(tmp_path):
    """`dated="2026-12-01"` once made a test record the clock's minute and flake when two
    renders straddled one: a date is fixed with SOURCE_DATE_EPOCH, and anything but a
    bool is refused before anything is loaded."""
    project = make_project(tmp_path / "p")
    with pytest.raises(TypeError, match="SOURCE_DATE_EPOCH"):
        check(project, config=False, baseline=False, dated="2026-12-01")
