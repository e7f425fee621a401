"""GitHub's limits at full size (issue 9, "what it must show"): 10,000 systems with every
report written to files. The terminal shows a summary of at most 40 lines, the SARIF is
valid against the OASIS schema and within every limit GitHub code scanning sets on an
upload, and the Markdown is under 65,536 characters. benchmarks/report_scale.py runs the
same `measure` and `failures` as a script.

A minute on a loaded machine (marked `slow`: it runs in CI too, `.ci/run`)."""
from __future__ import annotations

import sys

import pytest

from gdpr_check.findings import Finding, Report
from gdpr_check.report import render
from gdpr_check.report.sarif import MAX_TAGS

from .conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import report_scale  # noqa: E402
from generate import generate  # noqa: E402


@pytest.mark.slow
def test_10000_systems_with_every_report_written_to_files(tmp_path):
    pytest.importorskip("fastjsonschema")
    project = generate(tmp_path / "project", scale=1.0, flows=1000)
    systems = sum(text.count("\n- id: sys-") + text.startswith("- id: sys-")
                  for text in (p.read_text() for p in (project / "inventory")
                               .glob("systems-*.yaml")))
    assert systems == 10_000
    out = tmp_path / "out"
    out.mkdir()
    terminal, _, seconds = report_scale.run(project, out)
    figures = report_scale.measure(out, terminal)
    print(f"\n{seconds:.1f} s: {figures}")
    assert report_scale.failures(figures) == []
    # the caps are what made it fit: more findings than GitHub takes, all in the JSON
    assert figures["findings"] > 25_000 and figures["sarif results"] == 25_000
    assert terminal[-1].startswith("reports written: ") and \
        all(str(out / name) in terminal[-1] for name in report_scale.REPORTS)


def test_failures_name_each_broken_condition():
    ok = {"terminal lines": 12, "terminal summary": "40480 findings in 2351 issues (...)",
          "findings": 40_480, "sarif schema error": None, "sarif runs": 1,
          "sarif results": 25_000, "sarif left out": 15_480, "sarif rules": 121,
          "sarif tags per rule": 6, "sarif locations per result": 1,
          "sarif gzip bytes": 1_200_000, "markdown characters": 57_000}
    assert report_scale.failures(ok) == []
    broken = ok | {"terminal lines": 41, "sarif results": 25_001, "sarif left out": 15_000,
                   "sarif gzip bytes": 11 * 1024 * 1024, "markdown characters": 65_536,
                   "sarif schema error": "data.runs[0] must be object", "sarif tags per rule": 21}
    found = report_scale.failures(broken)
    assert len(found) == 7, found
    assert any(f.startswith("terminal: 41 lines") for f in found)
    assert any("65,536 characters, under 65,536" in f for f in found)


def test_a_rule_with_many_tags_keeps_within_githubs_tag_limit():
    import json
    finding = Finding(rule="XT001", name="x", area="security", severity="low",
                      articles=["Art. 32"], subject_kind="system", subject_id="s",
                      message="m", remediation=None, path=None, line=None, column=None,
                      tags=[f"t{i}" for i in range(30)])
    rule = json.loads(render(Report(findings=[finding]), "sarif"))["runs"][0]["tool"][
        "driver"]["rules"][0]
    assert len(rule["properties"]["tags"]) == MAX_TAGS
    # the tags GitHub filters by come first; the rule's own fill the rest
    assert rule["properties"]["tags"][:4] == ["security", "privacy", "gdpr", "t0"]
