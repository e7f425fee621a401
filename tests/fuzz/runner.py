"""Run fuzz cases in a worker subprocess with a time and a memory limit, and count what
went wrong: crashes (tracebacks, exit 3, signals), hangs, memory overruns, divergences.

The worker is one long-lived process (starting Python and importing the tool per case
would cost more than the cases); it is replaced after anything that may leave it in a bad
state: a hang (killed), a signal, a memory overrun.
"""
from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .mutate import ROOT

STATUSES = ("ok", "crash", "hang", "memory", "divergence")
# Starting a worker (Python, the tool, the corpus) is not part of any case's time limit.
STARTUP_SECONDS = 120


@dataclass(frozen=True)
class Problem:
    target: str
    seed: int
    index: int
    status: str
    detail: str


@dataclass
class Summary:
    seed: int
    counts: Counter = field(default_factory=Counter)        # status -> cases
    by_target: Counter = field(default_factory=Counter)     # target -> cases
    fast_path: int = 0       # parser cases the fast path read itself (did not decline)
    verdicts: Counter = field(default_factory=Counter)      # "tree"/"error"/... -> cases
    problems: list = field(default_factory=list)
    slowest: float = 0.0
    seconds: float = 0.0

    @property
    def cases(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict:
        return {"seed": self.seed, "cases": self.cases, "seconds": round(self.seconds, 1),
                "counts": {s: self.counts.get(s, 0) for s in STATUSES},
                "by_target": dict(sorted(self.by_target.items())),
                "fast_path_cases": self.fast_path, "verdicts": dict(sorted(self.verdicts.items())),
                "slowest_case_seconds": round(self.slowest, 3),
                "problems": [p.__dict__ for p in self.problems[:50]]}


class _Worker:
    def __init__(self, memory_bytes: int, cache: str):
        # The expression cache in a folder of the run's own (compiling the built-in pack
        # anew for each project would be most of a case's time), removed with the run.
        env = dict(os.environ, GDPR_CHECK_CACHE_DIR=cache, GDPR_CHECK_JOBS="1",
                   PYTHONHASHSEED="0")
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.fuzz.worker", str(memory_bytes)], cwd=ROOT,
            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
            start_new_session=True)
        self.buffer = b""
        kind, answer = self.answer(STARTUP_SECONDS)
        if kind != "answer" or not answer.get("ready"):
            raise RuntimeError(f"the fuzz worker did not start: {self.last_error()}")

    def ask(self, request: dict, timeout: float):
        """The worker's answer, or "hang" after `timeout` seconds, or "died" (exit code)."""
        self.proc.stdin.write((json.dumps(request) + "\n").encode())
        self.proc.stdin.flush()
        return self.answer(timeout)

    def answer(self, timeout: float):
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "hang", None
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                return "died", self.proc.wait()
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return "answer", json.loads(line)

    def last_error(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read()[-2000:].decode("utf-8", "replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: only what we started
        self.proc.wait()
        self.proc.stdin.close()
        self.proc.stdout.close()
        self.stderr.close()


def _died(code: int, stderr: str) -> tuple[str, str]:
    if code < 0:
        name = signal.Signals(-code).name
        if "memory allocation" in stderr or "MemoryError" in stderr:
            return "memory", f"killed by {name} at the memory limit: {stderr[-300:]}"
        return "crash", f"killed by {name}: {stderr[-500:]}"
    return "crash", f"worker exited with {code}: {stderr[-500:]}"


def run(plan: list[tuple[str, int]], seed: int, *, time_limit: float = 10.0,
        memory_mb: int = 2048, start: int = 0, progress: Path | None = None,
        failures: Path | None = None, max_seconds: float | None = None) -> Summary:
    """Run `count` cases of each `(target, count)` of `plan`, numbered from `start`.

    `progress`: a JSON file rewritten every few seconds (atomically) with the counts so
    far; `failures`: a folder where each problem case's input is saved for a regression
    test; `max_seconds`: stop starting new cases after this long.
    """
    summary = Summary(seed=seed)
    began = time.monotonic()
    cache = tempfile.mkdtemp(prefix="gdpr-fuzz-cache-")
    new_worker = lambda: _Worker(memory_mb * 1024 * 1024, cache)  # noqa: E731
    worker = new_worker()
    last_report = 0.0
    try:
        for target, count in plan:
            for index in range(start, start + count):
                if max_seconds is not None and time.monotonic() - began > max_seconds:
                    return summary
                request = {"target": target, "seed": seed, "index": index}
                kind, answer = worker.ask(request, time_limit)
                if kind == "answer":
                    status, detail = answer["status"], answer["detail"]
                    summary.slowest = max(summary.slowest, answer["seconds"])
                    info = answer["info"]
                    summary.fast_path += bool(info.get("fast"))
                    if "verdict" in info:
                        summary.verdicts[f"{target}:{info['verdict']}"] += 1
                    if status == "memory":
                        worker.stop()
                        worker = new_worker()
                else:
                    if kind == "hang":
                        status, detail = "hang", f"no answer within {time_limit} s"
                    else:
                        status, detail = _died(answer, worker.last_error())
                    worker.stop()
                    worker = new_worker()
                summary.counts[status] += 1
                summary.by_target[target] += 1
                if status != "ok":
                    problem = Problem(target, seed, index, status, detail)
                    summary.problems.append(problem)
                    if failures is not None:
                        _save(failures, problem)
                now = time.monotonic()
                if progress is not None and now - last_report > 5:
                    summary.seconds = now - began
                    _write_json(progress, summary.as_dict() | {"running": True,
                                                               "at": [target, index]})
                    last_report = now
        return summary
    finally:
        worker.stop()
        shutil.rmtree(cache, ignore_errors=True)
        summary.seconds = time.monotonic() - began
        if progress is not None:
            _write_json(progress, summary.as_dict() | {"running": False})


def _save(folder: Path, problem: Problem) -> None:
    """The problem case's input and what happened, to replay and to turn into a test."""
    from .targets import make_case
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{problem.target}-{problem.seed}-{problem.index}"
    case = make_case(problem.target, problem.seed, problem.index)
    files = case if isinstance(case, dict) else {"f.yaml": case}
    for rel, data in files.items():
        (folder / stem / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / stem / rel).write_bytes(data)
    (folder / stem / "problem.txt").write_text(f"{problem.status}\n{problem.detail}\n")


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    os.replace(tmp, path)
