"""The README's install line works (issue 9, item 1): `pip install 'gdpr-policy-check @
git+URL@vX.Y.Z'`, run as written in a fresh virtual environment against a clone of this
repository tagged the way CONTRIBUTING's release checklist says, installs the
distribution under its name and gives the `gdpr-check` command at this version.

Only the repository address is replaced (by the clone: no network here); pip still
checks that the name before `@` is the name the package builds under.
"""
from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from gdpr_check import __version__, meta

from .test_meta import installed_names, pip_installs
from .test_precommit import _clone, need_pre_commit_and_git, release_tag_commands

ROOT = Path(__file__).resolve().parent.parent


def readme_requirement() -> str:
    """The README's `pip install` of the tool itself (not an extra), as written."""
    found = [target for args in pip_installs((ROOT / "README.md").read_text())
             for target in installed_names(args) if target.startswith(meta.DISTRIBUTION + " @")]
    assert found, "the README has no install line for the distribution"
    return found[0]


def test_the_readme_installs_the_current_tag_by_the_distribution_name():
    assert readme_requirement() == meta.requirement()


@pytest.mark.slow
def test_the_readme_install_line_installs_the_tool_from_the_tag(tmp_path):
    need_pre_commit_and_git()
    clone = _clone(tmp_path / "clone")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="test", GIT_AUTHOR_EMAIL="test@example.test",
               GIT_COMMITTER_NAME="test", GIT_COMMITTER_EMAIL="test@example.test",
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}")
    script = release_tag_commands().replace("python3 ", f"{shlex.quote(sys.executable)} ")
    subprocess.run(["bash", "-euc", script], cwd=clone, env=env, check=True,
                   capture_output=True)
    # `file://localhost/...`: the form of a local URL pip's requirement parser accepts
    requirement = readme_requirement().replace(f"git+{meta.REPOSITORY_URL}",
                                               f"git+file://localhost{clone.as_posix()}")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    done = subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", requirement],
                          env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    shown = subprocess.run([str(bin_dir / "python"), "-m", "pip", "show", meta.DISTRIBUTION],
                           capture_output=True, text=True, check=True).stdout
    assert f"Name: {meta.DISTRIBUTION}\nVersion: {__version__}\n" in shown
    version = subprocess.run([str(bin_dir / meta.COMMAND), "--version"], capture_output=True,
                             text=True, check=True).stdout
    assert __version__ in version
    run = subprocess.run([str(bin_dir / meta.COMMAND), "check", str(ROOT), "-q"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode in (0, 1), run.stderr      # findings or none: never an error
    assert " findings in " in run.stdout.splitlines()[-1]
