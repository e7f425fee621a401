"""`notice render --draft` (issue 11 item 3): the notice with a visible placeholder for each
gap `check` finds, in the section it belongs to, naming what to add and the article; never
presented as a finished notice."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import gdpr_check
from gdpr_check.api import load_rules
from gdpr_check.cli import main
from gdpr_check.load import load_project
from gdpr_check.notice.draft import GAPS, NOT_GAPS, SECTION_ORDER, placeholders, render_draft

from .rules.harness import write_project

ROOT = Path(__file__).resolve().parent.parent      # the 3DTech Oy sample project
PLACEHOLDER = {"fi": re.compile(r"\*\*\[LISÄTTÄVÄ \((\w+); (.*?)\): (.*?)\]\*\*"),
               "en": re.compile(r"\*\*\[TO ADD \((\w+); (.*?)\): (.*?)\]\*\*")}


def run(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def draft_of(capsys, project, lang) -> str:
    code, out, err = run(capsys, "notice", "render", project, "--draft", "--lang", lang)
    assert (code, err) == (0, "")
    return out


def test_every_rule_about_the_notice_has_a_placeholder_or_a_reason_not_to():
    """The list is kept in one place: a new notice rule must be put in GAPS (with its
    section) or NOT_GAPS (with the reason) before this passes."""
    about_the_notice = {r.id for r in load_rules(ROOT)
                        if r.area == "notice" or r.name.startswith("The notice ")}
    assert about_the_notice - set(GAPS) - set(NOT_GAPS) == set()
    assert not set(GAPS) & set(NOT_GAPS)
    assert {section for section, _, _ in GAPS.values()} <= set(SECTION_ORDER) | {"meta"}
    every = {r.id for r in load_rules(ROOT)}
    assert set(GAPS) | set(NOT_GAPS) <= every


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_the_3dtech_draft_has_one_placeholder_per_notice_gap_check_finds(capsys, lang):
    findings = [f for f in gdpr_check.check(ROOT).findings if f.rule in GAPS]
    shown = PLACEHOLDER[lang].findall(draft_of(capsys, ROOT, lang))
    # the same rules, as often as check finds distinct things to add
    expected = {}
    policy = load_project(ROOT).policy
    for p in placeholders(findings, policy, lang):
        expected.setdefault(p.rule, []).append(p.name)
    assert sorted(rule for rule, _, _ in shown) == sorted(
        rule for rule, names in expected.items() for _ in names)
    # every finding (rule + subject) is covered by a placeholder of its rule naming it
    subjects = {(rule, s) for p in placeholders(findings, policy, lang)
                for rule, s in [(p.rule, s) for s in p.subjects]}
    assert subjects == {(f.rule, (f.subject_kind, f.subject_id)) for f in findings}
    for rule, _, text in shown:
        names = [n for n in expected[rule] if n]
        assert not names or any(n in text.replace("\\", "") for n in names), (rule, text)


def test_the_3dtech_draft_names_what_the_brief_asks_for(capsys):
    text = draft_of(capsys, ROOT, "fi")
    for register in ("Asiakasrekisteri", "Markkinointirekisteri", "Sidosryhmärekisteri"):
        assert (f"**[LISÄTTÄVÄ (NT013; 13 artiklan 2 kohdan a alakohta, 14 artiklan 2 kohdan "
                f"a alakohta): rekisterin {register} säilytysaika tai sen määrittämisen "
                f"kriteerit]**") in text
    assert ("**[LISÄTTÄVÄ (NT011; 13 artiklan 1 kohdan f alakohta, 14 artiklan 1 kohdan f "
            "alakohta): siirron vastaanottajalle MailChimp (USA) kohdemaat ja suojatoimi") in text
    for rule, right in (("RI005", "oikeus siirtää tiedot järjestelmästä toiseen"),
                        ("RI007", "oikeus vastustaa suoramarkkinointia milloin tahansa"),
                        ("RI008", "oikeus peruuttaa suostumus milloin tahansa")):
        assert re.search(rf"\*\*\[LISÄTTÄVÄ \({rule}; [^)]*\): {right}\]\*\*", text), rule


def test_a_placeholder_opens_its_section_in_its_place(capsys):
    text = draft_of(capsys, ROOT, "en")
    headings = re.findall(r"^## \d+\. (.+)$", text, re.M)
    # 3DTech's notice has no retention and no provision section: the draft opens them
    assert headings.index("Retention periods") == headings.index(
        "Transfers outside the EU/EEA") + 1
    assert headings.index("Your rights") == headings.index("Retention periods") + 1
    assert "Whether you must provide the data" in headings
    section = text.split("## 7. Retention periods")[1].split("\n## ")[0]
    assert section.count("**[TO ADD (NT013;") == 3


def test_the_draft_is_never_a_finished_notice(capsys, tmp_path):
    text = draft_of(capsys, ROOT, "en")
    assert text.startswith("# Privacy notice under the EU General Data Protection Regulation (DRAFT)\n")
    assert "**[DRAFT]** Draft, not for publication" in text
    page = tmp_path / "draft.html"
    assert run(capsys, "notice", "render", ROOT, "--draft", "--lang", "fi", "--output",
               page)[0] == 0
    html = page.read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex">' in html
    assert re.search(r'<meta name="gdpr-check-draft" content="\d+ placeholders">', html)
    assert '<body class="gdpr-check-draft">' in html
    assert "<title>EU:n tietosuoja-asetuksen mukainen tietosuojaseloste (LUONNOS)</title>" in html
    assert html.count('<mark class="gdpr-check-placeholder">[LISÄTTÄVÄ (') == \
        len(PLACEHOLDER["fi"].findall(draft_of(capsys, ROOT, "fi")))
    assert "\ue000" not in html + text and "\ue001" not in html + text
    # the draft renders nothing a plain render does not, but the placeholders and marks
    def lines(markdown):   # without the section numbers, which the opened sections shift
        return set(re.sub(r"^## \d+\. ", "## ", markdown, flags=re.M).splitlines())
    plain = run(capsys, "notice", "render", ROOT, "--lang", "en")[1]
    body = re.sub(r"^- \*\*\[TO ADD.*\n", "", text, flags=re.M)
    assert lines(plain) - lines(body) == {plain.splitlines()[0]}   # only the title changed


def test_a_waived_gap_has_no_placeholder(tmp_path, capsys):
    project = write_project(tmp_path / "p", {"policy": {
        "registers": [{"id": "customers", "retention": None}]}})
    assert "(NT013;" in draft_of(capsys, project, "en")
    (project / "waivers.yaml").write_text(
        "- rule: NT013\n  subject: customers\n  reason: period decided, notice in review\n"
        "  approved_by: DPO\n  expires: 2099-01-01\n", encoding="utf-8")
    assert "(NT013;" not in draft_of(capsys, project, "en")


def test_a_complete_notice_drafts_without_placeholders(capsys):
    base = Path(__file__).parent / "fixtures" / "base"
    notice_gaps = [f for f in gdpr_check.check(base).findings if f.rule in GAPS]
    text = draft_of(capsys, base, "en")
    assert len(PLACEHOLDER["en"].findall(text)) == len(placeholders(notice_gaps)) == 0
    assert "(DRAFT)" in text   # still a draft, by name


def test_render_draft_is_deterministic():
    policy = load_project(ROOT).policy
    findings = gdpr_check.check(ROOT).findings
    for fmt in ("markdown", "html"):
        assert render_draft(policy, findings, "fi", fmt) == render_draft(
            load_project(ROOT).policy, gdpr_check.check(ROOT).findings, "fi", fmt)


def test_placeholders_name_things_in_the_drafts_language():
    """3DTech's purposes have Finnish and English names: the English draft's placeholders
    use the English ones (they showed the Finnish, the notice's own language)."""
    policy = load_project(ROOT).policy
    findings = gdpr_check.check(ROOT).findings
    english = render_draft(policy, findings, "en")
    assert "the purpose Acquiring new customers and marketing" in english
    assert "Uusasiakashankinta" not in english
    assert "Uusasiakashankinta ja markkinointi" in render_draft(policy, findings, "fi")
