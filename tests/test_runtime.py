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


@pytest.fixture
def kept(monkeypatch):
    monkeypatch.setattr(runtime, "_KEPT", [])
    return runtime._KEPT


def test_only_a_large_run_under_the_cli_tuning_is_kept_and_only_the_last(kept, monkeypatch):
    cli = Tuning.for_cli(environ={})
    api.check(BASE, tuning=cli)
    assert kept == []  # a small run is freed as usual
    monkeypatch.setattr(runtime, "LARGE_INVENTORY", 0)
    api.check(BASE)
    assert kept == []  # the library's default keeps nothing
    api.check(BASE, tuning=cli)
    first = kept[0]
    api.check(BASE, tuning=cli)
    assert len(kept) == 1 and kept[0] is not first and kept[0].project.inventory.systems


def test_exit_skips_the_teardown_only_after_a_kept_run(kept, monkeypatch):
    import sys

    class Ended(Exception):
        pass

    def _exit(code):
        raise Ended(code)
    monkeypatch.setattr(runtime.os, "_exit", _exit)
    with pytest.raises(SystemExit) as normal:
        runtime.end_process(1)
    assert normal.value.code == 1
    kept.append(object())
    flushed = []

    class Stream:
        def __init__(self, name):
            self.name = name

        def flush(self):
            flushed.append(self.name)
    monkeypatch.setattr(sys, "stdout", Stream("stdout"))
    monkeypatch.setattr(sys, "stderr", Stream("stderr"))
    with pytest.raises(Ended) as ended:
        runtime.end_process(2)
    assert ended.value.args == (2,)
    assert flushed == ["stdout", "stderr"]  # what print() buffered is not lost


def test_the_console_command_ends_a_large_run_complete_without_the_teardown(tmp_path):
    """The installed `gdpr-check` (cli.entry): everything printed and written, the exit
    code kept, and no teardown (an atexit handler never runs)."""
    import json
    import subprocess
    import sys
    report = tmp_path / "r.json"
    script = ("import atexit, sys\n"
              "from gdpr_check import runtime\n"
              "runtime.LARGE_INVENTORY = 0\n"
              "atexit.register(lambda: print('TEARDOWN', file=sys.stderr))\n"
              f"sys.argv = ['gdpr-check', 'check', {str(BASE)!r}, '--format', 'json',\n"
              f"            '--output', {str(report)!r}, '--fail-on', 'low']\n"
              "from gdpr_check.cli import entry\n"
              "entry()\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert "TEARDOWN" not in done.stderr
    assert done.stdout.rstrip().splitlines()[-1].startswith("reports written: ")
    assert done.returncode in (0, 1)
    assert json.loads(report.read_text())["findings"] is not None
    small = subprocess.run([sys.executable, "-c", script.replace("runtime.LARGE_INVENTORY = 0\n",
                                                                 "")],
                           capture_output=True, text=True, timeout=120)
    assert "TEARDOWN" in small.stderr  # a small run ends as any Python program does
    assert small.returncode == done.returncode
