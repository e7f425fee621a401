"""The project's name, addresses and tag are the ones gdpr_check/meta.py defines, in every
document and in what `gdpr-check init` writes: a drift fails here.

The PyPI name `gdpr-check` belongs to an unrelated project with the same import name, so
no document may tell anyone to install it.
"""
from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest

from gdpr_check import __version__, meta, scaffold

ROOT = Path(__file__).resolve().parent.parent


def documents() -> dict[str, str]:
    """Every text a user reads or copies: README, CONTRIBUTING, CHANGELOG, docs/*.md, the
    action and the Dockerfile, and each file `gdpr-check init` writes."""
    texts = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8")
             for p in [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "CHANGELOG.md",
                       ROOT / "action.yml", ROOT / "Dockerfile",
                       *sorted((ROOT / "docs").glob("*.md"))] if p.is_file()}
    texts.update({f"init:{name}": text for name, text in scaffold.FILES})
    return texts


def pip_installs(text: str) -> list[list[str]]:
    """The arguments of every `pip install` in a text (code blocks, inline code, YAML)."""
    found = []
    for match in re.finditer(r"pip3? install ([^`\n]*)", text):
        line = match.group(1).split("&&")[0]
        found.append(shlex.split(line))
    return found


def installed_names(args: list[str]) -> list[str]:
    """What a `pip install` installs: arguments that are not options or their values."""
    names, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg in ("-r", "-c", "--index-url", "-i", "--extra-index-url", "-d"):
            skip = True
        elif not arg.startswith("-"):
            names.append(arg)
        elif arg == "-e":
            continue
    return names


@pytest.mark.parametrize("name", sorted(documents()))
def test_every_install_line_names_the_distribution_not_the_squatted_one(name):
    text = documents()[name]
    assert f"{meta.SQUATTED_NAME}==" not in text and f"{meta.SQUATTED_NAME}[" not in text
    for args in pip_installs(text):
        for target in installed_names(args):
            local = target.startswith((".", "/", "$"))  # a checkout: a path or a variable
            assert local or target.startswith(meta.DISTRIBUTION), (name, args)
            if not local and "URL@vX.Y.Z" not in target:  # a release, not the template:
                # the repository at the current version's tag
                extras = re.match(rf"{meta.DISTRIBUTION}(?:\[([a-z,]+)\])?", target)[1] or ""
                assert target == meta.requirement(extras), (name, target)


@pytest.mark.parametrize("name", sorted(documents()))
def test_every_repository_address_and_rev_is_the_projects(name):
    text = documents()[name]
    for url in re.findall(r"https://github\.com/[\w.-]+/[\w.-]*gdpr[\w.-]*", text):
        assert url == meta.REPOSITORY_URL, (name, url)
    for rev in re.findall(r"^\s*rev: *(\S+)", text, re.M):
        assert rev == meta.tag(), (name, rev)
    for pinned in re.findall(re.escape(meta.REPOSITORY_URL) + r"@(\S+?)['\s`]", text):
        assert pinned == meta.tag(), (name, pinned)


def test_the_package_metadata_uses_the_same_name_and_addresses():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["name"] == meta.DISTRIBUTION != meta.SQUATTED_NAME
    assert project["scripts"] == {meta.COMMAND: "gdpr_check.cli:entry"}
    assert project["urls"]["Homepage"] == meta.REPOSITORY_URL
    assert project["urls"]["Issues"] == meta.ISSUES_URL
    assert all(url.startswith(meta.REPOSITORY_URL) for url in project["urls"].values())


def test_the_requirement_pins_the_current_tag():
    assert meta.tag() == f"v{__version__}"
    assert meta.requirement("fast") == \
        f"gdpr-policy-check[fast] @ git+{meta.REPOSITORY_URL}@v{__version__}"


def test_the_scan_catches_a_drifting_document():
    assert pip_installs("run: pip install gdpr-check==0.1.0") == [["gdpr-check==0.1.0"]]
    bad = installed_names(pip_installs("`pip install -q gdpr-check`")[0])
    assert bad == ["gdpr-check"] and not bad[0].startswith(meta.DISTRIBUTION)


def test_sarif_and_cli_take_the_addresses_from_meta():
    from gdpr_check import cli
    from gdpr_check.report import sarif
    assert sarif.INFORMATION_URI == meta.REPOSITORY_URL
    assert sarif.RULES_DOC_URI == meta.RULES_DOC_URL
    assert cli.ISSUES_URL == meta.ISSUES_URL


def _addresses(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>)\]`]+", text)


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    """Every report format, rendered from this repository's own run."""
    from gdpr_check import check
    from gdpr_check.report import FORMATS, render
    report = check(ROOT, baseline=False)
    return {fmt: render(report, fmt, root=ROOT) for fmt in FORMATS}


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "markdown", "html"])
def test_every_report_names_the_projects_addresses_only(rendered, fmt):
    text = rendered[fmt]
    for url in _addresses(text):
        if "gdpr" in url:  # ours: the repository or its docs, never another copy
            assert url.startswith(meta.REPOSITORY_URL + "/") or url == meta.REPOSITORY_URL, \
                (fmt, url)
    assert f"pip install {meta.SQUATTED_NAME}" not in text
    for args in pip_installs(text):
        assert all(t.startswith(meta.DISTRIBUTION) for t in installed_names(args)), args


def test_sarif_and_html_links_point_at_the_rule_docs(rendered):
    import json
    driver = json.loads(rendered["sarif"])["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == meta.REPOSITORY_URL
    assert driver["rules"] and all(r["helpUri"] == f"{meta.RULES_DOC_URL}#{r['id'].lower()}"
                                   for r in driver["rules"])
    links = re.findall(r'<a class="rule" href="([^"]+)">([A-Z]+\d+)</a>', rendered["html"])
    assert links and all(href == f"{meta.RULES_DOC_URL}#{rule.lower()}"
                         for href, rule in links)


def test_what_init_prints_and_writes_names_the_tag_and_the_command(tmp_path, capsys):
    from gdpr_check.cli import main
    assert main(["init", str(tmp_path / "p")]) == 0
    printed = capsys.readouterr().out
    assert f"`{meta.COMMAND} check " in printed
    written = {p.name: p.read_text() for p in (tmp_path / "p").rglob("*") if p.is_file()}
    for name, text in [("stdout", printed), *written.items()]:
        assert meta.SQUATTED_NAME + "==" not in text, name
        for url in _addresses(text):
            if "gdpr" in url:
                assert url.startswith(meta.REPOSITORY_URL), (name, url)
        for rev in re.findall(r"^\s*rev: *(\S+)", text, re.M):
            assert rev == meta.tag(), (name, rev)
    assert f"rev: {meta.tag()}" in written[".pre-commit-config.yaml"]
