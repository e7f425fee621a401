"""Process-wide tuning that only the owner of the process may choose.

`gc.freeze()` takes every object alive at that moment out of the cyclic garbage
collector's sight for good. For the CLI, which exits after one run, that saves seconds
on a large inventory (each collection would walk every model and finding). A program
that calls `gdpr_check.check()` again and again must not have its objects frozen behind
its back, so the library only freezes when the CLI has asked for it.
"""
from __future__ import annotations

import gc

_freeze_allowed = False


def allow_gc_freeze() -> None:
    """Called by the CLI: this process ends after one run, freezing is safe."""
    global _freeze_allowed
    _freeze_allowed = True


def freeze_long_lived() -> None:
    """Freeze what is alive now, when the process owner allowed it."""
    if _freeze_allowed:
        gc.freeze()
