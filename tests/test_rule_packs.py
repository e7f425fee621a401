"""Custom rule packs (SPEC §6): --rules and the project's rules/ add rules, a rule with a
built-in id replaces it, and `enabled: false` turns one off."""
from __future__ import annotations

from pathlib import Path

from gdpr_check import check
from gdpr_check.cli import main

from .rules.harness import write_project

# TR003 fails on a US processor relying on the DPF without certification.
UNCERTIFIED = {"inventory": {"processors": [
    {"id": "mailer", "transfer": {"mechanism": "dpf", "dpf_certified": False}}]}}

STRICTER_TR003 = """\
- id: TR003
  name: Our own DPF rule
  area: transfers
  articles: ["Art. 45(1)"]
  severity: critical
  loop: inventory.processors
  when: item.transfer and item.transfer.mechanism == 'dpf'
  that:
    - item.transfer.dpf_certified
  fail_msg: "{{ item.id }}: not certified (house rule)"
"""


def pack(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text(text)
    return folder


def test_a_rule_with_a_built_in_id_replaces_it(tmp_path):
    project = write_project(tmp_path / "p", UNCERTIFIED)
    custom = pack(tmp_path / "pack", STRICTER_TR003)
    report = check(project, rules=[custom], select=["TR003"])
    assert [r.name for r in report.rules] == ["Our own DPF rule"]
    assert [(f.severity, f.message) for f in report.findings] == [
        ("critical", "mailer: not certified (house rule)")]
    assert report.findings[0].path == "inventory/inventory.yaml"


def test_the_projects_own_rules_folder_is_a_pack(tmp_path):
    project = write_project(tmp_path / "p", UNCERTIFIED)
    pack(project / "rules", STRICTER_TR003)
    report = check(project, select=["TR003"])
    assert [f.severity for f in report.findings] == ["critical"]


def test_enabled_false_turns_a_built_in_rule_off(tmp_path):
    project = write_project(tmp_path / "p", UNCERTIFIED)
    assert [f.rule for f in check(project, select=["TR003"]).findings] == ["TR003"]
    off = pack(tmp_path / "off", "- {id: TR003, enabled: false, reason: we buy no US services}\n")
    report = check(project, rules=[off])
    assert "TR003" not in {r.id for r in report.rules}
    assert "TR003" not in {f.rule for f in report.findings}
    assert report.rules, "the other built-in rules still run"


def test_a_full_rule_with_enabled_false_is_off_too(tmp_path):
    project = write_project(tmp_path / "p", UNCERTIFIED)
    custom = pack(tmp_path / "pack", STRICTER_TR003 + "  enabled: false\n")
    assert "TR003" not in {r.id for r in check(project, rules=[custom]).rules}


def test_switching_off_an_unknown_rule_is_an_input_error(tmp_path, capsys):
    project = write_project(tmp_path / "p", None)
    off = pack(tmp_path / "off", "- {id: TR0003, enabled: false}\n")
    assert main(["check", str(project), "--rules", str(off)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0, err
    assert "pack.yaml:1:" in err and "TR0003" in err and "did you mean 'TR003'" in err


def test_a_pack_entry_with_more_than_a_switch_must_be_a_whole_rule(tmp_path, capsys):
    project = write_project(tmp_path / "p", None)
    bad = pack(tmp_path / "bad", "- {id: TR003, enabled: false, severity: low}\n")
    assert main(["check", str(project), "--rules", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "pack.yaml:1:" in err and "missing required key" in err
