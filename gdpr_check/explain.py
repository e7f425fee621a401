"""`gdpr-check explain RULE`: one rule, for the person who just got its finding.

What it checks and why (description, articles), what it loops over and asserts, how to
fix it, and a failing and a passing example. The examples are the rule's own fixtures
(`tests/rules/cases/<ID>.yaml`, each a patch of the compliant base project that the test
suite runs), read when the tool runs from a source checkout; an installed wheel points at
them in the repository instead.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

from .errors import InputError, did_you_mean
from .meta import REPOSITORY_URL
from .model.rule import AREA_TITLES

WIDTH = 88
CASES = Path("tests") / "rules" / "cases"


def find_rule(rules, rule_id: str):
    """The rule with `rule_id` (any case), or an `InputError` with a did-you-mean."""
    by_id = {r.id.casefold(): r for r in rules}
    rule = by_id.get(rule_id.strip().casefold())
    if rule is None:
        raise InputError(f"explain: no rule '{rule_id}'"
                         f"{did_you_mean(rule_id.upper(), [r.id for r in rules])}; "
                         "`gdpr-check rules` lists them")
    return rule


def cases_folder(builtin_dir: Path) -> Path | None:
    """`tests/rules/cases/` of the source checkout the built-in rules come from, if any."""
    folder = builtin_dir.parent / CASES
    return folder if folder.is_dir() else None


def examples(rule_id: str, folder: Path | None) -> tuple[dict | None, dict | None]:
    """(failing, passing) fixture cases of a rule; the passing one that changes something
    is preferred, since the unpatched base project says little on its own."""
    if folder is None or not (folder / f"{rule_id}.yaml").is_file():
        return None, None
    import yaml  # a test fixture in our own repository, not user input: safe_load suffices
    spec = yaml.safe_load((folder / f"{rule_id}.yaml").read_text(encoding="utf-8")) or {}
    cases = [c for c in spec.get("cases") or () if isinstance(c, dict)]
    failing = next((c for c in cases if c.get("findings")), None)
    passing = [c for c in cases if not c.get("findings")]
    passing = next((c for c in passing if c.get("patch")), passing[0] if passing else None)
    return failing, passing


def render(rule, failing=None, passing=None) -> str:
    lines = [f"{rule.id}  {rule.name}",
             f"area: {AREA_TITLES.get(rule.area, rule.area)} ({rule.area})   severity: "
             f"{rule.severity}   articles: {', '.join(rule.articles)}"]
    if rule.tags:
        lines.append(f"tags: {', '.join(rule.tags)}")
    if not rule.enabled:
        lines.append("switched off (enabled: false) in a rule pack")
    if rule.location:
        lines.append(f"defined at: {rule.location[0]}:{rule.location[1]}")
    _section(lines, "Why", rule.description)
    lines += ["", "What it checks:",
              f"  for each: {rule.loop or 'the notice as a whole (policy)'}"]
    lines += [f"  when:     {w}" for w in rule.when]
    lines += [f"  var {name} = {expr}" for name, expr in rule.vars.items()]
    lines += [f"  assert:   {that}" for that in rule.that]
    if rule.schema_ is not None:
        lines.append("  assert:   the item matches the rule's JSON Schema (`schema:`)")
    _section(lines, "How to fix", rule.remediation)
    for title, case in (("Fails", failing), ("Passes", passing)):
        if case is not None:
            lines += ["", f"{title}: {case.get('name', '')}"]
            lines += _patch_lines(case, title == "Fails")
    example = getattr(rule, "example", None)   # checks built into the tool say it themselves
    if example:
        _section(lines, "Example", example)
    elif failing is None and passing is None:
        lines += ["", f"Examples: {REPOSITORY_URL}/blob/main/{CASES.as_posix()}/{rule.id}.yaml "
                      "(the rule's test cases)"]
    return "\n".join(lines) + "\n"


def _section(lines, title, text) -> None:
    if text:
        lines += ["", f"{title}:"]
        lines += textwrap.wrap(" ".join(text.split()), WIDTH - 2, initial_indent="  ",
                               subsequent_indent="  ")


def _patch_lines(case, failing: bool) -> list[str]:
    import yaml
    patch = case.get("patch")
    if not patch:
        return ["  the compliant sample project, unchanged"]
    shown = yaml.safe_dump(patch, sort_keys=False, allow_unicode=True, width=WIDTH - 4,
                           default_flow_style=None)
    lines = ["  changed from a compliant project:"]
    lines += [f"    {line}" for line in shown.splitlines()]
    if failing:
        lines.append(f"  reported: {', '.join(map(str, case['findings']))}")
    return lines
