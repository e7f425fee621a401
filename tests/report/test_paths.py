"""Paths that match the repository (report/paths.py): a project in a subfolder of a git
repository gets the same repository-relative paths in SARIF, annotations, JUnit and
Markdown, so code-scanning alerts and PR annotations point at files that exist."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from xml.etree import ElementTree as ET

import pytest

from gdpr_check.cli import main
from gdpr_check.report import paths, render

from .conftest import RULES, make_project, run

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture()
def nested(tmp_path, monkeypatch):
    """A git repository whose project lives in `compliance/`."""
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return make_project(repo / "compliance")


@needs_git
def test_prefix_is_the_folder_in_the_repository(nested):
    assert paths.prefix_for(nested) == "compliance/"
    assert paths.prefix_for(nested.parent) == ""
    assert paths.in_repository("inventory/a.yaml", "compliance/") == \
        "compliance/inventory/a.yaml"


def test_outside_git_the_project_root_is_the_base(tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.setattr(paths, "repository_root", lambda folder: None)
    paths._prefix.cache_clear()
    assert paths.prefix_for(tmp_path) == ""
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))   # a job's checkout without .git
    assert paths.prefix_for(tmp_path / "sub") == "sub/"
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path / "elsewhere"))
    assert paths.prefix_for(tmp_path / "sub") == ""       # not inside it: never `../`
    paths._prefix.cache_clear()


def test_git_failing_is_not_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no git at all
    assert paths.repository_root(str(tmp_path)) is None
    assert paths.commit_of(tmp_path) is None


@needs_git
def test_sarif_and_annotations_agree_for_a_project_in_a_subfolder(nested, tmp_path,
                                                                  capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    sarif, junit, markdown = (tmp_path / "r.sarif", tmp_path / "r.xml", tmp_path / "r.md")
    main(["check", str(nested), "--rules", str(RULES), "--select", "report-test",
          "--waivers", str(nested / "waivers.yaml"), "--fail-on", "low",
          "--output", str(sarif), "--output", str(junit), "--output", str(markdown)])
    out = capsys.readouterr().out
    annotated = set(re.findall(r"^::(?:error|warning|notice) file=([^,]+),", out, re.M))
    log = json.loads(sarif.read_text())
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in log["runs"][0]["results"] if "suppressions" not in r}
    assert uris and annotated == uris
    assert all(u.startswith("compliance/") and (nested.parent / u).is_file() for u in uris)
    files = {c.get("file") for c in ET.parse(junit).iter("testcase") if c.get("file")}
    assert files and all((nested.parent / f).is_file() for f in files)
    links = set(re.findall(r"\]\(([^)#]+)#L\d+\)", markdown.read_text()))
    assert links and all(link.startswith("compliance/") for link in links)


@needs_git
def test_library_render_takes_the_root(nested):
    text = render(run(nested), "sarif", root=nested)
    assert '"uri": "compliance/' in text
    assert '"uri": "compliance/' not in render(run(nested), "sarif")  # no root: as before
