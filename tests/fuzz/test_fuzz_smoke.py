"""The fuzzer in CI: a few thousand fixed cases (seed 0) over both parsers, rule packs and
reports, which must all pass; and the runner must count each kind of failure it exists for.
The long runs are `python -m tests.fuzz` (docs/security.md, "Parsing")."""
from __future__ import annotations

import pytest

from tests.fuzz.runner import run

pytest.importorskip("yaml_rs")


def test_smoke_run_finds_nothing():
    summary = run([("parser", 2000), ("rules", 150), ("reports", 8)], seed=0)
    assert summary.problems == [], summary.problems[:3]
    assert summary.cases == 2158
    # the cases reach both verdicts and the fast path itself, not only its refusals
    assert summary.fast_path > 200
    assert summary.verdicts["parser:tree"] > 400 and summary.verdicts["parser:error"] > 400
    assert summary.verdicts["rules:findings"] > 0 and summary.verdicts["reports:report"] > 0


def test_runner_counts_crashes_hangs_memory_and_divergences():
    summary = run([("selftest", 6)], seed=0, time_limit=2, memory_mb=512)
    assert dict(summary.counts) == {"ok": 1, "crash": 2, "hang": 1, "memory": 1,
                                    "divergence": 1}
    assert [p.status for p in summary.problems] == ["crash", "hang", "memory", "crash",
                                                    "divergence"]
    assert "KeyError" in summary.problems[0].detail
    assert "SIGSEGV" in summary.problems[3].detail


def test_cases_are_replayed_from_their_number():
    from tests.fuzz.targets import make_case
    assert make_case("parser", 3, 17) == make_case("parser", 3, 17)
    assert make_case("parser", 3, 17) != make_case("parser", 3, 18)
    assert make_case("reports", 1, 2) == make_case("reports", 1, 2)
