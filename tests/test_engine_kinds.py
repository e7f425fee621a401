"""A rule's `kind` (violation | unrecorded) reaches its findings, the gate and the CLI."""
from __future__ import annotations

import json
from pathlib import Path

from gdpr_check import check
from gdpr_check.cli import main
from gdpr_check.api import load_rules
from gdpr_check.load.rules import builtin_rules_dir
from gdpr_check.model.rule import KINDS

from .rules.harness import write_project

RULES = """\
- id: XK001
  name: Every system records its owner (a test rule)
  area: records
  severity: low
  kind: unrecorded
  articles: ["Art. 30(1)"]
  loop: inventory.systems
  when: item.id == 'crm'
  that: ["false"]
  fail_msg: "{{ item.name }} does not record its owner"

- id: XK002
  name: No system is called CRM (a test rule)
  area: records
  severity: low
  articles: ["Art. 30(1)"]
  loop: inventory.systems
  when: item.id == 'crm'
  that: ["item.name != 'CRM'"]
"""
PATCH = {"inventory": {"systems": [{"id": "crm", "name": "CRM"}]}}


def project_with(tmp_path: Path, rules: str = RULES) -> tuple[Path, Path]:
    project = write_project(tmp_path / "p", PATCH)
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text(rules)
    return project, pack


def test_the_kind_of_a_rule_is_on_its_findings(tmp_path):
    project, pack = project_with(tmp_path)
    report = check(project, rules=[pack], select=["XK001", "XK002"], config=False)
    kinds = {f.rule: (f.kind, f.subject_name) for f in report.findings}
    assert kinds == {"XK001": ("unrecorded", "CRM"), "XK002": ("violation", "CRM")}
    assert [f.rule for f in report.failing("low")] == ["XK002"]
    assert report.summary()["by_kind"] == {"violation": 1, "unrecorded": 1}


def test_an_unknown_kind_is_a_load_error_at_its_line(tmp_path, capsys):
    project, pack = project_with(tmp_path, RULES.replace("kind: unrecorded", "kind: missing"))
    code = main(["check", str(project), "--rules", str(pack), "--select", "XK001"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert "pack.yaml:5:" in err[0] and "violation" in err[0] and "unrecorded" in err[0]


def test_the_gate_takes_unrecorded_facts_only_when_asked(tmp_path, capsys):
    project, pack = project_with(tmp_path)
    args = ["check", str(project), "--rules", str(pack), "--select", "XK001", "-q"]
    assert main(args) == 0
    assert main(args + ["--fail-on-unrecorded"]) == 1
    (project / ".gdpr-check.yaml").write_text("fail_on_unrecorded: true\n")
    assert main(args) == 1
    assert main(args + ["--no-fail-on-unrecorded"]) == 0
    capsys.readouterr()
    assert main(args + ["--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [f["kind"] for f in data["findings"]] == ["unrecorded"]


def test_builtin_unrecorded_rules_are_low_or_info_and_cite_articles(tmp_path):
    rules = load_rules(tmp_path)  # a folder with no rules of its own: the built-in pack
    assert rules and all(Path(r._pack).resolve().parent == builtin_rules_dir().resolve()
                         for r in rules)
    unrecorded = [r for r in rules if r.kind == "unrecorded"]
    assert {r.kind for r in rules} <= set(KINDS)
    assert len(unrecorded) >= 10
    for rule in unrecorded:
        assert rule.severity in ("info", "low"), rule.id
        assert "Art. " in (rule.description or ""), rule.id
