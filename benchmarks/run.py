"""Side-by-side benchmark of gdpr-check (SPEC §11). Not run by pytest.

    .venv/bin/python benchmarks/run.py          # this repository + scale series to 0.2
    .venv/bin/python benchmarks/run.py --full   # ... and the full 10k/2k/100k project
    .venv/bin/python benchmarks/run.py --styles [--max-flows 100000]
        # issue 10: block (PyYAML's layout, and `block4`, another writer's), flow and JSON
        # styles at 1k/10k/100k flows beside 10,000 systems and 2,000 processors: for
        # each, `check` wall and peak RSS, then one in-process run's phases (parse, model,
        # references, rules, report), its peak RSS, the parsers' own time on the files and
        # the PyYAML path's parse; then the ratios issue 10 asks for (styles, growth, 20
        # errors against a valid load, the other report formats against JSON)

Run it with the project's virtual environment (the README's install): the interpreter
that runs this script runs gdpr-check too, and a system Python's site start-up (.pth
files of unrelated packages) would be measured as ours.

Everything is measured in this one run, on this machine, and reported as ratios, so the
numbers compare across machines:
- `check` on this repository: median wall time over repeated runs (warm expression cache)
  against the SPEC budget (0.25 s) and against the floor of starting Python at all;
- the scale series: wall time and peak memory of `check` on generated projects of growing
  size; time(2n)/time(n) near 2 means time grows linearly;
- where the time goes at the largest size: each phase of one `check` (parse, model,
  references, rules, JSON report) as a share of that run, and the fast parser (yaml-rs,
  when installed) against the PyYAML path on the same files.

A phase another part of the tool adds is timed in `run_phases` with `phase(name)` and
printed by adding its name to `PHASE_COLUMNS`.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

BUDGET_REPO = 0.25      # s, SPEC §11
BUDGET_FULL = 5.0       # s, SPEC §11, for scale 1.0
BUDGET_MEMORY = 1.5e9   # bytes


# Children run as a user's shell would run them: with Python's bytecode cache. Some
# machines set PYTHONDONTWRITEBYTECODE, which makes every run recompile the package.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], cwd: Path, sample: bool = False,
          allowed: tuple[int, ...] = (0, 1)) -> tuple[float, int, int]:
    """Wall seconds, peak memory bytes and exit code of one child process.

    Memory is the process's own peak RSS; with `sample`, the peak of the summed
    proportional set size (PSS) of the process and its children, sampled every 0.2 s on
    Linux (`check` runs the rules of a large project in two processes sharing memory
    copy-on-write, which PSS counts once). Sampling slows the run a little (the kernel
    walks the page tables), so walls are taken from unsampled runs.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=CHILD_ENV)
    sampler = _PssSampler(proc.pid if sample else None)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    peak = sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in allowed:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err.strip()[:400]}")
    return wall, peak or usage.ru_maxrss * 1024, proc.returncode


class _PssSampler:
    def __init__(self, pid: int):
        import threading
        self.pid, self.peak, self.done = pid, 0, threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        if pid is not None and Path(f"/proc/{pid}/smaps_rollup").exists():
            self.thread.start()

    def run(self) -> None:
        while not self.done.wait(0.2):
            self.peak = max(self.peak, sum(map(_pss, [self.pid, *_children(self.pid)])))

    def stop(self) -> int:
        self.done.set()
        if self.thread.is_alive():
            self.thread.join()
        return self.peak


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _pss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def gdpr_check(path: Path, fmt: str = "json") -> list[str]:
    return [sys.executable, "-m", "gdpr_check", "check", str(path), "--format", fmt,
            "--fail-on", "never"]


# `check` on the generated projects, with the 10 s per-rule time backstop raised: on a
# loaded machine one rule of a large project can pass it, which stops the run, and this
# measures time, not limits. (The steps budget, which decides, is unchanged.)
_UNBOUNDED_CHECK = ("import sys; from gdpr_check.expr import budget; "
                    "budget.RULE_SECONDS = 3600.0; from gdpr_check.cli import entry; "
                    "sys.argv[0] = 'gdpr-check'; entry()")


def large_check(path: Path, fmt: str = "json") -> list[str]:
    return [sys.executable, "-c", _UNBOUNDED_CHECK, *gdpr_check(path, fmt)[3:]]


from generate import STYLES  # noqa: E402
FLOW_SIZES = (1_000, 10_000, 100_000)
OTHER_FORMATS = ("text", "sarif", "junit", "markdown", "html")


def _verdict(ok: bool) -> str:
    return "ok" if ok else "OVER"


