"""The GitHub Action (action.yml) and the Dockerfile: the action's `run:` steps are run
here with bash, as the runner would, with the inputs in their environment."""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .test_precommit import _copy_tree, make_project

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS = ACTION["runs"]["steps"]


def expand(value: str, inputs: dict) -> str:
    """`${{ inputs.x }}` as the runner substitutes it (only what the env blocks use)."""
    def one(match):
        name = match[1]
        return inputs.get(name, ACTION["inputs"][name].get("default", ""))
    return re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", one, str(value))


def test_the_action_is_composite_and_passes_inputs_only_through_the_environment():
    assert ACTION["runs"]["using"] == "composite"
    for step in STEPS:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], step["name"]  # no script injection
    (upload,) = [s for s in STEPS if s.get("uses", "").startswith(
        "github/codeql-action/upload-sarif@")]
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif }}"
    assert "!cancelled()" in upload["if"] and "hashFiles(inputs.sarif)" in upload["if"]
    assert "inputs.upload-sarif == 'true'" in upload["if"]


@pytest.mark.slow
def test_the_action_steps_install_the_pinned_tool_and_report(tmp_path):
    if importlib.util.find_spec("venv") is None or shutil.which("bash") is None:
        pytest.skip("needs bash and venv")
    action_path = tmp_path / "action"
    _copy_tree(action_path)  # the action's checkout: this source tree
    project = make_project(tmp_path / "project")
    runner = tmp_path / "runner"
    runner.mkdir()
    outputs, summary = runner / "output", runner / "summary"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "VIRTUAL_ENV"))}
    env.update(GITHUB_ACTION_PATH=str(action_path), RUNNER_TEMP=str(runner),
               GITHUB_OUTPUT=str(outputs), GITHUB_STEP_SUMMARY=str(summary),
               GITHUB_ACTIONS="true", PATH=f"{Path(sys.executable).parent}{os.pathsep}"
                                            f"{env.get('PATH', '')}")
    inputs = {"args": "--select XT001 --quiet"}
    codes = []
    for step in STEPS:
        if "run" not in step:
            continue
        step_env = dict(env, **{k: expand(v, inputs) for k, v in step.get("env", {}).items()})
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                                 step["run"]], cwd=project, env=step_env, capture_output=True,
                                text=True, timeout=900)
        codes.append(result.returncode)
        if step.get("id") == "check":
            out = result.stdout
    assert codes == [0, 1], codes  # installed; the check fails on the findings
    assert "exit-code=1\n" in outputs.read_text()
    assert re.search(r"^::error file=inventory/inventory\.yaml,line=\d+,.*XT001", out, re.M)
    sarif = json.loads((project / "gdpr-check.sarif").read_text())
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == {"XT001"}
    assert "XT001" in summary.read_text()


def test_the_dockerfile_installs_this_source_tree_and_runs_the_command():
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^COPY \. /src$", text, re.M)
    assert re.search(r"^RUN pip install --no-cache-dir /src", text, re.M)
    assert re.search(r'^ENTRYPOINT \["gdpr-check"\]$', text, re.M)
    assert re.search(r"^USER \w+$", text, re.M)  # not root
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".git" in ignored and ".venv" in ignored


def test_the_docs_pin_the_action_to_the_current_tag():
    from gdpr_check import meta
    owner_repo = meta.REPOSITORY_URL.removeprefix("https://github.com/")
    text = (ROOT / "docs" / "ci.md").read_text()
    uses = re.findall(rf"uses: {re.escape(owner_repo)}@(\S+)", text)
    assert uses == [meta.tag()]
