"""Reports at scale (issue 9, item 7): 10,000 systems with every report written to files.

Generates the benchmark project at full size (10,000 systems, 2,000 processors; 1,000
flows by default, which keeps it to a minute and still gives over 25,000 findings), runs
`gdpr-check check` with the SARIF, Markdown, HTML, JSON and JUnit reports all written to
files, and checks what issue 9 asks of the result:

- the terminal shows a summary of at most 40 lines;
- the SARIF is valid against the OASIS SARIF 2.1.0 schema and within every limit GitHub
  code scanning sets on an upload (`gdpr_check.report.sarif`: results, rules, runs, tags,
  locations, 10 MB gzip-compressed), and says in a notification how many results it left
  out, as many as the JSON report has more;
- the Markdown is under GitHub's 65,536-character comment limit.

    python benchmarks/report_scale.py [--flows 1000] [--scale 1.0]

tests/report/test_github_limits.py runs the same checks (`measure`, `failures`) in CI.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))
from generate import generate  # noqa: E402

from gdpr_check.report import markdown, sarif  # noqa: E402

SCHEMA = ROOT / "tests" / "report" / "sarif-schema-2.1.0.json"
REPORTS = ("r.sarif", "r.md", "r.html", "r.json", "r.xml")
TERMINAL_LINES = 40


def run(project: Path, out: Path) -> tuple[list[str], int, float]:
    """`gdpr-check check` with every report to a file: the terminal's lines, the exit
    code and the seconds it took."""
    args = [x for name in REPORTS for x in ("--output", str(out / name))]
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "gdpr_check", "check", str(project),
                           "--fail-on", "never", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, check=False, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"gdpr-check exited {done.returncode}: {done.stderr[-2000:]}")
    return done.stdout.splitlines(), done.returncode, time.monotonic() - start


def measure(out: Path, terminal: list[str]) -> dict:
    """The figures issue 9 sets limits on, read back from the files written."""
    import fastjsonschema   # the test extra: jsonschema takes ~20 s on 25,000 results
    text = (out / "r.sarif").read_text(encoding="utf-8")
    log = json.loads(text)
    valid = fastjsonschema.compile(json.loads(SCHEMA.read_text()))
    try:
        valid(log)
        schema_error = None
    except fastjsonschema.JsonSchemaException as exc:
        schema_error = str(exc)[:500]
    run = log["runs"][0]
    notes = [n for inv in run.get("invocations", ())
             for n in inv.get("toolExecutionNotifications", ())
             if n.get("descriptor", {}).get("id") == "results-left-out"]
    left_out = int(re.match(r"(\d+) of", notes[0]["message"]["text"])[1]) if notes else 0
    rules = run["tool"]["driver"]["rules"]
    return {
        "terminal lines": len(terminal),
        "terminal summary": terminal[-2] if len(terminal) > 1 else "",
        "findings": len(json.loads((out / "r.json").read_text(encoding="utf-8"))["findings"]),
        "sarif schema error": schema_error,
        "sarif runs": len(log["runs"]),
        "sarif results": len(run["results"]),
        "sarif left out": left_out,
        "sarif rules": len(rules),
        "sarif tags per rule": max(len(r["properties"]["tags"]) for r in rules),
        "sarif locations per result": max(len(r.get("locations", ())) for r in run["results"]),
        "sarif gzip bytes": len(gzip.compress(text.encode("utf-8"), mtime=0)),
        "markdown characters": len((out / "r.md").read_text(encoding="utf-8")),
    }


def failures(figures: dict) -> list[str]:
    """Each of issue 9's conditions the figures break (none: all hold)."""
    f = figures
    checks = {
        f"terminal: {f['terminal lines']} lines, at most {TERMINAL_LINES}":
            f["terminal lines"] <= TERMINAL_LINES,
        "terminal: ends with the summary and the files written":
            bool(re.match(r"\d+ findings in \d+ issues", f["terminal summary"])),
        f"SARIF valid against the OASIS schema ({f['sarif schema error']})":
            f["sarif schema error"] is None,
        f"SARIF: {f['sarif runs']} runs, at most {sarif.MAX_RUNS}":
            f["sarif runs"] <= sarif.MAX_RUNS,
        f"SARIF: {f['sarif results']:,} results, at most {sarif.MAX_RESULTS:,}":
            f["sarif results"] <= sarif.MAX_RESULTS,
        f"SARIF: {f['sarif left out']:,} said to be left out, "
        f"{f['findings'] - f['sarif results']:,} are":
            f["sarif left out"] == f["findings"] - f["sarif results"],
        f"SARIF: {f['sarif rules']} rules, at most {sarif.MAX_RULES:,}":
            f["sarif rules"] <= sarif.MAX_RULES,
        f"SARIF: {f['sarif tags per rule']} tags on a rule, at most {sarif.MAX_TAGS}":
            f["sarif tags per rule"] <= sarif.MAX_TAGS,
        f"SARIF: {f['sarif locations per result']} locations on a result, at most "
        f"{sarif.MAX_LOCATIONS:,}": f["sarif locations per result"] <= sarif.MAX_LOCATIONS,
        f"SARIF: {f['sarif gzip bytes']:,} bytes gzip-compressed, at most "
        f"{sarif.MAX_GZIP_BYTES:,}": f["sarif gzip bytes"] <= sarif.MAX_GZIP_BYTES,
        f"Markdown: {f['markdown characters']:,} characters, under 65,536 "
        f"(the report keeps to {markdown.MAX_CHARS:,})": f["markdown characters"] < 65_536,
    }
    return [what for what, ok in checks.items() if not ok]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="1.0: 10,000 systems and 2,000 processors")
    parser.add_argument("--flows", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        start = time.monotonic()
        project = generate(Path(folder) / "project", args.scale, flows=args.flows)
        generated = time.monotonic() - start
        out = Path(folder) / "out"
        out.mkdir()
        terminal, _, seconds = run(project, out)
        figures = measure(out, terminal)
    print(f"generated in {generated:.1f} s; checked and written in {seconds:.1f} s")
    print("\n".join(terminal))
    for what, value in figures.items():
        print(f"  {what}: {value}")
    broken = failures(figures)
    for what in broken:
        print(f"FAIL {what}")
    print("all conditions hold" if not broken else f"{len(broken)} conditions fail")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
