"""Generated documentation (docs/rules.md, docs/expressions.md), `gdpr-check rules` and
`gdpr-check schema` (SPEC §6, §8)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from gdpr_check import docs
from gdpr_check.cli import main
from gdpr_check.expr.helpers import FILTERS, FUNCTIONS, Helpers
from gdpr_check.load.parser import parse_bytes
from gdpr_check.load.rules import builtin_rules_dir
from gdpr_check.model.rule import AREAS

ROOT = Path(__file__).resolve().parent.parent
BASE = Path(__file__).parent / "fixtures" / "base"
STALE = f"is stale: regenerate it with `{docs.REGENERATE}` (from the repository root)"


def run(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# -- the committed documents are up to date -------------------------------------------------

@pytest.mark.parametrize("relative", [docs.RULES_DOC, docs.EXPRESSIONS_DOC,
                                      docs.REFERENCE_DOC])
def test_committed_docs_are_not_stale(relative):
    path = ROOT / relative
    assert path.exists(), f"{relative} is missing: generate it with `{docs.REGENERATE}`"
    expected = docs.generated()[relative]
    current = path.read_text(encoding="utf-8")
    if current != expected:
        import difflib
        diff = list(difflib.unified_diff(current.splitlines(), expected.splitlines(),
                                         relative, "generated", n=0, lineterm=""))
        pytest.fail(f"{relative} {STALE}\n" + "\n".join(diff[:20]), pytrace=False)


def test_rules_command_gives_the_committed_reference(capsys, monkeypatch):
    """`gdpr-check rules --format markdown > docs/rules.md` is the documented way too."""
    monkeypatch.chdir(ROOT)
    code, out, err = run(capsys, "rules", "--format", "markdown")
    assert code == 0, err
    assert out == docs.render_rules_markdown(docs.builtin_rules())


def test_docs_module_check_mode_reports_stale_files(tmp_path, capsys):
    assert docs.main(["--check", str(tmp_path)]) == 1
    assert "docs/rules.md is stale" in capsys.readouterr().err
    assert docs.main([str(tmp_path)]) == 0
    assert docs.main(["--check", str(tmp_path)]) == 0
    assert (tmp_path / docs.RULES_DOC).read_text() == docs.generated()[docs.RULES_DOC]


# -- the rule reference ---------------------------------------------------------------------

def test_rule_reference_documents_every_rule():
    rules = docs.builtin_rules()
    text = docs.render_rules_markdown(rules)
    assert text == docs.render_rules_markdown(list(reversed(rules)))  # deterministic
    toc = text.split("\n## ", 2)[1]
    for rule in rules:
        section = _section(text, rule.id)
        assert f"### {rule.id}: {rule.name}" in section
        assert f"| Severity | {rule.severity} |" in section
        assert f"| Articles | {', '.join(rule.articles)} |" in section
        for tag in rule.tags:
            assert f"`{tag}`" in section
        if rule.description:
            assert " ".join(rule.description.split()) in section
        if rule.remediation:
            assert "**How to fix:** " + " ".join(rule.remediation.split()) in section
        path, line = docs.pack_path(rule), rule.location[1]
        assert f"`{path}:{line}`" in section
        assert f"[{rule.id}](#{rule.id.lower()})" in toc
        # the pack line really is where the rule starts
        source = (ROOT / path).read_text().splitlines()[line - 1]
        assert f"id: {rule.id}" in source, (rule.id, source)


def test_rule_reference_is_grouped_by_area_in_order():
    text = docs.render_rules_markdown(docs.builtin_rules())
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert headings[0] == "Contents"
    titles = [docs.AREA_TITLES[a] for a in AREAS if a in {r.area for r in docs.builtin_rules()}]
    assert headings[1:] == titles
    positions = [text.index(f'<a id="{r.id.lower()}"></a>') for r in docs.builtin_rules()]
    by_area = sorted(zip(positions, docs.builtin_rules()), key=lambda p: p[0])
    areas_in_text = [r.area for _, r in by_area]
    assert areas_in_text == sorted(areas_in_text, key=AREAS.index)


def test_every_builtin_rule_is_documented_well_enough():
    """The reference is only as good as the rule files: each needs its prose."""
    for rule in docs.builtin_rules():
        assert rule.description and len(rule.description.split()) >= 8, rule.id
        assert rule.remediation and rule.remediation.strip(), rule.id


def _section(text: str, rule_id: str) -> str:
    start = text.index(f'<a id="{rule_id.lower()}"></a>')
    end = text.find('<a id="', start + 1)
    return text[start:end if end > 0 else None]


def test_rules_command_includes_extra_packs(tmp_path, capsys):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "ours.yaml").write_text(
        "# our own rules\n"
        "- id: ZZ001\n"
        "  name: Systems have an owner\n"
        "  description: Someone must answer for every system.\n"
        "  area: security\n"
        "  articles: ['Art. 24(1)']\n"
        "  severity: low\n"
        "  loop: inventory.systems\n"
        "  that: item.owner\n"
        "  remediation: Name the owner.\n"
        "  tags: [house]\n")
    code, out, err = run(capsys, "rules", BASE, "--rules", pack, "--format", "json")
    assert code == 0, err
    rules = {r["id"]: r for r in json.loads(out)["rules"]}
    assert {r.id for r in docs.builtin_rules()} < set(rules)
    ours = rules["ZZ001"]
    assert ours["pack"]["line"] == 2
    assert ours["pack"]["path"].endswith("pack/ours.yaml")
    assert (ours["area"], ours["severity"], ours["articles"], ours["tags"]) == \
        ("security", "low", ["Art. 24(1)"], ["house"])
    assert ours["description"] == "Someone must answer for every system."
    assert ours["remediation"] == "Name the owner."

    code, out, _ = run(capsys, "rules", BASE, "--rules", pack, "--select", "house")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("ZZ001") and "Systems have an owner" in lines[0]
    assert lines[-1] == "1 rule in 1 area"

    code, out, _ = run(capsys, "rules", BASE, "--rules", pack, "--format", "markdown",
                       "--select", "ZZ001")
    assert "### ZZ001: Systems have an owner" in out
    assert "Someone must answer for every system." in out


def test_rules_command_text_lists_every_rule(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, "rules")
    assert code == 0
    rules = docs.builtin_rules()
    lines = out.splitlines()
    assert len(lines) == len(rules) + 1
    assert {line.split()[0] for line in lines[:-1]} == {r.id for r in rules}


def test_rules_command_refuses_a_broken_pack(tmp_path, capsys):
    pack = tmp_path / "pack.yaml"
    pack.write_text("- id: ZZ001\n  name: x\n  area: nowhere\n")
    code, out, err = run(capsys, "rules", BASE, "--rules", pack)
    assert code == 2 and out == ""
    assert "area: expected one of" in err and len(err.splitlines()) >= 1


def test_rules_json_is_deterministic(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    first = run(capsys, "rules", "--format", "json")[1]
    second = run(capsys, "rules", "--format", "json")[1]
    assert first == second
    assert [r["id"] for r in json.loads(first)["rules"]] == \
        [r.id for r in docs._sorted(docs.builtin_rules())]


# -- the expression reference -----------------------------------------------------------------

def test_expression_reference_documents_every_helper():
    text = docs.render_expressions_markdown()
    for name in set(FUNCTIONS) | set(FILTERS):
        func = getattr(Helpers, name)
        heading = re.search(rf"^### `{name}\((.*)\)`( · filter)?$", text, re.M)
        assert heading, f"helper {name} is not documented"
        assert bool(heading.group(2)) == (name in FILTERS), name
        first_line = (func.__doc__ or "").strip().splitlines()[0]
        assert first_line in text, name


def test_expression_reference_names_the_scope_and_limits():
    text = docs.render_expressions_markdown()
    for name in ("`item`", "`policy`", "`inventory`", "`ref`", "`RIGHTS`", "`vars`"):
        assert name in text
    for limit in ("100,000", "4,096", "1,000,000", "__class__", "misspelt"):
        assert limit in text
    assert '<a id="model-system"></a>' in text and "| `hosting` |" in text
    assert "`from` (also `from_`)" in text


# -- JSON Schemas -------------------------------------------------------------------------------

def schema(capsys, kind) -> dict:
    code, out, err = run(capsys, "schema", kind)
    assert code == 0, err
    data = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(data)
    return data


def yaml_file(path: Path):
    return parse_bytes(path.read_bytes(), path.name)


def _files(*folders):
    return [p for folder in folders for p in sorted(folder.rglob("*.yaml"))]


@pytest.mark.parametrize("kind,folders", [
    ("policy", [BASE / "policy", ROOT / "policy"]),
    ("inventory", [BASE / "inventory", ROOT / "inventory"]),
    ("rules", [builtin_rules_dir()]),
])
def test_schema_accepts_the_real_files(capsys, kind, folders):
    validator = jsonschema.Draft202012Validator(schema(capsys, kind))
    files = _files(*[f for f in folders if f.is_dir()])
    assert files
    for path in files:
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in validator.iter_errors(yaml_file(path))]
        assert not errors, f"{path}: {errors[:3]}"


def test_schema_accepts_a_waivers_file(capsys):
    validator = jsonschema.Draft202012Validator(schema(capsys, "waivers"))
    waivers = parse_bytes(b"- rule: AC004\n  subject: crm\n  reason: MFA rollout, SEC-112\n"
                          b"  approved_by: DPO\n  expires: 2027-03-31\n", "w.yaml")
    assert not list(validator.iter_errors(waivers))
    assert list(validator.iter_errors([{"rule": "AC004", "approved_by": "DPO",
                                        "expires": "2027-03-31"}]))  # no reason


@pytest.mark.parametrize("kind,data,bad_key", [
    ("policy", {"controler": {"name": "X"}}, "controler"),
    ("policy", {"purposes": [{"id": "p", "lawful_bases": "consent"}]}, "lawful_bases"),
    ("inventory", {"systems": [{"id": "crm", "hostig": {}}]}, "hostig"),
    ("inventory", {"flows": [{"id": "f", "from": "a", "to": "b", "encrpyted": True}]},
     "encrpyted"),
    ("rules", [{"id": "X1", "name": "n", "area": "security", "severity": "low",
                "articles": ["Art. 32"], "that": "true", "loops": "x"}], "loops"),
    ("waivers", [{"rule": "X1", "reason": "r", "approved_by": "DPO",
                  "expires": "2030-01-01", "expiry": "2030-01-01"}], "expiry"),
])
def test_schema_rejects_an_unknown_key(capsys, kind, data, bad_key):
    errors = list(jsonschema.Draft202012Validator(schema(capsys, kind)).iter_errors(data))
    assert errors
    assert any(bad_key in e.message for e in errors), [e.message for e in errors]


@pytest.mark.parametrize("kind,data", [
    ("inventory", {"processors": [{"id": "p", "countries": ["fi"]}]}),
    ("inventory", {"systems": [{"id": "CRM"}]}),
    ("inventory", {"systems": [{"id": "crm", "retention": {"period": "6 years"}}]}),
    ("policy", {"purposes": [{"id": "p", "lawful_basis": "consnet"}]}),
    ("rules", [{"id": "X1", "name": "n", "area": "security", "severity": "low",
                "articles": ["Article 32"], "that": "true"}]),
    ("rules", {"id": "X1"}),
])
def test_schema_rejects_wrong_values(capsys, kind, data):
    assert list(jsonschema.Draft202012Validator(schema(capsys, kind)).iter_errors(data))


def test_schema_accepts_single_values_where_the_loader_does(capsys):
    rules = jsonschema.Draft202012Validator(schema(capsys, "rules"))
    rule = {"id": "X1", "name": "n", "area": "security", "severity": "low",
            "articles": ["Art. 32"], "when": "item.public", "that": True}
    assert not list(rules.iter_errors([rule]))
    policy = jsonschema.Draft202012Validator(schema(capsys, "policy"))
    assert not list(policy.iter_errors({"purposes": [{"id": "p", "lawful_basis": "consent"}]}))


def test_schema_of_an_unknown_kind_is_a_usage_error(capsys):
    code, out, err = run(capsys, "schema", "notice")
    assert code == 2 and out == ""
    assert "notice" in err
