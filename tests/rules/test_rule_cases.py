"""Every rule against its fixtures: each case must give exactly the expected subjects."""
from __future__ import annotations

import pytest

from gdpr_check import check
from gdpr_check.api import load_rules
from gdpr_check.load.rules import builtin_rules_dir

from .harness import case_files, load_cases, write_project

CASES = list(load_cases())


@pytest.mark.parametrize("rule_id,case", CASES,
                         ids=[f"{r}-{c['name']}" for r, c in CASES])
def test_rule_case(tmp_path, rule_id, case):
    project = write_project(tmp_path, case.get("patch"))
    report = check(project, select=[rule_id])
    found = sorted({f.subject_id for f in report.findings if f.rule == rule_id})
    assert found == sorted(case["findings"]), [f.message for f in report.findings]
    for finding in report.findings:
        assert finding.path and finding.line, finding  # every finding points at a line


def test_every_rule_has_a_failing_and_a_passing_case():
    rules = load_rules(builtin_rules_dir())
    by_rule = {}
    for rule_id, case in CASES:
        by_rule.setdefault(rule_id, []).append(bool(case["findings"]))
    missing = [r.id for r in rules if r.id not in by_rule]
    one_sided = [r for r, kinds in by_rule.items() if not (True in kinds and False in kinds)]
    assert not missing, f"rules without fixtures: {missing}"
    assert not one_sided, f"rules without both a failing and a passing case: {one_sided}"
    unknown = sorted(set(by_rule) - {r.id for r in rules})
    assert not unknown, f"case files for rules that do not exist: {unknown}"
    assert len(case_files()) == len(by_rule)
