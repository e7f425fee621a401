"""pre-commit hooks (.pre-commit-hooks.yaml) and the CI snippets of docs/ci.md.

The slow test runs the real thing: `pre-commit try-repo` on a snapshot of this source tree,
inside a fresh git repository holding a project with findings; pre-commit pip-installs the
package into its own environment (from PyPI: needs only the package index).
"""
from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from gdpr_check import __version__
from gdpr_check.cli import main
from gdpr_check.config import load_config

from .packs import INDIA_PACK
from .rules.harness import write_project

ROOT = Path(__file__).resolve().parent.parent
HOOKS = ROOT / ".pre-commit-hooks.yaml"
DOCS = ROOT / "docs" / "ci.md"
REPO_URL = "https://github.com/gdpr-check/gdpr-check"

# A rule of the project's own pack, so a finding is certain whatever the built-in rules say.
PACK = INDIA_PACK
VIOLATIONS = {"inventory": {"processors": [{"id": "mailer", "countries": ["IN"]},
                                           {"id": "cloudhost", "countries": ["IN"]}]}}


def make_project(folder: Path) -> Path:
    write_project(folder, VIOLATIONS)
    (folder / "rules").mkdir(exist_ok=True)
    (folder / "rules" / "test.yaml").write_text(PACK)
    return folder


def hooks() -> dict:
    return {hook["id"]: hook for hook in yaml.safe_load(HOOKS.read_text())}


# --- the hooks file ------------------------------------------------------------------------

def test_the_hooks_run_the_cli_on_the_whole_project():
    published = hooks()
    assert set(published) == {"gdpr-check", "gdpr-check-validate", "gdpr-check-notice"}
    assert published["gdpr-check"]["entry"] == "gdpr-check check"
    assert published["gdpr-check-validate"]["entry"] == "gdpr-check validate"
    assert published["gdpr-check-notice"]["entry"] == "gdpr-check check --select notice-drift"
    for hook in published.values():
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
        assert set(hook) <= {"id", "name", "description", "entry", "language", "files",
                             "pass_filenames", "require_serial", "minimum_pre_commit_version",
                             "types", "types_or", "exclude", "args", "stages", "always_run"}


@pytest.mark.parametrize("path,runs", [
    ("policy/notice.yaml", True), ("policy/fi/notice.yml", True),
    ("inventory/systems.yaml", True), ("rules/own.yaml", True),
    ("waivers.yaml", True), (".gdpr-check.yaml", True), ("pyproject.toml", True),
    ("README.md", False), ("policy/README.md", False), ("src/app.py", False),
    ("docs/policy/notice.yaml", False), ("old-waivers.yaml", False),
    ("sub/pyproject.toml", False),
])
def test_the_hooks_run_when_a_project_file_changes(path, runs):
    for name, hook in hooks().items():
        if name != "gdpr-check-notice":
            assert bool(re.search(hook["files"], path)) is runs, (hook["id"], path)


@pytest.mark.parametrize("path,runs", [
    ("policy/notice.yaml", True), (".gdpr-check.yaml", True), ("pyproject.toml", True),
    ("content/tietosuojaseloste.md", True), ("public/privacy.html", True),
    ("tietosuoja.htm", True), ("seloste.txt", True),
    ("inventory/systems.yaml", False), ("src/app.py", False), ("assets/logo.png", False),
])
def test_the_notice_hook_runs_when_policy_or_a_page_changes(path, runs):
    assert bool(re.search(hooks()["gdpr-check-notice"]["files"], path)) is runs, path


# --- docs/ci.md ----------------------------------------------------------------------------

def doc_blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", DOCS.read_text(), re.S | re.M)


def gdpr_commands(text: str) -> list[list[str]]:
    """Every `gdpr-check ...` command line in a snippet (shell or a YAML run/script)."""
    return [shlex.split(line.strip().removeprefix("- ").removeprefix("run: "))
            for line in text.splitlines()
            if re.match(r"\s*(- |run: )?gdpr-check ", line)]


def test_the_docs_pre_commit_entries_use_the_published_hooks():
    configs = [y for y in map(yaml.safe_load, doc_blocks("yaml")) if isinstance(y, dict)
               and "repos" in y]
    assert len(configs) >= 2
    published = hooks()
    for config in configs:
        for repo in config["repos"]:
            if repo["repo"] == "local":
                for hook in repo["hooks"]:
                    same = published[hook["id"]]
                    assert (hook["entry"], hook["files"], hook["pass_filenames"]) == \
                        (same["entry"], same["files"], same["pass_filenames"])
                continue
            assert repo["repo"] == REPO_URL and repo["rev"] == f"v{__version__}"
            assert {h["id"] for h in repo["hooks"]} <= set(published)


