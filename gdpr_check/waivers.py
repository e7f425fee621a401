"""Waivers (SPEC §9): accepted risks, written down with a reason, an approver and an expiry.

A waiver matches the findings of its rule, on one subject (`subject: crm`) or on all of
them. A matched finding stays in the report, marked `waived`, and does not fail the run.
Waivers go bad in two ways, and both are reported as notices so they are cleaned up:

- *expired* (`expires` is before today, or before the date of SOURCE_DATE_EPOCH when it
  is set): it no longer applies, its findings fail again;
- *stale*: it matches no finding any more (the problem was fixed, or the subject renamed).

A waiver for a rule id that no pack has is an error (exit 2, with a did-you-mean), not a
notice: a misspelt id waives nothing, and the finding it was meant for still fails.

A waiver for a rule that exists but did not run (`--select`, `--ignore`, `enabled: false`)
is neither: nothing can be said about it in this run.
"""
from __future__ import annotations

import os
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

from .errors import InputError, did_you_mean, raise_all
from .findings import Notice

DEFAULT_NAME = "waivers.yaml"


def load(path: Path, root: Path) -> list:
    """The waivers of `path`, validated (a waiver without reason, approver or expiry is an
    `InputError` naming its file:line)."""
    from .load.rules import load_waivers
    return load_waivers(Path(path), Path(root))


def apply(report, waivers: list, today: date | None = None):
    """`report` with the findings that waivers cover marked `waived`, and notices about
    expired and stale waivers added: a new report, the given one is left as it was.

    A stale waiver is one of a rule that ran (`report.rules`) matching no finding; a
    waiver of a rule that did not run says nothing in this run.
    """
    if not waivers:
        return report
    today = today or current_date()
    ran = {rule.id for rule in report.rules}
    by_rule: dict[str, list[int]] = {}
    for index, finding in enumerate(report.findings):
        by_rule.setdefault(finding.rule, []).append(index)
    marks: dict[int, dict] = {}  # finding index -> its waiver: the first in the file wins
    notices = []
    for waiver in waivers:
        matched = [i for i in by_rule.get(waiver.rule, ())
                   if waiver.subject is None or waiver.subject == report.findings[i].subject_id]
        if waiver.expires < today:
            notices.append(_notice(waiver, "expired-waiver", _expired(waiver, matched)))
            continue
        if matched:
            for index in matched:
                if index not in marks and report.findings[index].waived is None:
                    marks[index] = {"reason": waiver.reason, "approved_by": waiver.approved_by,
                                    "expires": waiver.expires.isoformat()}
        elif waiver.rule in ran:
            notices.append(_notice(waiver, "stale-waiver",
                                   f"{_name(waiver)} matches no finding; remove it"))
    findings = [f._replace(waived=marks[i]) if i in marks else f
                for i, f in enumerate(report.findings)]
    return replace(report, findings=findings, notices=[*report.notices, *notices])


def check_rule_ids(waivers: list, known: set[str]) -> None:
    """Every waiver names a rule some pack has (an `InputError` per waiver that does not)."""
    raise_all([InputError.at(w.field_location("rule"),
                             f"{_name(w)}: there is no rule '{w.rule}'"
                             f"{did_you_mean(w.rule, known)}")
               for w in waivers if w.rule not in known])


def current_date() -> date:
    """Today, or the date of SOURCE_DATE_EPOCH when set: the same clock the rules use, so a
    reproducible run gives the same report on any day."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc).date()
    return date.today()


def _name(waiver) -> str:
    subject = f" on '{waiver.subject}'" if waiver.subject is not None else ""
    return f"waiver for {waiver.rule}{subject}"


def _expired(waiver, matched) -> str:
    text = f"{_name(waiver)} expired on {waiver.expires.isoformat()}"
    if matched:
        what = "its finding fails" if len(matched) == 1 else f"its {len(matched)} findings fail"
        return text + f"; {what} again (fix, or renew the waiver with a new approval)"
    return text + "; remove it"


def _notice(waiver, kind: str, message: str) -> Notice:
    loc = waiver.location or (None, None, None)
    return Notice(kind=kind, message=message, path=loc[0], line=loc[1])


def find(root: Path, config=None, given=None) -> Path | None:
    """Which waivers file applies: `given` (a flag; False for none), else the config's
    `waivers`, else `waivers.yaml` at the project root when there is one."""
    if given is False:
        return None
    if given is not None:
        if not Path(given).is_file():
            raise InputError(f"waivers file not found: {given}")
        return Path(given)
    if config is not None and config.model.waivers:
        return config.waivers_path()
    default = Path(root) / DEFAULT_NAME
    return default if default.is_file() else None
