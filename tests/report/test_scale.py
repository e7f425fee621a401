"""Large runs (issue 9, item 7): a generated project with a few thousand findings proves
the caps, made small by parameter where GitHub's real limits would need 10,000 systems
(tests/report/test_github_limits.py and benchmarks/report_scale.py run that size)."""
from __future__ import annotations

import gzip
import json
import re
import sys

import jsonschema
import pytest

from gdpr_check import check
from gdpr_check.cli import main
from gdpr_check.report import render

from .conftest import REPO, SCHEMA

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate  # noqa: E402


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    project = generate(tmp_path_factory.mktemp("big") / "project", scale=0.03)
    return project, check(project, config=False, baseline=False)


def test_sarif_keeps_the_most_severe_within_the_cap_and_says_so(big):
    _, report = big
    assert len(report.findings) > 2000
    log = json.loads(render(report, "sarif", max_results=500))
    jsonschema.validate(log, json.loads(SCHEMA.read_text()))
    run = log["runs"][0]
    assert len(run["results"]) == 500
    note = run["invocations"][0]["toolExecutionNotifications"][-1]
    assert note["descriptor"]["id"] == "results-left-out"
    assert note["message"]["text"].startswith(f"{len(report.findings) - 500} of "
                                              f"{len(report.findings)} results are left out")
    rank = {"error": 0, "warning": 1, "note": 2}
    kept = max(rank[r["level"]] for r in run["results"])
    left = {f.fingerprint for f in report.findings} - \
        {r["partialFingerprints"]["gdprCheck/v1"] for r in run["results"]}
    levels = {f.fingerprint: ("note" if f.kind == "unrecorded" else
                              {"critical": "error", "high": "error", "medium": "warning"}
                              .get(f.severity, "note")) for f in report.findings}
    assert all(rank[levels[fp]] >= kept for fp in left)  # nothing left out outranks a kept one


def test_sarif_within_the_compressed_size_cap(big):
    _, report = big
    text = render(report, "sarif", max_gzip_bytes=100_000)
    assert len(gzip.compress(text.encode(), mtime=0)) <= 100_000
    run = json.loads(text)["runs"][0]
    assert 0 < len(run["results"]) < len(report.findings)
    assert run["invocations"][0]["toolExecutionNotifications"][-1]["descriptor"]["id"] == \
        "results-left-out"
    full = json.loads(render(report, "sarif"))["runs"][0]   # under the real limits: all
    assert len(full["results"]) == len(report.findings)
    assert "invocations" not in full or all(
        n["descriptor"]["id"] != "results-left-out"
        for n in full["invocations"][0]["toolExecutionNotifications"])


def test_markdown_stays_under_githubs_comment_limit(big):
    _, report = big
    text = render(report, "markdown", link_base="https://github.com/o/r/blob/abc")
    assert len(text) < 65_536
    assert "left out (GitHub's comment size limit)" in text
    assert "](https://github.com/o/r/blob/abc/inventory/" in text
    capped = render(report, "markdown", max_findings=20)
    assert "left out (--max-findings 20)" in capped and len(capped) < 20_000


def test_terminal_summary_when_every_report_goes_to_files(big, tmp_path, capsys):
    project, report = big
    outputs = [x for name in ("r.sarif", "r.md", "r.html", "r.json", "r.xml")
               for x in ("--output", str(tmp_path / name))]
    assert main(["check", str(project), "--fail-on", "never", *outputs]) == 0
    out = capsys.readouterr().out
    assert len(out.splitlines()) <= 40
    assert out.splitlines()[-1].startswith("reports written: ")
    assert len((tmp_path / "r.md").read_text()) < 65_536


def test_max_findings_caps_the_text_report(big, capsys):
    project, report = big
    main(["check", str(project), "--fail-on", "never", "--max-findings", "25", "-q"])
    out = capsys.readouterr().out
    assert len(out.splitlines()) < 25 + 40   # the findings, area headings and the summary
    assert "not listed (--max-findings 25)" in out


def test_max_findings_caps_the_html_report(big):
    _, report = big
    text = render(report, "html", max_findings=30)
    assert text.count('<tr class="finding') + text.count('<tr class="todo') <= 30
    left = int(re.search(r'<p id="left-out">(\d+) less severe findings are not listed '
                         r'\(--max-findings 30\)', text)[1])
    assert len(report.findings) - 30 <= left < len(report.findings)


def test_the_summary_counts_as_the_full_text_report_does(big):
    """The terminal's summary (every report in a file) skips the sorting that only a
    listing needs; its counts, line for line, are the full report's."""
    from gdpr_check.report import text
    _, report = big
    summary = text.render(report, summary_only=True).splitlines()
    full = text.render(report).splitlines()
    headers = [line for line in full if line and not line.startswith(" ")
               and not line.startswith("...")]
    assert len(summary) > 5 and any("issues," in line for line in summary)
    assert [line for line in summary if line] == headers
