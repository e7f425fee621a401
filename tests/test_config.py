"""The project config (SPEC §8): .gdpr-check.yaml or [tool.gdpr-check] in pyproject.toml;
it fills in what the flags do not say, and is validated as strictly as the policy."""
from __future__ import annotations

import json
import textwrap

import pytest

from gdpr_check import check
from gdpr_check.cli import main
from gdpr_check.config import load_config
from gdpr_check.errors import InputError

from .packs import INDIA_PACK
from .rules.harness import write_project

# A rule of the project's own pack (rules/ at its root), so that these tests exercise the
# config whatever the built-in rules become: two processors fail it.
PACK = INDIA_PACK
VIOLATIONS = {"inventory": {"processors": [{"id": "mailer", "countries": ["IN"]},
                                           {"id": "cloudhost", "countries": ["IN"]}]}}
CUSTOM_PACK = """\
- id: ACME001
  name: Every system is owned by the security team
  area: records
  severity: low
  articles: ["Art. 30(1)"]
  loop: inventory.systems
  that: [item.owner == "Security"]
  fail_msg: "{{ item.id }} is owned by {{ item.owner }}"
"""


@pytest.fixture
def project(tmp_path):
    folder = write_project(tmp_path / "project", VIOLATIONS)
    write(folder / "rules" / "test.yaml", PACK)
    return folder


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def test_config_sets_fail_on_and_the_flag_overrides_it(project, capsys):
    write(project / ".gdpr-check.yaml", "select: [XT001]\n")
    assert run(capsys, "check", str(project), "-q")[0] == 1  # high findings, fail_on low
    write(project / ".gdpr-check.yaml", "select: [XT001]\nfail_on: critical\n")
    code, out, _ = run(capsys, "check", str(project), "-q")
    assert code == 0 and "at or above 'critical'" in out
    assert run(capsys, "check", str(project), "-q", "--fail-on", "high")[0] == 1


def test_config_sets_select_and_ignore_and_flags_override(project):
    write(project / ".gdpr-check.yaml", "select: XT001\n")
    assert [r.id for r in check(project).rules] == ["XT001"]
    write(project / ".gdpr-check.yaml", "select: [test]\n")  # by tag
    assert [r.id for r in check(project).rules] == ["XT001"]
    write(project / ".gdpr-check.yaml", "select: [transfers]\nignore: [XT001]\n")
    report = check(project)
    assert "XT001" not in {r.id for r in report.rules}
    assert all(r.area == "transfers" for r in report.rules)
    flagged = check(project, select=["XT001"], ignore=["LB001"])
    assert [r.id for r in flagged.rules] == ["XT001"]
    everything = {r.id for r in check(project, config=False).rules}
    assert everything > {r.id for r in report.rules} | {"XT001"}


def test_config_sets_waivers_and_the_flag_overrides_it(project, tmp_path, capsys):
    write(project / "compliance" / "accepted.yaml", """\
        - rule: XT001
          reason: Transfers reviewed by the DPO, ticket SEC-9
          approved_by: DPO
          expires: 2999-01-01
        """)
    write(project / ".gdpr-check.yaml", "select: [XT001]\nwaivers: compliance/accepted.yaml\n")
    code, out, _ = run(capsys, "check", str(project), "--format", "json")
    assert code == 0
    assert all(f["waived"] for f in json.loads(out)["findings"])

    other = write(tmp_path / "other.yaml", """\
        - rule: XT001
          subject: mailer
          reason: Certification pending
          approved_by: DPO
          expires: 2999-01-01
        """)
    code, out, _ = run(capsys, "check", str(project), "--format", "json", "--waivers",
                       str(other))
    assert code == 1
    assert {f["subject"]["id"]: bool(f["waived"]) for f in json.loads(out)["findings"]} == \
        {"mailer": True, "cloudhost": False}


def test_config_sets_baseline_rules_and_outputs(project, capsys):
    assert run(capsys, "check", str(project), "--format", "json", "--output",
               str(project / "reports" / "baseline.json"))[0] == 1
    write(project / "acme" / "rules.yaml", CUSTOM_PACK)
    write(project / ".gdpr-check.yaml", """\
        baseline: reports/baseline.json
        rules: [acme/rules.yaml]
        outputs:
          - {format: json, path: reports/current.json}
        """)
    code, out, _ = run(capsys, "check", str(project))
    assert code == 1  # the custom rule's findings are not in the baseline
    assert "since reports/baseline.json" in out  # the summary on the terminal (every
    assert "ACME001" not in out                  # report goes to a file: no finding list)
    written = json.loads((project / "reports" / "current.json").read_text())
    new = {(f["rule"], f["new"]) for f in written["findings"]}
    assert ("ACME001", True) in new and ("XT001", False) in new
    assert ("XT001", True) not in new


def test_pyproject_tool_table(project, capsys):
    write(project / "pyproject.toml", """\
        [project]
        name = "example"

        [tool.gdpr-check]
        fail_on = "never"
        select = ["XT001"]

        [[tool.gdpr-check.outputs]]
        format = "json"
        """)
    code, out, _ = run(capsys, "check", str(project))
    assert code == 0
    assert {f["rule"] for f in json.loads(out)["findings"]} == {"XT001"}
    # .gdpr-check.yaml is preferred when both exist.
    write(project / ".gdpr-check.yaml", "fail_on: high\n")
    assert load_config(project).shown == ".gdpr-check.yaml"
    assert run(capsys, "check", str(project), "-q")[0] == 1


