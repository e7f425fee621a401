"""Markdown for a pull-request comment or `$GITHUB_STEP_SUMMARY` (GitHub-flavoured).

A headline with the verdict, a table of findings by area x severity, then the findings of
each area, most severe first, each with its location as a link (`path#Lline`, relative to
the project root, or below `link_base` when given, e.g. a blob URL of the commit), the
articles and the fix. Waived and baseline findings are marked. When everything would not
fit in a GitHub comment (`max_chars`), the least severe findings are left out, and the
text says how many. Everything that comes from the inputs is escaped, so a `|` in a
message cannot break the table and a `<script>` cannot become HTML.
"""
from __future__ import annotations

import re
from urllib.parse import quote

from ..findings import SEVERITY_ORDER
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


def render(report, fail_on: str = "low", link_base: str | None = None, quiet: bool = False,
           max_chars: int | None = MAX_CHARS, **_options) -> str:
    summary = report.summary()
    failing = len(report.failing(fail_on))
    head = [_headline(summary, failing, fail_on), ""]
    if report.findings:
        head += _table(report) + [""]
    head.append(f"{summary['rules']} rules ran on {summary['files']} files"
                + (f"; {summary['waived']} findings waived" if summary["waived"] else "")
                + (f"; tool version {escape(report.tool_version)}" if report.tool_version
                   else "") + ".")
    tail = []
    if report.notices:
        tail += ["", "### Notices", ""]
        for notice in report.notices:
            where = f"{_link(notice.path, notice.line, link_base)}: " if notice.path else ""
            tail.append(f"- {where}**{escape(notice.kind)}**: {escape(notice.message)}")
    blocks = {id(f): "\n".join(_finding(f, link_base, quiet)) for f in report.findings}
    shown = _within_budget(report.findings, blocks, max_chars,
                           used=sum(len(x) + 1 for x in head + tail) + 400)
    by_area: dict[str, list] = {}
    for finding in report.findings:
        by_area.setdefault(finding.area, []).append(finding)
    lines = list(head)
    for area in _area_order(by_area):
        findings = [f for f in sorted(by_area[area], key=_order) if id(f) in shown]
        count = f"{len(findings)} of {len(by_area[area])}" \
            if len(findings) < len(by_area[area]) else str(len(findings))
        lines += ["", f"### {escape(AREA_TITLES.get(area, area))} ({count})", ""]
        lines += [blocks[id(f)] for f in findings]
    left_out = len(report.findings) - len(shown)
    if left_out:
        lines += ["", f"*{left_out} less severe finding{'s are' if left_out != 1 else ' is'} "
                      "left out to keep this comment within GitHub's size limit; the JSON, "
                      "SARIF or HTML report lists all.*"]
    return "\n".join(lines + tail) + "\n"


def _order(f):
    return (-SEVERITY_ORDER[f.severity], f.rule, f.path or "", f.line or 0, f.subject_kind,
            f.subject_id, f.key)


def _within_budget(findings, blocks, max_chars, used) -> set[int]:
    """The findings to show: all, or the most severe ones that fit in `max_chars`."""
    if max_chars is None or used + sum(len(b) + 1 for b in blocks.values()) <= max_chars:
        return set(blocks)
    shown = set()
    for f in sorted(findings, key=lambda f: (f.waived is not None, not f.new, _order(f))):
        size = len(blocks[id(f)]) + 1
        if used + size > max_chars:
            break
        used += size
        shown.add(id(f))
    return shown


def _headline(summary, failing, fail_on) -> str:
    total = summary["findings"]
    if total == 0:
        return "## ✅ gdpr-check: no findings"
    counts = ", ".join(f"{n} {s}" for s, n in reversed(summary["by_severity"].items()) if n)
    icon = "❌" if failing else "⚠️"
    text = f"## {icon} gdpr-check: {total} finding{'s' if total != 1 else ''} ({counts})"
    if fail_on != "never":
        text += f", {failing} at or above *{fail_on}*"
    return text


def _table(report) -> list[str]:
    counts: dict[str, dict[str, int]] = {}
    waived: dict[str, int] = {}
    for f in report.findings:
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


def _finding(f, link_base, quiet) -> list[str]:
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
    where = [f"{escape(f.subject_kind)} `{_code(f.subject_id)}`"]
    if f.path:
        where.append(_link(f.path, f.line, link_base))
    where.append(escape(", ".join(f.articles)))
    lines = [head + "  ", f"  {escape(f.message, line_start=True)}  ", "  " + " · ".join(where)]
    if f.remediation and not quiet:
        lines[-1] += "  "
        lines.append(f"  **Fix:** {escape(f.remediation)}")
    return lines


def _link(path: str, line, link_base) -> str:
    target = quote(path.replace("\\", "/"), safe="/-._~")
    if link_base:
        target = link_base.rstrip("/") + "/" + target
    label = f"{path}:{line}" if line else path
    return f"[{escape(label)}]({target}{f'#L{line}' if line else ''})"


def _code(text: str) -> str:
    """Inside a code span only backticks matter; ids cannot hold them, but stay safe."""
    return str(text).replace("`", "'")


def _area_order(areas) -> list[str]:
    return [a for a in AREA_TITLES if a in areas] + sorted(set(areas) - set(AREA_TITLES))
