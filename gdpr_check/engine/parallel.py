"""Rules of a large run in two processes (SPEC §11: 100,000 flows in 5 s, on 2 cores).

After loading, the process forks once: the child shares the loaded project copy-on-write.
Both processes take rules from one queue, costliest first (by estimate), each the next
one as soon as it is done with its last, so that neither waits long for the other
however wrong the estimate, and each evaluates the loops of the rules it takes; the
child sends back the findings of the rules it took, as rows of the fields that differ
between one rule's findings (`engine.finding_of`). Findings
are put back in rule order, so the result is the sequential one. Only when the caller's
speed policy allows it (`runtime.Tuning.fork`: the CLI's, unless `GDPR_CHECK_JOBS=1`)
and where it is cheap and safe: on Linux (fork), with two CPUs or more, and no other
thread running.

Any error, in either process (a rule that cannot be evaluated, a child that dies), makes
`run` return None: the caller then runs every rule in order in this process, so the error
reported is the very one a sequential run gives.

This relies on rules not talking to each other: a helper may cache what it computes from
the project (indexes, closures), but must never carry what one rule found to another.
"""
from __future__ import annotations

import os
import pickle
import re

from ..errors import InputError
from ..expr import budget
from ..forking import CHUNK, can_fork, fork_with_pipe, read_all, reap, write_all

# A rule's index in the queue: two bytes, read whole by one process (a pipe's reads of
# fewer than PIPE_BUF bytes are atomic), so no rule is taken twice or lost.
_INDEX_BYTES = 2
# The queue is written whole before forking, so it must fit in a pipe's buffer (64 KiB).
MAX_RULES = 16_384


def possible() -> bool:
    """Whether this process can fork cheaply and safely (asked only when allowed to)."""
    return can_fork()


def run(compiled, base, policy, root_loc):
    """Every rule's findings, in rule order, computed in two processes; None on any error."""
    from . import finding_of, run_rule
    if len(compiled) > MAX_RULES:
        return None
    queue = _queue(_order(compiled, policy, base["inventory"]))
    at_fork = budget.used()
    helpers = base.get("_helpers")
    if hasattr(helpers, "today"):
        helpers.today()  # fixed before forking: both processes judge dates by the same day
    forked = fork_with_pipe()
    if forked is None:  # the system would not start a child: one process, in order
        os.close(queue)
        return None
    pid, read = forked  # in the child, the pipe's write end
    if pid == 0:  # the child: never returns
        _child(read, queue, compiled, base, policy, root_loc, run_rule, at_fork)
    results: dict | None = {}
    try:
        try:
            for index in _taken(queue, "parent"):
                results[index] = run_rule(compiled[index], base, policy, root_loc)
        except InputError:
            results = None
            _drain(queue)  # the child takes no more rules: the run is over
        answer = read_all(read)
        read = None
    finally:
        os.close(queue)
        if read is not None:
            os.close(read)  # a child still writing gets a broken pipe and exits
        code = reap(pid)
    if results is None or not answer or code not in (0, None):
        return None  # (None: reaped by the system; a cut answer does not load)
    try:
        outcome, rows, spent = pickle.loads(answer)  # noqa: S301 - our own child wrote it
    except Exception:  # noqa: BLE001 - cut short (a child the system reaped): run alone
        return None
    if outcome != "ok":
        return None
    steps, size = budget.used()
    if not budget.within_run(steps + spent[0], size + spent[1]):
        return None  # together over the run's budget: the sequential run reports where
    for index, found in rows.items():
        rule = compiled[index].rule
        results[index] = [finding_of(rule, row) for row in found]
    return [finding for index in range(len(compiled)) for finding in results[index]]


def _order(compiled, policy, inventory) -> list[int]:
    """Rule indexes, the costliest first by estimate, so that what is left at the end,
    when one process may wait for the other, is small. Each process evaluates the loops
    of the rules it takes (0.8 s at 100,000 flows, which the parent did alone before
    forking), so the estimate cannot count their items: it takes the sizes of the lists
    a loop names (`inventory.systems`) and, for a helper, the number of flows (most of
    those loops give flows; a guess too large only moves a rule earlier, which costs
    nothing). Cost: items x (expressions per item, and two for a message)."""
    sizes = {}
    for owner in (policy, inventory):
        for name, value in vars(owner).items():
            if isinstance(value, list):
                sizes[name] = max(sizes.get(name, 0), len(value))
    flows = len(inventory.flows)

    def items(rule) -> int:
        if rule.loop is None:
            return 1
        source = rule.loop.source
        named = sum(sizes[word] for word in set(_WORD.findall(source)) if word in sizes)
        calls = _CALL.findall(_FILTER.sub("", source))  # a helper's, not a filter's
        return max(named, flows if calls else 1)

    def cost(index):
        rule = compiled[index]
        per_item = 1 + len(rule.when) + len(rule.vars) + len(rule.that) + \
            (2 if rule.message is not None else 0)
        return items(rule) * per_item
    return sorted(range(len(compiled)), key=lambda i: (-cost(i), i))


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FILTER = re.compile(r"\|\s*[A-Za-z_][A-Za-z0-9_]*")
_CALL = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def _queue(order: list[int]) -> int:
    """A pipe holding `order`, written and closed for writing: its read end, which both
    processes read rules from until it is empty."""
    read, write = os.pipe()
    try:
        data = b"".join(index.to_bytes(_INDEX_BYTES, "big") for index in order)
        view = memoryview(data)
        while view:
            view = view[os.write(write, view):]
    finally:
        os.close(write)
    return read


def _taken(queue: int, side: str):
    """The rules this process (`side`: "parent" or "child") takes from `queue`, each
    taken as the last is done, until it is empty."""
    while True:
        data = os.read(queue, _INDEX_BYTES)
        if not data:
            return
        yield int.from_bytes(data, "big")


def _drain(queue: int) -> None:
    while os.read(queue, CHUNK):
        pass


def _child(write, queue, compiled, base, policy, root_loc, run_rule, at_fork):
    """Run the rules it takes from `queue`, write ("ok", {index: rows of findings},
    (steps, size) spent) or ("error", None, None) to `write`, and exit."""
    code = 0
    try:
        try:
            found = {}
            for index in _taken(queue, "child"):
                found[index] = run_rule(compiled[index], base, policy, root_loc, rows=True)
            steps, size = budget.used()
            spent = (steps - at_fork[0], size - at_fork[1])
            answer = pickle.dumps(("ok", found, spent), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # noqa: BLE001 - the parent re-runs and reports it
            _drain(queue)  # the parent takes no more rules: the run is over
            answer = pickle.dumps(("error", None, None))
        write_all(write, answer)
    except BaseException:  # noqa: BLE001 - e.g. the parent closed the pipe
        code = 1
    finally:
        os._exit(code)  # no atexit handlers, no flushing of the parent's buffers
