"""Reports that stream (issue 10, item 3): written piece by piece, byte for byte what the
whole-document encoders gave, and still all or nothing."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from gdpr_check.findings import Error, Finding, Notice, Report
from gdpr_check.outputs import Output, write_outputs
from gdpr_check.report import chunks, render
from gdpr_check.report import json as json_report

ODD = "ä \"quoted\" \\ back\tslash\n\x01\x1f\x7f \u2028 😀 <b>&amp;</b> ]]> --"


def _odd_report(report) -> Report:
    """The fixture's report with text that every encoder must escape, an error and a
    notice, so every branch of the layouts is written."""
    findings = [f._replace(message=f.message + ODD, remediation=ODD, key=ODD[:3])
                for f in report.findings]
    return replace(report, findings=findings,
                   notices=[Notice(kind="stale-waiver", message=ODD, path="waivers.yaml",
                                   line=2)],
                   errors=[Error(message=ODD, path="pack/x.yaml", line=3, column=4,
                                 kind="rule", rule="XR100")])


def _as_json_dumps(text: str) -> str:
    return json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("odd", [False, True])
def test_json_is_what_json_dumps_writes(report, odd):
    report = _odd_report(report) if odd else report
    text = render(report, "json")
    assert text == json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    assert len(list(chunks(report, "json"))) >= 3  # head, findings, tail: not one string


def test_json_batches_findings(report, monkeypatch):
    monkeypatch.setattr(json_report, "BATCH", 1)
    pieces = list(chunks(report, "json"))
    assert len(pieces) == 1 + len(report.findings) + 2  # head, one each, end of list, tail
    assert "".join(pieces) == json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def test_json_without_orjson_gives_the_same_bytes(report, monkeypatch):
    expected = render(_odd_report(report), "json")
    monkeypatch.setattr(json_report, "orjson", None)
    assert render(_odd_report(report), "json") == expected


def test_what_orjson_refuses_goes_through_json():
    value = {"big": 2 ** 70, "lone": "\ud800"}
    assert json_report.encode(value) == json.dumps(value, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("odd", [False, True])
@pytest.mark.parametrize("caps", [{}, {"max_results": 2}, {"max_gzip_bytes": 3_000}])
def test_sarif_is_laid_out_as_json_dumps_writes_it(report, odd, caps, sarif_validator):
    report = _odd_report(report) if odd else report
    text = render(report, "sarif", **caps)
    assert text == _as_json_dumps(text)
    assert not list(sarif_validator.iter_errors(json.loads(text)))


@pytest.mark.parametrize("odd", [False, True])
@pytest.mark.parametrize("gated", [False, True])
def test_junit_is_what_elementtree_writes(report, odd, gated):
    report = _odd_report(report) if odd else report
    text = render(report, "junit", fail_on_unrecorded=gated)
    root = ET.fromstring(text.encode())
    ET.indent(root, space="  ")
    assert text == '<?xml version="1.0" encoding="UTF-8"?>\n' + \
        ET.tostring(root, encoding="unicode") + "\n"


def test_empty_junit_is_what_elementtree_writes():
    text = render(Report(findings=[]), "junit")
    root = ET.fromstring(text.encode())
    assert text == '<?xml version="1.0" encoding="UTF-8"?>\n' + \
        ET.tostring(root, encoding="unicode") + "\n"


def test_html_streams_and_ends_as_the_whole_text_would(report, monkeypatch):
    from gdpr_check.report import html
    whole = render(report, "html")
    monkeypatch.setattr(html, "BATCH", 1)
    pieces = list(chunks(report, "html"))
    assert len(pieces) > 10 and "".join(pieces) == whole
    text = "".join(pieces)
    assert text.endswith("</html>\n") and not text.endswith("\n\n")
    assert "&lt;" not in text[:300]  # template text is never escaped as user text


def test_nothing_is_rendered_before_it_is_written(report, monkeypatch):
    """The CLI hands the writer unstarted streams: a report that is not written (the
    terminal's text when the run has errors) is never rendered."""
    import gdpr_check.report.text as text_report
    calls = []
    monkeypatch.setattr(text_report, "render", lambda *a, **k: calls.append(1) or "t\n")
    stream = chunks(report, "text")
    assert calls == []
    assert "".join(stream) == "t\n" and calls == [1]


def test_a_report_that_fails_half_way_replaces_nothing(tmp_path):
    """All or none with streams: the second report breaks after its first piece; the
    first file is not replaced, the second not created, no temporary file remains."""
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text("earlier\n")

    def broken():
        yield "{\n"
        raise RuntimeError("a renderer bug")
    with pytest.raises(RuntimeError):
        write_outputs([Output(str(first), iter(["new", " text\n"])),
                       Output(str(second), broken())])
    assert first.read_text() == "earlier\n" and not second.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


def test_pieces_are_written_whole(tmp_path):
    target = tmp_path / "r.txt"
    write_outputs([Output(str(target), (f"{i}\n" for i in range(10_000)))])
    assert target.read_text() == "".join(f"{i}\n" for i in range(10_000))


def test_findings_are_immutable_and_decisions_make_new_reports(report):
    from dataclasses import FrozenInstanceError
    from datetime import date

    from gdpr_check import waivers
    finding = report.findings[0]
    with pytest.raises(AttributeError):  # a NamedTuple's fields cannot be set
        finding.waived = {"reason": "x"}
    with pytest.raises(FrozenInstanceError):
        report.findings = []

    class Waiver:
        rule, subject, reason, approved_by, location = finding.rule, None, "ok", "DPO", None
        expires = date(2099, 1, 1)
    before = [f.waived for f in report.findings]
    waived = waivers.apply(report, [Waiver()])
    assert [f.waived for f in report.findings] == before  # the given report is untouched
    assert all(f.waived for f in waived.findings if f.rule == finding.rule)
    assert isinstance(waived, Report) and waived is not report
    assert all(isinstance(f, Finding) for f in waived.findings)
