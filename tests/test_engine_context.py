"""The engine evaluates all of a rule's expressions, for every item, in one shared context
(SPEC §11 speed); nothing one item leaves behind may change what the next one sees."""
from __future__ import annotations

from pathlib import Path

import pytest

from gdpr_check import check
from gdpr_check.expr.sandbox import ENV, Expression, Scope, new_context
from gdpr_check.runtime import Tuning

from .rules.harness import write_project

FORKS = Tuning(fork=True)  # a caller that allows the two-process run
TWO_SYSTEMS = {"inventory": {"systems": [
    {"id": "crm", "name": "CRM"}, {"id": "newsletter_list", "name": "List"}]}}


def pack(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text(text)
    return folder


def test_a_set_in_fail_msg_does_not_reach_the_next_item(tmp_path):
    # `label` is a var and is also set by the message: each item must see its own var.
    rule = """\
- id: XC001
  name: Every system is called X (a test rule)
  area: records
  severity: low
  articles: ["Art. 30"]
  loop: inventory.systems
  when: item.id in ['crm', 'newsletter_list']
  vars:
    label: item.id ~ '!'
  that: ["label == 'X!'"]
  fail_msg: "{% set label = 'from the message' %}{% set other = 1 %}{{ label }} / {{ item.id }}"
"""
    project = write_project(tmp_path / "p", TWO_SYSTEMS)
    report = check(project, rules=[pack(tmp_path / "pack", rule)], select=["XC001"])
    assert sorted((f.subject_id, f.message) for f in report.findings) == [
        ("crm", "from the message / crm"),
        ("newsletter_list", "from the message / newsletter_list")]


def test_vars_of_an_earlier_item_are_replaced(tmp_path):
    rule = """\
- id: XC002
  name: Names are known (a test rule)
  area: records
  severity: low
  articles: ["Art. 30"]
  loop: inventory.systems
  vars:
    name: item.name
  that: ["name != 'CRM'"]
  fail_msg: "{{ name }}"
"""
    project = write_project(tmp_path / "p", TWO_SYSTEMS)
    report = check(project, rules=[pack(tmp_path / "pack", rule)], select=["XC002"])
    assert [(f.subject_id, f.message) for f in report.findings] == [("crm", "CRM")]


def test_scope_context_resolves_like_jinja():
    scope = Scope(ENV.globals, item={"a": 1}, xs=[1, None, 2])
    context = new_context(scope)
    assert Expression("item.a + 1", ("t", 1, 1)).evaluate(context) == 2
    scope["item"] = {"a": 5}  # the next item, in the same context
    assert Expression("item.a + 1", ("t", 1, 1)).evaluate(context) == 6
    # tests called directly by select/reject give what Jinja's dispatch gives
    assert Expression("xs | reject('none') | list", ("t", 1, 1), ["xs"]).evaluate(
        context) == [1, 2]
    assert Expression("xs | select('in', [2]) | list", ("t", 1, 1), ["xs"]).evaluate(
        context) == [2]
    assert Expression("[1, 2] | select('divisibleby', 2) | list",
                      ("t", 1, 1)).evaluate(context) == [2]


# -- rules in two processes ------------------------------------------------------------------

BASE = Path(__file__).parent / "fixtures" / "base"


def _findings(report):
    return [f.to_dict() for f in report.findings]


def test_the_rows_a_child_sends_are_the_findings(tmp_path):
    """`run_rule(..., rows=True)`, what a child process sends, gives back every finding
    field for field (`finding_of`): messages, default messages and schema errors."""
    from gdpr_check.api import load_rules
    from gdpr_check.engine import compile_rule, count_objects, finding_of, run_rule
    from gdpr_check.expr import Helpers, Index, budget, scope_for
    from gdpr_check.load import load_project
    from gdpr_check.refdata import reference
    schema_rule = """\
- id: XC004
  name: System names are short (a test rule)
  area: records
  severity: low
  articles: ["Art. 30"]
  loop: inventory.systems
  schema: {properties: {name: {maxLength: 20}}}
- id: XC005
  name: No system is the booking system (a test rule)
  area: records
  severity: low
  articles: ["Art. 30"]
  loop: inventory.systems
  that: ["item.id != 'booking'"]
"""
    root = Path(__file__).parent / "fixtures" / "clinic"
    project = load_project(root)
    rules = [r for r in load_rules(root, [pack(tmp_path / "pack", schema_rule)]) if r.enabled]
    ref = reference()
    base = scope_for(Helpers(Index(project.policy, project.inventory), ref), project.policy,
                     project.inventory, ref)
    budget.start_run(count_objects(project.inventory))
    found = set()
    for rule in map(compile_rule, rules):
        findings = run_rule(rule, base, project.policy, project.policy.location)
        rows = run_rule(rule, base, project.policy, project.policy.location, rows=True)
        assert [finding_of(rule.rule, row) for row in rows] == findings
        found.update(rule.rule.id for _ in findings)
    assert {"XC004", "XC005"} <= found and len(found) > 10


def test_a_finding_has_the_fields_of_its_rule_and_its_row():
    """`finding_of` passes Finding's fields by position: each lands where it belongs."""
    from gdpr_check.api import load_rules
    from gdpr_check.engine import finding_of
    from gdpr_check.findings import Finding
    rule = next(r for r in load_rules(BASE) if r.id == "RI015")
    row = ("flow", "crm_to_mailer", "a message", "inventory/flows.yaml", 12, 5, "k", "CRM")
    assert finding_of(rule, row) == Finding(
        rule=rule.id, name=rule.name, area=rule.area, severity=rule.severity,
        articles=list(rule.articles), subject_kind="flow", subject_id="crm_to_mailer",
        message="a message", remediation=rule.remediation, path="inventory/flows.yaml",
        line=12, column=5, key="k", tags=list(rule.tags), kind=rule.kind,
        subject_name="CRM")


def test_two_processes_give_the_sequential_findings(monkeypatch, tmp_path):
    from gdpr_check.engine import parallel
    project = write_project(tmp_path / "p", {"inventory": {"processors": [
        {"id": "mailer", "transfer": {"mechanism": "dpf", "dpf_certified": False}}]}})
    sequential = _findings(check(project))
    assert sequential
    runs = []
    real_run = parallel.run
    monkeypatch.setattr("gdpr_check.runtime.LARGE_INVENTORY", 0)
    monkeypatch.setattr(parallel, "possible", lambda: True)
    monkeypatch.setattr(parallel, "run", lambda *a: runs.append(real_run(*a)) or runs[-1])
    assert _findings(check(project, tuning=FORKS)) == sequential
    assert runs and runs[0] is not None, "the two-process path did not run"


@pytest.mark.parametrize("side", ["parent", "child"])
def test_an_error_in_two_processes_is_the_sequential_error(monkeypatch, tmp_path, side):
    from gdpr_check.engine import RuleError, parallel
    broken = """\
- id: XC003
  name: A rule that fails on its second system (a test rule)
  area: records
  severity: low
  articles: ["Art. 30"]
  loop: inventory.systems
  that: ["item.id == 'crm' or item.nosuchfield"]
"""
    project = write_project(tmp_path / "p", TWO_SYSTEMS)
    rules = [pack(tmp_path / "pack", broken)]
    with pytest.raises(RuleError) as sequential:
        check(project, rules=rules)
    monkeypatch.setattr("gdpr_check.runtime.LARGE_INVENTORY", 0)
    monkeypatch.setattr(parallel, "possible", lambda: True)
    real_taken = parallel._taken

    def taken(queue, who):  # every rule to `side`: the other process takes none
        return real_taken(queue, who) if who == side else iter(())
    monkeypatch.setattr(parallel, "_taken", taken)
    with pytest.raises(RuleError) as two:
        check(project, rules=rules, tuning=FORKS)
    assert str(two.value) == str(sequential.value)


def test_a_child_that_dies_means_a_sequential_run(monkeypatch, tmp_path):
    import os

    from gdpr_check.engine import parallel
    sequential = _findings(check(BASE))
    monkeypatch.setattr("gdpr_check.runtime.LARGE_INVENTORY", 0)
    monkeypatch.setattr(parallel, "possible", lambda: True)
    monkeypatch.setattr(parallel, "_child", lambda *a: os._exit(3))
    assert _findings(check(BASE, tuning=FORKS)) == sequential


def test_a_system_that_starts_no_child_means_a_sequential_run(monkeypatch, tmp_path):
    """Out of processes (fork raises EAGAIN): one process, the same findings, no error."""
    import os

    from gdpr_check.engine import parallel
    sequential = _findings(check(BASE))
    runs = []
    real_run = parallel.run
    monkeypatch.setattr("gdpr_check.runtime.LARGE_INVENTORY", 0)
    monkeypatch.setattr(parallel, "possible", lambda: True)
    monkeypatch.setattr(parallel, "run", lambda *a: runs.append(real_run(*a)) or runs[-1])

    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")
    monkeypatch.setattr(os, "fork", no_fork)
    assert _findings(check(BASE, tuning=FORKS)) == sequential
    assert runs == [None]  # the two-process path was tried, and gave way


def test_a_process_that_ignores_sigchld_still_runs_its_rules_in_two(monkeypatch, tmp_path):
    import signal

    from gdpr_check.engine import parallel
    sequential = _findings(check(BASE))
    monkeypatch.setattr("gdpr_check.runtime.LARGE_INVENTORY", 0)
    monkeypatch.setattr(parallel, "possible", lambda: True)
    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        assert _findings(check(BASE, tuning=FORKS)) == sequential
    finally:
        signal.signal(signal.SIGCHLD, previous)
