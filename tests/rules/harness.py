"""Rule fixtures: a compliant base project, patched per case, checked with one rule.

A case file `tests/rules/cases/<RULE>.yaml` holds:

    rule: TR001
    cases:
      - name: what the case shows
        patch: {policy: {...}, inventory: {...}}   # merged onto tests/fixtures/base
        findings: [subject ids the rule must report]   # [] = the rule passes

Patching: mappings merge key by key; `null` deletes a key; list items with an `id` (or
a `recipient`, for transfers) replace or extend the base item with that id; an item
`{id: x, _delete: true}` removes it; other lists are replaced whole.
"""
from __future__ import annotations

import copy
from pathlib import Path

import yaml

HERE = Path(__file__).parent
BASE = HERE.parent / "fixtures" / "base"
CASES = HERE / "cases"


def read_base() -> dict:
    return {side: yaml.safe_load((BASE / side / f"{name}.yaml").read_text())
            for side, name in (("policy", "notice"), ("inventory", "inventory"))}


def _key(item):
    if isinstance(item, dict):
        return item.get("id", item.get("recipient"))
    return None


def patch(base, change):
    if isinstance(base, dict) and isinstance(change, dict):
        result = dict(base)
        for key, value in change.items():
            if value is None:
                result.pop(key, None)
            elif key in result:
                result[key] = patch(result[key], value)
            else:
                result[key] = value
        return result
    if isinstance(base, list) and isinstance(change, list) and change and \
            all(_key(c) is not None for c in change):
        result = list(base)
        for item in change:
            index = next((i for i, b in enumerate(result) if _key(b) == _key(item)), None)
            if item.get("_delete"):
                if index is not None:
                    result.pop(index)
            elif index is None:
                result.append(item)
            else:
                result[index] = patch(result[index], item)
        return result
    return copy.deepcopy(change)


def write_project(folder: Path, change: dict | None) -> Path:
    data = patch(read_base(), change or {})
    for side, name in (("policy", "notice"), ("inventory", "inventory")):
        (folder / side).mkdir(parents=True, exist_ok=True)
        (folder / side / f"{name}.yaml").write_text(
            yaml.safe_dump(data.get(side) or {}, sort_keys=False, allow_unicode=True))
    return folder


def case_files() -> list[Path]:
    return sorted(CASES.glob("*.yaml"))


def load_cases():
    """(rule id, case) pairs of every case file."""
    for path in case_files():
        spec = yaml.safe_load(path.read_text())
        assert spec["rule"] == path.stem, f"{path.name} names rule {spec['rule']}"
        for case in spec["cases"]:
            yield spec["rule"], case
