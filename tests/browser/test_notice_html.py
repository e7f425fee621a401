"""The rendered privacy notice (`notice render --format html`) in a real headless Chromium:
its language, heading structure, table of contents, links and print stylesheet (issue 11).

Skipped like test_html_report.py when Playwright or Chromium is missing, unless CI=true."""
from __future__ import annotations

from pathlib import Path

import pytest

from gdpr_check.load import load_project
from gdpr_check.notice import render

from ..test_notice import FI_HEADINGS
from .test_html_report import browser  # noqa: F401 - the shared Chromium fixture

ROOT = Path(__file__).resolve().parents[2]      # the 3DTech Oy sample project


@pytest.fixture(params=["fi", "en"])
def notice_page(request, browser, tmp_path):  # noqa: F811 - the fixture imported above
    lang = request.param
    html_file = tmp_path / f"tietosuojaseloste-{lang}.html"
    html_file.write_text(render(load_project(ROOT).policy, lang, "html"), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1024, "height": 800})
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    url = html_file.resolve().as_uri()
    page.goto(url)
    yield lang, page, url, requests, errors
    page.close()


def test_language_headings_and_landmarks(notice_page):
    lang, page, url, requests, errors = notice_page
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.locator("h1").count() == 1
    assert page.title() == page.inner_text("h1")
    titles = [t.split(". ", 1)[1] for t in page.locator("main section > h2").all_inner_texts()]
    if lang == "fi":
        assert titles == FI_HEADINGS
    else:
        assert titles[:2] == ["Controller", "Purposes and legal basis of the processing"]
    # heading levels never skip one: h1, then h2s, h3 only inside a section
    levels = page.eval_on_selector_all("h1, h2, h3, h4, h5, h6",
                                       "hs => hs.map(h => Number(h.tagName[1]))")
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
    # each section is a region named by its own heading
    for region in page.get_by_role("region").all():
        name = page.evaluate("e => document.getElementById("
                             "e.getAttribute('aria-labelledby')).innerText",
                             region.element_handle())
        assert name and name[0].isdigit()
    assert page.get_by_role("region").count() == len(titles)
    assert page.get_by_role("navigation").count() == 1 and page.get_by_role("main").count() == 1
    assert requests == [url], "the notice loads nothing from elsewhere"
    assert errors == []


def test_every_contents_link_reaches_its_section(notice_page):
    _, page, url, _, errors = notice_page
    links = page.locator("nav a")
    assert links.count() == page.locator("main section").count()
    for index in range(links.count()):
        link = links.nth(index)
        target = link.get_attribute("href")
        link.click()
        assert page.url.endswith(target)
        heading = page.locator(f"{target} h2")
        assert heading.inner_text().endswith(link.inner_text())
        assert heading.is_visible()
    # the e-mail address is a mailto: link, the website a link with its own address
    assert page.locator('a[href="mailto:info@3dtech.fi"]').count() == 1
    assert page.locator('a[href="https://3dtech.fi"]').count() == 1
    assert errors == []


def test_print_stylesheet_hides_navigation_and_writes_out_links(notice_page, tmp_path):
    lang, page, _, _, _ = notice_page
    assert page.locator("nav").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("nav").is_visible()
    body = page.evaluate("getComputedStyle(document.body).color")
    assert body == "rgb(0, 0, 0)"
    after = page.evaluate("getComputedStyle(document.querySelector('a[href^=\"http\"]'), "
                          "'::after').content")
    assert "https://3dtech.fi" in after
    pdf = tmp_path / f"notice-{lang}.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf.stat().st_size > 10_000 and pdf.read_bytes().startswith(b"%PDF")
