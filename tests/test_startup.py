"""Start-up of a small run (issue 10, "this repository" targets): what the CLI does not do
any more. The times themselves are benchmarks/startup.py's; these pin the causes."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gdpr_check.runtime import LIBRARY, Tuning

ROOT = Path(__file__).resolve().parent.parent


def test_the_cli_freezes_what_importing_made_and_the_library_does_not(gc_calls):
    with Tuning.for_cli(environ={}).importing():
        assert gc_calls == ["disable"]
    assert gc_calls == ["disable", "freeze", "enable"]
    gc_calls.clear()
    with LIBRARY.importing():  # a program's own objects are never frozen behind its back
        pass
    assert gc_calls == ["disable", "enable"]
    gc_calls.clear()
    with Tuning(pause_gc=False).importing():
        pass
    assert gc_calls == []


def _after_check(report: str, args: list[str]) -> list[str]:
    """Run `gdpr-check <args>` in a fresh interpreter, then `report` (Python that sets
    `found`, a list of names, from what the run left in `sys.modules`): the names."""
    script = ("import sys\nfrom gdpr_check.cli import main\n"
              "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
              f"{report}\nprint(' '.join(found), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                          text=True, cwd=ROOT, check=True)
    return done.stderr.splitlines()[-1].split()


def _modules_after_check(args: list[str]) -> set[str]:
    return set(_after_check("found = sorted(sys.modules)", args))


def test_a_check_without_a_published_notice_imports_none_of_its_checks():
    """Naming no rule to select or ignore is no reason to read the notice's checks."""
    modules = _modules_after_check(["check", str(ROOT / "tests" / "fixtures" / "base"),
                                    "--format", "json"])
    assert "gdpr_check.api" in modules
    assert not any(m.startswith("gdpr_check.notice") for m in modules)


def test_a_check_for_the_terminal_starts_no_process():
    """No git: the text report names files from the project (report.WITH_REPOSITORY_PATHS),
    so neither git nor `subprocess` (~3 ms to import) is needed."""
    modules = _modules_after_check(["check", str(ROOT / "tests" / "fixtures" / "base")])
    assert "gdpr_check.report.text" in modules and "subprocess" not in modules


def test_a_check_for_the_terminal_defines_no_provenance_record():
    """`Provenance` and `RulePack` are defined where they are filled (~3 ms of dataclass
    code generation at start-up); the old place still names them."""
    modules = _modules_after_check(["check", str(ROOT / "tests" / "fixtures" / "base")])
    assert "gdpr_check.findings" in modules and "gdpr_check.provenance" not in modules
    from gdpr_check import findings, provenance
    assert "Provenance" not in vars(findings) and "RulePack" not in vars(findings)
    assert (findings.Provenance, findings.RulePack) == (provenance.Provenance,
                                                          provenance.RulePack)
    with pytest.raises(AttributeError):
        findings.NoSuchRecord


DATACLASSES = """
import dataclasses
found = [f"{name}.{key}" for name, module in sorted(sys.modules.items())
         if name.startswith("gdpr_check")
         for key, value in sorted(vars(module).items())
         if isinstance(value, type) and dataclasses.is_dataclass(value)
         and value.__module__ == name]
"""

# The dataclasses a small check defines: each execs the code of its methods at import
# (~1 ms). The records of a run (findings, notices, errors, the project, the compiled rules,
# the settings, the tuning, api.Inputs, selection.Key, inline_skips.Skip) are NamedTuples,
# and the provenance's records are defined only for the formats showing them. What is
# left: the report (it sorts what it is given), an issue of the terminal report (its
# length is its findings'), and the reference data, which expressions read (`ref`,
# `adequacy()`): a tuple there would be iterable and indexable in a rule.
SMALL_RUN_DATACLASSES = [
    "gdpr_check.findings.Report", "gdpr_check.refdata.Amendment",
    "gdpr_check.refdata.Decision", "gdpr_check.refdata.Reference",
    "gdpr_check.report.issues.Issue"]


