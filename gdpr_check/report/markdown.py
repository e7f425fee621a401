"""Markdown for a pull-request comment or `$GITHUB_STEP_SUMMARY` (GitHub-flavoured).

A headline with the verdict, a table of findings by area x severity, then the findings of
each area, most severe first, each with its location as a link (`path#Lline`, relative to
the repository root (`paths.py`), below `link_base` when given, which a PR comment needs:
there a relative link resolves against the PR's page; e.g. the commit's blob URL), the
articles and the fix; one entry per issue, listing its subjects when a defect repeats
(`issues.py`), and unrecorded facts last, as a to-do list by rule. Waived and baseline
findings are marked. When everything would not
fit in a GitHub comment (`max_chars`, under its 65,536-character limit) or more than
`max_findings` findings would be listed, the least severe are left out, and the text says
how many. Everything that comes from the inputs is escaped, so a `|` in a
message cannot break the table and a `<script>` cannot become HTML.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from ..findings import SEVERITY_ORDER
from . import issues
from .text import AREA_TITLES

SEVERITIES = sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.get, reverse=True)  # critical first
MAX_CHARS = 60_000   # GitHub refuses comments over 65,536 characters
ICONS = {"critical": "🟣", "high": "🔴", "medium": "🟠", "low": "🔵", "info": "⚪"}

_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")
_LEADING = re.compile(r"^(\d+)([.)])|^([-+=])")   # would start a list or an underline
_MENTION = re.compile(r"(^|[^\w@])@(?=\w)")


def escape(text, line_start: bool = False) -> str:
    """Inline Markdown text: one line, punctuation backslash-escaped, `<>&` as entities,
    `@name` kept from pinging anyone; `line_start` when the text begins a line, where
    `1.` or `-` would start a list."""
    text = " ".join(str(text).split()) if text else ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    if line_start:
        text = _LEADING.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)
    return _MENTION.sub("\\1@\u200b", text)


@dataclass(frozen=True)
class _Links:
    """How a location becomes a link: below `base` (a URL) when given, the path relative to
    the repository root (`prefix` + the project-relative path)."""
    base: str | None = None
    prefix: str = ""

    def to(self, path: str, line) -> str:
        shown = self.prefix + path.replace("\\", "/")
        target = quote(shown, safe="/-._~")
        if self.base:
            target = self.base.rstrip("/") + "/" + target
        label = f"{shown}:{line}" if line else shown
        return f"[{escape(label)}]({target}{f'#L{line}' if line else ''})"


def render(report, fail_on: str = "low", link_base: str | None = None, quiet: bool = False,
           max_chars: int | None = MAX_CHARS, fail_on_unrecorded: bool = False,
           max_findings: int | None = None, prefix: str = "", **_options) -> str:
    links = _Links(link_base, prefix)
    summary = report.summary()
    failing = len(report.failing(fail_on, unrecorded=fail_on_unrecorded))
    by_area: dict[str, list] = {}
    for finding in report.findings:
        if not issues.is_unrecorded(finding):
            by_area.setdefault(finding.area, []).append(finding)
    entries = {area: issues.violations(sorted(found, key=_order))
               for area, found in by_area.items()}
    counted = issues.counts(report.findings, [i for g in entries.values() for i in g])
    head = [*_errors(report.errors, links), _headline(report, counted, failing, fail_on), ""]
    if counted["violations"] or summary["waived"]:
        head += _table(report) + [""]
    head.append(f"{summary['rules']} rules ran on {summary['files']} files"
                + (f"; {summary['waived']} findings waived" if summary["waived"] else "")
                + (f"; tool version {escape(report.tool_version)}" if report.tool_version
                   else "") + ".")
    tail = []
    if report.notices:
        tail += ["", "### Notices", ""]
        for notice in report.notices:
            where = f"{links.to(notice.path, notice.line)}: " if notice.path else ""
            tail.append(f"- {where}**{escape(notice.kind)}**: {escape(notice.message)}")
    todos = issues.todos(report.findings)
    capped = issues.most_severe([*(i for g in entries.values() for i in g), *todos],
                                max_findings)
    blocks: dict[int, str] = {}
    shown = _within_budget([i for i in [*(i for g in entries.values() for i in g), *todos]
                            if id(i) in capped],
                           lambda i: "\n".join(_entry(i, links, quiet, capped[id(i)])),
                           blocks, max_chars, used=sum(len(x) + 1 for x in head + tail) + 600)
    shown = {k: capped[k] for k in shown}
    lines = list(head)
    for area in _area_order(by_area):
        listed = [i for i in entries[area] if id(i) in shown]
        lines += ["", f"### {escape(AREA_TITLES.get(area, area))} "
                      f"({_count(listed, entries[area])})", ""]
        lines += [blocks[id(i)] for i in listed]
    if todos:
        listed = [t for t in todos if id(t) in shown]
        effect = "they fail the run" if fail_on_unrecorded else "they do not fail the run"
        lines += ["", f"### Not recorded ({_count(listed, todos)})", "",
                  f"*Facts the inventory or notice does not record, to complete; {effect}.*",
                  ""]
        lines += [blocks[id(t)] for t in listed]
    left_out = len(report.findings) - sum(shown.values())
    if left_out:
        why = f"--max-findings {max_findings}" if len(shown) == len(capped) \
            else "GitHub's comment size limit"
        lines += ["", f"*{left_out} less severe finding{'s are' if left_out != 1 else ' is'} "
                      f"left out ({why}); the JSON, SARIF or HTML report lists all.*"]
    return "\n".join(lines + tail) + "\n"


def _count(listed, entries) -> str:
    """`3`, `3 of 5`, and the findings when entries group several: `2 issues, 12 findings`."""
    found = sum(len(i) for i in entries)
    text = str(len(listed)) if len(listed) == len(entries) else f"{len(listed)} of {len(entries)}"
    if found != len(entries):
        text += f" {'issue' if len(entries) == 1 else 'issues'}, {found} findings"
    return text


def _order(f):
    return (-SEVERITY_ORDER[f.severity], f.rule, f.path or "", f.line or 0, f.subject_kind,
            f.subject_id, f.key)


def _within_budget(entries, block_of, blocks, max_chars, used) -> set[int]:
    """The entries to show: all, or the most important ones (`issues.importance`) that
    fit in `max_chars`; `blocks` receives the text (`block_of(entry)`) of each.

    Taken greedily in order of importance until one does not fit, which keeps them all
    when all fit; so only the entries shown (and one more) are ever written out, not the
    tens of thousands of a large run that a comment cannot hold."""
    shown = set()
    order = entries if max_chars is None else sorted(entries, key=issues.importance)
    for entry in order:
        block = blocks[id(entry)] = block_of(entry)
        size = len(block) + 1
        if max_chars is not None and used + size > max_chars:
            break
        used += size
        shown.add(id(entry))
    return shown


MAX_ERRORS = 50  # errors listed; a comment is for people, the JSON report holds all


def _errors(errors, links) -> list[str]:
    """What stopped the run (exit 2), before anything else: the findings that follow are
    those of the rules that could run, or none when the project did not load."""
    if not errors:
        return []
    count = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
    lines = [f"## ⛔ gdpr-check: {count}, the check is incomplete", "", "### Errors", ""]
    for error in errors[:MAX_ERRORS]:
        where = f"{links.to(error.path, error.line)}: " if error.path else ""
        rule = f" (rule `{_code(error.rule)}`)" if error.rule else ""
        lines.append(f"- {where}{escape(error.message)}{rule}")
    if len(errors) > MAX_ERRORS:
        lines.append(f"- … and {len(errors) - MAX_ERRORS} more (the JSON report lists all)")
    return lines + [""]


def _headline(report, counted, failing, fail_on) -> str:
    total, unrecorded = counted["violations"], counted["unrecorded"]
    if total == 0 and unrecorded == 0:  # with errors, a pass would be claimed for a run that
        # did not check everything
        return "No findings from the rules that could run." if report.errors else \
            "## ✅ gdpr-check: no findings"
    by_severity = dict.fromkeys(SEVERITIES, 0)
    for f in report.findings:
        if f.waived is None and not issues.is_unrecorded(f):
            by_severity[f.severity] += 1
    counts = ", ".join(f"{n} {s}" for s, n in by_severity.items() if n)
    icon = "❌" if failing else ("⚠️" if total else "📝")
    text = f"## {icon} gdpr-check: {total} finding{'s' if total != 1 else ''}"
    if counted["issues"] != total:
        text += f" in {counted['issues']} issue{'s' if counted['issues'] != 1 else ''}"
    text += f" ({counts})" if counts else ""
    if unrecorded:
        text += f", {unrecorded} fact{'s' if unrecorded != 1 else ''} not recorded"
    if fail_on != "never":
        text += f", {failing} at or above *{fail_on}*"
    return text


def _table(report) -> list[str]:
    """Open violations by area and severity (unrecorded facts have their own section), and
    the waived findings of each area."""
    counts: dict[str, dict[str, int]] = {}
    waived: dict[str, int] = {}
    for f in report.findings:
        if f.waived is None and issues.is_unrecorded(f):
            continue
        if f.waived is not None:
            waived[f.area] = waived.get(f.area, 0) + 1
        else:
            row = counts.setdefault(f.area, dict.fromkeys(SEVERITIES, 0))
            row[f.severity] += 1
    areas = _area_order(set(counts) | set(waived))
    lines = ["| Area | " + " | ".join(s.capitalize() for s in SEVERITIES) + " | Total | Waived |",
             "|:--" + "|--:" * (len(SEVERITIES) + 2) + "|"]
    totals = dict.fromkeys(SEVERITIES, 0)
    for area in areas:
        row = counts.get(area, dict.fromkeys(SEVERITIES, 0))
        for s in SEVERITIES:
            totals[s] += row[s]
        cells = [str(row[s]) if row[s] else "·" for s in SEVERITIES]
        lines.append(f"| {escape(AREA_TITLES.get(area, area))} | " + " | ".join(cells)
                     + f" | {sum(row.values())} | {waived.get(area, 0) or '·'} |")
    lines.append("| **Total** | " + " | ".join(f"**{totals[s]}**" for s in SEVERITIES)
                 + f" | **{sum(totals.values())}** | **{sum(waived.values())}** |")
    return lines


def _entry(issue, links, quiet, listed) -> list[str]:
    """An issue (or a to-do): the finding as before, and when it repeats over several
    subjects, the subjects it concerns (the first `listed`), each with its link."""
    f = issue.head
    marks = ""
    if f.waived is not None:
        w = f.waived or {}
        details = ", ".join(x for x in (f"approved by {w['approved_by']}"
                                        if w.get("approved_by") else "",
                                        f"expires {w['expires']}" if w.get("expires") else "")
                            if x)
        marks = f" — 🔕 **waived**: {escape(w.get('reason') or '')}" + \
            (f" ({escape(details)})" if details else "")
    elif not f.new:
        marks = " — *in baseline*"
    head = (f"- {ICONS[f.severity]} **{f.severity}** · `{f.rule}` {escape(f.name)}{marks}")
    if len(issue) == 1:
        where = [f"{escape(f.subject_kind)} `{_code(f.subject_id)}`"]
        if f.path:
            where.append(links.to(f.path, f.line))
    else:
        noun = issues.plural(len(issue), f.subject_kind)
        more = len(issue) - listed
        where = [f"{escape(noun)}: " + "; ".join(_member(m, links)
                                                  for m in issue.findings[:listed])
                 + (f"; and {more} more" if more else "")]
    where.append(escape(", ".join(f.articles)))
    message = issue.message if not issues.is_unrecorded(f) or len(issue) == 1 else \
        f"Not recorded for {issues.plural(len(issue), f.subject_kind)}"
    lines = [head + "  ", f"  {escape(message, line_start=True)}  ", "  " + " · ".join(where)]
    if f.remediation and not quiet:
        lines[-1] += "  "
        lines.append(f"  **Fix:** {escape(f.remediation)}")
    return lines


def _member(f, links) -> str:
    label = escape(issues.subject_label(f))
    status = " (waived)" if f.waived is not None else ("" if f.new else " (in baseline)")
    return (f"{label} ({links.to(f.path, f.line)})" if f.path else label) + status


def _code(text: str) -> str:
    """Inside a code span only backticks matter; ids cannot hold them, but stay safe."""
    return str(text).replace("`", "'")


def _area_order(areas) -> list[str]:
    return [a for a in AREA_TITLES if a in areas] + sorted(set(areas) - set(AREA_TITLES))
