"""Process-wide tuning that only the owner of the process may choose.

Two things speed up a large run but act on the whole process: `gc.freeze()` takes every
object alive at that moment out of the cyclic garbage collector's sight for good, and the
engine may fork to run half of the rules in a child (`engine/parallel.py`). The CLI, which
exits after one run, claims the process and allows both. A program that calls
`gdpr_check.check()` itself keeps its process as it was, unless it calls
`claim_process()` too.
"""
from __future__ import annotations

import gc

_claimed = False


def claim_process() -> None:
    """This process runs gdpr-check once and exits (the CLI): tuning it is safe."""
    global _claimed
    _claimed = True


def process_claimed() -> bool:
    return _claimed


def freeze_long_lived() -> None:
    """Freeze what is alive now, when the process is ours."""
    if _claimed:
        gc.freeze()