PHASE_COLUMNS = ("parse", "parse2", "model", "references", "rules", "report")


def child(*args) -> dict:
    """Run this script with `args` in a fresh process (each measurement starts alike) and
    return the JSON it prints."""
    out = subprocess.run([sys.executable, __file__, *map(str, args)], cwd=ROOT,
                         capture_output=True, text=True, env=CHILD_ENV)
    if out.returncode:
        raise SystemExit(f"{' '.join(map(str, args))} failed: {out.stderr.strip()[-400:]}")
    return json.loads(out.stdout)


def bench_styles(work: Path, max_flows: int) -> None:
    """Issue 10's "What it must show", in one run: every YAML style at 1k/10k/100k flows
    beside 10,000 systems and 2,000 processors. Per project: wall and peak RSS of `check`
    (JSON report), then one in-process run timing each phase (`PHASE_COLUMNS`; a phase
    added to `run_phases` is printed as another column; `parse2`, in a process of its own,
    is the parse with the CLI's parser, in two processes where it forks), its peak RSS,
    the parser's own cost on the same files (yaml-rs, or Python's JSON decoder for JSON
    documents: the values without positions) and the PyYAML path's parse. Then the ratios: styles against
    JSON, growth from 10k to 100k flows, 20 errors against a valid load, the other report
    formats against JSON, and the budgets at the top size."""
    sizes = [n for n in FLOW_SIZES if n <= max_flows]
    walls: dict[tuple[str, int], float] = {}
    loads: dict[tuple[str, int], float] = {}
    print("check: wall s and peak RSS MB of `check --format json`; then one in-process run, s:")
    print(f"{'style':<6} {'flows':>6} {'MB':>5} {'check':>6} {'RSS':>5} | "
          + " ".join(f"{name[:6]:>6}" for name in PHASE_COLUMNS)
          + f" | {'RSS':>5} {'values':>6} {'parse/values':>12} {'PyYAML':>6}")
    for style in STYLES:
        for flows in sizes:
            project = generate(work / f"{style}-{flows}", flows=flows, style=style)
            size = sum(p.stat().st_size for p in project.rglob("*.yaml")) / 1e6
            wall, rss, _ = timed(large_check(project), project)
            walls[style, flows] = wall
            phases = child("--phases", project)
            seconds = phases["seconds"]
            seconds["parse2"] = child("--parse2", project)["seconds"]
            loads[style, flows] = sum(seconds[n] for n in ("parse", "model", "references"))
            print(f"{style:<6} {flows:>6} {size:>5.1f} {wall:>6.2f} {rss / 1e6:>5.0f} | "
                  + " ".join(f"{seconds.get(name, 0):>6.2f}" for name in PHASE_COLUMNS)
                  + f" | {phases['rss'] / 1e6:>5.0f} {phases['values']:>6.2f} "
                  f"{seconds['parse'] / phases['values']:>12.2f} {phases['pyyaml_parse']:>6.2f}",
                  flush=True)
            if flows == 100_000:
                print(f"       top size: {wall / BUDGET_FULL:.2f} x the 5 s budget "
                      f"({_verdict(wall <= BUDGET_FULL)}), {rss / BUDGET_MEMORY:.2f} x the "
                      f"1.5 GB budget ({_verdict(rss <= BUDGET_MEMORY)})")
    top = sizes[-1]
    print(f"ratios at {top} flows:")
    for style in STYLES:
        ratio = walls[style, top] / walls["json", top]
        print(f"  {style:<6} / json input      {ratio:5.2f}  (<= 1.3: {_verdict(ratio <= 1.3)})")
        if 10_000 in sizes and 100_000 in sizes:
            growth = walls[style, 100_000] / walls[style, 10_000]
            print(f"  {style:<6} t(100k)/t(10k)    {growth:5.2f}  (<= 4: {_verdict(growth <= 4)})")
    for style in STYLES:
        project = generate(work / f"{style}-{top}-errors", flows=top, style=style, errors=20)
        wall, _, code = timed(large_check(project), project, allowed=(2,))
        # the faster of two runs each, interleaved: a load is short beside the noise of
        # a shared machine
        runs = [child("--load", root) for _ in range(2) for root in (work / f"{style}-{top}",
                                                                     project)]
        valid = min(runs[0::2], key=lambda run: run["seconds"])
        refused = min(runs[1::2], key=lambda run: run["seconds"])
        ratio = refused["seconds"] / valid["seconds"]
        print(f"  {style:<6} 20 policy errors: check exits {code} in {wall:.2f} s = "
              f"{wall / walls[style, top]:.2f} x a valid check; load_project refuses it "
              f"({refused['errors']} errors) in {refused['seconds']:.2f} s = {ratio:.2f} x a "
              f"valid load (<= 1.2: {_verdict(ratio <= 1.2)})", flush=True)
    project = work / f"block-{top}"
    for fmt in OTHER_FORMATS:
        wall, rss, _ = timed(large_check(project, fmt), project)
        ratio = wall / walls["block", top]
        print(f"  block, --format {fmt:<9} {wall:6.2f} s, {rss / 1e6:5.0f} MB RSS = {ratio:.2f} x "
              f"JSON (<= 1.3: {_verdict(ratio <= 1.3)})", flush=True)


