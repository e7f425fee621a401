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
from datetime import date, datetime, timezone
from pathlib import Path

from .errors import InputError, did_you_mean, raise_all
from .findings import Finding, Notice

DEFAULT_NAME = "waivers.yaml"


def load(path: Path, root: Path) -> list:
    """The waivers of `path`, validated (a waiver without reason, approver or expiry is an
    `InputError` naming its file:line)."""
    from .load.rules import load_waivers
    return load_waivers(Path(path), Path(root))


def apply(findings: list[Finding], waivers: list, ran: set[str], known: set[str],
          today: date | None = None) -> list[Notice]:
    """Mark the findings that waivers cover; return notices about expired and stale waivers.

    `ran` holds the ids of the rules that ran, `known` those of every rule loaded (ran or
    not), to tell a stale waiver from one whose rule was simply not selected.
    """
    today = today or current_date()
    by_rule: dict[str, list[Finding]] = {}
    for finding in findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    notices = []
    for waiver in waivers:
        matched = [f for f in by_rule.get(waiver.rule, ())
                   if waiver.subject is None or waiver.subject == f.subject_id]
        if waiver.expires < today:
            notices.append(_notice(waiver, "expired-waiver", _expired(waiver, matched)))
            continue
        if matched:
            for finding in matched:
                if finding.waived is None:  # the first waiver in the file wins
                    finding.waived = {"reason": waiver.reason,
                                      "approved_by": waiver.approved_by,
                                      "expires": waiver.expires.isoformat()}
        elif waiver.rule in ran:
            notices.append(_notice(waiver, "stale-waiver",
                                   f"{_name(waiver)} matches no finding; remove it"))
    return notices


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


def apply_to_report(report, root: Path, waivers_file: Path | None, known: set[str],
                    today: date | None = None) -> None:
    """Load `waivers_file` (if any) and apply it to `report`: marks and notices."""
    if waivers_file is None:
        return
    waivers = load(waivers_file, root)
    check_rule_ids(waivers, known)
    apply_loaded(report, waivers, known, today)


def apply_loaded(report, waivers: list, known: set[str], today: date | None = None) -> None:
    """Apply waivers already loaded (and checked) to `report`: marks and notices."""
    ran = {rule.id for rule in report.rules}
    report.notices.extend(apply(report.findings, waivers, ran, known, today))
