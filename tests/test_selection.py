"""A gate a typo cannot switch off: unknown keys in --select/--ignore and the config are
exit 2 with a did-you-mean; area titles work as area keys; a selection of no rule is an
error, never a green run of zero rules."""
from __future__ import annotations

import pytest

from gdpr_check import check
from gdpr_check.api import load_rules
from gdpr_check.cli import main
from gdpr_check.errors import InputError
from gdpr_check.selection import Key, area_of, select_rules

from .packs import project_with_pack
from .rules.harness import write_project

VIOLATIONS = {"inventory": {"processors": [{"id": "mailer", "countries": ["IN"]}]}}


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    return load_rules(write_project(tmp_path_factory.mktemp("p") / "project", None))


@pytest.fixture
def project(tmp_path):
    return project_with_pack(tmp_path / "project", VIOLATIONS)


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("text,area", [
    ("transfers", "transfers"), ("Transfers", "transfers"),
    ("Transfer safeguards", "transfers"), ("lawful basis", "lawful_basis"),
    ("LAWFUL_BASIS", "lawful_basis"), ("access-control", "access_control"),
    ("transfer", None), ("TR001", None),
])
def test_area_keys_and_titles_name_an_area_in_any_case(text, area):
    assert area_of(text) == area


def test_an_area_title_selects_the_same_rules_as_its_key(rules):
    by_key = select_rules(rules, ["lawful_basis"])
    assert by_key and select_rules(rules, ["Lawful basis"]) == by_key
    assert {r.area for r in by_key} == {"lawful_basis"}


@pytest.mark.parametrize("flag,key,hint", [
    ("--select", "lawfulbasis", "lawful_basis"), ("--select", "transfer", "transfers"),
    ("--ignore", "LB01", None), ("--select", "lb001", "LB001"),
])
def test_an_unknown_key_is_an_error_with_a_did_you_mean(rules, flag, key, hint):
    with pytest.raises(InputError) as caught:
        select_rules(rules, *([[key]] if flag == "--select" else [[], [key]]))
    message = str(caught.value)
    assert message.startswith(f"{flag} '{key}': no rule id, area or tag of that name")
    assert "areas: lawful_basis, transfers" in message
    if hint:
        assert f"(did you mean '{hint}'?)" in message
    else:
        assert "did you mean 'LB0" in message


def test_every_unknown_key_is_reported_at_once(rules):
    with pytest.raises(InputError) as caught:
        select_rules(rules, ["transfer", "TR001"], ["nosuch"])
    assert [e.message.split(":")[0] for e in caught.value.errors] == \
        ["--ignore 'nosuch'", "--select 'transfer'"]


def test_a_selection_of_no_rule_is_an_error(rules):
    with pytest.raises(InputError, match="leaves no rule to run"):
        select_rules(rules, ["TR001"], ["transfers"])
    assert [r.id for r in select_rules(rules, ["TR001"])] == ["TR001"]


def test_tags_still_select(project):
    assert [r.id for r in check(project, select=["test"]).rules] == ["XT001"]


def test_the_cli_exits_2_on_a_typo_and_names_nothing_run(project, capsys):
    code, out, err = run(capsys, "check", str(project), "--select", "Transfers", "-q")
    assert code == 1 and "XT001" in out  # the area's title, capitalised: runs the area
    code, out, err = run(capsys, "check", str(project), "--select", "lawfulbasis")
    assert (code, out) == (2, "")
    assert err.startswith("gdpr-check: error: --select 'lawfulbasis': no rule id, area or "
                          "tag of that name (did you mean 'lawful_basis'?)")
    code, _, err = run(capsys, "rules", str(project), "--ignore", "XT01")
    assert code == 2 and "did you mean 'XT001'" in err


def test_config_keys_are_checked_at_their_line(project, capsys):
    (project / ".gdpr-check.yaml").write_text("select: [XT001, transfer]\nignore: LB01\n")
    code, out, err = run(capsys, "check", str(project))
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert lines[0].startswith("gdpr-check: error: .gdpr-check.yaml:1:17: select 'transfer': ")
    assert lines[1].startswith("gdpr-check: error: .gdpr-check.yaml:2:1: ignore 'LB01': ")


def test_a_selection_of_switched_off_rules_is_an_error(project, tmp_path, capsys):
    (tmp_path / "off.yaml").write_text("- {id: XT001, enabled: false}\n")
    code, _, err = run(capsys, "check", str(project), "--select", "XT001",
                       "--rules", str(tmp_path / "off.yaml"))
    assert code == 2 and "switched off" in err


@pytest.mark.parametrize("value,hint", [("severe", "high"), ("warning", "medium"),
                                        ("Medium", "medium"), ("nevr", "never")])
def test_a_misspelt_fail_on_lists_the_values_and_the_closest(project, capsys, value, hint):
    (project / ".gdpr-check.yaml").write_text(f"fail_on: {value}\n")
    code, _, err = run(capsys, "check", str(project))
    assert code == 2
    assert "expected one of info, low, medium, high, critical, never" in err
    assert f"(did you mean '{hint}'?)" in err


def test_keys_from_a_config_carry_their_source(rules):
    with pytest.raises(InputError) as caught:
        select_rules(rules, [Key("nosuch", "select", ("c.yaml", 3, 5))])
    assert str(caught.value).startswith("c.yaml:3:5: select 'nosuch': ")


def test_a_drift_id_is_a_key_only_when_infrastructure_is_compared(rules):
    """RC901-RC904 are the drift checks (imports.drift), not rules of a pack: with sources
    they may be selected alone; without, naming one would run nothing, so it is a typo."""
    from gdpr_check.imports.drift import CHECKS
    drift = [c for c in CHECKS if c.id == "RC903"]
    assert select_rules([*rules, *CHECKS], ["RC903"]) == drift
    assert select_rules([*rules, *drift], (), ["RC903"]) == rules
    with pytest.raises(InputError, match="'RC903': no rule id, area or tag"):
        select_rules(rules, ["RC903"])
