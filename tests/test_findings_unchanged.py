"""The findings of the sample companies and of a generated project, pinned field by field.

Speed work on the rules and the engine (indexes, shared vars, helpers moved to `law/`)
must not change a single finding: every field of every finding, in order, is compared
with `tests/fixtures/golden/<name>.jsonl`. A deliberate change of findings regenerates
them (and says why in the commit):

    python tests/test_findings_unchanged.py --update [NAME ...]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
GOLDEN = FIXTURES / "golden"
NOV_2026 = "1793491200"  # 2026-11-01T00:00:00Z, as tests/test_accuracy_ledger.py

# name -> (project root, or None for the generated project; SOURCE_DATE_EPOCH)
PROJECTS: dict[str, tuple[Path | None, str]] = {
    "3dtech": (REPO, NOV_2026),
    "clinic": (FIXTURES / "clinic", "1780272000"),
    "saas": (FIXTURES / "saas", NOV_2026),
    "club": (FIXTURES / "club", NOV_2026),
    "base": (FIXTURES / "base", NOV_2026),
    # the benchmark's project, small: every flow-, system- and processor-looped rule
    # has hundreds of items and findings of every kind of message
    "generated": (None, NOV_2026),
    "gaps": (None, NOV_2026),
}

# The base project with what the companies above never lack: no controller and no rights
# in the notice, marketing by automated decision, a flow not saying whether it is
# encrypted, a sub-processor disclosed only through the processor engaging it.
GAPS = {
    "policy": {"controller": None, "rights": None,
               "purposes": [{"id": "newsletter", "direct_marketing": True,
                             "automated_decision": True}]},
    "inventory": {
        "flows": [{"id": "list_to_mailer", "encrypted": None}],
        "processors": [{"id": "mailer", "sub_processors": ["relay"]},
                       {"id": "relay", "name": "Relay Ltd", "role": "sub_processor",
                        "countries": ["IN"], "purposes": ["newsletter", "analytics"],
                        "data_categories": ["contact_details"],
                        "dpa": {"signed": "2024-01-05", "reference": "DPA-3"}}],
    },
}


def generated_project(folder: Path) -> Path:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    return generate(folder, 0.01, flows=800)


# Fields a finding copies from its rule: compared with the rule, not pinned line by line
# (they would make up most of the pinned bytes).
FROM_RULE = ("name", "area", "severity", "articles", "remediation", "tags", "kind")


def findings_of(name: str, folder: Path, monkeypatch) -> list[str]:
    """One JSON line per finding (every field but those copied from its rule, which are
    checked against the rule here; keys sorted), in the order of the report."""
    from gdpr_check import check
    root, epoch = PROJECTS[name]
    if name == "gaps":
        from tests.rules.harness import write_project
        root = write_project(folder, GAPS)
    elif root is None:
        root = generated_project(folder)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    monkeypatch.setenv("GDPR_CHECK_JOBS", "1")
    report = check(root, config=False, waivers=False, baseline=False)
    rules = {rule.id: rule for rule in report.rules}
    lines = []
    for finding in report.findings:
        fields = finding._asdict()
        rule = rules[finding.rule]
        copied = {key: fields.pop(key) for key in FROM_RULE}
        assert copied == {key: list(value) if isinstance(value, (list, tuple)) else value
                          for key in FROM_RULE for value in [getattr(rule, key)]}, finding
        lines.append(json.dumps(fields, sort_keys=True, ensure_ascii=False))
    return lines


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_findings_are_unchanged(name, tmp_path, monkeypatch):
    expected = (GOLDEN / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    actual = findings_of(name, tmp_path, monkeypatch)
    if actual != expected:
        gone = [line for line in expected if line not in set(actual)]
        new = [line for line in actual if line not in set(expected)]
        pytest.fail(f"{name}: {len(actual)} findings, {len(expected)} pinned; "
                    f"first pinned not found: {gone[:1]}; first new: {new[:1]}"
                    + ("" if gone or new else " (same findings, another order)"))


def _update(names) -> None:
    import tempfile
    sys.path.insert(0, str(REPO))
    GOLDEN.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        for name in names or sorted(PROJECTS):
            lines = findings_of(name, Path(tmp) / name, mp)
            (GOLDEN / f"{name}.jsonl").write_text("".join(f"{line}\n" for line in lines),
                                                  encoding="utf-8")
            print(f"{name}: {len(lines)} findings")


if __name__ == "__main__":
    if sys.argv[1:2] != ["--update"]:
        sys.exit(__doc__)
    _update(sys.argv[2:])