def test_the_docs_config_and_waivers_examples_load(tmp_path):
    from gdpr_check import waivers
    project = make_project(tmp_path / "project")
    (yaml_config,) = [b for b in doc_blocks("yaml") if b.startswith("# .gdpr-check.yaml")]
    (project / ".gdpr-check.yaml").write_text(yaml_config)
    config = load_config(project)
    assert config.fail_on == "medium" and config.outputs()[0][0] == "sarif"
    (project / ".gdpr-check.yaml").unlink()
    (toml_config,) = doc_blocks("toml")
    (project / "pyproject.toml").write_text(toml_config)
    assert load_config(project).outputs()[0][0] == "junit"
    (example,) = [b for b in doc_blocks("yaml") if b.startswith("- rule:")]
    (project / "waivers.yaml").write_text(example)
    assert waivers.load(project / "waivers.yaml", project)[0].approved_by == "DPO"


def _available(args) -> bool:
    formats = [args[i + 1] for i, a in enumerate(args) if a == "--format"]
    return all(importlib.util.find_spec(f"gdpr_check.report.{f}") for f in formats)


def outputs_of(args) -> dict[str, str]:
    formats = [args[i + 1] for i, a in enumerate(args) if a == "--format"]
    files = [args[i + 1] for i, a in enumerate(args) if a == "--output"]
    return dict(zip(formats, files))


def run_in(project, monkeypatch, capsys, args):
    assert args[0] == "gdpr-check"
    if not _available(args):
        pytest.skip(f"a report format of `{shlex.join(args)}` is not implemented yet")
    monkeypatch.chdir(project)
    code = main(args[1:])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    for path in outputs_of(args).values():
        assert (project / path).is_file() and (project / path).stat().st_size > 0, path
    return code, out


def test_the_docs_github_workflow_works(tmp_path, monkeypatch, capsys):
    (workflow,) = [y for y in map(yaml.safe_load, doc_blocks("yaml"))
                   if isinstance(y, dict) and "jobs" in y]
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["gdpr-check"]["steps"]
    (command,) = [c for s in steps for c in gdpr_commands(s.get("run", ""))]
    written = outputs_of(command)
    (upload,) = [s for s in steps if s.get("uses", "").startswith(
        "github/codeql-action/upload-sarif@")]
    assert upload["with"]["sarif_file"] == written["sarif"]
    assert "if" in upload and written["sarif"] in upload["if"]
    (summary,) = [s for s in steps if "GITHUB_STEP_SUMMARY" in s.get("run", "")]
    assert summary["run"].startswith(f"cat {written['markdown']} >>")

    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out = run_in(make_project(tmp_path / "project"), monkeypatch, capsys, command)
    assert code == 1
    assert re.search(r"^::error file=inventory/inventory\.yaml,line=\d+,.*XT001", out, re.M)


def test_the_docs_gitlab_job_works(tmp_path, monkeypatch, capsys):
    (pipeline,) = [y for y in map(yaml.safe_load, doc_blocks("yaml"))
                   if isinstance(y, dict) and "gdpr-check" in y and "script" in y["gdpr-check"]]
    job = pipeline["gdpr-check"]
    (command,) = [c for line in job["script"] for c in gdpr_commands(line)]
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == outputs_of(command)["junit"]
    code, _ = run_in(make_project(tmp_path / "project"), monkeypatch, capsys, command)
    assert code == 1


def test_the_docs_baseline_recipe_works(tmp_path, monkeypatch, capsys):
    (recipe,) = [b for b in doc_blocks("sh") if "--baseline" in b]
    make_baseline, use_baseline = gdpr_commands(recipe)
    project = make_project(tmp_path / "project")
    assert run_in(project, monkeypatch, capsys, make_baseline)[0] == 0  # --fail-on never
    code, out = run_in(project, monkeypatch, capsys, use_baseline)
    assert code == 0 and "[baseline]" in out and "0 new" in out


# --- the real pre-commit -------------------------------------------------------------------

SNAPSHOT = ("pyproject.toml", "hatch_build.py", "README.md", "LICENSE",
            ".pre-commit-hooks.yaml", "gdpr_check", "rules")


