"""Writes only where asked (issue 8, docs/security.md "Writes"): the checked repository may
come from an untrusted pull request, so its config cannot send a report outside the
project; no output may replace an input, a device, a FIFO or a symbolic link; several
outputs are written all or none; temporary files never outlive a run.

Each case goes through the CLI and expects either the file written where asked or exit 2
with one line naming the config file:line (or the --output) and what is wrong.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from gdpr_check.cli import main

from .rules.harness import write_project

REPO = Path(__file__).resolve().parent.parent
SELECT = ["--select", "transfers"]  # a few rules: these tests are about writing, not rules


@pytest.fixture()
def project(tmp_path) -> Path:
    return write_project(tmp_path / "project", None)


def run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def check(capsys, project, *args):
    return run(capsys, "check", project, *SELECT, *args)


def one_error(err: str) -> str:
    """The single line a refused write prints (never a traceback)."""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("gdpr-check: error: "), err
    return lines[0][len("gdpr-check: error: "):]


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def config(project: Path, text: str) -> None:
    (project / ".gdpr-check.yaml").write_text(textwrap.dedent(text))


# --- outputs named in the project's configuration stay inside the project ---------------

@pytest.mark.parametrize("path, problem", [
    ("../x/.bashrc", "'../x/.bashrc' leaves the project through '..'"),
    ("reports/../../x.txt", "leaves the project through '..'"),
    ("/tmp/gdpr-check-absolute.txt", "'/tmp/gdpr-check-absolute.txt' is an absolute path"),
])
def test_config_output_outside_the_project_is_refused(project, capsys, path, problem):
    config(project, f"""\
        fail_on: never
        outputs:
          - {{format: json, path: reports/ok.json}}
          - format: text
            path: {path}
        """)
    code, out, err = check(capsys, project)
    assert code == 2 and out == ""
    message = one_error(err)
    assert message.startswith(".gdpr-check.yaml:5:5: config.outputs[1].path: ")
    assert problem in message and "must stay inside the project" in message
    assert not (project / "reports").exists()          # the valid one is not written either
    assert not Path("/tmp/gdpr-check-absolute.txt").exists()


def test_config_output_through_a_symlink_out_of_the_project_is_refused(project, tmp_path,
                                                                       capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    (project / "reports").symlink_to(outside)
    (project / "home").symlink_to(outside / "bashrc")  # a link to a file, even one missing
    for path in ("reports/r.json", "home"):
        config(project, f"outputs:\n  - {{format: json, path: {path}}}\n")
        code, _, err = check(capsys, project)
        assert code == 2
        message = one_error(err)
        assert message.startswith(".gdpr-check.yaml:2:")
        assert f"leads out of the project through a symbolic link (to {outside}" in message
    assert list(outside.iterdir()) == []


def test_pyproject_output_outside_is_refused_at_its_line(project, capsys):
    (project / "pyproject.toml").write_text(textwrap.dedent("""\
        [project]
        name = "x"

        [[tool.gdpr-check.outputs]]
        format = "json"
        path = "../escape.json"
        """))
    code, _, err = check(capsys, project)
    assert code == 2
    assert one_error(err).startswith("pyproject.toml:6:1: config.outputs[0].path: "
                                     "'../escape.json' leaves the project")
    assert not (project.parent / "escape.json").exists()


def test_config_output_inside_the_project_is_written(project, capsys):
    (project / "out").mkdir()
    (project / "latest").symlink_to("out")  # a link that stays inside is fine
    config(project, """\
        fail_on: never
        outputs:
          - {format: json, path: reports/nested/r.json}
          - {format: sarif, path: latest/r.sarif}
        """)
    code, out, err = check(capsys, project)
    assert (code, err) == (0, "")
    assert "findings" in json.loads((project / "reports/nested/r.json").read_text())
    assert json.loads((project / "out/r.sarif").read_text())["version"] == "2.1.0"
    assert (project / "latest").is_symlink()


def test_command_line_outputs_go_where_the_user_says(project, tmp_path, capsys):
    elsewhere = tmp_path / "ci-artifacts" / "r.json"
    code, _, err = check(capsys, project, "--fail-on", "never", "--output", elsewhere)
    assert (code, err) == (0, "")
    assert "findings" in json.loads(elsewhere.read_text())


def snapshot(top: Path) -> dict:
    """Every entry below `top`: its kind, and its content or link target."""
    found = {}
    for folder, dirs, files in os.walk(top):
        for name in dirs + files:
            path = Path(folder, name)
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                found[path] = ("link", os.readlink(path))
            elif stat.S_ISDIR(info.st_mode):
                found[path] = ("dir", stat.S_IMODE(info.st_mode))
            else:
                found[path] = ("file", hashlib.sha256(path.read_bytes()).hexdigest(),
                               info.st_mtime_ns, stat.S_IMODE(info.st_mode))
    return found


def test_nothing_outside_the_named_outputs_changes(project, tmp_path, capsys):
    """A config trying every way out; then a run that writes: only its outputs change."""
    outside = tmp_path / "victim"
    outside.mkdir()
    (outside / ".bashrc").write_text("echo safe\n")
    (project / "reports").symlink_to(outside)
    (project / "rc").symlink_to(outside / ".bashrc")
    attempts = ["../victim/.bashrc", str(outside / ".bashrc"), "reports/.bashrc", "rc",
                "./../victim/new.txt", "inventory/../../victim/.bashrc"]
    before = snapshot(tmp_path)
    for attempt in attempts:
        config(project, f"outputs:\n  - {{format: text, path: '{attempt}'}}\n")
        written = snapshot(tmp_path)
        code, _, err = check(capsys, project)
        assert code == 2, attempt
        assert one_error(err).startswith(".gdpr-check.yaml:2:"), attempt
        assert snapshot(tmp_path) == written, attempt
    config(project, "fail_on: never\noutputs:\n  - {format: json, path: gdpr.json}\n")
    before = snapshot(tmp_path)
    cli_output = tmp_path / "named.sarif"
    code, _, err = check(capsys, project, "--output", cli_output)  # the flag wins
    assert (code, err) == (0, "")
    after = snapshot(tmp_path)
    changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    assert changed == {cli_output}
    assert (outside / ".bashrc").read_text() == "echo safe\n"
    assert not (project / "gdpr.json").exists()


# --- no output replaces an input ----------------------------------------------------------

def test_an_input_is_never_an_output(project, tmp_path, capsys):
    pack = tmp_path / "pack.yaml"
    pack.write_text("- {id: TR001, enabled: false}\n")
    (project / "waivers.yaml").write_text("[]\n")
    baseline = tmp_path / "baseline.json"
    code, out, _ = check(capsys, project, "--fail-on", "never", "--format", "json")
    baseline.write_text(out)
    config(project, "fail_on: never\n")
    (project / "inventory" / "more").mkdir()
    linked = project / "inventory" / "more" / "link.txt"
    linked.symlink_to(project / "policy" / "notice.yaml")
    hard = tmp_path / "hard.json"
    os.link(project / "inventory" / "inventory.yaml", hard)
    builtin = next((REPO / "rules").glob("*.yaml"))
    inputs = {"inventory": project / "inventory" / "inventory.yaml",
              "policy": project / "policy" / "notice.yaml",
              "config": project / ".gdpr-check.yaml", "waivers": project / "waivers.yaml",
              "baseline": baseline, "rule pack": pack, "built-in rules": builtin,
              "symlink to an input": linked, "hard link to an input": hard}
    before = snapshot(tmp_path)
    builtin_text = builtin.read_text()
    for what, target in inputs.items():
        code, out, err = check(capsys, project, "--rules", pack, "--baseline", baseline,
                               "--format", "json", "--output", target)
        assert code == 2 and out == "", what
        message = one_error(err)
        assert message.startswith(f"--output {target}: is ") and \
            "an input of this run; writing the report there would replace it" in message, what
    assert snapshot(tmp_path) == before
    assert builtin.read_text() == builtin_text


@pytest.mark.parametrize("command", [["ropa"], ["graph"], ["notice", "render"]])
def test_other_commands_do_not_overwrite_inputs_either(project, capsys, command):
    target = project / "inventory" / "inventory.yaml"
    text = target.read_text()
    code, _, err = run(capsys, *command, project, "--output", target)
    assert code == 2
    assert "an input of this run" in one_error(err)
    assert target.read_text() == text


def test_rules_output_does_not_overwrite_a_rule_pack(project, capsys):
    pack = project / "rules" / "own.yaml"
    pack.parent.mkdir()
    pack.write_text("- {id: TR001, enabled: false}\n")
    code, _, err = run(capsys, "rules", project, "--format", "markdown", "--output", pack)
    assert code == 2 and "an input of this run" in one_error(err)
    assert pack.read_text() == "- {id: TR001, enabled: false}\n"


# --- special files are written to, not replaced; links are followed --------------------

def test_dev_null_stays_a_device(project, capsys):
    code, _, err = check(capsys, project, "--fail-on", "never", "--format", "json",
                         "--output", os.devnull)
    assert (code, err) == (0, "")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_fifo_is_written_to(project, tmp_path, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    code, _, err = check(capsys, project, "--fail-on", "never", "--format", "json",
                         "--output", fifo)
    reader.join(timeout=30)
    assert (code, err) == (0, "")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert "findings" in json.loads(received[0])
    assert temps(tmp_path) == []


def test_dev_stdout_is_the_process_output(project):
    """`--output /dev/stdout` (a link to a descriptor) writes to the pipe, replaces nothing."""
    result = subprocess.run(
        [sys.executable, "-m", "gdpr_check", "check", str(project), *SELECT, "--fail-on",
         "never", "--format", "json", "--output", "/dev/stdout", "--format", "markdown",
         "--output", "-"], capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stderr) == (0, "")
    report, _, markdown = result.stdout.partition("\n## ")
    assert "findings" in json.loads(report)  # the files first, then standard output
    assert "gdpr-check" in markdown
    assert os.path.islink("/dev/stdout") or not os.path.exists("/dev/stdout") or \
        not stat.S_ISREG(os.lstat("/dev/stdout").st_mode)


def test_a_symlinked_output_is_followed_and_the_link_kept(project, tmp_path, capsys):
    real = tmp_path / "real" / "report.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "report.json"
    link.symlink_to(real)
    code, _, err = check(capsys, project, "--fail-on", "never", "--output", link)
    assert (code, err) == (0, "")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "findings" in json.loads(real.read_text())
    assert temps(tmp_path) == [] and temps(real.parent) == []


def test_a_folder_is_not_an_output(project, tmp_path, capsys):
    code, _, err = check(capsys, project, "--format", "json", "--output", tmp_path)
    assert code == 2
    assert one_error(err) == f"--output {tmp_path}: is a folder; expected a file name"


def test_a_file_used_as_a_folder_is_exit_2(project, tmp_path, capsys):
    (tmp_path / "plain").write_text("x")
    target = tmp_path / "plain" / "r.json"
    code, _, err = check(capsys, project, "--output", target)
    assert code == 2
    assert one_error(err) == f"--output {target}: cannot write there: Not a directory"


def test_the_same_file_twice_is_refused(project, tmp_path, capsys):
    first = tmp_path / "r.json"
    code, _, err = check(capsys, project, "--output", first, "--format", "json", "--output",
                         tmp_path / "." / "r.json")
    assert code == 2
    assert "the same file as --output" in one_error(err)
    assert not first.exists()


# --- all or none; temporary files never outlive a run ----------------------------------

def failing_nth_fsync(monkeypatch, n: int, exc: BaseException):
    import gdpr_check.outputs as outputs
    calls = {"n": 0}
    real = os.fsync

    def fsync(fd):
        calls["n"] += 1
        if calls["n"] == n:
            raise exc
        return real(fd)
    monkeypatch.setattr(outputs.os, "fsync", fsync)


def test_disk_full_on_the_second_output_writes_none(project, tmp_path, capsys, monkeypatch):
    first, second = tmp_path / "a" / "r.json", tmp_path / "b" / "r.sarif"
    first.parent.mkdir()
    first.write_text("old json")
    failing_nth_fsync(monkeypatch, 2, OSError(errno.ENOSPC, "No space left on device"))
    code, out, err = check(capsys, project, "--output", first, "--output", second)
    assert code == 2 and out == ""  # not even the text report: the run failed
    assert one_error(err) == (f"--output {second}: cannot write {second}: "
                              "No space left on device")
    assert first.read_text() == "old json"
    assert temps(first.parent) == [] and not second.parent.exists()  # its folder removed


def test_an_unwritable_folder_is_exit_2(project, tmp_path, capsys, monkeypatch):
    import gdpr_check.outputs as outputs

    def refuse(*_args, **_kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")
    monkeypatch.setattr(outputs.tempfile, "mkstemp", refuse)
    code, _, err = check(capsys, project, "--output", tmp_path / "r.json")
    assert code == 2
    assert one_error(err) == (f"--output {tmp_path / 'r.json'}: cannot write in {tmp_path}: "
                              "Permission denied")


@pytest.fixture()
def tiny_tmpfs(tmp_path):
    """A 64 KiB tmpfs (root only, where mounting is allowed), to fill up for real."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                          capture_output=True)
    if made.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_really_full_disk_is_exit_2(project, tiny_tmpfs, capsys):
    old = tiny_tmpfs / "r.html"
    old.write_text("old report")
    (tiny_tmpfs / "filler").write_bytes(b"x" * 40 * 1024)  # ~20 KiB left; the report: ~38
    code, _, err = run(capsys, "check", project, "--fail-on", "never", "--output", old)
    assert code == 2, err
    assert one_error(err) == f"--output {old}: cannot write {old}: No space left on device"
    assert old.read_text() == "old report" and temps(tiny_tmpfs) == []


