"""JUnit XML for GitLab (`artifacts:reports:junit`), Jenkins and other CI test views.

One `<testsuite>` per area; in it, one `<testcase>` per rule and subject that failed
(`<failure>` with the message, articles, subject and `path:line:column`), and one passing
`<testcase>` per rule that found nothing, so the run shows every check it made. Waived
findings and findings already in the baseline are `<skipped>` with the reason: they do
not fail the run. So are unrecorded facts (`kind: unrecorded`: the inventory does not say
enough for the check to be made, which is what "skipped" means to a test view), with
`not recorded: <message>`, unless the run fails on them (`fail_on_unrecorded`), when they
are failures like violations. Attribute order is fixed and there are no timestamps or durations, so
the same input gives the same bytes.
"""
from __future__ import annotations

import re

# Characters XML 1.0 does not allow, even escaped: a message holding one would make the
# whole report unparseable.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def render(report, fail_on_unrecorded: bool = False, prefix: str = "", **_options) -> str:
    from xml.etree import ElementTree as ET

    suites = _suites(report)
    gated = fail_on_unrecorded
    root = ET.Element("testsuites", _counts_attrs("gdpr-check", suites, gated))
    for area, cases in suites:
        suite = ET.SubElement(root, "testsuite", _counts_attrs(f"gdpr-check.{area}",
                                                                [(area, cases)], gated))
        for case in cases:
            suite.append(_testcase(ET, case, gated, prefix))
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") \
        + "\n"


def _suites(report) -> list[tuple[str, list[dict]]]:
    """(area, cases) sorted by area; cases by rule, then subject."""
    rules = {r.id: r for r in report.rules}
    findings_by_rule: dict[str, list] = {}
    for f in report.findings:
        findings_by_rule.setdefault(f.rule, []).append(f)
    cases: dict[str, list[dict]] = {}
    for rule_id in sorted(set(rules) | set(findings_by_rule)):
        findings = findings_by_rule.get(rule_id, [])
        rule = rules.get(rule_id)
        area = rule.area if rule is not None else findings[0].area
        name = rule.name if rule is not None else findings[0].name
        if not findings:
            cases.setdefault(area, []).append({"rule": rule_id, "area": area, "name": name,
                                               "finding": None})
        for f in findings:
            cases.setdefault(area, []).append({"rule": rule_id, "area": area, "name": name,
                                               "finding": f})
    return sorted(cases.items())


def _counts_attrs(name: str, suites, gated: bool) -> dict[str, str]:
    cases = [c for _, group in suites for c in group]
    failures = sum(1 for c in cases if _outcome(c["finding"], gated) == "failure")
    skipped = sum(1 for c in cases if _outcome(c["finding"], gated) == "skipped")
    return {"name": name, "tests": str(len(cases)), "failures": str(failures), "errors": "0",
            "skipped": str(skipped)}


def _outcome(f, gated: bool) -> str:
    if f is None:
        return "passed"
    if f.waived is not None or not f.new or (f.kind == "unrecorded" and not gated):
        return "skipped"
    return "failure"


def _testcase(ET, case, gated: bool, prefix: str):
    f = case["finding"]
    attrs = {"classname": _text(f"gdpr-check.{case['area']}.{case['rule']}")}
    if f is None:
        attrs["name"] = _text(f"{case['rule']}: {_fold(case['name'])}")
        return ET.Element("testcase", attrs)
    attrs["name"] = _text(f"{case['rule']} {f.subject_kind} {f.subject_id}"
                          + (f" [{f.key}]" if f.key else ""))
    if f.path:
        attrs["file"] = _text(prefix + f.path)  # from the repository root, as CI shows files
        if f.line:
            attrs["line"] = str(f.line)
    element = ET.Element("testcase", attrs)
    outcome = _outcome(f, gated)
    if outcome == "skipped":
        if f.waived is not None:
            reason = "waived: " + _fold((f.waived or {}).get("reason") or "")
        elif not f.new:
            reason = "in baseline"
        else:
            reason = "not recorded: " + _fold(f.message)
        ET.SubElement(element, "skipped", {"message": _text(reason)})
    else:
        failure = ET.SubElement(element, "failure", {
            "message": _text(_fold(f.message)), "type": f.severity})
        failure.text = _text(_details(f))
    return element


def _details(f) -> str:
    where = f.location + (f":{f.column}" if f.line and f.column else "")
    lines = [f"{f.rule} {_fold(f.name)}", _fold(f.message), "",
             f"Severity: {f.severity} (area: {f.area}, kind: {f.kind})",
             f"GDPR: {', '.join(f.articles)}",
             f"Subject: {f.subject_kind} {f.subject_id}"]
    if where:
        lines.append(f"Location: {where}")
    if f.remediation:
        lines.append(f"Fix: {_fold(f.remediation)}")
    return "\n".join(lines)


def _fold(text) -> str:
    return " ".join(str(text).split()) if text else ""


def _text(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)