def _git(*args, cwd):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="test", GIT_AUTHOR_EMAIL="test@example.test",
               GIT_COMMITTER_NAME="test", GIT_COMMITTER_EMAIL="test@example.test")
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def _copy_tree(folder: Path) -> None:
    """This source tree's package files (committed or not) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in SNAPSHOT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif source.exists():
            shutil.copy2(source, folder / name)


def _snapshot(folder: Path) -> Path:
    """This source tree as it is now (committed or not) in a one-commit git repository:
    what pre-commit clones and pip-installs, independent of how the tests were checked out."""
    _copy_tree(folder)
    _git("init", "-q", cwd=folder)
    _git("add", "-A", cwd=folder)
    _git("commit", "-q", "-m", "snapshot", cwd=folder)
    return folder


def need_pre_commit_and_git() -> None:
    """Skip without pre-commit or git, except in CI, where their absence is a failure."""
    if importlib.util.find_spec("pre_commit") is None or shutil.which("git") is None:
        if os.environ.get("CI"):
            pytest.fail("pre-commit (the test extra) and git are needed in CI")
        pytest.skip("needs pre-commit (pip install -e '.[test]') and git")


@pytest.mark.slow
def test_pre_commit_try_repo_fails_listing_findings_by_file(tmp_path):
    need_pre_commit_and_git()
    hook_repo = _snapshot(tmp_path / "gdpr-check")
    project = make_project(tmp_path / "project")
    (project / "README.md").write_text("not a project file\n")
    _git("init", "-q", cwd=project)
    _git("add", "-A", cwd=project)

    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(PRE_COMMIT_HOME=str(tmp_path / "cache"), PRE_COMMIT_COLOR="never",
               NO_COLOR="1")
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "--all-files"],
        cwd=project, env=env, capture_output=True, text=True, timeout=900)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert re.search(r"^gdpr-check \(GDPR rules.*\.+Failed$", out, re.M), out
    assert re.search(r"^gdpr-check validate.*\.+Passed$", out, re.M), out
    assert "- hook id: gdpr-check\n- exit code: 1" in out
    # one defect over two processors: one entry listing each with its file:line
    assert re.search(r"^  inventory/inventory\.yaml:\d+: high +XT001 +… keeps data in India "
                     r"\(2 processors\)$", out, re.M), out
    findings = re.findall(r"^      (inventory/inventory\.yaml):(\d+): (.*)$", out, re.M)
    assert sorted(name for _, _, name in findings) == ["Mailer Inc.", "Nordic Cloud Oy"], out
    lines = (project / "inventory" / "inventory.yaml").read_text().splitlines()
    for _, line, _ in findings:  # each points at its processor in the file
        assert lines[int(line) - 1].lstrip().startswith("- id:"), lines[int(line) - 1]


# --- pinning: the rev `init` writes resolves ----------------------------------------------

CONTRIBUTING = ROOT / "CONTRIBUTING.md"


def release_tag_commands() -> str:
    """The lines of CONTRIBUTING's release checklist that create the tag (not the push)."""
    (block,) = [b for b in re.findall(r"^```sh\n(.*?)^```", CONTRIBUTING.read_text(),
                                      re.S | re.M) if "git tag" in b]
    return "\n".join(line for line in block.splitlines() if "git push" not in line)


def _clone(folder: Path) -> Path:
    """A clone of this repository with the working tree's package committed on top, so the
    test checks the code as it is now, however the tests were checked out (a source tree
    without git: a one-commit snapshot)."""
    if not (ROOT / ".git").exists():
        return _snapshot(folder)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", "--no-tags", str(ROOT),
                    str(folder)], check=True, capture_output=True, env=env)
    for name in SNAPSHOT:
        target = folder / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    _copy_tree(folder)
    _git("add", "-A", cwd=folder)
    _git("commit", "-q", "--allow-empty", "-m", "the working tree", cwd=folder)
    return folder


def test_the_changelog_and_init_name_the_current_version():
    from gdpr_check import meta
    from gdpr_check.scaffold import PRE_COMMIT
    assert re.search(rf"^## {re.escape(__version__)} - ", (ROOT / "CHANGELOG.md").read_text(),
                     re.M)
    assert re.search(rf"^\s+rev: {re.escape(meta.tag())}$", PRE_COMMIT, re.M)
    assert 'git tag -a "v$version"' in release_tag_commands()