def test_a_small_check_defines_only_these_dataclasses():
    assert _after_check(DATACLASSES, ["check", str(ROOT / "tests" / "fixtures" / "base")]) \
        == SMALL_RUN_DATACLASSES


def _run(script: str, **env) -> str:
    import os
    environ = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    environ.update(env)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, env=environ, check=True).stdout.split()


STAND_IN = """
import sys
from gdpr_check.runtime import Tuning
with Tuning.for_cli(environ={}).importing():
    from gdpr_check.model.inventory import Hosting
assert Hosting.model_validate({"provider": "aws"}).provider == "aws"
print("importlib.metadata" in sys.modules)
from pydantic.plugin._loader import PYDANTIC_ENTRY_POINT_GROUP  # anything else: the real one
print(PYDANTIC_ENTRY_POINT_GROUP)
"""


def test_the_cli_looks_for_no_pydantic_plugins():
    """Looking for them imported importlib.metadata and read every distribution's entry
    points: ~25 ms of a small run. What else pydantic may ask of its loader still works."""
    assert _run(STAND_IN) == ["False", "pydantic"]


def test_a_chosen_set_of_pydantic_plugins_is_left_to_pydantic():
    assert _run(STAND_IN, PYDANTIC_DISABLE_PLUGINS="some-plugin") == ["True", "pydantic"]


def test_the_library_leaves_pydantic_plugins_alone():
    script = STAND_IN.replace("Tuning.for_cli(environ={})", "Tuning()")
    assert _run(script) == ["True", "pydantic"]


needs_git = pytest.mark.skipif(__import__("shutil").which("git") is None,
                               reason="git is not installed")


@needs_git
@pytest.mark.parametrize("commits", [0, 1])
def test_one_git_call_gives_the_commit_and_the_top_of_the_work_tree(tmp_path, monkeypatch,
                                                                    commits):
    """Each git call is a process (~5 ms): the audit header's commit and the reports' path
    prefix come from one."""
    from gdpr_check.report import paths
    repo = tmp_path / "repo"
    (repo / "compliance").mkdir(parents=True)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", str(repo)], check=True)
    if commits:
        subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "x"], cwd=repo,
                       check=True)
    calls = []
    real = paths._run_git
    monkeypatch.setattr(paths, "_run_git", lambda *a: calls.append(a[1:]) or real(*a))
    commit = paths.commit_of(repo / "compliance")
    assert (commit is not None) == bool(commits) and (not commit or len(commit) == 40)
    assert paths.repository_root(str(repo / "compliance")) == str(repo.resolve())
    assert len(calls) == 1
    assert paths.commit_of(tmp_path) is None and paths.repository_root(str(tmp_path)) is None


def test_only_the_formats_that_show_the_provenance_read_it():
    """`report.WITH_PROVENANCE` is what lets a check for the terminal skip its git calls."""
    from dataclasses import replace

    from gdpr_check import api
    from gdpr_check.findings import Provenance
    from gdpr_check.report import WITH_PROVENANCE, render
    from gdpr_check.vocabulary import FORMAT_NAMES
    plain = api.check(ROOT / "tests" / "fixtures" / "base", provenance=False)
    assert plain.provenance is None
    recorded = replace(plain, provenance=Provenance(
        controller="Example Oy", commit="a" * 40, repository="https://example.com/r.git"))
    for fmt in FORMAT_NAMES:
        shown = render(recorded, fmt) != render(plain, fmt)
        assert shown == (fmt in WITH_PROVENANCE), fmt


