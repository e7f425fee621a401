"""A reader that stops reading (`gdpr-check check | head`) ends the output, not the run.

Before, a report larger than the pipe's buffer made `check --format json | head` an
"internal error: BrokenPipeError ... This is a bug" with exit 3. Now the rest of the
output is dropped, nothing is said on standard error, and the command exits as it would
have: `check` with its verdict. Each case runs the command with its standard output a
pipe whose reading end is already closed, so every write to it fails, whatever its size.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BASE = REPO / "tests" / "fixtures" / "base"


def _run(args, stdout, stderr):
    return subprocess.Popen([sys.executable, "-m", "gdpr_check", *args], cwd=REPO,
                            stdout=stdout, stderr=stderr)


def _with_reader_gone(args, stderr_too: bool = False) -> tuple[int, bytes]:
    """(exit code, standard error) of `args` whose standard output (and, with
    `stderr_too`, standard error) is a pipe nobody reads."""
    process = _run(args, subprocess.PIPE,
                   subprocess.STDOUT if stderr_too else subprocess.PIPE)
    process.stdout.close()  # before the command writes anything: each write fails
    errors = b"" if stderr_too else process.stderr.read()
    if not stderr_too:
        process.stderr.close()
    return process.wait(timeout=120), errors


def _exit_code(args) -> int:
    process = _run(args, subprocess.DEVNULL, subprocess.DEVNULL)
    return process.wait(timeout=120)


@pytest.mark.parametrize("args", [
    ["check"],                              # the text report
    ["check", "--format", "json"],          # larger than a pipe's buffer
    ["check", "--format", "sarif"],
    ["check", str(BASE), "--format", "markdown"],
    ["rules"],                              # a command that writes through `emit`
    ["validate"],                           # one line
    ["schema", "inventory"],
], ids=lambda args: " ".join(a if "/" not in a else Path(a).name for a in args))
def test_a_closed_pipe_ends_the_output_quietly_with_the_commands_own_exit_code(args):
    expected = _exit_code(args)
    assert expected in (0, 1)
    code, errors = _with_reader_gone(args)
    assert code == expected
    assert errors == b""  # no "internal error", no "Exception ignored ... Broken pipe"


def test_the_verdict_survives_when_standard_error_is_the_same_closed_pipe():
    """`gdpr-check check 2>&1 | head -1`: both streams go nowhere, the exit code is the
    verdict (3DTech's notice has findings: 1)."""
    assert _exit_code(["check"]) == 1
    code, _ = _with_reader_gone(["check"], stderr_too=True)
    assert code == 1


def test_a_report_file_is_still_written_when_the_terminal_is_gone(tmp_path):
    """With a report file, the terminal gets the summary; a closed terminal pipe does not
    keep the file from being written, nor change the verdict."""
    report = tmp_path / "report.json"
    code, errors = _with_reader_gone(["check", "--output", str(report)])
    assert code == 1 and errors == b""
    assert report.read_text(encoding="utf-8").startswith("{")


def test_a_broken_pipe_elsewhere_is_a_cut_output_not_an_internal_error():
    """A write outside `echo_out` whose pipe breaks (none of the commands makes one now):
    exit 1 (`EXIT_CUT`, as Python itself ends on a broken pipe), not "internal error"."""
    script = ("import sys\n"
              "from gdpr_check.cli import EXIT_CUT, Failure, run_guarded\n"
              "def body():\n"
              "    raise BrokenPipeError(32, 'Broken pipe')\n"
              "try:\n"
              "    run_guarded(False, body)\n"
              "except Failure as exc:\n"
              "    assert exc.code == EXIT_CUT == 1\n"
              "    sys.exit(exc.code)\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO,
                            capture_output=True, timeout=60)
    assert result.returncode == 1
    assert b"internal error" not in result.stderr and b"Traceback" not in result.stderr
