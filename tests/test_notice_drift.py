"""The published notice inside `check` (issue 11 item 4): `published_notice:` in the config,
or `check --published-notice FILE`, makes each drift a finding ND001 (changed), ND002
(missing) or ND003 (added) at its line of the published file, chosen, ignored and waived
like a rule, listed by `rules` and explained by `explain`."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import gdpr_check
from gdpr_check.cli import main

ROOT = Path(__file__).resolve().parent.parent      # the 3DTech Oy sample project
SEED = Path(__file__).parent / "fixtures" / "notices" / "tietosuojaseloste-3dtech.txt"
DEADLINE = ("pääsääntöisesti kuukauden kuluessa", "kolmen kuukauden kuluessa")


def run(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path) -> Path:
    """3DTech's policy/ and inventory/, the seed as the published page, and a config
    naming it."""
    root = tmp_path / "3dtech"
    for folder in ("policy", "inventory"):
        shutil.copytree(ROOT / folder, root / folder)
    (root / "site").mkdir()
    shutil.copy(SEED, root / "site" / "tietosuojaseloste.txt")
    (root / ".gdpr-check.yaml").write_text("published_notice: site/tietosuojaseloste.txt\n",
                                           encoding="utf-8")
    return root


def publish(project: Path, *changes) -> None:
    page = project / "site" / "tietosuojaseloste.txt"
    text = page.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    page.write_text(text, encoding="utf-8")


def drift(report) -> list[tuple]:
    return [(f.rule, f.subject_id, f.location) for f in report.findings
            if f.rule.startswith("ND")]


def test_the_published_seed_gives_no_drift_findings(project):
    report = gdpr_check.check(project)
    assert drift(report) == []
    assert any(f.rule == "NT013" for f in report.findings)   # the rules ran as ever


def test_a_changed_deadline_is_nd001_at_its_line_of_the_page(project):
    publish(project, DEADLINE)
    report = gdpr_check.check(project)
    assert drift(report) == [("ND001", "response_time_to_requests",
                              "site/tietosuojaseloste.txt:71")]
    finding = next(f for f in report.findings if f.rule == "ND001")
    assert finding.severity == "medium" and finding.area == "notice"
    assert "Art. 12(1)" in finding.articles
    assert finding.message == ('The published notice states response time to requests: '
                               '"kolmen kuukauden" (P3M); policy/ states P1M (1 kuukausi) at '
                               'policy/rights.yaml:71')


def test_missing_and_added_facts_are_nd002_and_nd003(project):
    publish(project, ("- Oikeus pyytää tietojen poistamista\n", ""),
            ("sijaitsevat Yhdysvalloissa.", "sijaitsevat Yhdysvalloissa ja Intiassa."))
    assert drift(gdpr_check.check(project)) == [
        ("ND002", "right_erasure", "site/tietosuojaseloste.txt:71"),   # the rights section
        ("ND003", "country_intiassa", "site/tietosuojaseloste.txt:63")]


def test_the_library_takes_the_page_as_an_argument(project):
    (project / ".gdpr-check.yaml").unlink()
    assert drift(gdpr_check.check(project)) == []     # no page named: nothing compared
    page = project / "site" / "tietosuojaseloste.txt"
    publish(project, DEADLINE)
    assert [f[0] for f in drift(gdpr_check.check(project, published_notice=page))] == ["ND001"]


def test_the_cli_fails_on_drift_and_names_the_page(project, capsys):
    publish(project, DEADLINE)
    code, out, err = run(capsys, "check", project, "--select", "notice-drift")
    assert (code, err) == (1, "")
    assert "site/tietosuojaseloste.txt:71: medium   ND001  The published notice states " \
           "response time to requests" in out
    code, out, _ = run(capsys, "check", project, "--select", "ND001", "--format", "json")
    findings = json.loads(out)["findings"]
    assert [(f["rule"], f["location"]["path"], f["location"]["line"]) for f in findings] == [
        ("ND001", "site/tietosuojaseloste.txt", 71)]


def test_drift_checks_are_ignored_and_waived_like_rules(project, capsys):
    publish(project, DEADLINE)
    assert run(capsys, "check", project, "--select", "notice-drift", "--ignore", "ND001")[0] == 0
    (project / "waivers.yaml").write_text(
        "- rule: ND001\n  subject: response_time_to_requests\n"
        "  reason: the page is updated first, policy/ follows in the next release\n"
        "  approved_by: DPO\n  expires: 2099-01-01\n", encoding="utf-8")
    report = gdpr_check.check(project, select=["notice-drift"])
    assert [(f.rule, bool(f.waived)) for f in report.findings] == [("ND001", True)]
    assert run(capsys, "check", project, "--select", "notice-drift")[0] == 0


def test_selecting_a_drift_check_without_a_page_says_what_is_missing(project, capsys):
    (project / ".gdpr-check.yaml").unlink()
    code, _, err = run(capsys, "check", project, "--select", "ND001")
    assert code == 2
    assert err == ("gdpr-check: error: ND001 compares the published notice with policy/, and "
                   "none is named: add `published_notice: PAGE` to .gdpr-check.yaml or pass "
                   "--published-notice PAGE\n")


@pytest.mark.parametrize("config, message", [
    ("published_notice: ../outside.txt\n",
     ".gdpr-check.yaml:1:1: published_notice: '../outside.txt' leaves the project "
     "through '..'; paths in the configuration must stay inside the project (pass "
     "--published-notice to read elsewhere)"),
    ("published_notice: site/missing.txt\n",
     ".gdpr-check.yaml:1:1: published_notice: 'site/missing.txt' not found"),
    ("published_notice: site/tietosuojaseloste.txt\npublished_notice_lang: sv\n",
     ".gdpr-check.yaml:2:"),
])
def test_a_bad_published_notice_setting_is_exit_2_at_its_line(project, capsys, config,
                                                               message):
    (project / ".gdpr-check.yaml").write_text(config, encoding="utf-8")
    code, out, err = run(capsys, "check", project)
    assert code == 2 and out == ""
    assert err.startswith("gdpr-check: error: ") and message in err, err
    assert len(err.splitlines()) == 1


def test_a_binary_page_is_exit_2_naming_it(project, capsys):
    (project / "site" / "tietosuojaseloste.txt").write_bytes(b"\x00\x01binary")
    code, _, err = run(capsys, "check", project)
    assert code == 2
    assert err == ("gdpr-check: error: site/tietosuojaseloste.txt: the published notice is "
                   "a binary file; expected text, Markdown or HTML\n")


def test_a_huge_page_is_refused_before_it_is_read(project, capsys):
    with open(project / "site" / "tietosuojaseloste.txt", "wb") as page:
        page.truncate(5 * 2**20)
    code, _, err = run(capsys, "check", project)
    assert code == 2 and "larger than 4 MiB" in err


def test_a_report_never_replaces_the_published_page(project, capsys):
    code, _, err = run(capsys, "check", project, "--format", "json", "--output",
                       project / "site" / "tietosuojaseloste.txt")
    assert code == 2 and "an input of this run" in err
    assert (project / "site" / "tietosuojaseloste.txt").read_bytes() == SEED.read_bytes()


def test_show_config_names_the_page_and_its_line(project, capsys):
    code, out, _ = run(capsys, "check", project, "--show-config")
    assert code == 0
    assert 'published_notice:      "site/tietosuojaseloste.txt"  # .gdpr-check.yaml:1' in out
    assert "published_notice_lang: null  # default (the notice's `language`, else en)" in out
    code, out, _ = run(capsys, "check", project, "--show-config", "--published-notice",
                       "other.html")
    assert 'published_notice:      "other.html"  # --published-notice' in out


def test_the_config_schema_has_the_keys(capsys):
    code, out, _ = run(capsys, "schema", "config")
    properties = json.loads(out)["properties"]
    assert "ND001" in properties["published_notice"]["description"]
    assert properties["published_notice_lang"]["anyOf"][0]["enum"] == ["fi", "en"]


def test_rules_lists_the_drift_checks_of_a_project_that_publishes(project, capsys):
    code, out, _ = run(capsys, "rules", project, "--select", "notice-drift")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()[:-1]] == ["ND001", "ND002", "ND003"]
    assert "built in" in out.splitlines()[0]
    code, out, _ = run(capsys, "rules", project, "--format", "json", "--select", "ND003")
    assert [r["id"] for r in json.loads(out)["rules"]] == ["ND003"]
    (project / ".gdpr-check.yaml").unlink()
    assert "ND001" not in run(capsys, "rules", project)[1]


def test_explain_explains_a_drift_check(capsys):
    code, out, _ = run(capsys, "explain", "nd002")
    assert code == 0
    assert out.startswith("ND002  The published notice states everything policy/ holds\n")
    assert "tags: notice-drift" in out and "Example:" in out and "cases/ND002" not in out


def test_a_configured_page_linked_out_of_the_project_is_not_read(project, tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text("machine github.com login ci password hunter2\n", encoding="utf-8")
    page = project / "site" / "tietosuojaseloste.txt"
    page.unlink()
    page.symlink_to(secret)
    code, out, err = run(capsys, "check", project)
    assert code == 2 and "published_notice:" in err and "symbolic link" in err
    assert "hunter2" not in out + err


def test_odd_pages_never_crash_the_diff():
    """Seeded random edits of the seed (brackets, digits, codes, markup, stray Unicode):
    the diff always answers, whatever it finds."""
    import random
    from gdpr_check.load import load_project
    from gdpr_check.notice import diff, published_text
    policy = load_project(ROOT).policy
    text = SEED.read_text(encoding="utf-8")
    pieces = ["(", ")", "[...]", "…", "US", "(FI)", "12.13.2020", "31.2.2020", "+", "@",
              "www.", "http://", "0", "kuukauden kuluessa", "Oikeus", "\u200b", "\ue000",
              "<b>", "**", "\\", "Art. ", "2573198-5", "é", "\n", " ", "-", ":", "."]
    rng = random.Random(11)
    for _ in range(60):
        chars = list(text)
        for _ in range(rng.randint(1, 40)):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(pieces))
        result = diff(policy, published_text("".join(chars)), rng.choice(["fi", "en"]))
        assert isinstance(result.drift, bool)


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_a_page_in_either_language_of_a_bilingual_policy_has_no_drift(tmp_path, lang):
    """The ND checks compare the page with the policy's texts in the page's language, as
    `notice diff` does (they compared an English page with the Finnish texts: 24 findings)."""
    from gdpr_check.load import load_project
    from gdpr_check.notice import render
    project = tmp_path / "project"
    for folder in ("policy", "inventory"):
        shutil.copytree(ROOT / folder, project / folder)
    page = render(load_project(project).policy, lang, "markdown")
    (project / "notice.md").write_text(page, encoding="utf-8")
    (project / ".gdpr-check.yaml").write_text(
        f"published_notice: notice.md\npublished_notice_lang: {lang}\n", encoding="utf-8")
    report = gdpr_check.check(project, select=["notice-drift"])
    assert report.findings == []
