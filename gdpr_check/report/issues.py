"""What the human-facing reports (text, Markdown, HTML) list: issues and to-dos.

Machine formats (JSON, SARIF, JUnit) keep one entry per finding, so fingerprints, waivers
and baselines still work item by item. People read better with less repetition:

- **One issue, one entry.** Violations are the same defect when they come from the same
  rule, about subjects of the same kind, with the same severity and status (open, waived,
  in the baseline), and with the same message once the subject's own name (or else its
  id) is taken out. 3DTech's notice offering "contract, legitimate interests and consent"
  for every purpose is then one LB005 entry listing ten purposes, not ten entries; two
  purposes with different bases stay two entries, since their messages differ.
- **Unrecorded facts are a to-do list**, one entry per rule listing every subject whose
  record does not say (`kind: unrecorded`, see model/rule.py KINDS).

Plain functions over `report.findings`; the Report itself stays plain data.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..findings import SEVERITY_ORDER, Finding

# Shown in place of the subject in the message of an issue with several subjects.
PLACEHOLDER = "…"


@dataclass(frozen=True)
class Issue:
    """One defect and the findings (one per subject) that share it."""
    findings: tuple[Finding, ...]
    message: str     # the message, with the subject left out when there are several

    @property
    def head(self) -> Finding:
        return self.findings[0]

    def __len__(self) -> int:
        return len(self.findings)


def is_unrecorded(finding: Finding) -> bool:
    return finding.kind == "unrecorded"


def violations(findings) -> list[Issue]:
    """The violations, one Issue per distinct defect, in the order of their first finding;
    an issue's subjects in file order."""
    groups: dict[tuple, list[Finding]] = {}
    for f in findings:
        if not is_unrecorded(f):
            groups.setdefault(_defect(f), []).append(f)
    return [Issue(tuple(sorted(group, key=_place)),
                  group[0].message if len(group) == 1 else key[-1])
            for key, group in groups.items()]


def todos(findings) -> list[Issue]:
    """The unrecorded facts, one Issue per rule (most severe rule first)."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        if is_unrecorded(f):
            groups.setdefault(f.rule, []).append(f)
    issues = [Issue(tuple(sorted(group, key=_place)),
                    group[0].message if len(group) == 1 else group[0].name)
              for group in groups.values()]
    return sorted(issues, key=lambda i: (-SEVERITY_ORDER[i.head.severity], i.head.rule))


def importance(issue: Issue) -> tuple:
    """Which entries a capped report keeps first: open before waived, new before those in
    the baseline, violations before unrecorded facts, then the most severe."""
    f = issue.head
    return (f.waived is not None, not f.new, is_unrecorded(f), -SEVERITY_ORDER[f.severity],
            f.rule, _place(f))


def most_severe(entries, limit: int | None) -> dict[int, int]:
    """The entries to list when at most `limit` findings may be (None: no limit), by
    `id(entry)`, each with how many of its findings to list. Entries are taken by
    `importance` until the next would pass the limit; the first is always taken (cut to
    the limit), so a run with findings never lists none unless `limit` is 0."""
    if limit is None:
        return {id(e): len(e) for e in entries}
    if limit <= 0:
        return {}  # nothing to list (a summary): no need to rank them
    shown: dict[int, int] = {}
    room = limit
    for entry in sorted(entries, key=importance):
        if room <= 0 or (shown and len(entry) > room):
            break
        shown[id(entry)] = min(len(entry), room)
        room -= shown[id(entry)]
    return shown


def subject_label(f: Finding) -> str:
    """How an entry names one of its subjects: its name, else its id."""
    return f.subject_name or f.subject_id


def plural(count: int, kind: str) -> str:
    """`1 purpose`, `10 purposes`, `2 data categories`."""
    word = kind.replace("_", " ")
    if count == 1:
        return f"1 {word}"
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy")):
        return f"{count} {word[:-1]}ies"
    return f"{count} {word}{'es' if word.endswith(('s', 'x', 'ch', 'sh')) else 's'}"


def counts(findings, grouped: list[Issue] | None = None) -> dict:
    """Open (not waived) violations, the issues they make, and unrecorded facts;
    `grouped`: `violations(findings)` when the caller has it already."""
    if grouped is None:
        grouped = violations(findings)
    open_issues = [i for i in grouped if i.head.waived is None]
    unrecorded = sum(1 for f in findings if f.waived is None and is_unrecorded(f))
    return {"violations": sum(len(i) for i in open_issues), "issues": len(open_issues),
            "unrecorded": unrecorded}


def _place(f: Finding) -> tuple:
    return (f.path or "", f.line or 0, f.subject_kind, f.subject_id, f.key)


def _defect(f: Finding) -> tuple:
    status = "waived" if f.waived is not None else ("new" if f.new else "baseline")
    return (f.rule, f.subject_kind, f.severity, status, _without_subject(f))


def _without_subject(f: Finding) -> str:
    """The message with the subject's name, or else its id as a whole word, replaced by
    PLACEHOLDER (`crm` in "Pipedrive crm_sync" is not the subject `crm`)."""
    message = f.message
    if f.subject_name and f.subject_name in message:
        return message.replace(f.subject_name, PLACEHOLDER)
    if not f.subject_id or f.subject_id not in message:
        return message
    # str.find rather than a regular expression per subject: a large run has tens of
    # thousands of findings, each with its own id.
    word, parts, start = f.subject_id, [], 0
    while (at := message.find(word, start)) >= 0:
        end = at + len(word)
        whole = not _in_word(message[at - 1:at]) and not _in_word(message[end:end + 1])
        parts.append(message[start:at] + (PLACEHOLDER if whole else word))
        start = end
    return "".join(parts) + message[start:]


def _in_word(char: str) -> bool:
    return bool(char) and (char.isalnum() or char in "_-")
