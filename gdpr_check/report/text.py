"""Terminal report: findings grouped by area, most severe first, each with path:line.

`max_findings` keeps a large run readable: only the most severe entries are listed (open
before waived, new before baseline, violations before unrecorded facts) and a line says
how many were left out. `summary_only` (the terminal when every report goes to a file)
lists no finding at all: the count of each area, the notices and the verdict.
"""
from __future__ import annotations

from ..findings import SEVERITY_ORDER
from ..model.rule import AREA_TITLES
from . import issues
from .paths import in_repository

COLOURS = {"critical": "35;1", "high": "31;1", "medium": "33", "low": "36", "info": "37"}
MAX_NOTICES = 10         # in a summary; the report files hold the rest
ANNOTATIONS_PER_LEVEL = 10  # GitHub shows at most 10 errors, warnings and notices a step


def _paint(text: str, code: str, colour: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if colour else text


def render(report, colour: bool = False, quiet: bool = False, fail_on: str = "low",
           github: bool = False, fail_on_unrecorded: bool = False,
           max_findings: int | None = None, summary_only: bool = False, prefix: str = "",
           **_options) -> str:
    lines: list[str] = []
    by_area: dict[str, list] = {}
    for finding in report.findings:
        if not issues.is_unrecorded(finding):
            by_area.setdefault(finding.area, []).append(finding)
    order = list(AREA_TITLES) + sorted(set(by_area) - set(AREA_TITLES))
    areas = []
    for area in order:
        findings = by_area.get(area)
        if findings:
            if not summary_only:  # a summary counts them: their order is not shown
                findings = sorted(findings, key=lambda f: (-SEVERITY_ORDER[f.severity],
                                                           f.path or "", f.line or 0, f.rule,
                                                           f.subject_id))
            areas.append((area, findings, issues.violations(findings)))
    grouped = [i for _, _, entries in areas for i in entries]
    todos = issues.todos(report.findings)
    shown = issues.most_severe([*grouped, *todos], 0 if summary_only else max_findings)
    for area, findings, entries in areas:
        count = str(len(findings)) if len(entries) == len(findings) else \
            f"{issues.plural(len(entries), 'issue')}, {len(findings)} findings"
        lines.append(_paint(f"{AREA_TITLES.get(area, area)} ({count})", "1", colour))
        listed = [issue for issue in entries if id(issue) in shown]
        for issue in listed:
            lines.extend(_issue(issue, quiet, colour, shown[id(issue)]))
        if listed:
            lines.append("")
    if areas and lines[-1] != "":
        lines.append("")
    lines.extend(_todo_list([(t, shown[id(t)]) for t in todos if id(t) in shown], quiet,
                            colour, fail_on_unrecorded, total=todos))
    notices = report.notices[:MAX_NOTICES] if summary_only else report.notices
    for notice in notices:
        where = f"{notice.path}:{notice.line}: " if notice.path else ""
        lines.append(_paint(f"{where}{notice.kind}: {notice.message}", "33", colour))
    if len(notices) < len(report.notices):
        lines.append(f"... and {len(report.notices) - len(notices)} more notices")
    if report.fixed and not quiet and not summary_only:
        lines.append(_paint(f"Fixed since the baseline ({len(report.fixed)})", "1", colour))
        lines.extend(f"  {e['rule']}  {e['subject']['kind']} {e['subject']['id']}"
                     for e in report.fixed)
    left_out = sum(len(i) - shown.get(id(i), 0) for i in [*grouped, *todos])
    if left_out and not summary_only:
        lines.append(f"... {left_out} less severe finding{'s are' if left_out != 1 else ' is'}"
                     f" not listed (--max-findings {max_findings}); the JSON, SARIF and "
                     "HTML reports list all")
    if github:
        lines.extend(_github_annotations(report, fail_on, prefix, fail_on_unrecorded))
    lines.append(_summary(report, fail_on, colour, fail_on_unrecorded, grouped))
    return "\n".join(lines) + "\n"


def _status(f) -> str:
    return " [waived]" if f.waived else ("" if f.new else " [baseline]")


def _issue(issue, quiet, colour, listed) -> list[str]:
    """A violation: one line, or for a defect repeated over subjects, one line and the
    subjects it concerns (their lines, so each can still be found)."""
    f = issue.head
    severity = _paint(f"{f.severity:<8}", COLOURS[f.severity], colour)
    lines = [f"  {f.location}: {severity} {f.rule}  {issue.message}"
             + (f" ({issues.plural(len(issue), f.subject_kind)})" if len(issue) > 1
                else _status(f))]  # a group marks each subject: one mark per finding
    if len(issue) > 1:
        lines.extend(_members(issue, listed))
    if not quiet:
        lines.append(_footer(f, colour))
    return lines


def _todo_list(todos, quiet, colour, gated, total) -> list[str]:
    """Unrecorded facts, one entry per rule, each listing the subjects to record; `total`
    are all of them, `todos` those to list."""
    if not total:
        return []
    facts = sum(len(t) for t in total)
    effect = "they fail the run" if gated else "they do not fail the run"
    lines = [_paint(f"Not recorded ({facts} fact{'s' if facts != 1 else ''} to record, "
                    f"{len(total)} rule{'s' if len(total) != 1 else ''}; {effect})", "1",
                    colour)]
    for todo, listed in todos:
        f = todo.head
        severity = _paint(f"{f.severity:<8}", COLOURS[f.severity], colour)
        if len(todo) == 1:
            lines.append(f"  {f.location}: {severity} {f.rule}  {f.message}{_status(f)}")
        else:
            lines.append(f"  {severity} {f.rule}  {todo.message}: not recorded for "
                         f"{issues.plural(len(todo), f.subject_kind)}")
            lines.extend(_members(todo, listed))
        if not quiet:
            lines.append(_footer(f, colour))
    if todos:
        lines.append("")
    return lines


def _members(issue, listed) -> list[str]:
    """One line per subject, `path:line: name`: each keeps a location an editor opens;
    the first `listed` of them (a capped report counts the rest)."""
    return [f"      {m.location}: {issues.subject_label(m)}{_status(m)}"
            if m.location else f"      {issues.subject_label(m)}{_status(m)}"
            for m in issue.findings[:listed]]


def _footer(f, colour) -> str:
    return _paint(f"      {', '.join(f.articles)}"
                  + (f" | fix: {f.remediation}" if f.remediation else ""), "2", colour)


def _summary(report, fail_on, colour, fail_on_unrecorded=False, grouped=None) -> str:
    summary = report.summary()
    counted = issues.counts(report.findings, grouped)
    by_severity = dict.fromkeys(reversed(SEVERITY_ORDER), 0)
    for f in report.findings:
        if f.waived is None and not issues.is_unrecorded(f):
            by_severity[f.severity] += 1
    counts = ", ".join(f"{n} {s}" for s, n in by_severity.items() if n)
    failing = len(report.failing(fail_on, unrecorded=fail_on_unrecorded))
    total, shown = counted["violations"], counted["issues"]
    text = f"{total} finding{'s' if total != 1 else ''}"
    if shown != total:
        text += f" in {shown} issue{'s' if shown != 1 else ''}"
    text += f" ({counts})" if counts else ""
    if counted["unrecorded"]:
        text += f", {counted['unrecorded']} fact{'s' if counted['unrecorded'] != 1 else ''} " \
                "not recorded"
    text += (f", {summary['waived']} waived" if summary["waived"] else "") \
        + f" from {summary['rules']} rules on {summary['files']} files"
    if getattr(report, "baseline", None) is not None:
        text += f"; {summary['new']} new, {summary['fixed']} fixed since {report.baseline}"
    if fail_on != "never":
        text += f"; {failing} at or above '{fail_on}'"
    return _paint(text, "31;1" if failing else "32;1", colour)


def _github_annotations(report, fail_on, prefix="", fail_on_unrecorded=False) -> list[str]:
    """`::error file=…,line=…::` workflow commands, so GitHub marks the lines in a PR.

    Failing findings are errors, other open violations warnings, baseline findings and
    unrecorded facts notices; waived ones are left out. Most severe first: GitHub shows
    only the first ten of each level per step, so the rest are counted in one notice, not
    printed. Paths are relative to the repository root (`paths.py`: the same as the
    SARIF's), since the project checked may sit in a subfolder.
    """
    failing = {id(f) for f in report.failing(fail_on, unrecorded=fail_on_unrecorded)}
    levels = {"error": 0, "warning": 1, "notice": 2}
    annotated = []
    for f in report.findings:
        if f.path is None or f.waived is not None:
            continue
        level = "error" if id(f) in failing else \
            ("warning" if f.new and not issues.is_unrecorded(f) else "notice")
        text = f"{f.rule} {f.message} ({', '.join(f.articles)})"
        if f.remediation:
            text += f"\nFix: {f.remediation}"
        annotated.append(((levels[level], -SEVERITY_ORDER[f.severity], f.path, f.line or 0,
                           f.rule, f.subject_id), level, f.path, f.line, f.column,
                          f"{f.rule}: {f.name}", text))
    for n in report.notices:
        if n.path:
            annotated.append(((1, 0, n.path, n.line or 0, n.kind, ""), "warning", n.path,
                              n.line, None, f"gdpr-check: {n.kind}", n.message))
    out, per_level = [], dict.fromkeys(levels, 0)
    for _, level, path, line, column, title, text in sorted(annotated, key=lambda a: a[0]):
        per_level[level] += 1
        if per_level[level] > ANNOTATIONS_PER_LEVEL:
            continue
        out.append(_command(level, in_repository(path, prefix), line, column, title, text))
    skipped = len(annotated) - len(out)
    if skipped:
        out.append(f"::notice title=gdpr-check::{skipped} more findings are not annotated "
                   "(GitHub shows ten of each level per step); the report lists all")
    return out


def error_annotations(report, prefix="") -> list[str]:
    """`::error` workflow commands for the errors that stopped the run (a file that does
    not load, a rule that cannot run), so that GitHub marks the line to fix in a PR as it
    marks findings. The run prints no text report then (the errors on standard error are
    the report), so these are all a pull request shows. Errors without a file (a wrong
    flag) are on standard error only; beyond GitHub's ten a step, one notice counts them."""
    located = [e for e in report.errors if e.path]
    out = []
    for error in located[:ANNOTATIONS_PER_LEVEL]:
        title = f"gdpr-check: rule {error.rule} cannot run" if error.rule else \
            "gdpr-check: input error"
        out.append(_command("error", in_repository(error.path, prefix), error.line,
                            error.column, title, error.message))
    if len(located) > ANNOTATIONS_PER_LEVEL:
        out.append(f"::notice title=gdpr-check::{len(located) - ANNOTATIONS_PER_LEVEL} more "
                   "errors are not annotated (GitHub shows ten a step); standard error "
                   "lists them")
    return out


def _command(level: str, path: str, line, column, title: str, text: str) -> str:
    """One workflow command marking `path:line[:column]` (paths relative to the repository)."""
    props = f"file={_escape_property(path)},line={line or 1}"
    if column:
        props += f",col={column}"
    return f"::{level} {props},title={_escape_property(title)}::{_escape_data(text)}"


def _escape_data(text: str) -> str:
    """As @actions/core escapes a command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """As @actions/core escapes a command's properties (`,` and `:` end them)."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
