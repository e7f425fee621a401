"""The report phase per format at scale (issue 10, item 3): time and peak memory of writing
each report of one large run, all measured in one process so the ratios compare.

    .venv/bin/python benchmarks/report_phase.py [--flows 100000] [--project DIR]

The project is loaded and checked once (as `check` does: load, rules); then each format is
written to a file as the CLI writes it (atomically, through `outputs.py`). For each format
it prints the seconds and the memory the writing added above what the run already held
(the process's peak RSS, reset before each format through /proc/self/clear_refs on Linux),
then the whole run per format (check + that report) as a ratio of the JSON run, which
issue 10 wants at most 1.3. The data-flow map the HTML report draws is built before the
timings (its cost is printed apart), so HTML is measured as a renderer like the others.

Works on versions before the streaming reports too (`render` + `write_atomic`), for the
before/after figures of docs/decisions.md.
"""
from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
FORMATS = ("json", "text", "sarif", "junit", "markdown", "html")
SUFFIX = {"json": "json", "text": "txt", "sarif": "sarif", "junit": "xml", "markdown": "md",
          "html": "html"}


def _status(key: str) -> int:
    """A `Vm...` line of /proc/self/status, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    return 0


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    except OSError:
        pass


def _write(report, fmt: str, path: Path) -> None:
    from gdpr_check import report as reports
    if hasattr(reports, "chunks"):   # streaming reports
        reports.write_atomic(path, reports.chunks(report, fmt, root=None))
    else:
        reports.write_atomic(path, reports.render(report, fmt, root=None))


def _checked(project: Path):
    from gdpr_check import runtime
    from gdpr_check.api import check
    if hasattr(runtime, "claim_process"):
        runtime.claim_process()   # as the CLI: forks and freezes as a `check` run would
    started = time.perf_counter()
    try:
        report = check(project, graph=True)
    except TypeError:             # before `graph=`: the map is built lazily
        report = check(project)
    checked = time.perf_counter() - started
    started = time.perf_counter()
    report.data_flow_graph()
    return report, checked, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=100_000)
    parser.add_argument("--project", type=Path, help="an existing project (default: generate)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        project = args.project
        if project is None:
            from generate import generate
            project = generate(Path(folder) / "project", 1.0, flows=args.flows)
        report, checked, graph = _checked(project)
        held = _status("VmRSS")
        run_peak = _status("VmHWM")
        print(f"check (load + rules): {checked:.2f} s, peak {run_peak / 1e6:.0f} MB; "
              f"{len(report.findings)} findings; data-flow map {graph:.2f} s (built apart)")
        rows = {}
        for fmt in FORMATS:
            gc.collect()
            _reset_peak()
            base = _status("VmRSS")
            started = time.perf_counter()
            _write(report, fmt, Path(folder) / f"r.{SUFFIX[fmt]}")
            seconds = time.perf_counter() - started
            added = max(0, _status("VmHWM") - base)
            size = (Path(folder) / f"r.{SUFFIX[fmt]}").stat().st_size
            rows[fmt] = (seconds, added, size)
        json_time = checked + rows["json"][0]
        json_peak = max(run_peak, held + rows["json"][1])
        print(f"{'format':<9} {'report s':>9} {'+MB':>6} {'file MB':>8}   run s / JSON run   "
              "peak / JSON run")
        for fmt, (seconds, added, size) in rows.items():
            total = checked + seconds
            peak = max(run_peak, held + added)
            print(f"{fmt:<9} {seconds:9.2f} {added / 1e6:6.0f} {size / 1e6:8.1f}   "
                  f"{total:6.2f} = {total / json_time:4.2f} x       "
                  f"{peak / 1e6:5.0f} MB = {peak / json_peak:4.2f} x")


if __name__ == "__main__":
    main()