def test_ctrl_c_while_writing_leaves_the_old_report(project, tmp_path, capsys, monkeypatch):
    old = tmp_path / "r.json"
    old.write_text("old")
    failing_nth_fsync(monkeypatch, 1, KeyboardInterrupt())
    code, _, _ = check(capsys, project, "--output", old)
    assert code == 130
    assert old.read_text() == "old" and temps(tmp_path) == []


SIGTERM_SCRIPT = """\
import os, signal, sys
from gdpr_check import outputs
real = os.fsync
def fsync(fd):
    os.kill(os.getpid(), signal.SIGTERM)  # arrives while the temporary file exists
    return real(fd)
outputs.os.fsync = fsync
outputs.write_outputs([outputs.Output(sys.argv[1], "new report")])
print("not reached")
"""


def test_sigterm_while_writing_removes_the_temporary_file(tmp_path):
    old = tmp_path / "r.json"
    old.write_text("old")
    result = subprocess.run([sys.executable, "-c", SIGTERM_SCRIPT, str(old)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == -15, result.stderr  # killed by the signal, as usual
    assert "not reached" not in result.stdout
    assert old.read_text() == "old" and temps(tmp_path) == []


def test_stale_temporary_files_of_killed_runs_are_removed(project, tmp_path, capsys):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    dead = tmp_path / f".gdpr-check-tmp.{gone}.abc123_x.tmp"
    alive = tmp_path / ".gdpr-check-tmp.1.running1.tmp"  # pid 1 runs: maybe still writing
    legacy = tmp_path / ".r.json.k2j4h5g6.tmp"            # what earlier versions left
    young_legacy = tmp_path / ".r.json.abcdefgh.tmp"
    unrelated = tmp_path / ".editor.tmp"
    for path in (dead, alive, legacy, young_legacy, unrelated):
        path.write_text("partial")
    os.utime(legacy, (1, 1))
    code, _, err = check(capsys, project, "--fail-on", "never", "--output",
                         tmp_path / "r.json")
    assert (code, err) == (0, "")
    assert temps(tmp_path) == sorted(p.name for p in (alive, young_legacy, unrelated))


# --- kill -9 at random moments: the old report or a complete new one -------------------

def test_kill_9_leaves_the_old_report_or_the_new_one(tmp_path):
    import random
    import time
    big = tmp_path / "big"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), str(big),
                    "--scale", "0.015"], check=True, capture_output=True, timeout=120)
    out = tmp_path / "out"
    out.mkdir()
    report = out / "report.json"
    command = [sys.executable, "-m", "gdpr_check", "check", str(big), "--fail-on", "never",
               "--format", "json", "--output", str(report), "--quiet"]
    start = time.monotonic()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, timeout=120)
    duration = time.monotonic() - start
    assert report.stat().st_size > 800_000  # big enough to take a while to write
    report.write_text('{"old": true}')
    rng = random.Random(8)
    budget = time.monotonic() + 25  # ~10 kills; fewer on a loaded machine, at least 4
    for attempt in range(10):
        if attempt >= 4 and time.monotonic() > budget:
            break
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        if attempt % 2 == 0:  # anywhere in the run
            time.sleep(rng.uniform(0.2, 1.0) * duration)
        else:                 # in the write, once its temporary file exists
            deadline = time.monotonic() + 2 * duration + 5
            while not any(p.name.startswith(".gdpr-check-tmp.") for p in out.iterdir()) \
                    and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.0005)
            time.sleep(rng.uniform(0, 0.005))
        process.kill()
        process.wait()
        text = report.read_text()
        assert text == '{"old": true}' or "findings" in json.loads(text), attempt
        report.write_text('{"old": true}')
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, timeout=120)
    assert "findings" in json.loads(report.read_text())
    assert temps(out) == []  # those the killed runs left are gone too


