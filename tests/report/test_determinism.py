"""Same input, same bytes: every format, from two processes with different hash seeds."""
from __future__ import annotations

import os
import subprocess
import sys

from .conftest import RULES

SUFFIXES = {"json": "json", "sarif": "sarif", "junit": "xml", "markdown": "md", "html": "html",
            "text": "txt"}


def write_all(project, folder, seed) -> dict[str, bytes]:
    folder.mkdir()
    args = []
    for fmt, suffix in SUFFIXES.items():
        args += ["--format", fmt, "--output", str(folder / f"report.{suffix}")]
    env = dict(os.environ, PYTHONHASHSEED=str(seed), NO_COLOR="1")
    env.pop("GITHUB_ACTIONS", None)
    result = subprocess.run([sys.executable, "-m", "gdpr_check", "check", str(project),
                             "--rules", str(RULES), "--select", "report-test", *args],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_byte_identical_across_runs(project, tmp_path):
    first = write_all(project, tmp_path / "a", 1)
    second = write_all(project, tmp_path / "b", 2)
    assert sorted(first) == sorted(f"report.{s}" for s in SUFFIXES.values())
    for name in first:
        assert first[name] == second[name], name
        assert b"\r\n" not in first[name]
