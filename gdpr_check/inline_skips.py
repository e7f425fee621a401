"""Inline skips: `# gdpr-check: skip=AC004 reason` beside the item it concerns.

In the style of flake8's `# noqa` and checkov's `#checkov:skip=`: the decision lives next
to the system or flow it is about, and moves with it. The comment names one or more rule
ids (`skip=AC004,AC007`) and must give a reason. It applies to the line it ends or, on a
line of its own, to the next line that is not a comment; a finding is skipped when that
line is its own line or a line of its subject (the list item that holds the line).

The finding stays in the report, marked waived, with the reason and the comment's
file:line. A waivers file (waivers.py) is the better place when someone must approve the
risk or it must expire: an inline skip has neither. `--no-inline-skips` ignores them all,
for an audit of everything the comments hide.

This module reads the YAML files' text on its own (comments are not in the parsed tree);
it never changes what the loader parses.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from .errors import InputError, did_you_mean, errors_of, raise_all
from .findings import Notice
from .lazy_pattern import LazyPattern

_ID = r"[A-Za-z][A-Za-z0-9_.-]*"
_WORD = "gdpr-check"  # in every marker (MARKER is case-sensitive)
MARKER = re.compile(r"#\s*gdpr-check\s*:\s*skip\b")
# (Compiled when a file first has a marker: most projects have few or none.)
SKIP = LazyPattern(rf"#\s*gdpr-check\s*:\s*skip\s*=\s*({_ID}(?:\s*,\s*{_ID})*)(?:\s+(.*))?$")


# (a NamedTuple: no dataclass methods to generate at every start-up, see api.Inputs)
class Skip(NamedTuple):
    rules: tuple[str, ...]
    reason: str
    path: str           # as reports show it (relative to the project root)
    line: int           # where the comment is
    target: int         # the line it concerns


def _comment_start(line: str) -> int | None:
    """Where a YAML comment starts on `line` (a `#` at the start or after a space, outside
    quotes), or None."""
    quote = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"" and (index == 0 or line[index - 1] in " \t:[{,-"):
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return index
    return None


def scan(text: str, path: str) -> list[Skip]:
    """The skip comments of one file; a malformed one (no rule id, no reason) is an
    `InputError` at its file:line:column, all of the file's at once."""
    if _WORD not in text:
        return []
    lines = text.splitlines()
    skips, errors = [], []
    for number, line in enumerate(lines, start=1):
        # Only a line with the marker's word can hold a skip: a large inventory has a few
        # among a million lines, and the quote-aware scan of every line cost seconds.
        start = _comment_start(line) if _WORD in line else None
        if start is None or not MARKER.match(line, start):
            continue
        match = SKIP.match(line, start)
        column = start + 1
        if match is None:
            errors.append(InputError("inline skip: expected `# gdpr-check: skip=RULE[,RULE] "
                                     "reason`, e.g. `# gdpr-check: skip=AC004 MFA rollout "
                                     "SEC-112`", path, number, column))
            continue
        reason = (match[2] or "").strip()
        if not reason:
            errors.append(InputError(f"inline skip of {match[1]}: a reason is required after "
                                     "the rule id (`# gdpr-check: skip=AC004 why it is "
                                     "accepted`)", path, number, column))
            continue
        own_line = not line[:start].strip()
        target = _next_content_line(lines, number) if own_line else number
        rules = tuple(r.strip() for r in match[1].split(","))
        skips.append(Skip(rules, reason, path, number, target))
    raise_all(errors)
    return skips


def _next_content_line(lines: list[str], number: int) -> int:
    for later in range(number, len(lines)):  # `number` is 1-based: index `number` is next
        stripped = lines[later].strip()
        if stripped and not stripped.startswith("#"):
            return later + 1
    return number


def scan_project(root: Path, files: list[str]) -> list[Skip]:
    """The skip comments of the project's policy and inventory files (shown paths)."""
    skips, errors = [], []
    for shown in files:
        try:
            text = (Path(root) / shown).read_text(encoding="utf-8", errors="replace")
            skips.extend(scan(text, shown))
        except InputError as exc:
            errors.extend(errors_of(exc))
        except OSError as exc:
            errors.append(InputError(f"cannot read file: {exc.strerror}", shown))
    raise_all(errors)
    return skips


def check_rule_ids(skips: list[Skip], known: set[str]) -> None:
    """Every rule a skip names exists: a misspelt id would skip nothing, silently."""
    raise_all([InputError(f"inline skip: there is no rule '{rule}'{did_you_mean(rule, known)}",
                          skip.path, skip.line)
               for skip in skips for rule in skip.rules if rule not in known])


def item_span(lines: list[str], start: int) -> range:
    """The lines (1-based) of the YAML list item or mapping entry starting at `start`: it
    goes on while lines are blank, comments, or indented deeper than its first line."""
    if not 1 <= start <= len(lines):
        return range(start, start + 1)
    first = lines[start - 1]
    indent = len(first) - len(first.lstrip())
    end = start
    for number in range(start + 1, len(lines) + 1):
        text = lines[number - 1]
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if len(text) - len(text.lstrip()) <= indent:
            break
        end = number
    return range(start, end + 1)


def subject_starts(project) -> dict[tuple[str, str], list[int]]:
    """(file, id) -> the first lines of the policy and inventory objects with that id."""
    starts: dict[tuple[str, str], list[int]] = {}
    for side in (project.policy, project.inventory):
        for name in type(side).model_fields:
            for obj in getattr(side, name) if isinstance(getattr(side, name), list) else ():
                loc = getattr(obj, "location", None)
                ident = getattr(obj, "id", None) or getattr(obj, "recipient", None)
                if loc and isinstance(ident, str):
                    starts.setdefault((loc[0], ident), []).append(loc[1])
    return starts


def apply(report, skips: list[Skip], project):
    """`report` with the findings the skips cover marked waived, and notices for skips of
    rules that ran (`report.rules`) but found nothing there (the problem was fixed: remove
    the comment): a new report, the given one is left as it was."""
    if not skips:
        return report
    ran = {rule.id for rule in report.rules}
    starts = subject_starts(project)
    texts: dict[str, list[str]] = {}
    used: set[Skip] = set()
    findings = []
    for finding in report.findings:
        findings.append(finding)
        if finding.waived is not None or finding.path is None:
            continue
        for skip in skips:
            if skip.path != finding.path or finding.rule not in skip.rules:
                continue
            if skip.target == finding.line or _in_subject(skip, finding, starts, texts,
                                                          project.root):
                findings[-1] = finding._replace(waived={
                    "reason": skip.reason, "approved_by": None, "expires": None,
                    "inline": f"{skip.path}:{skip.line}"})
                used.add(skip)
                break
    notices = [Notice(kind="unused-skip", path=s.path, line=s.line,
                      message=f"inline skip of {', '.join(s.rules)} matches no finding; "
                              "remove it")
               for s in skips if s not in used and set(s.rules) & ran]
    return replace(report, findings=findings, notices=[*report.notices, *notices])


def _in_subject(skip, finding, starts, texts, root) -> bool:
    lines = texts.get(finding.path)
    if lines is None:
        lines = texts[finding.path] = (Path(root) / finding.path).read_text(
            encoding="utf-8", errors="replace").splitlines()
    spans = [item_span(lines, s) for s in starts.get((finding.path, finding.subject_id), ())]
    # The subject's own item: the one holding the finding's line (ids repeat across kinds).
    own = [span for span in spans if finding.line in span] or spans[:1]
    return any(skip.target in span for span in own)