def bench_repo(runs: int) -> None:
    timed(gdpr_check(ROOT), ROOT)  # warm the expression cache and the OS file cache
    walls = [timed(gdpr_check(ROOT), ROOT)[0] for _ in range(runs)]
    floor = statistics.median(timed([sys.executable, "-c", "pass"], ROOT)[0]
                              for _ in range(runs))
    median = statistics.median(walls)
    print(f"check on this repository: median {median:.3f} s over {runs} runs "
          f"= {median / BUDGET_REPO:.2f} x the 0.25 s budget; "
          f"{median / floor:.1f} x a bare `python -c pass` ({floor:.3f} s)")


def bench_scale(scales: list[float], work: Path) -> None:
    previous = None
    print("scale  systems  flows    MB    wall s   RSS MB   vs previous scale")
    for scale in scales:
        project = generate(work / f"scale-{scale}", scale)
        size = sum(p.stat().st_size for p in project.rglob("*.yaml")) / 1e6
        wall, rss, _ = timed(gdpr_check(project), project)
        growth = ""
        if previous:
            ratio_size = scale / previous[0]
            growth = f"time x{wall / previous[1]:.2f} for size x{ratio_size:.1f}"
        print(f"{scale:<6} {int(10000 * scale):>7} {int(100000 * scale):>6} {size:>6.1f} "
              f"{wall:>8.2f} {rss / 1e6:>8.0f}   {growth}")
        previous = (scale, wall)
    largest = work / f"scale-{scales[-1]}"
    _, pss, _ = timed(gdpr_check(largest), largest, sample=True)
    if pss:
        print(f"at scale {scales[-1]}: peak memory of all its processes (PSS, sampled) "
              f"{pss / 1e6:.0f} MB = {pss / BUDGET_MEMORY:.2f} x the 1.5 GB budget")
    phases = child("--phases", largest)
    total = sum(phases["seconds"].values())
    print(f"at scale {scales[-1]}, one run in-process ({total:.2f} s, "
          f"parser: {phases['parser']}):")
    for name, seconds in phases["seconds"].items():
        print(f"  {name:<10} {seconds:6.2f} s  {seconds / total:4.0%}")
    slow = phases["pyyaml_parse"]
    print(f"  the PyYAML path alone would parse the same files in {slow:.2f} s "
          f"({slow / phases['seconds']['parse']:.1f} x the parse above)")
    if scales[-1] == 1.0:
        print(f"full size: {previous[1] / BUDGET_FULL:.1f} x the 5 s budget (wall, `check`)")


