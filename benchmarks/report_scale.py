"""Reports at scale (issue 9, item 7): 10,000 systems with every report written to files.

Checks what the pytest test (tests/report/test_scale.py) proves on a small project with
small caps, at full size and with GitHub's real limits: the terminal shows a summary of at
most 40 lines, the SARIF is valid against the OASIS schema and within 25,000 results and
10 MB gzip-compressed, and the Markdown is under 65,536 characters.

    python benchmarks/report_scale.py [--scale 1.0]
"""
from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import jsonschema

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

SCHEMA = ROOT / "tests" / "report" / "sarif-schema-2.1.0.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    scale = parser.parse_args().scale
    with tempfile.TemporaryDirectory() as folder:
        project = generate(Path(folder) / "project", scale)
        out = Path(folder) / "out"
        names = ("r.sarif", "r.md", "r.html", "r.json", "r.xml")
        args = [x for name in names for x in ("--output", str(out / name))]
        done = subprocess.run([sys.executable, "-m", "gdpr_check", "check", str(project),
                               "--fail-on", "never", *args], capture_output=True, text=True,
                              check=False)
        terminal = done.stdout.splitlines()
        sarif = (out / "r.sarif").read_text()
        log = json.loads(sarif)
        jsonschema.validate(log, json.loads(SCHEMA.read_text()))
        results = len(log["runs"][0]["results"])
        packed = len(gzip.compress(sarif.encode(), mtime=0))
        markdown = len((out / "r.md").read_text())
        findings = len(json.loads((out / "r.json").read_text())["findings"])
    checks = {f"terminal {len(terminal)} lines <= 40": len(terminal) <= 40,
              f"SARIF {results} results <= 25,000": results <= 25_000,
              f"SARIF {packed:,} bytes gzip <= 10 MB": packed <= 10 * 1024 * 1024,
              f"Markdown {markdown:,} characters < 65,536": markdown < 65_536}
    print(f"{findings} findings (exit {done.returncode})")
    for what, ok in checks.items():
        print(f"{'ok  ' if ok else 'FAIL'} {what}")
    return 0 if all(checks.values()) and done.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
