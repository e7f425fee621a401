"""Start-up of `gdpr-check check` on this repository, as ratios measured in one run
(issue 10, "Start-up"). Not run by pytest.

    .venv/bin/python benchmarks/startup.py [--runs 21]

Each round runs, one after the other (so that a loaded machine slows all of them alike):
- **bare**: `python -c "import pydantic, jinja2, yaml, click"`, the floor of any tool
  built on them;
- **warm**: `gdpr-check check` on this repository with a warm expression cache;
- **cold**: the same with an empty expression cache folder (a first run, a fresh CI job);
- **uncompiled**: cold, and without the built-in pack compiled ahead (what a run costs
  when the package was built without it; for the record, no target).

It prints the medians and the ratios the issue sets targets for: warm ≤ 0.25 s on a
quiet machine, warm ≤ 2 × bare, cold ≤ 1.3 × warm. Run it with the project's virtual
environment (the interpreter that runs this script runs gdpr-check too). It also prints
the import time of `gdpr_check.api` and of the models alone, from `python -X importtime`.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 0.25       # s, SPEC §11, on a quiet machine
MAX_BARE_RATIO = 2.0
MAX_COLD_RATIO = 1.3

BARE = [sys.executable, "-c", "import pydantic, jinja2, yaml, click"]
CHECK = [sys.executable, "-m", "gdpr_check", "check", str(ROOT)]


def _env(**extra) -> dict:
    # as a user's shell runs it: with Python's bytecode cache
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra)
    return env


def wall(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one child. On a loaded machine the
    CPU time is the steadier figure: waiting for a core does not count."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {stderr.decode()}")
    return elapsed, usage.ru_utime + usage.ru_stime


def import_ms(module: str) -> dict[str, float]:
    """Cumulative import milliseconds by module, from one `python -X importtime`."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                            cwd=ROOT, env=_env(), capture_output=True, text=True, check=True)
    times = {}
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line[len("import time:"):].split("|")
            if cumulative.strip().isdigit():
                times[name.strip()] = int(cumulative) / 1000
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    try:
        from gdpr_check.expr import precompiled
        pack = precompiled.path()
    except ImportError:  # a version before the pack was compiled ahead ("before" figures)
        pack = ROOT / "no-precompiled-pack"
    hidden = pack.with_name(pack.name + ".benchmark-hidden")
    cache = Path(tempfile.mkdtemp(prefix="gdpr-check-startup-"))
    warm_env = _env(GDPR_CHECK_CACHE_DIR=str(cache / "warm"))
    samples: dict[str, list[tuple[float, float]]] = {
        "bare": [], "warm": [], "cold": [], "uncompiled": []}
    try:
        wall(CHECK, warm_env)  # fill the warm cache, the OS file cache, __pycache__
        for round_ in range(args.runs):
            samples["bare"].append(wall(BARE, _env()))
            samples["warm"].append(wall(CHECK, warm_env))
            cold = cache / f"cold-{round_}"
            samples["cold"].append(wall(CHECK, _env(GDPR_CHECK_CACHE_DIR=str(cold))))
            if pack.exists():
                pack.rename(hidden)
                try:
                    samples["uncompiled"].append(
                        wall(CHECK, _env(GDPR_CHECK_CACHE_DIR=str(cold) + "-u")))
                finally:
                    hidden.rename(pack)
    finally:
        if hidden.exists() and not pack.exists():
            hidden.rename(pack)
        shutil.rmtree(cache, ignore_errors=True)
    walls = {name: statistics.median(w for w, _ in values)
             for name, values in samples.items() if values}
    cpus = {name: statistics.median(c for _, c in values)
            for name, values in samples.items() if values}
    print(f"median of {args.runs} rounds, seconds (load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs):")
    print(f"  {'':10} {'wall':>6} {'cpu':>6}")
    for name in walls:
        print(f"  {name:10} {walls[name]:6.3f} {cpus[name]:6.3f}")
    if not pack.exists():
        print("  (no built-in pack compiled ahead: `uncompiled` not measured; in a checkout,"
              " `pip install -e .` compiles it)")
    for label, of in (("wall", walls), ("cpu", cpus)):
        print(f"{label:4}: warm / bare imports {of['warm'] / of['bare']:.2f} (target <= "
              f"{MAX_BARE_RATIO}), cold / warm {of['cold'] / of['warm']:.2f} (target <= "
              f"{MAX_COLD_RATIO})" + (f", uncompiled / warm {of['uncompiled'] / of['warm']:.2f}"
                                     if "uncompiled" in of else ""))
    print(f"warm: {walls['warm']:.3f} s wall (target <= {BUDGET} s on a quiet machine)")
    api = import_ms("gdpr_check.api")
    models = sum(api.get(f"gdpr_check.model.{m}", 0) for m in ("policy", "inventory"))
    print(f"import gdpr_check.api: {api.get('gdpr_check.api', 0):.0f} ms, of which the "
          f"notice and inventory models {models:.0f} ms (one -X importtime run)")


if __name__ == "__main__":
    main()