def run_phases(root: Path) -> None:
    """In a child process: time each phase of one `check` of `root` as `load_project` and
    the CLI run them, then the parser's own cost and the PyYAML path's on the same files;
    print JSON. (Another phase: time it with `phase(name)` and add it to PHASE_COLUMNS.)"""
    import gc
    import resource
    started = time.perf_counter()
    from gdpr_check.engine import run_rules
    from gdpr_check.runtime import gc_paused
    from gdpr_check.findings import Report
    from gdpr_check.load import Project, load_side, refs
    from gdpr_check.load.defaults import apply_defaults
    from gdpr_check.load.parser import Budget, FastParser, PyYamlParser, _load_yaml_rs
    from gdpr_check.load.validate import validate
    from gdpr_check.model import Inventory, Policy
    from gdpr_check.api import load_rules
    from gdpr_check.refdata import reference
    from gdpr_check.report import render
    from gdpr_check.expr import budget
    seconds = {"import": time.perf_counter() - started}
    # This measures time, not limits: on a loaded machine one rule of a large project can
    # pass the 10 s per-rule backstop, which would stop the run.
    budget.RULE_SECONDS = 3600.0

    def phase(name):
        now = time.perf_counter()
        seconds[name] = now - phase.last
        phase.last = now
    phase.last = time.perf_counter()
    parser = FastParser(PyYamlParser(Budget()))
    # As `api.check` under the CLI's `Tuning`: the collector paused from the parse to the
    # end of the rules, then what is alive frozen for the report.
    with gc_paused():
        policy_tree, files = load_side(root, "policy", "notice keys", parser)
        inventory_tree, more = load_side(root, "inventory", "inventory keys", parser)
        phase("parse")
        apply_defaults(inventory_tree)
        policy = validate(Policy, policy_tree, "policy")
        inventory = validate(Inventory, inventory_tree, "inventory")
        phase("model")
        refs.check_policy(policy)
        refs.check_inventory(inventory, policy)
        del policy_tree, inventory_tree
        phase("references")
        project = Project(root=root, policy=policy, inventory=inventory, files=files + more)
        rules = [r for r in load_rules(root) if r.enabled]
        findings = run_rules(project, rules, reference())
        phase("rules")
        gc.freeze()
    render(Report(findings=findings, rules=rules, files=project.files), "json")
    phase("report")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    del project, policy, inventory, findings
    values = _values_only(root)
    slow_started = time.perf_counter()
    with gc_paused():
        slow = PyYamlParser(Budget())
        load_side(root, "policy", "notice keys", slow)
        load_side(root, "inventory", "inventory keys", slow)
    print(json.dumps({"seconds": seconds, "pyyaml_parse": time.perf_counter() - slow_started,
                      "values": values, "rss": rss,
                      "parser": "yaml-rs" if _load_yaml_rs() else "PyYAML (yaml-rs missing)"}))


def _values_only(root: Path) -> float:
    """Seconds the parsers alone take on `root`'s YAML files, without positions: what the
    fast path calls (Python's JSON decoder on JSON documents, else yaml-rs)."""
    from gdpr_check.load.files import yaml_files
    from gdpr_check.load.parser import _json_values, _load_yaml_rs
    yaml_rs = _load_yaml_rs()
    texts = [p.read_text(encoding="utf-8") for side in ("policy", "inventory")
             for p in yaml_files(root / side)]
    started = time.perf_counter()
    for text in texts:
        if not (text.lstrip().startswith("{") and _json_values(text) is not None) and yaml_rs:
            yaml_rs.loads(text, parse_datetime=False)
    return time.perf_counter() - started


def run_parse2(root: Path) -> None:
    """In a child process: time the parse as the CLI's parser does it, in two processes
    where it forks (`load/parallel.py`); print JSON. A process of its own, small when it
    forks as the CLI's is: forking one that has built and freed a large project costs
    both sides a copy of every page they write again."""
    from gdpr_check.load import load_side
    from gdpr_check.runtime import Tuning, gc_paused
    started = time.perf_counter()
    with gc_paused():
        forking = Tuning.for_cli(environ={}).parser()
        load_side(root, "policy", "notice keys", forking)
        load_side(root, "inventory", "inventory keys", forking)
    print(json.dumps({"seconds": time.perf_counter() - started}))


def run_load(root: Path) -> None:
    """In a child process: time `load_project(root)`, valid or refused; print JSON."""
    started = time.perf_counter()
    from gdpr_check.errors import InputError, errors_of
    from gdpr_check.load import load_project
    loaded = time.perf_counter()
    try:
        load_project(root)
        errors = 0
    except InputError as exc:
        errors = len(errors_of(exc))
    print(json.dumps({"seconds": time.perf_counter() - loaded, "errors": errors,
                      "import": loaded - started}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--full", action="store_true", help="include scale 0.5 and 1.0")
    parser.add_argument("--styles", action="store_true",
                        help="issue 10's matrix: block, block4, flow and JSON styles")
    parser.add_argument("--max-flows", type=int, default=100_000,
                        help="largest flow count of --styles (1000, 10000 or 100000)")
    parser.add_argument("--phases", type=Path, help=argparse.SUPPRESS)  # the children's jobs
    parser.add_argument("--load", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--parse2", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phases:
        run_phases(args.phases)
        return
    if args.load:
        run_load(args.load)
        return
    if args.parse2:
        run_parse2(args.parse2)
        return
    if args.styles:
        with tempfile.TemporaryDirectory(prefix="gdpr-bench-") as work:
            bench_styles(Path(work), args.max_flows)
        return
    bench_repo(args.runs)
    scales = [0.025, 0.05, 0.1, 0.2] + ([0.5, 1.0] if args.full else [])
    with tempfile.TemporaryDirectory(prefix="gdpr-bench-") as work:
        bench_scale(scales, Path(work))


if __name__ == "__main__":
    main()
