"""JUnit XML for GitLab (`artifacts:reports:junit`), Jenkins and other CI test views.

One `<testsuite>` per area; in it, one `<testcase>` per rule and subject that failed
(`<failure>` with the message, articles, subject and `path:line:column`), and one passing
`<testcase>` per rule that found nothing, so the run shows every check it made. Waived
findings and findings already in the baseline are `<skipped>` with the reason: they do
not fail the run. So are unrecorded facts (`kind: unrecorded`: the inventory does not say
enough for the check to be made, which is what "skipped" means to a test view), with
`not recorded: <message>`, unless the run fails on them (`fail_on_unrecorded`), when they
are failures like violations. Errors of the run (an input that does not load, a rule that
cannot be evaluated) come first, in a suite `gdpr-check.errors` of `<error>` test cases,
counted in `errors`. Attribute order is fixed and there are no timestamps or durations, so
the same input gives the same bytes. The XML is written piece by piece, in the layout of
ElementTree's `indent` and `tostring`, never as a tree of every test case.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

# Characters XML 1.0 does not allow, even escaped: a message holding one would make the
# whole report unparseable.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
BATCH = 1_000   # test cases per piece


def chunks(report, fail_on_unrecorded: bool = False, prefix: str = "",
           **_options) -> Iterator[str]:
    """The XML, piece by piece, as ElementTree with `ET.indent(space="  ")` writes it
    (tests/report/test_junit.py compares), without a tree of every test case in memory.
    Errors of the run come first, as a suite of `<error>` test cases."""
    suites = _suites(report)
    gated = fail_on_unrecorded
    errors = [_error_case(e, prefix) for e in report.errors]
    root = _counts_attrs("gdpr-check", suites, gated, len(errors))
    if not suites and not errors:
        yield HEADER + _tag("testsuites", root, close=True) + "\n"
        return
    yield HEADER + _tag("testsuites", root)
    if errors:
        yield "\n  " + _tag("testsuite", {"name": "gdpr-check.errors", "tests": str(len(errors)),
                                          "failures": "0", "errors": str(len(errors)),
                                          "skipped": "0"})
        yield "".join("\n    " + case for case in errors) + "\n  </testsuite>"
    for area, cases in suites:
        yield "\n  " + _tag("testsuite", _counts_attrs(f"gdpr-check.{area}", [(area, cases)],
                                                       gated))
        for start in range(0, len(cases), BATCH):
            yield "".join("\n    " + _testcase(case, gated, prefix)
                          for case in cases[start:start + BATCH])
        yield "\n  </testsuite>"
    yield "\n</testsuites>\n"


def render(report, **options) -> str:
    return "".join(chunks(report, **options))


def _tag(name: str, attrs: dict[str, str], close: bool = False) -> str:
    """A start tag (or an empty element), attributes escaped as ElementTree escapes them."""
    text = "".join(f' {key}="{_attr(value)}"' for key, value in attrs.items())
    return f"<{name}{text} />" if close else f"<{name}{text}>"


def _element(name: str, attrs: dict[str, str], text: str) -> str:
    """An element holding only text."""
    return _tag(name, attrs) + _cdata(text) + f"</{name}>"


def _attr(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\r", "&#13;").replace("\n", "&#10;")
            .replace("\t", "&#09;"))


def _cdata(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _error_case(error, prefix: str) -> str:
    """One error of the run: a test case holding an `<error>` (what JUnit calls a problem
    that kept the test from running), at the file and line it names."""
    what = f"{error.kind} error"
    attrs = {"classname": _text(f"gdpr-check.errors.{error.kind}"),
             "name": _text(f"{error.rule} ({what})" if error.rule else
                           f"{what} at {error.where}" if error.where else what)}
    if error.path:
        attrs["file"] = _text(prefix + error.path)
        if error.line:
            attrs["line"] = str(error.line)
    details = _text(str(error))
    inner = _element("error", {"message": _text(_fold(error.message)),
                               "type": f"{error.kind}-error"}, details)
    return _tag("testcase", attrs) + "\n      " + inner + "\n    </testcase>"


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


def _counts_attrs(name: str, suites, gated: bool, errors: int = 0) -> dict[str, str]:
    cases = [c for _, group in suites for c in group]
    failures = sum(1 for c in cases if _outcome(c["finding"], gated) == "failure")
    skipped = sum(1 for c in cases if _outcome(c["finding"], gated) == "skipped")
    return {"name": name, "tests": str(len(cases) + errors), "failures": str(failures),
            "errors": str(errors), "skipped": str(skipped)}


def _outcome(f, gated: bool) -> str:
    if f is None:
        return "passed"
    if f.waived is not None or not f.new or (f.kind == "unrecorded" and not gated):
        return "skipped"
    return "failure"


def _testcase(case, gated: bool, prefix: str) -> str:
    f = case["finding"]
    attrs = {"classname": _text(f"gdpr-check.{case['area']}.{case['rule']}")}
    if f is None:
        attrs["name"] = _text(f"{case['rule']}: {_fold(case['name'])}")
        return _tag("testcase", attrs, close=True)
    attrs["name"] = _text(f"{case['rule']} {f.subject_kind} {f.subject_id}"
                          + (f" [{f.key}]" if f.key else ""))
    if f.path:
        attrs["file"] = _text(prefix + f.path)  # from the repository root, as CI shows files
        if f.line:
            attrs["line"] = str(f.line)
    if _outcome(f, gated) == "skipped":
        if f.waived is not None:
            reason = "waived: " + _fold((f.waived or {}).get("reason") or "")
        elif not f.new:
            reason = "in baseline"
        else:
            reason = "not recorded: " + _fold(f.message)
        inner = _tag("skipped", {"message": _text(reason)}, close=True)
    else:
        inner = _element("failure", {"message": _text(_fold(f.message)), "type": f.severity},
                         _text(_details(f)))
    return _tag("testcase", attrs) + "\n      " + inner + "\n    </testcase>"


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

