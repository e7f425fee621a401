"""Process-wide tuning is the process owner's choice: the CLI claims its process, a library
caller does not get its objects frozen, or its process forked, behind its back."""
from __future__ import annotations

import gc

from gdpr_check import runtime


def test_freezing_only_once_the_cli_allowed_it(monkeypatch):
    calls = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(runtime, "_claimed", False)
    runtime.freeze_long_lived()
    assert calls == []                      # library use: nothing frozen
    runtime.claim_process()
    runtime.freeze_long_lived()
    assert calls == ["freeze"]              # the CLI's process


def test_the_engine_forks_only_a_claimed_process(monkeypatch):
    from gdpr_check.engine import parallel
    monkeypatch.setattr(runtime, "_claimed", False)
    assert parallel.possible() is False
