"""Baselines (SPEC §8, §9): adopt the tool on a project that already has findings.

A baseline is a previous JSON report of this tool (`check --format json --output FILE`).
Findings whose fingerprint it holds are old: marked `new = False`, still reported, but they
do not fail the run. Baseline findings that are gone are listed as fixed. Fingerprints hash
rule + subject + key, never the message or the line, so editing around a finding or
rewording a rule does not make it new again.
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from .errors import InputError

HOW_TO_MAKE = "make one with `gdpr-check check --format json --output FILE`"


def load(path: Path | str, shown: str | None = None) -> dict[str, dict]:
    """The findings of a baseline report, by fingerprint: {rule, subject, fingerprint}."""
    path = Path(path)
    shown = shown or path.as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"baseline not found; {HOW_TO_MAKE}", shown) from None
    except UnicodeDecodeError:
        raise InputError(f"baseline is not UTF-8 text, expected a JSON report of gdpr-check "
                         f"({HOW_TO_MAKE})", shown, 1, 1) from None
    except OSError as exc:
        raise InputError(f"cannot read baseline: {exc.strerror}", shown) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"baseline is not JSON ({exc.msg}); expected a JSON report of "
                         f"gdpr-check ({HOW_TO_MAKE})", shown, exc.lineno, exc.colno) from None
    return _entries(data, shown)


def _entries(data, shown: str) -> dict[str, dict]:
    def bad(what: str, line: int | None = None):
        return InputError(f"not a JSON report of gdpr-check: {what}; {HOW_TO_MAKE}", shown,
                          line, 1 if line else None)

    if not isinstance(data, dict):
        raise bad(f"found a JSON {type(data).__name__} at the top level, expected an object", 1)
    tool = data.get("tool")
    if not (isinstance(tool, dict) and tool.get("name") == "gdpr-check"):
        if "runs" in data and "version" in data:
            raise bad("this is a SARIF log; the baseline must be the JSON report", 1)
        raise bad("no \"tool\": {\"name\": \"gdpr-check\"}", 1)
    if data.get("errors"):  # a failed run's findings are not all there: all would be new
        raise InputError(f"baseline is the report of a run that stopped on errors, so it "
                         f"may lack findings; {HOW_TO_MAKE} on a run without errors",
                         shown, 1, 1)
    findings = data.get("findings")
    if not isinstance(findings, list):
        raise bad("\"findings\" is missing or not a list")
    entries = {}
    for index, item in enumerate(findings):
        subject = item.get("subject") if isinstance(item, dict) else None
        if not (isinstance(item, dict) and isinstance(item.get("fingerprint"), str)
                and isinstance(item.get("rule"), str) and isinstance(subject, dict)
                and isinstance(subject.get("kind"), str) and isinstance(subject.get("id"), str)):
            raise bad(f"findings[{index}] lacks a rule, subject {{kind, id}} or fingerprint")
        entries[item["fingerprint"]] = {
            "rule": item["rule"], "subject": {"kind": subject["kind"], "id": subject["id"]},
            "fingerprint": item["fingerprint"]}
    return entries


def apply(report, baseline: dict[str, dict], shown: str):
    """`report` compared with `baseline` (the entries of `load`, read from the file named
    `shown`): a new report whose findings the baseline holds are not new, listing the
    baseline findings that are gone (of the rules that ran: a rule left out by `--select`
    fixed nothing)."""
    ran = {rule.id for rule in report.rules}
    present = set()
    findings = []
    for finding in report.findings:
        fingerprint = finding.fingerprint
        present.add(fingerprint)
        findings.append(finding._replace(new=False) if fingerprint in baseline else finding)
    fixed = [entry for fingerprint, entry in baseline.items()
             if fingerprint not in present and entry["rule"] in ran]
    fixed.sort(key=lambda e: (e["rule"], e["subject"]["kind"], e["subject"]["id"],
                              e["fingerprint"]))
    return replace(report, findings=findings, fixed=fixed, baseline=shown)


def find(config=None, given=None) -> Path | None:
    """Which baseline applies: `given` (a flag; False for none), else the config's."""
    if given is False:
        return None
    if given is not None:
        return Path(given)
    if config is not None and config.model.baseline:
        return config.baseline_path()
    return None


def read(root: Path, baseline_file: Path) -> tuple[str, dict[str, dict]]:
    """The baseline file named as messages name it (relative to the project `root`), and
    its entries (`load`)."""
    from .load.files import display_path
    shown = display_path(Path(baseline_file), Path(root))
    return shown, load(baseline_file, shown)
