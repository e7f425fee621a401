"""Rules of a large run in two processes (SPEC §11: 100,000 flows in 5 s, on 2 cores).

After loading, the process forks once: the child shares the loaded project copy-on-write,
runs about half of the rules (by estimated cost) and sends its findings back pickled; the
parent runs the other half. Findings are put back in rule order, so the result is the
sequential one. Only when the caller's speed policy allows it (`runtime.Tuning.fork`: the
CLI's, unless `GDPR_CHECK_JOBS=1`) and where it is cheap and safe: on Linux (fork), with
two CPUs or more, and no other thread running.

Any error, in either process (a rule that cannot be evaluated, a child that dies), makes
`run` return None: the caller then runs every rule in order in this process, so the error
reported is the very one a sequential run gives.

This relies on rules not talking to each other: a helper may cache what it computes from
the project (indexes, closures), but must never carry what one rule found to another.
"""
from __future__ import annotations

import os
import pickle
import sys

from ..errors import InputError
from ..expr import budget

# Bytes of the child's answer read at a time.
_CHUNK = 1 << 20


def possible() -> bool:
    """Whether this process can fork cheaply and safely (asked only when allowed to)."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    try:
        if len(os.sched_getaffinity(0)) < 2:
            return False
    except (AttributeError, OSError):
        return False
    import threading
    return threading.active_count() == 1  # forking a threaded process is unsafe


def run(compiled, base, policy, root_loc):
    """Every rule's findings, in rule order, computed in two processes; None on any error."""
    from . import loop_items, run_rule
    try:
        loops = [loop_items(rule, base, policy) for rule in compiled]
    except InputError:
        return None
    mine, theirs = _split(compiled, loops)
    at_fork = budget.used()
    helpers = base.get("_helpers")
    if hasattr(helpers, "today"):
        helpers.today()  # fixed before forking: both processes judge dates by the same day
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        _child(read, write, theirs, compiled, base, policy, root_loc, loops, run_rule,
               at_fork)
    os.close(write)
    results: dict | None = {}
    try:
        try:
            for index in mine:
                results[index] = run_rule(compiled[index], base, policy, root_loc, loops[index])
        except InputError:
            results = None
        answer = _read_all(read)
        read = None
    finally:
        if read is not None:
            os.close(read)  # a child still writing gets a broken pipe and exits
        _, status = os.waitpid(pid, 0)
    if results is None or not answer or os.waitstatus_to_exitcode(status) != 0:
        return None
    outcome, found, spent = pickle.loads(answer)  # noqa: S301 - our own child wrote it
    if outcome != "ok":
        return None
    steps, size = budget.used()
    if not budget.within_run(steps + spent[0], size + spent[1]):
        return None  # together over the run's budget: the sequential run reports where
    results.update(found)
    return [finding for index in range(len(compiled)) for finding in results[index]]


def _split(compiled, loops) -> tuple[list[int], list[int]]:
    """Rule indexes for this process and for the child: the costliest rule first to the
    lighter side (cost: items x expressions evaluated per item)."""
    cost = {i: len(loops[i]) * (1 + len(rule.when) + len(rule.vars) + len(rule.that))
            for i, rule in enumerate(compiled)}
    sides: tuple[list[int], list[int]] = ([], [])
    loads = [0, 0]
    for index in sorted(cost, key=lambda i: (-cost[i], i)):
        lighter = 0 if loads[0] <= loads[1] else 1
        sides[lighter].append(index)
        loads[lighter] += cost[index]
    return sorted(sides[0]), sorted(sides[1])


def _child(read, write, indexes, compiled, base, policy, root_loc, loops, run_rule, at_fork):
    """Run `indexes`, write ("ok", {index: findings}, (steps, size) spent) or
    ("error", None, None), and exit."""
    code = 0
    try:
        os.close(read)
        try:
            found = {i: run_rule(compiled[i], base, policy, root_loc, loops[i])
                     for i in indexes}
            steps, size = budget.used()
            spent = (steps - at_fork[0], size - at_fork[1])
            answer = pickle.dumps(("ok", found, spent), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # noqa: BLE001 - the parent re-runs and reports it
            answer = pickle.dumps(("error", None, None))
        view = memoryview(answer)
        while view:
            view = view[os.write(write, view[:_CHUNK]):]
    except BaseException:  # noqa: BLE001 - e.g. the parent closed the pipe
        code = 1
    finally:
        os._exit(code)  # no atexit handlers, no flushing of the parent's buffers


def _read_all(fd) -> bytes:
    chunks = []
    with os.fdopen(fd, "rb", buffering=0) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)
