"""The command line (SPEC §8): exit codes, --fail-on, --select/--ignore, --version,
validate, deterministic JSON, and findings that point at real lines."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import gdpr_check
from gdpr_check.cli import main
from gdpr_check.load import load_project

from .rules.harness import write_project

ROOT = Path(__file__).resolve().parent.parent
BASE = Path(__file__).parent / "fixtures" / "base"

# A pack of four rules that fail on the base project, one per severity below critical,
# in different areas and with different tags, so the filters can be told apart.
PACK = """\
- id: ZZ001
  name: Systems are not hosted anywhere
  description: A test rule that fails for every system with hosting.
  area: transfers
  articles: ["Art. 44"]
  severity: high
  loop: inventory.systems
  that: not item.hosting
  at: hosting
  tags: [zz-hosting, zz-all]
- id: ZZ002
  name: Processors have no DPA
  description: A test rule that fails for every processor with a DPA.
  area: processors
  articles: ["Art. 28(3)"]
  severity: medium
  loop: inventory.processors
  that: not item.dpa
  tags: [zz-all]
- id: ZZ003
  name: Flows are not encrypted
  description: A test rule that fails for every encrypted flow.
  area: security
  articles: ["Art. 32(1)(a)"]
  severity: low
  loop: inventory.flows
  that: not item.encrypted
  tags: [zz-all]
- id: ZZ004
  name: The notice has no title
  description: A test rule about the notice as a whole.
  area: notice
  articles: ["Art. 12(1)"]
  severity: info
  that: not policy.notice.title
