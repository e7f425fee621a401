"""The fixture companies, and the accuracy ledger of their findings (docs/accuracy.md).

The sample companies: 3DTech Oy (the repository root), the clinic (tests/fixtures/clinic),
the SaaS company (tests/fixtures/saas) and the floorball club (tests/fixtures/club). Each
is checked on a pinned "today", so that DPA dates, DPIA dates and the adequacy decisions
in force do not drift with the calendar.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"

# name -> (project root, SOURCE_DATE_EPOCH). The clinic keeps the date its own test uses
# (tests/test_second_company.py); the others are checked on 2026-11-01, when the Brazilian
# adequacy decision ((EU) 2026/179) is in force and the UK decision runs to 2031-12-27.
NOV_2026 = "1793491200"  # 2026-11-01T00:00:00Z
COMPANIES: dict[str, tuple[Path, str]] = {
    "3dtech": (REPO, NOV_2026),
    "clinic": (FIXTURES / "clinic", "1780272000"),  # 2026-06-01T00:00:00Z
    "saas": (FIXTURES / "saas", NOV_2026),
    "club": (FIXTURES / "club", NOV_2026),
}


@functools.cache
def company_report(name: str):
    """The report of one sample company, with no config, waivers or baseline."""
    from gdpr_check import check
    root, epoch = COMPANIES[name]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", epoch)
        return check(root, config=False, waivers=False, baseline=False)


def found(report) -> set[tuple[str, str]]:
    """(rule, subject id) of every finding."""
    return {(f.rule, f.subject_id) for f in report.findings}


def flow_ids_from(root: Path, system: str) -> set[str]:
    """The ids of the flows leaving `system` in the company at `root`."""
    from gdpr_check.load import load_project
    return {f.id for f in load_project(root).inventory.flows if f.from_ == system}


def misplaced(report, root: Path) -> list[str]:
    """Findings whose file:line is not inside the YAML of their subject, one line each.

    A finding is in place when its line, or a list item enclosing it (e.g. the system whose
    grant fails), names the subject (`- id: crm`, `{recipient: sms_service, ...}`); for a
    sub-processor, the notice's transfers may name the recipient of the processor engaging
    it (Art. 13(1)(f) disclosure goes through it); a finding about the notice or the
    inventory as a whole may point anywhere in that side's files."""
    from gdpr_check.load import load_project
    through: dict[str, set[str]] = {}
    for processor in load_project(root).inventory.processors:
        for sub in processor.sub_processors:
            through.setdefault(sub, set()).add(processor.recipient or processor.id)
    wrong = []
    for f in report.findings:
        path = root / f.path if f.path else None
        if not (path and f.line and path.is_file()):
            wrong.append(f"{f.rule} {f.subject_id}: no file:line ({f.path}:{f.line})")
            continue
        if f.subject_id in ("policy", "inventory") and f.path.startswith(f.subject_id + "/"):
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        if not 1 <= f.line <= len(lines):
            wrong.append(f"{f.rule} {f.subject_id}: {f.path}:{f.line} is past the end")
            continue
        names = {f.subject_id} | through.get(f.subject_id, set())
        naming = re.compile(r"\b(id|recipient|principal): (%s)\b"
                            % "|".join(map(re.escape, sorted(names))))
        if not any(naming.search(line) or f.subject_id in line
                   for line in _enclosing(lines, f.line - 1)):
            wrong.append(f"{f.rule} {f.subject_id}: {f.path}:{f.line} is "
                         f"{lines[f.line - 1].strip()!r}")
    return wrong


def _enclosing(lines: list[str], n: int) -> list[str]:
    """Line `n` and each less-indented line above it that opens a list item or a key:
    the YAML nodes that contain line `n`, innermost first."""
    def indent(text):
        return len(text) - len(text.lstrip(" "))
    chain, level = [lines[n]], indent(lines[n])
    for above in range(n - 1, -1, -1):
        text = lines[above]
        if text.strip() and not text.lstrip().startswith("#") and indent(text) < level:
            chain.append(text)
            level = indent(text)
    return chain


def schema_errors(root: Path, kind: str) -> list[str]:
    """What the published JSON Schema of `kind` (policy, inventory) rejects in the
    company's files, one line per file with errors; [] when all are accepted."""
    import jsonschema

    from gdpr_check.load.parser import parse_bytes
    from gdpr_check.schemas import json_schema
    validator = jsonschema.Draft202012Validator(json_schema(kind))
    files = sorted((root / kind).glob("*.yaml"))
    assert files, f"no {kind} files in {root}"
    errors = []
    for path in files:
        found_errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                        for e in validator.iter_errors(parse_bytes(path.read_bytes(), path.name))]
        if found_errors:
            errors.append(f"{path.name}: {found_errors[:3]}")
    return errors
