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
    """Findings whose file:line is not a line naming the subject: its id (`- id: crm`,
    `{recipient: sms_service, ...}`), or a key (the failing field, e.g. `security:`) inside
    the YAML item whose `id` is the subject, or for a rule about the notice or inventory as
    a whole a top-level key. Returns one line per misplaced finding."""
    wrong = []
    for f in report.findings:
        path = root / f.path if f.path else None
        if not (path and f.line and path.is_file()):
            wrong.append(f"{f.rule} {f.subject_id}: no file:line ({f.path}:{f.line})")
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        if not 1 <= f.line <= len(lines):
            wrong.append(f"{f.rule} {f.subject_id}: {f.path}:{f.line} is past the end")
            continue
        line = lines[f.line - 1]
        if f.subject_id in line:
            continue
        where = f"{f.rule} {f.subject_id}: {f.path}:{f.line} is {line.strip()!r}"
        key = re.match(r"\s*([a-z_]+):", line)
        indent = len(line) - len(line.lstrip())
        if key and indent == 0 and f.subject_id in ("policy", "inventory"):
            continue  # a rule about the whole notice or inventory points at a top-level key
        owner = next((lines[n] for n in range(f.line - 2, -1, -1)
                      if lines[n].lstrip().startswith("- ")
                      and len(lines[n]) - len(lines[n].lstrip()) < indent), "")
        if not (key and re.search(rf"\b(id|recipient): {re.escape(f.subject_id)}\b", owner)):
            wrong.append(where)
    return wrong


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
