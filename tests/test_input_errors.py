"""All input errors in one pass: a broken notice does not hide the inventory's mistakes, nor
the config's, the rules' or the waivers'; each comes with what was expected and, where one
is close, a did-you-mean (country names and aliases, enum values, declared ids)."""
from __future__ import annotations

import pytest

from gdpr_check import check
from gdpr_check.cli import MAX_ERRORS, main
from gdpr_check.load.validate import country_hint

from .rules.harness import write_project


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err.splitlines()


def broken_everywhere(folder):
    """A project with one mistake in each input: notice, inventory, rules, waivers, config."""
    project = write_project(folder, {
        "policy": {"controller": {"country": "Finland"}},
        "inventory": {"systems": [{"id": "crm", "ownr": "Sales"}]}})
    (project / "rules").mkdir()
    (project / "rules" / "own.yaml").write_text(
        "- id: X1\n  name: n\n  area: transfer\n  severity: high\n"
        "  articles: ['Art. 44']\n  that: ['true']\n")
    (project / "waivers.yaml").write_text(
        "- rule: AC004\n  reason: r\n  approved_by: DPO\n  expires: someday\n")
    (project / ".gdpr-check.yaml").write_text("fail_on: severe\n")
    return project


def test_every_input_is_checked_in_one_run_sorted_by_file_and_line(tmp_path, capsys):
    project = broken_everywhere(tmp_path / "p")
    code, out, err = run(capsys, "check", str(project))
    assert (code, out) == (2, "")
    files = [line.removeprefix("gdpr-check: error: ").split(":")[0] for line in err]
    assert files == [".gdpr-check.yaml", "inventory/inventory.yaml", "policy/notice.yaml",
                     "rules/own.yaml", "waivers.yaml"], err
    assert "(did you mean 'high'?)" in err[0]
    assert "unknown key 'ownr' (did you mean 'owner'?)" in err[1]
    assert "'Finland' is not an ISO 3166-1 alpha-2 country code (did you mean 'FI' " \
           "(Finland)?)" in err[2]
    assert "found 'transfer' (did you mean 'transfers'?)" in err[3]
    assert "expires" in err[4]
    assert run(capsys, "validate", str(project))[2] == err  # the same list, the same order


def test_policy_errors_do_not_hide_the_inventory_references(tmp_path):
    project = write_project(tmp_path / "p", {
        "policy": {"controller": {"country": "USA"}},
        "inventory": {"systems": [{"id": "crm", "hosting": {"provider": "nosuch"}}]}})
    with pytest.raises(Exception) as caught:
        check(project)
    messages = [e.message for e in caught.value.errors]
    assert any("'USA'" in m and "did you mean 'US'" in m for m in messages)
    assert any("hosting.provider 'nosuch' is not a known processor" in m for m in messages)


def test_more_errors_than_the_cap_are_counted(tmp_path, capsys):
    systems = [{"id": f"s{i}", "ownr": "x"} for i in range(MAX_ERRORS + 7)]
    project = write_project(tmp_path / "p", {"inventory": {"systems": systems}})
    code, _, err = run(capsys, "validate", str(project))
    assert code == 2 and len(err) == MAX_ERRORS + 1
    assert err[-1] == "gdpr-check: error: ... and 7 more errors (fix these first)"


@pytest.mark.parametrize("written,hint", [
    ("Finland", " (did you mean 'FI' (Finland)?)"),
    ("USA", " (did you mean 'US' (United States)?)"),
    ("UK", " (did you mean 'GB' (United Kingdom)?)"),
    ("Finnland", " (did you mean 'FI' (Finland)?)"),
    ("Greece", " (did you mean 'GR' (Greece)? EL is the EU's code for Greece; ISO 3166-1, "
               "used here, has GR)"),
    ("EL", " (did you mean 'GR' (Greece)? EL is the EU's code for Greece; ISO 3166-1, "
           "used here, has GR)"),
    ("Atlantis", ""),
])
def test_country_names_and_aliases_suggest_the_code(written, hint):
    assert country_hint(written) == hint


def test_a_misspelt_purpose_finding_names_the_closest_declared_one(tmp_path):
    project = write_project(tmp_path / "p", {"inventory": {"systems": [
        {"id": "crm", "purposes": ["customer_relationshp"]}]}})
    (finding,) = [f for f in check(project, select=["LB001"]).findings]
    assert finding.message.endswith("'customer_relationshp' that the notice does not declare "
                                    "(did you mean 'customer_relationship'?)")
    unrelated = write_project(tmp_path / "q", {"inventory": {"systems": [
        {"id": "crm", "purposes": ["recruitment"]}]}})
    (finding,) = check(unrelated, select=["LB001"]).findings
    assert finding.message.endswith("that the notice does not declare")
