"""python -m tests.fuzz: run the fuzzer (see tests/fuzz/__init__.py); exit 1 on any problem."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .runner import run
from .targets import FUZZ_TARGETS, TARGETS


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    parser.add_argument("--target", action="append", choices=sorted(TARGETS),
                        help="repeatable; default: parser, rules, reports")
    parser.add_argument("--cases", type=int, default=1000, help="cases per target")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--start", type=int, default=0, help="first case number")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per case")
    parser.add_argument("--memory-mb", type=int, default=2048, help="address space per case")
    parser.add_argument("--max-seconds", type=float, help="start no case after this long")
    parser.add_argument("--progress", type=Path, help="JSON file updated while running")
    parser.add_argument("--failures", type=Path, help="folder for the inputs of problems")
    args = parser.parse_args(argv)
    plan = [(target, args.cases) for target in (args.target or FUZZ_TARGETS)]
    summary = run(plan, args.seed, time_limit=args.time_limit, memory_mb=args.memory_mb,
                  start=args.start, progress=args.progress, failures=args.failures,
                  max_seconds=args.max_seconds)
    json.dump(summary.as_dict(), sys.stdout, indent=2)
    print()
    return 1 if summary.problems else 0


if __name__ == "__main__":
    sys.exit(main())