@pytest.mark.slow
def test_the_rev_init_writes_resolves_in_a_clone_tagged_by_the_checklist(tmp_path):
    need_pre_commit_and_git()
    clone = _clone(tmp_path / "clone")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="test", GIT_AUTHOR_EMAIL="test@example.test",
               GIT_COMMITTER_NAME="test", GIT_COMMITTER_EMAIL="test@example.test",
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}")
    script = release_tag_commands().replace("python3 ", f"{shlex.quote(sys.executable)} ")
    subprocess.run(["bash", "-euc", script], cwd=clone, env=env, check=True,
                   capture_output=True)

    project = tmp_path / "project"
    assert main(["init", str(project)]) == 0
    config = project / ".pre-commit-config.yaml"
    written = config.read_text()
    from gdpr_check.meta import REPOSITORY_URL, tag
    assert f"repo: {REPOSITORY_URL}\n    rev: {tag()}\n" in written
    config.write_text(written.replace(REPOSITORY_URL, str(clone)))  # no network: the clone
    _git("init", "-q", cwd=project)
    _git("add", "-A", cwd=project)
    env.update(PRE_COMMIT_HOME=str(tmp_path / "cache"), PRE_COMMIT_COLOR="never",
               NO_COLOR="1")
    result = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"],
                            cwd=project, env=env, capture_output=True, text=True,
                            timeout=900)
    out = result.stdout + result.stderr
    expected = main(["check", str(project), "-q"])  # what the hook must report
    assert result.returncode == expected, out
    assert re.search(r"^gdpr-check \(GDPR rules.*\.+(Passed|Failed)$", out, re.M), out


# --- the published notice's hook (issue 11) ------------------------------------------------

SEED = ROOT / "tests" / "fixtures" / "notices" / "tietosuojaseloste-3dtech.txt"


def website_repository(folder: Path) -> Path:
    """A website's repository as docs/ci.md describes it: policy/ beside the page the
    site publishes (the seed notice), and the docs' .gdpr-check.yaml naming it."""
    (config,) = [b for b in doc_blocks("yaml") if b.startswith("# the website's .gdpr-check")]
    page = yaml.safe_load(config)["published_notice"]
    shutil.copytree(ROOT / "policy", folder / "policy")
    (folder / page).parent.mkdir(parents=True)
    shutil.copy(SEED, folder / page)
    (folder / ".gdpr-check.yaml").write_text(config)
    return folder / page


def test_the_docs_notice_hook_config_names_a_page_check_compares(tmp_path, monkeypatch,
                                                                  capsys):
    page = website_repository(tmp_path / "site")
    (repo,) = [r for y in map(yaml.safe_load, doc_blocks("yaml")) if isinstance(y, dict)
               for r in y.get("repos", ()) if any(h["id"] == "gdpr-check-notice"
                                                   for h in r["hooks"])]
    assert repo["repo"] == REPO_URL
    entry = shlex.split(hooks()["gdpr-check-notice"]["entry"])
    monkeypatch.chdir(tmp_path / "site")
    assert main(entry[1:]) == 0
    page.write_text(SEED.read_text().replace("pääsääntöisesti kuukauden kuluessa",
                                             "kolmen kuukauden kuluessa"))
    capsys.readouterr()
    assert main(entry[1:]) == 1
    out = capsys.readouterr().out
    (shown,) = [line for line in doc_blocks("text") if "ND001" in line]
    assert shown.splitlines()[1] in out   # the docs show the real output


@pytest.mark.slow
def test_pre_commit_notice_hook_fails_on_a_changed_fact_of_the_page(tmp_path):
    need_pre_commit_and_git()
    hook_repo = _snapshot(tmp_path / "gdpr-check")
    site = tmp_path / "site"
    page = website_repository(site)
    _git("init", "-q", cwd=site)
    _git("add", "-A", cwd=site)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(PRE_COMMIT_HOME=str(tmp_path / "cache"), PRE_COMMIT_COLOR="never",
               NO_COLOR="1")

    def try_repo():
        result = subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo),
             "gdpr-check-notice", "--all-files"],
            cwd=site, env=env, capture_output=True, text=True, timeout=900)
        return result.returncode, result.stdout + result.stderr

    code, out = try_repo()
    assert code == 0, out
    assert re.search(r"^gdpr-check notice \(the published notice.*\.+Passed$", out, re.M), out
    page.write_text(SEED.read_text().replace("MailChimp (USA)", "Sendinblue (USA)"))
    _git("add", "-A", cwd=site)
    code, out = try_repo()
    assert code == 1, out
    assert re.search(r"^gdpr-check notice \(the published notice.*\.+Failed$", out, re.M), out
    assert re.search(r"^  content/tietosuojaseloste\.md:63: medium +ND001 +The published notice "
                     r"states recipient mailchimp: \"Sendinblue\"", out, re.M), out