"""
PACK_IDS = {"ZZ001", "ZZ002", "ZZ003", "ZZ004"}


def run(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def pack(tmp_path) -> Path:
    path = tmp_path / "zz-pack" / "zz.yaml"
    path.parent.mkdir()
    path.write_text(PACK)
    return path.parent


def rules_reported(capsys, *argv) -> set[str]:
    code, out, err = run(capsys, "check", BASE, "--format", "json", "--fail-on", "never",
                         *argv)
    assert code == 0, err
    return {f["rule"] for f in json.loads(out)["findings"]}


# -- exit codes ------------------------------------------------------------------------------

def test_exit_0_on_a_compliant_project(capsys):
    code, out, err = run(capsys, "check", BASE)
    assert code == 0, out + err
    assert "0 findings" in out and err == ""


def test_exit_1_when_a_finding_is_at_or_above_fail_on(tmp_path, capsys):
    project = write_project(tmp_path / "p", {"inventory": {"processors": [
        {"id": "cloudhost", "countries": ["IN"], "transfer": None}]}})
    code, out, err = run(capsys, "check", project)
    assert code == 1, out + err
    assert "TR001" in out and "Nordic Cloud Oy" in out


def test_exit_2_on_invalid_input(tmp_path, capsys):
    project = write_project(tmp_path / "p", None)
    (project / "inventory" / "inventory.yaml").write_text("systems: [\n")
    code, out, err = run(capsys, "check", project)
    assert code == 2 and out == ""
    assert err.startswith("gdpr-check: error: inventory/inventory.yaml:2:")


def test_exit_2_on_a_bad_command_line(capsys):
    code, _, err = run(capsys, "check", BASE, "--fail-on", "sometimes")
    assert code == 2
    assert "sometimes" in err and "Traceback" not in err


def test_exit_3_on_an_internal_error(monkeypatch, capsys):
    import gdpr_check.api

    def broken(*args, **kwargs):
        raise RuntimeError("the engine fell over\nwith a second line of detail")

    monkeypatch.setattr(gdpr_check.api, "check", broken)
    code, out, err = run(capsys, "check", BASE)
    assert code == 3
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 2, err
    assert re.match(r"gdpr-check: internal error: RuntimeError: the engine fell over "
                    r"\(test_cli\.py:\d+\)$", lines[0]), lines[0]
    assert "please report it at https://" in lines[1] and "--debug" in lines[1]


def test_debug_shows_the_traceback_and_still_exits_3(monkeypatch, capsys):
    import gdpr_check.api

    def broken(*args, **kwargs):
        raise RuntimeError("the engine fell over")

    monkeypatch.setattr(gdpr_check.api, "check", broken)
    code, out, err = run(capsys, "check", BASE, "--debug")
    assert code == 3
    assert err.startswith("Traceback (most recent call last):")
    assert 'raise RuntimeError("the engine fell over")' in err
    assert "gdpr-check: internal error: RuntimeError: the engine fell over" in err


def test_internal_error_in_a_real_process(tmp_path):
    """The installed entry point: the short message, exit 3; the traceback only with
    --debug."""
    script = ("import sys, gdpr_check.api\n"
              "def broken(*a, **k): raise KeyError('boom')\n"
              "gdpr_check.api.check = broken\n"
              "from gdpr_check.cli import entry\n"
              "sys.argv = ['gdpr-check'] + sys.argv[1:]\n"
              "entry()\n")
    for debug in ([], ["--debug"]):
        result = subprocess.run([sys.executable, "-c", script, "check", str(BASE), *debug],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 3, result.stderr
        assert ("Traceback" in result.stderr) == bool(debug), result.stderr
        assert "internal error: KeyError: 'boom'" in result.stderr


# -- --fail-on ------------------------------------------------------------------------------

@pytest.mark.parametrize("fail_on,code", [
    ("info", 1), ("low", 1), ("medium", 1), ("high", 1), ("critical", 0), ("never", 0),
])
def test_fail_on_thresholds(capsys, pack, fail_on, code):
    assert run(capsys, "check", BASE, "--rules", pack, "--fail-on", fail_on)[0] == code


@pytest.mark.parametrize("selected,fail_on,code", [
    ("ZZ004", "info", 1), ("ZZ004", "low", 0),        # info only
    ("ZZ003", "low", 1), ("ZZ003", "medium", 0),      # low only
    ("ZZ002", "medium", 1), ("ZZ002", "high", 0),     # medium only
])
def test_fail_on_is_at_or_above(capsys, pack, selected, fail_on, code):
    assert run(capsys, "check", BASE, "--rules", pack, "--select", selected,
               "--fail-on", fail_on)[0] == code


def test_default_fail_on_is_low(capsys, pack):
    assert run(capsys, "check", BASE, "--rules", pack, "--select", "ZZ003")[0] == 1
    assert run(capsys, "check", BASE, "--rules", pack, "--select", "ZZ004")[0] == 0


def test_fail_on_never_still_reports(capsys, pack):
    code, out, _ = run(capsys, "check", BASE, "--rules", pack, "--fail-on", "never")
    assert code == 0
    for rule in PACK_IDS:
        assert rule in out


# -- --select / --ignore -------------------------------------------------------------------

@pytest.mark.parametrize("argv,expected", [
    (["--select", "ZZ002"], {"ZZ002"}),                          # by id
    (["--select", "ZZ002", "--select", "ZZ004"], {"ZZ002", "ZZ004"}),
    (["--select", "security"], {"ZZ003"}),                       # by area (builtins pass)
    (["--select", "zz-hosting"], {"ZZ001"}),                     # by tag
    (["--select", "zz-all"], {"ZZ001", "ZZ002", "ZZ003"}),
    (["--select", "zz-all", "--ignore", "ZZ002"], {"ZZ001", "ZZ003"}),
    (["--select", "zz-all", "--ignore", "transfers"], {"ZZ002", "ZZ003"}),
    (["--ignore", "zz-all"], {"ZZ004"}),                         # by tag
    (["--ignore", "notice", "--ignore", "zz-all"], set()),
    ([], PACK_IDS),
])
def test_select_and_ignore(capsys, pack, argv, expected):
    assert rules_reported(capsys, "--rules", pack, *argv) == expected


def test_select_limits_the_rules_that_run(capsys, pack):
    code, out, _ = run(capsys, "check", BASE, "--rules", pack, "--select", "ZZ002",
                       "--format", "json", "--fail-on", "never")
    assert json.loads(out)["summary"]["rules"] == 1


# -- other commands and flags ------------------------------------------------------------------

def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.strip() == f"gdpr-check, version {gdpr_check.__version__}"
    assert re.fullmatch(r"\d+\.\d+(\.\d+)?(\S*)", gdpr_check.__version__)


def test_validate_accepts_the_base_fixture(capsys):
    code, out, err = run(capsys, "validate", BASE)
    assert code == 0, err
    assert re.fullmatch(r"2 files and \d+ rules are valid\n", out)


def test_validate_checks_extra_rule_packs(capsys, pack, tmp_path):
    assert run(capsys, "validate", BASE, "--rules", pack)[0] == 0
    broken = tmp_path / "broken.yaml"
    broken.write_text(PACK.replace("not item.dpa", "not item.__class__"))
    code, out, err = run(capsys, "validate", BASE, "--rules", broken)
    assert code == 2 and "reaches for '__class__'" in err


def test_help_lists_the_commands(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("check", "validate", "rules", "schema"):
        assert re.search(rf"^  {command}\b", out, re.M), command


# -- deterministic output ----------------------------------------------------------------------

def _json_report(project: Path, seed: str) -> bytes:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    result = subprocess.run([sys.executable, "-m", "gdpr_check", "check", str(project),
                             "--format", "json", "--fail-on", "never"],
                            capture_output=True, env=env, timeout=120, cwd=project)
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


def test_json_is_byte_identical_across_runs():
    """Two processes with different hash seeds (set and dict orders) give the same bytes."""
    first = _json_report(ROOT, "1")
    second = _json_report(ROOT, "2")
    assert first == second
    assert json.loads(first)["findings"], "the sample project should have findings"


def test_json_report_file_is_byte_identical(tmp_path, capsys, pack):
    outputs = [tmp_path / "a.json", tmp_path / "b.json"]
    for output in outputs:
        assert run(capsys, "check", BASE, "--rules", pack, "--output", output,
                   "--fail-on", "never")[0] == 0
    assert outputs[0].read_bytes() == outputs[1].read_bytes()
    assert json.loads(outputs[0].read_text())["findings"]


# -- locations ---------------------------------------------------------------------------------

KEY_AT = re.compile(r"(- )?\{?[A-Za-z_][\w-]*:")  # `key:`, `- key:` or `{key: ...}`


def _objects_by_kind(project):
    inventory, policy = project.inventory, project.policy
    return {"system": inventory.systems, "processor": inventory.processors,
            "flow": inventory.flows, "principal": inventory.principals,
            "purpose": policy.purposes, "register": policy.registers,
            "recipient": policy.recipients, "data_category": policy.data_categories,
            "data_subject": policy.data_subjects, "source": policy.sources}


def check_locations(project_root: Path, findings: list[dict]) -> int:
    """Every finding points at a YAML key (or the subject's id) of a real line, inside the
    subject's own block when the subject is an object with an id."""
    project = load_project(project_root)
    objects = _objects_by_kind(project)
    checked = 0
    for finding in findings:
        loc = finding["location"]
        assert loc["path"] and loc["line"] and loc["column"], finding
        lines = (project_root / loc["path"]).read_text(encoding="utf-8").splitlines()
        assert 1 <= loc["line"] <= len(lines), finding
        text = lines[loc["line"] - 1]
        at = text[loc["column"] - 1:]
        subject = finding["subject"]
        assert subject["id"] in text or KEY_AT.match(at), (finding["rule"], text)
        kind_objects = objects.get(subject["kind"])
        if kind_objects is None:
            continue  # the notice as a whole: any key of the policy
        owner = [o for o in kind_objects if o.id == subject["id"]]
        assert len(owner) == 1, finding
        start = owner[0].location
        assert start[0] == loc["path"], (finding["rule"], start, loc)
        # no other object of the kind starts between the subject and the finding
        later = [o.location[1] for o in kind_objects
                 if o.location[0] == loc["path"] and start[1] < o.location[1] <= loc["line"]]
        assert start[1] <= loc["line"] and not later, (finding["rule"], subject, loc)
        checked += 1
    return checked


def test_findings_point_at_real_lines_of_the_subject(tmp_path, capsys, pack):
    code, out, _ = run(capsys, "check", BASE, "--rules", pack, "--format", "json",
                       "--fail-on", "never")
    findings = json.loads(out)["findings"]
    assert check_locations(BASE, findings) >= 8
    zz001 = [f for f in findings if f["rule"] == "ZZ001"]
    for finding in zz001:  # `at: hosting` points at the hosting key of the system
        line = (BASE / finding["location"]["path"]).read_text().splitlines()[
            finding["location"]["line"] - 1]
        assert line.strip().startswith("hosting:"), line


def test_findings_of_the_sample_project_point_at_real_lines(capsys):
    code, out, _ = run(capsys, "check", ROOT, "--format", "json", "--fail-on", "never")
    findings = json.loads(out)["findings"]
    assert findings
    assert check_locations(ROOT, findings) > 0


def test_text_report_names_file_and_line(capsys, pack):
    code, out, _ = run(capsys, "check", BASE, "--rules", pack, "--select", "ZZ002",
                       "--fail-on", "never")
    # one entry for the defect, whose subjects each keep their file:line (report/issues.py)
    rows = [line for line in out.splitlines() if "ZZ002" in line]
    assert len(rows) == 1 and rows[0].endswith("(2 processors)")
    places = re.findall(r"^      (inventory/inventory\.yaml):(\d+): ", out, re.M)
    assert len(places) == 2
    for path, number in places:
        line = (BASE / path).read_text().splitlines()[int(number) - 1]
        assert re.search(r"id: (cloudhost|mailer)", line), line