@needs_git
@pytest.mark.parametrize("fmt, calls", [("text", 0), ("markdown", 1), ("json", 2)])
def test_only_reports_naming_files_from_the_repository_root_ask_git_for_it(
        tmp_path, monkeypatch, fmt, calls):
    """The text report names files from the repository root only in GitHub's annotations
    (`report.WITH_REPOSITORY_PATHS`): a check for the terminal runs no git at all, nor
    imports subprocess for it. JSON asks only for its provenance (commit, remote)."""
    import shutil

    from gdpr_check.cli import main
    from gdpr_check.report import paths
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "tests" / "fixtures" / "base", repo)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "x"], cwd=repo, check=True)
    asked = []
    real = paths._run_git
    monkeypatch.setattr(paths, "_run_git", lambda *a: asked.append(a[1:]) or real(*a))
    paths._prefix.cache_clear()
    try:
        assert main(["check", str(repo), "--format", fmt, "--fail-on", "never"]) == 0
    finally:
        paths._prefix.cache_clear()
    assert len(asked) == calls, asked


def test_a_lazy_pattern_is_the_compiled_pattern_once_used():
    import re

    from gdpr_check.lazy_pattern import LazyPattern
    lazy = LazyPattern(r"^(\w+): (.*)$", re.M)
    assert "match" not in vars(lazy)  # nothing compiled before the first use
    text = "a: 1\nb: 2\n"
    assert lazy.findall(text) == [("a", "1"), ("b", "2")]
    assert lazy.match(text, 5).groups() == ("b", "2")  # with the position, as a Pattern
    assert lazy.search("x\nc: 3").group(1) == "c"
    assert (lazy.pattern, lazy.flags) == (r"^(\w+): (.*)$", re.M)
    # kept as the compiled pattern's own method: a hot loop's lookup finds it at once
    assert vars(lazy)["match"] == re.compile(r"^(\w+): (.*)$", re.M).match
    with pytest.raises(AttributeError):
        lazy.no_such_method


COMPILED_PATTERNS = """
import re
from gdpr_check.lazy_pattern import LazyPattern
found = [f"{name}.{key}" for name, module in sorted(sys.modules.items())
         if name.startswith("gdpr_check")
         for key, value in sorted(vars(module).items())
         if isinstance(value, re.Pattern)
         or isinstance(value, LazyPattern) and len(vars(value)) > 2]  # a method kept
"""

# The module-level patterns a small check compiles: those it uses (YAML 1.2 numbers, the
# characters the parsers disagree on, durations, skip markers, rule variable names). The
# fast path's (large files only), the TOML positions of a [tool.gdpr-check] table, skip
# comments' rule lists, long quoted values in messages, and the sandbox's for %-formats
# and undefined names are `LazyPattern`s: ~8 ms of compiling that every start-up paid.
SMALL_RUN_PATTERNS = [
    "gdpr_check.engine.compile._NAME", "gdpr_check.inline_skips.MARKER",
    "gdpr_check.load.parser._AMBIGUOUS", "gdpr_check.load.parser._FLOAT",
    "gdpr_check.load.parser._HEX", "gdpr_check.load.parser._INT",
    "gdpr_check.load.parser._OCT", "gdpr_check.model.types._DURATION"]


def test_a_small_check_compiles_only_the_patterns_it_needs():
    assert _after_check(COMPILED_PATTERNS,
                        ["check", str(ROOT / "tests" / "fixtures" / "base")]) \
        == SMALL_RUN_PATTERNS


def test_the_fast_path_compiles_its_patterns_when_a_large_file_asks():
    from gdpr_check.load import parser
    if not parser._load_yaml_rs():
        pytest.skip("yaml-rs (the `fast` extra) is not installed")
    text = "".join(f"k{i}: {{a: [1, 2], b: x}}\n" for i in range(20))
    tree = parser._fast_tree(text, "big.yaml")
    slow = parser.DEFAULT_PARSER.parse_text(text, "big.yaml")
    assert tree == slow and tree["k3"].key_locs == slow["k3"].key_locs
    assert tree["k3"].key_locs["b"] == ("big.yaml", 4, 17)
    assert "match" in vars(parser._TOKEN) or "match" in vars(parser._PAIR)
