"""The HTML report, read as markup (the browser test in tests/browser/ runs it in Chromium)."""
from __future__ import annotations

from dataclasses import replace

import re
from pathlib import Path
from html import unescape
from html.parser import HTMLParser

from gdpr_check.findings import Finding, Report
from gdpr_check.report import render

from gdpr_check import check

from .conftest import REPO, run


class Page(HTMLParser):
    """Tags with their attributes, plus the text of <style> and <script>."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.styles: list[str] = []
        self.scripts: list[str] = []
        self._in = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in ("style", "script") else None

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        if self._in == "style":
            self.styles.append(data)
        elif self._in == "script":
            self.scripts.append(data)

    def handle_endtag(self, tag):
        self._in = None

    def find(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def test_self_contained(report):
    text = render(report, "html")
    page = Page(text)
    assert not page.find("link"), "no stylesheets or icons from elsewhere"
    assert not page.find("img") and not page.find("iframe") and not page.find("object")
    assert all("src" not in attrs for _, attrs in page.tags)
    assert len(page.scripts) == 1 and len(page.styles) == 1
    css = page.styles[0]
    assert "@import" not in css and "url(" not in css and "@font-face" not in css
    # the only URLs: the SVG namespace (links are not loads: the report-test pack has no
    # documentation page, and file links are relative to the checkout)
    urls = set(re.findall(r"https?://[^\s\"'<>]+", text))
    assert urls <= {"http://www.w3.org/2000/svg"}, urls
    hrefs = [a.get("href") for _, a in page.tags if "href" in a]
    files = [h for h in hrefs if not h.startswith("#")]
    assert files and all(h in ("inventory/inventory.yaml", "policy/notice.yaml")
                         for h in files), hrefs


def test_links_and_audit_header(report, project, monkeypatch):
    from gdpr_check.meta import RULES_DOC_URL
    from gdpr_check.refdata import reference
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    text = render(report, "html", link_base="https://example.org/blob/abc")
    assert 'href="https://example.org/blob/abc/inventory/inventory.yaml#L' in text
    page = Page(text)
    assert page.find("dd", id="audit-controller") and \
        '<dd id="audit-controller">Example Oy</dd>' in text
    assert "<h1>GDPR compliance report: Example Oy</h1>" in text
    assert '<dd id="audit-commit">not a git checkout</dd>' in text   # a temporary folder
    assert f'<dd id="audit-reference">as of {reference().as_of.isoformat()}</dd>' in text
    assert re.search(r'<dd id="audit-packs"><span class="pack">[^<]*tests/report/rules '
                     r'\(6 rules(, last commit \d{4}-\d\d-\d\d)?\)</span></dd>', text)
    assert 'id="audit-run"' not in text           # no date unless asked: same bytes
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764633600")
    assert '<dd id="audit-run">2025-12-02 00:00 UTC</dd>' in render(run(project), "html")
    builtin = check(REPO)  # the shipped pack: each finding links to its rule's page
    first = builtin.findings[0]
    assert f'href="{RULES_DOC_URL}#{first.rule.lower()}"' in render(builtin, "html")


def test_fix_text_shows_code_not_backticks():
    from gdpr_check.report.html import _code_spans
    assert str(_code_spans("add `mfa` to <b>")) == "add <code>mfa</code> to &lt;b&gt;"
    assert str(_code_spans("it's `odd")) == "it&#39;s `odd"


def test_every_finding_has_a_row(report):
    page = Page(render(report, "html"))
    rows = page.find("tr", **{"class": "finding"}) + page.find("tr", **{"class": "finding waived"})
    assert sorted((r["data-rule"], r["data-subject"]) for r in rows) == \
        sorted((f.rule, f"{f.subject_kind}:{f.subject_id}") for f in report.findings)
    for row in rows:
        finding = next(f for f in report.findings if f.rule == row["data-rule"])
        assert row["data-area"] == finding.area
        assert row["data-severity"] == finding.severity
        assert row["data-waived"] == ("true" if finding.waived else "false")


def test_rows_carry_articles_subject_location_and_fix(report):
    text = render(report, "html")
    for f in report.findings:
        row = re.search(r'<tr class="finding[^"]*" id="[^"]+" data-rule="%s".*?</tr>' % f.rule,
                        text, re.S).group(0)
        plain = unescape(re.sub(r"<[^>]+>", " ", row))
        assert ", ".join(f.articles) in plain
        assert f.subject_id in plain
        assert f"{f.path}:{f.line}:{f.column}" in plain
        # `code` in a message is shown as code: the words without the backticks
        assert " ".join(f.message.replace("`", "").split()) in " ".join(plain.split())
        if f.remediation:
            assert " ".join(f.remediation.split()) in " ".join(plain.split())


def test_user_text_is_escaped(report):
    text = render(report, "html")
    assert "<b>data</b>" not in text and "<tunnel>" not in text and "<by>" not in text
    assert "&lt;b&gt;data&lt;/b&gt;" in text
    assert "&lt;tunnel&gt;" in text


def test_script_injection_through_ids_and_names_is_inert():
    evil = '"><script>alert(1)</script><x y="'
    finding = Finding(rule="X1", name=evil, area="notice", severity="high",
                      articles=["Art. 13", evil], subject_kind="system", subject_id=evil,
                      message=evil, remediation=evil, path=evil, line=1, column=1)
    graph = {"nodes": [{"key": "system:" + evil, "id": evil, "kind": "system", "name": evil,
                        "countries": ["US"], "outside_eea": ["US"]}], "edges": []}
    text = render(Report(findings=[finding], graph=graph), "html")
    assert "<script>alert(1)" not in text
    assert len(Page(text).scripts) == 1


def test_summary_numbers(report):
    text = render(report, "html")
    summary = report.summary()
    for key, value in [("total", summary["findings"]), ("waived", summary["waived"]),
                       *summary["by_severity"].items()]:
        assert re.search(rf'id="count-{key}">{value}<', text), key
    assert "<title>GDPR compliance report: 4 findings</title>" in text
    page = Page(text)
    assert {r["data-area"] for r in page.find("tr") if "data-area" in r and "class" not in r} \
        == {f.area for f in report.findings}


def test_filters_for_every_area_and_severity_present(report):
    page = Page(render(report, "html"))
    severities = {a["value"] for a in page.find("input", name="severity")}
    areas = {a["value"] for a in page.find("input", name="area")}
    assert severities == {"critical", "high", "medium", "low", "info"}
    assert areas == {f.area for f in report.findings}


def test_flow_map_marks_failing_flows_and_nodes(report):
    page = Page(render(report, "html"))
    assert page.find("svg", **{"class": "flowmap"})
    edges = {a["data-edge"]: a for _, a in page.tags if "data-edge" in a}
    nodes = {a["data-node"]: a for _, a in page.tags if "data-node" in a}
    flows = {e["key"] for e in report.data_flow_graph()["edges"] if e["kind"] == "flow"}
    assert flows <= set(edges)
    assert set(nodes) == {n["key"] for n in report.data_flow_graph()["nodes"]}
    # crm_backup: its own finding (XR100). list_to_mailer and signup only touch nodes with
    # findings (newsletter_list XR200, mailer XR600): the nodes are marked, not the flows.
    failing = {k for k, a in edges.items() if "failing" in a["class"].split()}
    assert failing == {"flow:crm_backup"}
    assert edges["flow:crm_backup"]["data-rules"] == "XR100"
    assert "unencrypted" in edges["flow:crm_backup"]["class"].split()
    assert {k for k, a in nodes.items() if "failing" in a["class"].split()} == \
        {"system:newsletter_list", "processor:mailer"}


def test_large_maps_are_left_out(report):
    from gdpr_check.report.html import MAP_LIMIT
    nodes = [{"key": f"system:s{i}", "id": f"s{i}", "kind": "system", "name": f"s{i}",
              "countries": [], "outside_eea": []} for i in range(MAP_LIMIT + 1)]
    report = replace(report, graph={"nodes": nodes, "edges": []})
    text = render(report, "html")
    assert "<svg class=\"flowmap\"" not in text and "gdpr-check graph --format dot" in text


def test_cycles_and_back_flows_are_drawn(report):
    """Data returning to the data subject, and a cycle between systems, still lay out."""
    from gdpr_check.report.html import _layers
    graph = report.data_flow_graph()
    extra = [{"key": "flow:back", "id": "back", "kind": "flow", "from": "crm", "to": "data_subject",
              "source": "system:crm", "target": "source:data_subject", "name": "back",
              "purpose": None, "data_categories": [], "encrypted": True, "outside_eea": []},
             {"key": "flow:loop", "id": "loop", "kind": "flow", "from": "cloudhost", "to": "crm",
              "source": "processor:cloudhost", "target": "system:crm", "name": "loop",
              "purpose": None, "data_categories": [], "encrypted": True, "outside_eea": []}]
    report = replace(report, graph={"nodes": graph["nodes"], "edges": graph["edges"] + extra})
    layers = _layers(report.data_flow_graph())
    assert layers["source:data_subject"] == 0
    assert layers["system:crm"] == 1 and layers["processor:cloudhost"] == 2
    page = Page(render(report, "html"))
    assert {"flow:back", "flow:loop"} <= {a["data-edge"] for _, a in page.tags if "data-edge" in a}


def test_no_findings_and_no_graph():
    text = render(Report(findings=[]), "html")
    assert "No findings" in text and "Passes" in text


def test_deterministic(project, report):
    assert render(report, "html") == render(run(project, graph=True), "html")


# The findings table's rows as the template wrote them before `_row_chunks` (issue 10):
# the oracle the Python rows are compared with, on waived, baseline, grouped and odd rows.
ROW_TEMPLATE = (Path(__file__).parent / "html_rows.jinja").read_text()


def test_rows_are_what_the_template_wrote(report):
    import jinja2
    from markupsafe import Markup

    from gdpr_check.report import html
    odd = "<b>&\"'</b> `code` _x_"
    findings = list(report.findings) + [
        f._replace(subject_id=f"{f.subject_id}-{i}", line=None if i else f.line,
                   message=f.message, remediation=odd if i else "fix `a` and `b",
                   new=i != 1, subject_name=odd if i == 2 else None)
        for i, f in enumerate(report.findings[:1] * 4)]
    findings.append(Finding(rule="XR100", name=odd, area="security", severity="high",
                            articles=["Art. 32", odd], subject_kind="data_category",
                            subject_id=odd, message=odd, remediation=None, path=None,
                            line=None, column=None, waived={"reason": odd, "approved_by": None,
                                                            "expires": "2099-01-01"}))
    rows = html._rows(replace(report, findings=findings))["rows"]
    assert any(len(r["members"]) > 1 for r in rows) and any(r["waiver"] for r in rows)
    href = html._href("sub/", "https://example.com/blob/x")
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["code"] = html._code_spans
    expected = env.from_string(ROW_TEMPLATE).render(rows=rows, href=href)
    assert "".join(html._row_chunks(rows, href)) == expected
    assert all(isinstance(chunk, Markup) for chunk in html._row_chunks(rows, href))


def test_the_rows_escape_as_autoescaping_does():
    from markupsafe import escape

    from gdpr_check.report import html
    for text in ["<script>&\"'", "a & b", "", "plain", "`x` <y>", "&amp;", "\u2028 😀", 42]:
        assert html._escape(text) == str(escape(text))
        assert html._code_spans(text) == html._code_html(text)
