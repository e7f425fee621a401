"""`gdpr-check init [DIR]`: a starter project that validates, and never overwrites."""
from __future__ import annotations

import json
from pathlib import Path

import yaml

from gdpr_check import __version__
from gdpr_check.cli import main
from gdpr_check.config import load_config
from gdpr_check.scaffold import FILES, WAIVERS

STARTER = [name for name, _ in FILES]


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_then_validate_and_check(tmp_path, capsys):
    project = tmp_path / "new"
    code, out, err = run(capsys, "init", str(project))
    assert code == 0 and err == ""
    assert [line.split()[1] for line in out.splitlines() if line.startswith("created ")] == \
        [str(project / name) for name in STARTER]
    for name in STARTER:
        assert (project / name).is_file()

    code, out, err = run(capsys, "validate", str(project))
    assert (code, err) == (0, ""), err
    assert out.startswith("2 files and ")

    code, out, err = run(capsys, "check", str(project), "--format", "json")
    assert code in (0, 1) and err == "", err
    report = json.loads(out)
    assert report["summary"]["files"] == 2
    assert report["notices"] == []  # the waivers file is read (config `waivers:`), and empty


def test_the_starter_config_waivers_and_pre_commit_entry(tmp_path, capsys):
    assert run(capsys, "init", str(tmp_path))[0] == 0
    config = load_config(tmp_path)
    assert config.shown == ".gdpr-check.yaml" and config.fail_on == "low"
    assert config.waivers_path() == tmp_path / "waivers.yaml"

    pre_commit = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text())
    (repo,) = pre_commit["repos"]
    assert repo["rev"] == f"v{__version__}"
    hooks_file = Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml"
    published = {hook["id"] for hook in yaml.safe_load(hooks_file.read_text())}
    assert [h["id"] for h in repo["hooks"]] == ["gdpr-check"]
    assert "gdpr-check" in published


def test_the_commented_waiver_example_is_a_valid_waiver(tmp_path):
    from gdpr_check.waivers import load
    example = [line[2:] for line in WAIVERS.splitlines() if line.startswith("# ") and
               (line.startswith("# - ") or line.startswith("#   "))]
    assert example[0].startswith("- rule: ")
    (tmp_path / "waivers.yaml").write_text("\n".join(example) + "\n")
    (waiver,) = load(tmp_path / "waivers.yaml", tmp_path)
    assert waiver.reason and waiver.approved_by == "DPO" and waiver.subject == "crm"


def test_init_never_overwrites(tmp_path, capsys):
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "ours.yaml").write_text("controller: {name: Ours Oy, country: FI}\n")
    (tmp_path / ".gdpr-check.yaml").write_text("fail_on: high\n")
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: []\n")
    code, out, _ = run(capsys, "init", str(tmp_path))
    assert code == 0
    assert f"skipped {tmp_path / 'policy/notice.yaml'} (policy/ already holds YAML files)" in out
    assert f"skipped {tmp_path / '.gdpr-check.yaml'} (already exists)" in out
    assert f"skipped {tmp_path / '.pre-commit-config.yaml'} (already exists)" in out
    assert "add to the `repos:`" in out and "id: gdpr-check" in out  # the entry to add
    assert not (tmp_path / "policy" / "notice.yaml").exists()
    assert (tmp_path / ".gdpr-check.yaml").read_text() == "fail_on: high\n"
    assert (tmp_path / ".pre-commit-config.yaml").read_text() == "repos: []\n"
    assert (tmp_path / "inventory" / "inventory.yaml").is_file()

    # A second run changes nothing, and reports every file as skipped.
    (tmp_path / "waivers.yaml").write_text("[] # edited\n")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    code, out, _ = run(capsys, "init", str(tmp_path))
    assert code == 0 and "created" not in out
    assert sum(line.startswith("skipped ") for line in out.splitlines()) == len(STARTER)
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_init_into_a_file_is_exit_2(tmp_path, capsys):
    target = tmp_path / "a-file"
    target.write_text("x")
    code, out, err = run(capsys, "init", str(target))
    assert code == 2 and out == ""
    assert err == f"gdpr-check: error: {target} is a file; expected a folder to create the " \
                  "project in\n"
