"""A large project's files parsed in two processes (SPEC §11; issue 10: the parse was a
quarter of a 100,000-flow run).

The loader reads every file of a side before parsing any (`load_side`) and hands their
texts to the parser (`prepared`). When the large ones hold enough text, this parser forks
once: the child finds the plans of the last of them, a little over half of their text,
and sends them back. A plan (`parser.fast_plan`) is the costly part of the fast path:
yaml-rs, and the check of the text against the values it read; for a JSON document, with
the positions too, which the fast path finds while building the tree (`located_plan`).
Meanwhile the parent parses the first
files itself, then builds the trees of the child's from their plans
(`parser.fast_tree_of`), which is all the fast path has left to do once it has a plan.
So every tree is the one `FastParser` gives, positions included.

What could go wrong stays the parent's: a file the child found no plan for (one only
PyYAML may read, or one that errs) is parsed by the parent as without the fork, so
every error is worded and placed as it would be; a child that fails, dies or answers
anything else makes the parent parse its files itself. The child reads nothing: it
shares the texts the parent read (copy-on-write), so a plan cannot describe another
version of a file, and it sends only plain data (marshal: no code, no objects). It never
outlives the `prepared` block.
"""
from __future__ import annotations

import marshal
import os
from contextlib import contextmanager

from ..forking import can_fork, fork_with_pipe, read_all, reap, write_all
from .parser import FastParser, _load_yaml_rs, fast_plan, fast_tree_of, located_plan

# Text of the large files of one side from which a fork pays off: each MB takes ~90 ms
# to parse, a fork of a process that has read the files a few milliseconds.
MIN_FORKED_CHARS = 4 * 1024 * 1024
# What planning a file costs the child, against the parent's whole parse of it (measured
# at 100,000 flows): a little less for block and flow-lines files, whose trees are built
# lazily; more for a JSON document, whose positions the child finds too (`located_plan`).
# A file the child planned still costs the parent about a third of parsing it (reading the
# plan, building the tree, freeing the values), so the child takes what it can plan in
# about the time the parent parses the rest: ~55% of block text, ~48% of JSON.
CHILD_COST = 0.83
CHILD_COST_JSON = 1.1


class ForkingParser(FastParser):
    """`FastParser`, with the files of a `prepared` block planned partly in a child."""

    def __init__(self, slow=None):
        super().__init__(slow)
        self._child = None  # _Child while a prepared block has one

    @contextmanager
    def prepared(self, texts: list[tuple[str, str]]):
        """A block in which `texts` ((text, path) of each file, in the order they will be
        parsed) are parsed; a child plans the last of them, if they are large enough and
        this process can fork."""
        taken = _taken_by_child([text for text, _ in texts], self.min_chars)
        worth = taken and can_fork() and _load_yaml_rs()  # without yaml-rs: no plan to find
        child = _Child.start([texts[i] for i in taken]) if worth else None
        self._child = child
        try:
            yield self
        finally:
            self._child = None
            if child is not None:
                child.close()

    def parse_text(self, text: str, path: str):
        child = self._child
        if child is not None and child.took(text, path):
            plan = child.plan(text, path)
            if plan is not _UNANSWERED and plan is not _UNPLANNED:
                tree = fast_tree_of(text, path, plan)
                if tree is not None:
                    self.used = True
                    return tree
                return self.slow.parse_text(text, path)  # as FastParser would
        return super().parse_text(text, path)


def _taken_by_child(texts: list[str], min_chars: int) -> list[int]:
    """The indexes of the files the child plans: the last large ones, while the child's
    time for them (`CHILD_COST`) stays within the parent's for the others, to half a file;
    none when the large files hold less than MIN_FORKED_CHARS of text."""
    large = [i for i, text in enumerate(texts) if len(text) >= min_chars]
    own = sum(len(texts[i]) for i in large)  # the parent's, before the child takes any
    if own < MIN_FORKED_CHARS:
        return []
    taken, child = [], 0.0
    for i in reversed(large):
        size = len(texts[i])
        cost = size * (CHILD_COST_JSON if texts[i][:64].lstrip()[:1] == "{" else CHILD_COST)
        if child + cost / 2 > own - size / 2:
            break
        taken.append(i)
        child, own = child + cost, own - size
    return sorted(taken)


