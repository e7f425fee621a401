"""gc.freeze() is the process owner's choice: the CLI allows it, a library caller does not
get its objects frozen behind its back."""
from __future__ import annotations

import gc

from gdpr_check import runtime


def test_freezing_only_once_the_cli_allowed_it(monkeypatch):
    calls = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(runtime, "_freeze_allowed", False)
    runtime.freeze_long_lived()
    assert calls == []                      # library use: nothing frozen
    runtime.allow_gc_freeze()
    runtime.freeze_long_lived()
    assert calls == ["freeze"]              # the CLI's process
