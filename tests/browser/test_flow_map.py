"""The HTML report in an 800 px window (issue 9, item 10), in real headless Chromium: the
flow map's labels are whole and inside their boxes and the drawing, drawn at a legible
size; the map scrolls and zooms in its frame; the page itself does not overflow.

Uses the browser of test_html_report.py (skipped without Chromium, failing under CI=true).
"""
from __future__ import annotations

import pytest

from gdpr_check import check
from gdpr_check.report import render

from ..report.conftest import REPO, make_project, run
from .test_html_report import _repository_has_sample_data, browser  # noqa: F401 (fixture)

WIDTH = 800
# Every label's box in the node's own coordinates and on the screen, with the node's box
# and the drawing's viewport: what "cut off" means, measured rather than assumed.
MEASURE = """() => {
  const svg = document.querySelector('svg.flowmap');
  const view = svg.getBoundingClientRect();
  const nodes = Array.from(svg.querySelectorAll('g.node')).map(g => {
    const rect = g.querySelector('rect').getBBox();
    const texts = Array.from(g.querySelectorAll('text')).map(t => {
      const b = t.getBBox(), s = t.getBoundingClientRect();
      return {cls: t.getAttribute('class'), x: b.x, y: b.y, w: b.width, h: b.height,
              left: s.left, right: s.right, top: s.top, bottom: s.bottom,
              lines: Array.from(t.querySelectorAll('tspan')).map(l => l.textContent),
              size: parseFloat(getComputedStyle(t).fontSize)};
    });
    return {key: g.dataset.node, w: rect.width, h: rect.height, texts: texts};
  });
  const edges = Array.from(svg.querySelectorAll('g.edge text')).map(t => {
    const s = t.getBoundingClientRect();
    return {left: s.left, right: s.right, top: s.top, bottom: s.bottom};
  });
  return {nodes: nodes, edges: edges, scale: svg.getScreenCTM().a,
          view: {left: view.left, right: view.right, top: view.top, bottom: view.bottom}};
}"""


def _open(browser, tmp_path, report):  # noqa: F811 (the fixture, passed on)
    html_file = tmp_path / "report.html"
    html_file.write_text(render(report, "html"), encoding="utf-8")
    page = browser.new_page(viewport={"width": WIDTH, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(html_file.resolve().as_uri())
    return page, errors


def _reports():
    yield "fixture", lambda tmp: run(make_project(tmp / "project"), graph=True)
    if _repository_has_sample_data():
        yield "3dtech", lambda tmp: check(REPO, graph=True)


@pytest.mark.parametrize("name, build", list(_reports()), ids=[n for n, _ in _reports()])
def test_labels_are_whole_and_inside_their_boxes_at_800_px(browser, tmp_path, name, build):  # noqa: F811
    report = build(tmp_path)
    graph = report.data_flow_graph()
    page, errors = _open(browser, tmp_path, report)
    try:
        seen = page.evaluate(MEASURE)
        assert seen["scale"] >= 1.0, "the map is drawn at its natural size, not shrunk"
        names = {n["key"]: n for n in graph["nodes"]}
        assert {n["key"] for n in seen["nodes"]} == set(names)
        view = seen["view"]
        for node in seen["nodes"]:
            name_text, sub_text = node["texts"]
            # the whole name, nothing cut short
            assert " ".join(name_text["lines"]) == " ".join(names[node["key"]]["name"].split())
            assert "…" not in "".join(sub_text["lines"])
            assert names[node["key"]]["id"] in "".join(sub_text["lines"]) or \
                names[node["key"]]["kind"] in ("data_subject", "source")
            for text in node["texts"]:
                assert text["size"] >= 11, (node["key"], text)          # legible
                inside = (text["x"] >= 0 and text["y"] >= 0 and
                          text["x"] + text["w"] <= node["w"] + 0.5 and
                          text["y"] + text["h"] <= node["h"] + 0.5)
                assert inside, f"{node['key']}: {text['lines']} overflows its box {node}"
                assert view["left"] <= text["left"] and text["right"] <= view["right"] + 0.5
                assert view["top"] <= text["top"] and text["bottom"] <= view["bottom"] + 0.5
        for label in seen["edges"]:
            assert view["left"] <= label["left"] and label["right"] <= view["right"] + 0.5
            assert view["top"] <= label["top"] and label["bottom"] <= view["bottom"] + 0.5
        assert errors == []
    finally:
        page.close()


@pytest.mark.skipif(not _repository_has_sample_data(), reason="no sample data")
def test_the_map_scrolls_and_zooms_in_its_frame_and_the_page_fits(browser, tmp_path):  # noqa: F811
    page, errors = _open(browser, tmp_path, check(REPO, graph=True))
    try:
        p = page
        assert p.evaluate("document.documentElement.scrollWidth") <= WIDTH, \
            "nothing but the map's frame scrolls sideways"
        frame = p.locator(".map-wrap")
        wide = frame.evaluate("f => ({scroll: f.scrollWidth, client: f.clientWidth, "
                              "overflow: getComputedStyle(f).overflowX})")
        assert wide["scroll"] > wide["client"] and wide["overflow"] in ("auto", "scroll")
        # scrolled to its end, the frame shows the last column whole
        frame.evaluate("f => { f.scrollLeft = f.scrollWidth; }")
        right = p.evaluate("""() => {
          const f = document.querySelector('.map-wrap').getBoundingClientRect();
          const xs = Array.from(document.querySelectorAll('g.node rect'))
            .map(r => r.getBoundingClientRect().right);
          return {frame: f.right, last: Math.max(...xs)};
        }""")
        assert right["last"] <= right["frame"]
        natural = int(p.get_attribute("svg.flowmap", "width"))
        p.click('.zoom button[data-zoom="fit"]')
        fitted = p.evaluate("document.querySelector('svg.flowmap').getBoundingClientRect().width")
        assert fitted <= wide["client"] and p.inner_text("#zoom-level") != "100%"
        p.click('.zoom button[data-zoom="1"]')
        assert int(p.get_attribute("svg.flowmap", "width")) == natural
        p.click('.zoom button[data-zoom="in"]')
        assert p.inner_text("#zoom-level") == "125%"
        # the sort buttons show their arrows (a CSS escape in a Python string once printed
        # a control character and "95")
        arrows = p.eval_on_selector_all(
            "button.sort", "bs => bs.map(b => getComputedStyle(b, '::after').content)")
        assert arrows and set(arrows) == {'" ↕"'}
        p.click('button.sort[data-key="rule"]')
        assert p.eval_on_selector('button.sort[data-key="rule"]',
                                  "b => getComputedStyle(b, '::after').content") == '" ↑"'
        # the findings keep a readable width: one block per finding, not five squeezed columns
        widths = p.eval_on_selector_all("#findings-table .message",
                                        "ms => ms.map(m => m.getBoundingClientRect().width)")
        assert widths and min(widths) >= 300
        assert errors == []
    finally:
        page.close()