def test_a_pyproject_without_the_table_is_no_config(project):
    write(project / "pyproject.toml", '[project]\nname = "x"\n[tool.other]\na = 1\n')
    assert load_config(project) is None


@pytest.mark.parametrize("name,text,expected", [
    (".gdpr-check.yaml", "fail_on: high\nselct: [XT001]\n",
     ".gdpr-check.yaml:2:1: unknown key 'selct' (did you mean 'select'?)"),
    (".gdpr-check.yaml", "fail_on: hihg\n",
     ".gdpr-check.yaml:1:1: config.fail_on: expected one of info, low, medium, high, "
     "critical, never, found 'hihg' (did you mean 'high'?)"),
    (".gdpr-check.yaml", "select: [XT001]\nwaivers: [a.yaml]\n",
     ".gdpr-check.yaml:2:1: config.waivers: expected a string, found a list"),
    (".gdpr-check.yaml", "outputs:\n  - {format: sarif, pth: x.sarif}\n",
     ".gdpr-check.yaml:2:21: unknown key 'pth' (did you mean 'path'?)"),
    (".gdpr-check.yaml", "outputs:\n  - format: json\n  - format: text\n",
     ".gdpr-check.yaml:3:5: config.outputs: only one output can go to standard output"),
    (".gdpr-check.yaml", "- fail_on: high\n", ".gdpr-check.yaml:1:1: expected a mapping of "
                                              "settings"),
    (".gdpr-check.yaml", "fail_on: high\nfail_on: low\n",
     ".gdpr-check.yaml:2:1: duplicate key 'fail_on'"),
    (".gdpr-check.yaml", "rules: [nowhere/]\n",
     ".gdpr-check.yaml:1:9: rules: 'nowhere/' not found"),
    ("pyproject.toml", '[tool.gdpr-check]\nfail_on = "high"\nwaivers = 5\n',
     "pyproject.toml:3:1: config.waivers: expected a string, found 5"),
    ("pyproject.toml", '[tool.gdpr-check]\n  fail-on = "high"\n',
     "pyproject.toml:2:3: unknown key 'fail-on' (did you mean 'fail_on'?)"),
    ("pyproject.toml", '[tool.gdpr-check]\nselect = ["XT001"]\n\n[[tool.gdpr-check.outputs]]\n'
                       'format = "json"\n\n[[tool.gdpr-check.outputs]]\nformat = "jsn"\n',
     "pyproject.toml:8:1: config.outputs[1].format: expected one of"),
    ("pyproject.toml", '[tool.gdpr-check]\nfail_on = "high\n',
     "pyproject.toml:2:16: malformed TOML"),
])
def test_invalid_config_is_exit_2_at_file_line(project, capsys, name, text, expected):
    write(project / name, text)
    for command in ("check", "validate"):
        code, out, err = run(capsys, command, str(project))
        assert code == 2 and out == ""
        assert err.startswith(f"gdpr-check: error: {expected}"), err
        assert "Traceback" not in err


def test_an_empty_config_is_valid(project):
    write(project / ".gdpr-check.yaml", "# nothing configured yet\n")
    config = load_config(project)
    assert config is not None and config.fail_on is None and config.select == []
    assert check(project).findings


def test_library_keywords_win_over_the_config(project, tmp_path):
    write(project / ".gdpr-check.yaml", "select: [no-such-rule]\nbaseline: missing.json\n")
    with pytest.raises(InputError, match="baseline: 'missing.json' not found"):
        check(project)
    report = check(project, select=["XT001"], baseline=False)
    assert [r.id for r in report.rules] == ["XT001"] and report.baseline is None
    assert check(project, config=False).findings


@pytest.mark.parametrize("text", [
    "",
    "fail_on: high\nfail_on_unrecorded: false\n",
    "select: TR001\nignore: [AC, records]\nrules: [rules]\nsources: [a.tf, b]\n",
    "waivers: w.yaml\nbaseline: old.json\npublished_notice: page.html\n"
    "published_notice_lang: fi\n",
    "outputs:\n  - {format: json, path: r.json}\n  - {format: sarif, path: r.sarif}\n  - format: text\n",
    "rule_settings:\n  AC004: {severity: low}\n  TR003: {enabled: false}\n"
    "  RT001: {vars: {limit: \"'P6Y'\"}, enabled: true, severity: info}\n",
    "fail_on: low\nselect: []\noutputs: []\nrule_settings: {}\n",  # defaults, written out
])
def test_what_a_config_sets_reads_as_pydantic_would_dump_it(project, text):
    """`written_settings` (what `--show-config` shows as set) reads the fields without
    building the model's serializer; it must give what the dump it replaced gave."""
    from gdpr_check.config import written_settings
    write(project / ".gdpr-check.yaml", text)
    model = load_config(project).model
    assert written_settings(model) == model.model_dump(mode="json", exclude_defaults=True)
