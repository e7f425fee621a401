"""The README's promises: its rule example works, and CI runs the README's test command."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from gdpr_check import check

from .rules.harness import write_project

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def test_readme_starts_with_the_run_and_test_commands():
    run, test = _blocks("sh")[:2]
    assert "gdpr-check check" in run
    assert "pytest" in test
    ci = (ROOT / ".ci" / "run").read_text()
    assert test.strip() in ci, "CI must run the README's test command verbatim"


def test_readme_rule_example_finds_and_stays_silent(tmp_path):
    rule_yaml = _blocks("yaml")[0]
    rules = yaml.safe_load(rule_yaml)
    assert rules[0]["id"] == "ACME001"
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "acme.yaml").write_text(rule_yaml)

    compliant = write_project(tmp_path / "ok", None)
    assert not check(compliant, rules=[pack], select=["ACME001"]).findings

    moved = write_project(tmp_path / "bad", {"inventory": {"systems": [
        {"id": "crm", "hosting": {"provider": "cloudhost", "countries": ["US"]}}]}})
    findings = check(moved, rules=[pack], select=["ACME001"]).findings
    assert [(f.subject_id, f.message) for f in findings] == [
        ("crm", "Customer database is hosted in US")]
    line = (moved / findings[0].path).read_text().splitlines()[findings[0].line - 1]
    assert "hosting" in line


def test_readme_sample_output_is_what_check_prints(capsys):
    """The sample in the README is real: each line shown is in today's output."""
    from gdpr_check.cli import main
    sample = next(b for b in _blocks("text") if b.startswith("$ gdpr-check check"))
    assert main(["check", str(ROOT), "--no-color"]) == 1
    printed = capsys.readouterr().out.splitlines()
    shown = [line for line in sample.splitlines()[1:] if line.strip() not in ("", "...")
             and not line.lstrip().startswith("Art. ")]
    missing = [line for line in shown if line not in printed]
    assert not missing, "README sample is stale; update it from `gdpr-check check`:\n" + \
        "\n".join(missing)


def test_readme_states_the_size_of_the_built_in_pack():
    """The layout table's "a built-in pack of N" is the pack's real size (it went stale
    twice)."""
    from gdpr_check.load.rules import builtin_rules_dir, load_rule_dirs
    text = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    stated = int(re.search(r"a built-in pack of (\d+)", text).group(1))
    root = builtin_rules_dir().parent
    assert stated == len(load_rule_dirs([builtin_rules_dir()], root))