# --- init ---------------------------------------------------------------------------------

def test_init_writes_nothing_through_a_link_out_of_the_folder(tmp_path, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    project = tmp_path / "new"
    project.mkdir()
    (project / "policy").symlink_to(outside)
    code, _, err = run(capsys, "init", project)
    assert code == 2
    message = one_error(err)
    assert "leads out of the project through a symbolic link" in message
    assert "`init` writes only inside the folder it is given" in message
    assert list(outside.iterdir()) == []


def test_init_leaves_no_temporary_files_and_never_overwrites(tmp_path, capsys):
    project = tmp_path / "new"
    project.mkdir()
    (project / "waivers.yaml").symlink_to(tmp_path / "dangling")  # taken, even dangling
    code, out, _ = run(capsys, "init", project)
    assert code == 0 and "skipped" in out and "waivers.yaml" in out
    assert not (tmp_path / "dangling").exists()
    assert [p for p in project.rglob("*.tmp")] == []


def test_init_without_hard_links_still_creates_each_file_once(tmp_path, capsys,
                                                               monkeypatch):
    import gdpr_check.outputs as outputs

    def no_links(*_args):
        raise PermissionError(errno.EPERM, "Operation not permitted")
    monkeypatch.setattr(outputs.os, "link", no_links)
    project = tmp_path / "new"
    code, out, err = run(capsys, "init", project)
    assert (code, err) == (0, "")
    assert (project / ".gdpr-check.yaml").read_text().strip()
    assert [p for p in project.rglob("*.tmp")] == []
    code, out, _ = run(capsys, "init", project)  # the second time, everything is skipped
    assert code == 0 and "created" not in out


def test_init_on_a_full_disk_is_exit_2_and_leaves_no_folders(tmp_path, capsys, monkeypatch):
    failing_nth_fsync(monkeypatch, 1, OSError(errno.ENOSPC, "No space left on device"))
    project = tmp_path / "new"
    project.mkdir()
    code, _, err = run(capsys, "init", project)
    assert code == 2
    assert one_error(err).endswith(": No space left on device")
    assert list(project.iterdir()) == []


def test_a_configured_output_over_an_input_is_refused_at_its_line(project, capsys):
    inventory = project / "inventory" / "inventory.yaml"
    text = inventory.read_text()
    for path in ("inventory/inventory.yaml", ".gdpr-check.yaml"):
        config(project, f"outputs:\n  - {{format: json, path: {path}}}\n")
        code, _, err = check(capsys, project)
        assert code == 2
        assert one_error(err).startswith(".gdpr-check.yaml:2:20: config.outputs[0].path: is ")
        assert "an input of this run" in err
    assert inventory.read_text() == text
