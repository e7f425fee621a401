"""Reads only inside the project (issue 8, docs/security.md "Reads"): a checked repository
may come from an untrusted pull request, and a symbolic link or a config path leading out
of it would make the tool read — and quote in its error messages, in a public CI log —
files such as ~/.netrc. Only what the command line names is read outside the project."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gdpr_check.cli import main

from .rules.harness import write_project

SECRET = "machine github.com login ci password s3cr3t-t0ken"


@pytest.fixture()
def project(tmp_path) -> Path:
    return write_project(tmp_path / "project", None)


@pytest.fixture()
def secret(tmp_path) -> Path:
    path = tmp_path / "home" / ".netrc"
    path.parent.mkdir()
    path.write_text(SECRET + "\n")
    return path


def refused(capsys, *args) -> str:
    """Exit 2 with one line, which does not quote the file outside."""
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert code == 2, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("gdpr-check: error: "), err
    assert "s3cr3t" not in err and out == ""
    return lines[0][len("gdpr-check: error: "):]


@pytest.mark.parametrize("name", ["inventory/stolen.yaml", "policy/more/stolen.yaml",
                                  "rules/stolen.yaml", "waivers.yaml", ".gdpr-check.yaml"])
def test_a_project_file_linking_out_is_not_read(project, secret, capsys, name):
    link = project / name
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(secret)
    message = refused(capsys, "check", project)
    assert message == (f"{name}: '{name}' leads out of the project through a symbolic link "
                       f"(to {secret}); files of the project are read only inside it")


def test_a_project_folder_linking_out_is_not_read(project, tmp_path, capsys):
    elsewhere = tmp_path / "elsewhere"
    (project / "inventory").rename(elsewhere)
    (project / "inventory").symlink_to(elsewhere)
    assert "inventory/inventory.yaml: 'inventory/inventory.yaml' leads out of the project" \
        in refused(capsys, "validate", project)


def test_a_pyproject_linking_out_is_not_read(project, tmp_path, capsys):
    outside = tmp_path / "pyproject.toml"
    outside.write_text('[tool.gdpr-check]\nfail_on = "never"\n')
    (project / "pyproject.toml").symlink_to(outside)
    assert refused(capsys, "check", project).startswith(
        "pyproject.toml: 'pyproject.toml' leads out of the project through a symbolic link")


@pytest.mark.parametrize("key, value, problem", [
    ("waivers", "../home/.netrc", "'../home/.netrc' leaves the project through '..'"),
    ("baseline", "/etc/hostname", "'/etc/hostname' is an absolute path"),
    ("rules", "[../home]", "'../home' leaves the project through '..'"),
    ("waivers", "linked/.netrc", "'linked/.netrc' leads out of the project through a symbolic "
                                 "link"),
])
def test_config_paths_stay_inside_the_project(project, secret, capsys, key, value, problem):
    (project / "linked").symlink_to(secret.parent)
    (project / ".gdpr-check.yaml").write_text(f"fail_on: never\n{key}: {value}\n")
    message = refused(capsys, "check", project)
    assert message.startswith(f".gdpr-check.yaml:2:") and f"{key}: {problem}" in message
    assert message.endswith(f"paths in the configuration must stay inside the project "
                            f"(pass --{key} to read elsewhere)")


def test_the_command_line_may_name_files_outside(project, tmp_path, capsys):
    pack = tmp_path / "pack.yaml"
    pack.write_text("- {id: TR001, enabled: false}\n")
    waivers = tmp_path / "accepted.yaml"
    waivers.write_text("[]\n")
    code = main(["check", str(project), "--rules", str(pack), "--waivers", str(waivers),
                 "--fail-on", "never"])
    assert (code, capsys.readouterr().err) == (0, "")


def test_links_inside_the_project_and_a_linked_project_are_fine(project, tmp_path, capsys):
    (project / "shared").mkdir()
    (project / "inventory" / "inventory.yaml").rename(project / "shared" / "inventory.yaml")
    (project / "inventory" / "inventory.yaml").symlink_to(project / "shared" /
                                                          "inventory.yaml")
    (project / ".gdpr-check.yaml").write_text(textwrap.dedent("""\
        fail_on: never
        waivers: shared/waivers.yaml
        """))
    (project / "shared" / "waivers.yaml").write_text("[]\n")
    alias = tmp_path / "alias"
    alias.symlink_to(project)  # the checkout itself reached through a link
    for root in (project, alias):
        assert main(["check", str(root)]) == 0
        assert capsys.readouterr().err == ""
