"""One seam for speed (issue 10): what a run may do to its process is a `runtime.Tuning`
that the caller chooses. The CLI, whose process exits after the run, allows everything; a
library caller does not get its objects frozen, or its process forked, behind its back;
`load_project` and `run_rules` touch no process-wide state themselves."""
from __future__ import annotations

from pathlib import Path

import pytest

from gdpr_check import api, runtime
from gdpr_check.runtime import LIBRARY, Tuning

BASE = Path(__file__).parent / "fixtures" / "base"


def test_the_library_default_freezes_nothing_and_does_not_fork(gc_calls, monkeypatch):
    monkeypatch.setattr(runtime, "LARGE_INVENTORY", 0)  # every run counts as large
    assert not LIBRARY.forks(10**6)
    LIBRARY.settle()
    assert "freeze" not in gc_calls
    api.check(BASE)
    assert "freeze" not in gc_calls
    assert gc_calls.count("disable") == gc_calls.count("enable") == 1  # paused, resumed


def test_the_cli_tuning_freezes_every_run_and_forks_large_runs_only(gc_calls):
    cli = Tuning.for_cli(environ={})
    assert cli.pause_gc and cli.freeze and cli.fork
    cli.settle()  # a small run's young objects too: the first collection would walk them
    assert gc_calls == ["freeze"]
    assert not cli.forks(runtime.LARGE_INVENTORY - 1) and cli.forks(runtime.LARGE_INVENTORY)


def test_jobs_1_turns_two_processes_off():
    assert not Tuning.for_cli(environ={"GDPR_CHECK_JOBS": "1"}).forks(10**6)
    assert Tuning.for_cli(environ={"GDPR_CHECK_JOBS": "2"}).forks(10**6)


def test_loading_and_running_rules_leave_the_collector_alone(gc_calls):
    """The plain functions know nothing of the policy: only the caller's Tuning acts."""
    from gdpr_check.engine import run_rules
    from gdpr_check.load import load_project
    from gdpr_check.refdata import reference
    project = load_project(BASE)
    run_rules(project, api.load_rules(BASE), reference())
    assert gc_calls == []
    api.check(BASE, tuning=Tuning(pause_gc=False))
    assert gc_calls == []


def test_the_engine_forks_only_when_the_caller_allows(monkeypatch):
    from gdpr_check.engine import parallel
    asked = []
    monkeypatch.setattr(runtime, "LARGE_INVENTORY", 0)
    monkeypatch.setattr(parallel, "possible", lambda: asked.append(1) or False)
    api.check(BASE)
    assert asked == []                      # library default: never even considered
    api.check(BASE, tuning=Tuning(fork=True))
    assert asked == [1]


def test_the_parser_choice_is_the_callers(monkeypatch, tmp_path):
    """`fast_parser=False`: PyYAML reads every file, however large."""
    from gdpr_check.load import parser
    used = []
    real = parser.FastParser.parse_text
    monkeypatch.setattr(parser.FastParser, "min_chars", 0)  # every file counts as large
    monkeypatch.setattr(parser.FastParser, "parse_text",
                        lambda self, *a: used.append(1) or real(self, *a))
    api.check(BASE, tuning=Tuning(fast_parser=False))
    assert used == []
    api.check(BASE)
    assert used


def test_the_cli_runs_with_the_cli_tuning(monkeypatch):
    from gdpr_check.cli import main
    seen = []
    real = api.check
    monkeypatch.setattr(api, "check", lambda *a, **k: seen.append(k["tuning"]) or real(*a, **k))
    monkeypatch.delenv("GDPR_CHECK_JOBS", raising=False)
    main(["check", str(BASE), "--format", "json", "--output", "/dev/null"])
    assert seen == [Tuning.for_cli()] and seen[0].freeze and seen[0].fork
