"""What the fuzzer runs on each case, in the worker process.

A target returns normally when the case went as the tool promises: a result, or an
`InputError` (a one-line message, exit 2). It raises `Divergence` when the fast and the slow
parser disagree about the same bytes; any other exception is a crash (exit 3 for a user).
"""
from __future__ import annotations

import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from gdpr_check.errors import InputError
from gdpr_check.load.parser import FastParser, PyYamlParser, parse_bytes

from .compare import difference
from .mutate import BASE, case_rng, project_case, rule_pack_case, yaml_case


class Divergence(Exception):
    """The fast and the slow path gave different values, positions or verdicts."""


def _outcome(call):
    try:
        return "tree", call()
    except InputError as exc:
        _require_one_line(exc)
        return "error", str(exc)


def _require_one_line(exc: InputError) -> None:
    """Each error is one line naming its place (SPEC §10); a line break is a crash."""
    for error in getattr(exc, "errors", [exc]):
        if "\n" in error.message or "\r" in error.message:
            raise AssertionError(f"a message over several lines: {error.message!r}")


def parse_both(data: bytes) -> dict:
    """Parse `data` with PyYAML and with the fast path (forced, whatever the size);
    raise `Divergence` unless both give the same tree with the same positions, or the
    same error."""
    slow = _outcome(lambda: parse_bytes(data, "f.yaml", PyYamlParser()))
    fast_parser = FastParser(PyYamlParser())
    fast_parser.min_chars = 0
    fast = _outcome(lambda: parse_bytes(data, "f.yaml", fast_parser))
    if slow[0] != fast[0]:
        raise Divergence(f"slow: {slow[0]} {slow[1]!s:.200}; fast: {fast[0]} {fast[1]!s:.200}")
    if slow[0] == "error" and slow[1] != fast[1]:
        raise Divergence(f"slow: {slow[1]}; fast: {fast[1]}")
    if slow[0] == "tree" and (diff := difference(fast[1], slow[1])) is not None:
        raise Divergence(diff)
    return {"fast": fast_parser.used, "verdict": slow[0]}


@lru_cache(maxsize=1)
def _base_project():
    from gdpr_check.load import load_project
    from gdpr_check.refdata import reference
    return load_project(BASE), reference()


def compile_and_run_pack(data: bytes) -> dict:
    """Load a (mutated) rule pack, compile its rules and run them on the base project."""
    from gdpr_check.engine import run_rules
    from gdpr_check.load.rules import load_rule_dirs
    folder = Path(tempfile.mkdtemp(prefix="gdpr-fuzz-rules-"))
    try:
        (folder / "pack.yaml").write_bytes(data)
        try:
            rules = load_rule_dirs([folder], folder)
            project, reference = _base_project()
            findings = run_rules(project, [r for r in rules if r.enabled], reference)
        except InputError as exc:
            _require_one_line(exc)
            return {"verdict": "error"}
        return {"verdict": "findings", "findings": len(findings)}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def check_and_render(files: dict[str, bytes]) -> dict:
    """`gdpr_check.check` a (mutated) project with both parsers, render every report
    format, and require the same verdict and the same JSON report from both."""
    from gdpr_check import check
    from gdpr_check.report import FORMATS, render
    root = Path(tempfile.mkdtemp(prefix="gdpr-fuzz-project-"))
    try:
        for rel, data in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        results = []
        for min_chars in (10**12, 0):  # PyYAML for every file, then yaml-rs for every file
            FastParser.min_chars = min_chars
            try:
                outcome = _outcome(lambda: check(root, config=False, waivers=False,
                                                 baseline=False))
            finally:
                FastParser.min_chars = 64 * 1024
            if outcome[0] == "tree":
                report = outcome[1]
                texts = {fmt: render(report, fmt) for fmt in FORMATS}
                outcome = ("report", texts["json"])
            results.append(outcome)
        if results[0] != results[1]:
            raise Divergence(f"slow: {results[0][0]} {results[0][1]:.200}; "
                             f"fast: {results[1][0]} {results[1][1]:.200}")
        return {"verdict": results[0][0]}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def misbehave(index: int) -> dict:
    """The runner's own test (`selftest`): case N does the N-th thing the runner must
    count - nothing, a traceback, a hang, a memory overrun, a signal, a divergence."""
    import os
    import signal
    import time
    kind = index % 6
    if kind == 1:
        raise KeyError("a bug")
    if kind == 2:
        time.sleep(3600)
    if kind == 3:
        hog = [bytearray(64 * 1024 * 1024) for _ in range(1000)]
        return {"size": len(hog)}
    if kind == 4:
        os.kill(os.getpid(), signal.SIGSEGV)
    if kind == 5:
        raise Divergence("on purpose")
    return {}


# target name -> (make the case from an rng, run it)
TARGETS = {
    "parser": (yaml_case, parse_both),
    "rules": (rule_pack_case, compile_and_run_pack),
    "reports": (project_case, check_and_render),
}
FUZZ_TARGETS = tuple(TARGETS)  # what `python -m tests.fuzz` runs by default
TARGETS["selftest"] = (lambda rng: None, None)


def make_case(target: str, seed: int, index: int):
    return TARGETS[target][0](case_rng(seed, target, index))


def run_case(target: str, seed: int, index: int) -> dict:
    if target == "selftest":
        return misbehave(index)
    return TARGETS[target][1](make_case(target, seed, index))
