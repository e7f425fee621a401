"""The HTML report in a real headless Chromium (Playwright driving the system's browser).

Skipped when Playwright or Chromium is missing, unless CI=true: there a missing browser
is a failure, so CI cannot pass without having run it. Chromium: Debian's `chromium`
package (or $CHROMIUM); Playwright's own browser download is not needed.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from gdpr_check import check
from gdpr_check.report import render
from gdpr_check.report.issues import counts, violations

from ..report.conftest import EXPECTED, REPO, make_project, run

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _unavailable(why: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{why}; CI=true requires the browser test to run")
    pytest.skip(why)


def _chromium() -> str | None:
    candidates = [os.environ.get("CHROMIUM"), "/usr/bin/chromium",
                  shutil.which("chromium"), shutil.which("chromium-browser")]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install playwright)")
    executable = _chromium()
    if executable is None:
        _unavailable("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=ARGS)
        yield chromium
        chromium.close()


class Opened:
    """A page with the report loaded, recording every request and every error."""

    def __init__(self, browser, html_file: Path):
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text)
                     if m.type == "error" else None)
        self.url = html_file.resolve().as_uri()
        self.page.goto(self.url)

    def visible_rules(self) -> list[str]:
        return self.page.eval_on_selector_all(
            "tr.finding", "rows => rows.filter(r => !r.hidden && r.offsetParent !== null)"
                          ".map(r => r.dataset.rule)")

    def toggle(self, name: str, value: str):
        self.page.click(f'#filters input[name="{name}"][value="{value}"]')


@pytest.fixture()
def opened(browser, tmp_path):
    project = make_project(tmp_path / "project")
    report = run(project, graph=True)  # the map the page draws
    html_file = tmp_path / "report.html"
    html_file.write_text(render(report, "html"), encoding="utf-8")
    page = Opened(browser, html_file)
    yield page, report
    page.page.close()


def test_renders_summary_and_a_row_per_finding(opened, tmp_path):
    page, report = opened
    p = page.page
    assert p.title() == "GDPR compliance report: 4 findings"
    assert p.inner_text("#count-total") == "4"
    assert p.inner_text("#count-critical") == "1"
    assert p.inner_text("#count-waived") == "1"
    assert p.inner_text("#verdict") == "Fails: 4 findings at or above low"
    assert sorted(page.visible_rules()) == sorted(f.rule for f in report.findings)
    assert len(EXPECTED) == len(report.findings)
    assert p.inner_text("#shown") == "5 of 5 findings shown"
    # escaped user text shows as text, not markup
    assert "<b>data</b> | unencrypted" in p.inner_text('tr[data-rule="XR100"] .message')
    shot = tmp_path / "report.png"
    p.screenshot(path=str(shot), full_page=True)
    print(f"\nscreenshot: {shot}")
    assert shot.stat().st_size > 10_000
    assert page.requests == [page.url], "the report loads nothing from elsewhere"
    assert page.errors == []


def test_severity_area_and_waived_filters(opened):
    page, _ = opened
    everything = sorted(page.visible_rules())
    page.toggle("severity", "critical")
    assert "XR100" not in page.visible_rules()
    assert page.page.inner_text("#shown") == "4 of 5 findings shown"
    page.toggle("area", "transfers")
    assert sorted(page.visible_rules()) == ["XR200", "XR300", "XR400"]
    page.toggle("waived", "waived")
    assert sorted(page.visible_rules()) == ["XR200", "XR300"]
    page.toggle("severity", "critical")
    page.toggle("area", "transfers")
    page.toggle("waived", "waived")
    assert sorted(page.visible_rules()) == everything
    for severity in ("critical", "high", "medium", "low", "info"):
        page.toggle("severity", severity)
    assert page.visible_rules() == []
    assert page.page.inner_text("#shown") == "0 of 5 findings shown"
    assert page.errors == []


def test_flow_map_is_drawn_with_failing_flows_marked(opened):
    page, report = opened
    p = page.page
    svg = p.locator("svg.flowmap")
    assert svg.is_visible()
    box = svg.bounding_box()
    assert box["width"] > 400 and box["height"] > 100
    failing = p.locator('g.edge.failing[data-edge="flow:crm_backup"] path')
    assert failing.count() == 1
    colour = failing.evaluate("e => getComputedStyle(e).stroke")
    assert colour == "rgb(198, 40, 40)"
    passing = p.locator('g.edge[data-edge="flow:orders"] path')
    assert "failing" not in p.get_attribute('g[data-edge="flow:orders"]', "class")
    assert passing.evaluate("e => getComputedStyle(e).stroke") != colour
    # every node drawn, none overlapping another
    boxes = [p.locator(f'g.node[data-node="{n["key"]}"]').bounding_box()
             for n in report.data_flow_graph()["nodes"]]
    assert all(b and b["width"] > 100 for b in boxes)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart = (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"] or
                     a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])
            assert apart, (a, b)
    assert "XR100" in p.text_content('g[data-edge="flow:crm_backup"] title')


def _repository_has_sample_data() -> bool:
    return any((REPO / "policy").glob("*.yaml")) and any((REPO / "inventory").glob("*.yaml"))


@pytest.mark.skipif(not _repository_has_sample_data(), reason="no sample data yet")
def test_the_3dtech_report(browser, tmp_path):
    report = check(REPO)
    html_file = tmp_path / "3dtech.html"
    html_file.write_text(render(report, "html"), encoding="utf-8")
    page = Opened(browser, html_file)
    try:
        # one row per issue: a defect repeated over subjects is one row (report/issues.py)
        assert len(page.visible_rules()) == len(violations(report.findings))
        assert page.page.inner_text("#shown") == \
            f"{counts(report.findings)['violations']} of {counts(report.findings)['violations']} findings shown"
        assert page.page.inner_text("#count-total") == str(report.summary()["findings"])
        graph = report.data_flow_graph()
        if graph and graph["nodes"]:
            assert page.page.locator("svg.flowmap g.node").count() == len(graph["nodes"])
        shot = tmp_path / "3dtech.png"
        page.page.screenshot(path=str(shot), full_page=True)
        print(f"\nscreenshot: {shot}")
        assert page.requests == [page.url] and page.errors == []
    finally:
        page.page.close()


def test_text_search(opened):
    page, report = opened
    p = page.page
    p.fill("#search", "crm_backup")
    assert page.visible_rules() == ["XR100"]
    assert p.inner_text("#shown") == "1 of 5 findings shown"
    p.fill("#search", "newsletter_list XR200")   # every word must appear
    assert page.visible_rules() == ["XR200"]
    p.fill("#search", "no such thing")
    assert page.visible_rules() == []
    p.fill("#search", "")
    assert sorted(page.visible_rules()) == sorted(f.rule for f in report.findings)
    assert page.errors == []


def _order(page) -> list[str]:
    return page.page.eval_on_selector_all("tr.finding", "rows => rows.map(r => r.dataset.rule)")


def test_sortable_columns(opened):
    page, _ = opened
    p = page.page
    rendered = _order(page)
    p.click('button.sort[data-key="rule"]')
    assert _order(page) == sorted(rendered)
    assert p.get_attribute('button.sort[data-key="rule"]', "aria-sort") == "ascending"
    p.click('button.sort[data-key="rule"]')
    assert _order(page) == sorted(rendered, reverse=True)
    p.click('button.sort[data-key="rank"]')
    assert _order(page) == rendered                     # most severe first, as rendered
    p.click('button.sort[data-key="where"]')
    wheres = p.eval_on_selector_all("tr.finding", "rows => rows.map(r => r.dataset.where)")
    assert wheres == sorted(wheres)
    p.fill("#search", "XR2")                            # filters still apply after a sort
    assert page.visible_rules() == ["XR200"]
    assert page.errors == []


def test_links_to_files_and_rule_docs(browser, tmp_path):
    from gdpr_check.meta import RULES_DOC_URL
    project = make_project(tmp_path / "project")
    html_file = project / "report.html"   # beside the checkout: relative links resolve
    html_file.write_text(render(run(project), "html"), encoding="utf-8")
    page = Opened(browser, html_file)
    try:
        link = page.page.locator('tr[data-rule="XR100"] a.loc').first
        href = link.evaluate("a => a.href")
        assert href.startswith((project / "inventory").as_uri())
        assert (project / link.get_attribute("href")).is_file()
        assert link.inner_text().startswith("inventory/inventory.yaml:")
    finally:
        page.page.close()
    if _repository_has_sample_data():
        report = check(REPO)
        shipped = tmp_path / "3dtech.html"
        shipped.write_text(render(report, "html"), encoding="utf-8")
        page = Opened(browser, shipped)
        try:
            rule = report.findings[0].rule
            href = page.page.locator(f'tr[data-rule="{rule}"] a.rule').first.get_attribute("href")
            assert href == f"{RULES_DOC_URL}#{rule.lower()}"
            fixes = page.page.eval_on_selector_all(".fix", "e => e.map(x => x.innerText)")
            assert fixes and not any("`" in f for f in fixes)  # code shown as code
        finally:
            page.page.close()