_UNANSWERED = object()  # the child gave no answer: the parent parses the file itself
_UNPLANNED = False  # the child's answer for a file it could not plan: the same (marshalled)
# The plans the child sends: those that leave the parent little to do. A `scan` plan (a
# block file not laid out as PyYAML writes it) leaves it the locating, most of the work:
# its values read back and then freed would cost the parent about what they save it.
_SENT = frozenset({"blocks", "lines", "placed"})


class _Child:
    """A forked process planning some files, and its answer once read."""

    def __init__(self, pid: int, read: int, texts: list[tuple[str, str]]):
        self.pid, self.read = pid, read
        # By identity: the very texts the child was given, not an equal text read again.
        self.texts = {(id(text), path): index for index, (text, path) in enumerate(texts)}
        self.kept = texts  # keeps those ids the texts'
        self.plans = None

    @classmethod
    def start(cls, texts: list[tuple[str, str]]) -> "_Child | None":
        """The child planning `texts`, or None if the system would not start one: the
        parent then parses them all."""
        forked = fork_with_pipe()
        if forked is None:
            return None
        pid, end = forked
        if pid == 0:  # the child: never returns
            _plan_and_exit(end, texts)
        return cls(pid, end, texts)

    def took(self, text: str, path: str) -> bool:
        return (id(text), path) in self.texts

    def plan(self, text: str, path: str):
        """The child's plan of this file (None: PyYAML's to read; _UNPLANNED), or
        _UNANSWERED."""
        if self.plans is None:
            self.plans = self._answer()
        plans = self.plans
        index = self.texts[(id(text), path)]
        return plans[index] if plans is not _UNANSWERED else _UNANSWERED

    def _answer(self):
        """The plans, read whole (the child writes them when all are found), or
        _UNANSWERED if the child failed."""
        fd, self.read = self.read, None  # read_all closes it, whatever happens
        try:
            answer = read_all(fd)
        except OSError:
            answer = b""
        pid, self.pid = self.pid, None  # reaped below, whatever happens: never killed
        if reap(pid) not in (0, None) or not answer:
            return _UNANSWERED  # (None: reaped by the system; a cut answer does not load)
        try:
            plans = marshal.loads(answer)
        except (EOFError, ValueError, TypeError):
            return _UNANSWERED
        if type(plans) is not list or len(plans) != len(self.kept):
            return _UNANSWERED
        return plans

    def close(self) -> None:
        """End the child if the parent did not need its answer (it stopped early)."""
        if self.read is not None:
            os.close(self.read)
            self.read = None
        if self.pid is not None:
            import signal  # only here: every CLI run imports this module
            pid, self.pid = self.pid, None
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            reap(pid)


def _marshallable(plan) -> bool:
    try:
        marshal.dumps(plan)
    except ValueError:
        return False
    return True


def _plan_and_exit(write: int, texts: list[tuple[str, str]]) -> None:
    """The child: write the marshalled list of the plans of `texts`, and exit."""
    code = 0
    try:
        plans = []
        for text, path in texts:
            try:
                plan = located_plan(text, path, fast_plan(text, path))
            except Exception:  # noqa: BLE001 - the parent parses this file itself
                plan = _UNPLANNED
            plans.append(plan if plan is None or plan is _UNPLANNED or plan[0] in _SENT
                         else _UNPLANNED)
        try:
            answer = marshal.dumps(plans)
        except ValueError:  # a plan of something marshal cannot write: those files the parent's
            answer = marshal.dumps([plan if _marshallable(plan) else _UNPLANNED
                                    for plan in plans])
        write_all(write, answer)
    except BaseException:  # noqa: BLE001 - e.g. the parent closed the pipe
        code = 1
    finally:
        os._exit(code)  # no atexit handlers, no flushing of the parent's buffers
