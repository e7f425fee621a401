"""The HTML report's text and links (issue 9, item 10), read as markup on the sample
companies: no Markdown backtick reaches the page, every finding links to its rule's
documentation and shows its file:line as a link, wherever the command runs from."""
from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import unquote

import pytest

from gdpr_check import check
from gdpr_check.meta import RULES_DOC_URL
from gdpr_check.report import render

from .conftest import REPO

COMPANIES = {"3dtech": REPO, "saas": REPO / "tests/fixtures/saas",
             "club": REPO / "tests/fixtures/club", "clinic": REPO / "tests/fixtures/clinic"}


def _visible_text(page: str) -> str:
    """What a reader sees: the body without script, style, or SVG hover titles."""
    body = page[page.index("<body>"):page.index("<script>")]
    body = re.sub(r"<title>.*?</title>", "", body, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", "", body))


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return {name: check(root, baseline=False) for name, root in COMPANIES.items()
            if (root / "inventory").is_dir()}


def test_no_markdown_backticks_reach_the_page(reports):
    for name, report in reports.items():
        page = render(report, "html", root=COMPANIES[name])
        stray = [line for line in _visible_text(page).splitlines() if "`" in line]
        assert stray == [], f"{name}: {stray[:3]}"
        # the code is still shown, as code
        assert "<code>recipient</code>" in page or name != "3dtech"


def test_every_finding_links_its_rule_and_its_file_line(reports, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)           # not the repository: links must not depend on it
    report = check(REPO, baseline=False)
    page = render(report, "html", root=REPO)
    rows = re.findall(r'<tr class="(?:finding|todo)[^"]*"[^>]*data-rule="([^"]+)"[^>]*>'
                      r'(.*?)</tr>', page, flags=re.S)
    assert len(rows) > 20
    for rule, row in rows:
        assert f'<a class="rule" href="{RULES_DOC_URL}#{rule.lower()}">{rule}</a>' in row
        links = re.findall(r'<a class="loc" href="([^"]+)">([^<]+)</a>', row)
        assert links, f"{rule}: no file:line link"
        for href, shown in links:
            path, _, line = shown.partition(":")
            assert re.fullmatch(r"\d+(:\d+)?", line), shown
            assert unquote(href) == path and (REPO / path).is_file()
    assert not re.search(r'<span class="loc">[^<]*</span>', page.split('id="notices"')[0]), \
        "a finding's location is shown but not linked"
    sarif = json.loads(render(report, "sarif", root=REPO))
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert rules and all(r["helpUri"] == f"{RULES_DOC_URL}#{r['id'].lower()}" for r in rules)
