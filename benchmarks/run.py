"""Side-by-side benchmark of gdpr-check (SPEC §11). Not run by pytest.

    python benchmarks/run.py            # this repository + scale series up to 0.2
    python benchmarks/run.py --full     # ... and the full 10k/2k/100k project (slow)

Everything is measured in this one run, on this machine, and reported as ratios, so the
numbers compare across machines:
- `check` on this repository: median wall time over repeated runs (warm expression cache)
  against the SPEC budget (0.25 s) and against the floor of starting Python at all;
- the scale series: wall time and peak memory of `check` on generated projects of growing
  size; time(2n)/time(n) near 2 means time grows linearly;
- where the time goes at the largest size: YAML parsing alone vs the whole run.
"""
from __future__ import annotations

import argparse
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


def timed(cmd: list[str], cwd: Path) -> tuple[float, int, int]:
    """Wall seconds, peak RSS bytes and exit code of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err.strip()[:400]}")
    return wall, usage.ru_maxrss * 1024, proc.returncode


def gdpr_check(path: Path) -> list[str]:
    return [sys.executable, "-m", "gdpr_check", "check", str(path), "--format", "json",
            "--fail-on", "never"]


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
    print("scale  systems  flows    MB    wall s   peak MB   vs previous scale")
    for scale in scales:
        project = generate(work / f"scale-{scale}", scale)
        size = sum(p.stat().st_size for p in project.rglob("*.yaml")) / 1e6
        wall, rss, _ = timed(gdpr_check(project), project)
        growth = ""
        if previous:
            ratio_size = scale / previous[0]
            growth = f"time x{wall / previous[1]:.2f} for size x{ratio_size:.1f}"
        print(f"{scale:<6} {int(10000 * scale):>7} {int(100000 * scale):>6} {size:>6.1f} "
              f"{wall:>8.2f} {rss / 1e6:>9.0f}   {growth}")
        previous = (scale, wall)
    largest = work / f"scale-{scales[-1]}"
    parse_cmd = [sys.executable, "-c",
                 "import sys; from pathlib import Path; "
                 "from gdpr_check.load.files import yaml_files; "
                 "from gdpr_check.load.parser import parse_bytes; "
                 "[parse_bytes(p.read_bytes(), str(p)) for d in ('policy', 'inventory') "
                 "for p in yaml_files(Path(d))]"]
    parse_wall = timed(parse_cmd, largest)[0]
    total = previous[1]
    print(f"at scale {scales[-1]}: YAML parsing alone {parse_wall:.2f} s = "
          f"{parse_wall / total:.0%} of the run")
    if scales[-1] == 1.0:
        print(f"full size: {total / BUDGET_FULL:.1f} x the 5 s budget")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--full", action="store_true", help="include scale 1.0 (minutes)")
    args = parser.parse_args()
    bench_repo(args.runs)
    scales = [0.025, 0.05, 0.1, 0.2] + ([0.5, 1.0] if args.full else [])
    with tempfile.TemporaryDirectory(prefix="gdpr-bench-") as work:
        bench_scale(scales, Path(work))


if __name__ == "__main__":
    main()
