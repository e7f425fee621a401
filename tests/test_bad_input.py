"""Bad input through the CLI (SPEC §8, §10): exit 2, one line naming file:line:column and
what was expected, no traceback, and nothing half-written to --output: the report asked
for is written whole, holding the errors (issue 10), or not at all.

Each case patches a copy of the compliant base project (`tests/fixtures/base`) with one
broken file and runs both `check` and `validate` on it.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gdpr_check.cli import main
from gdpr_check.load import parser

BASE = Path(__file__).parent / "fixtures" / "base"
OLD_REPORT = "the report of an earlier run\n"

RULE = """\
- id: X001
  name: Every system is checked
  area: security
  articles: ["Art. 32"]
  severity: low
  loop: inventory.systems
"""
THAT = "  that: item.id\n"
INV = "inventory/other.yaml"
POL = "policy/other.yaml"
PACK = "pack/extra.yaml"


class Case:
    def __init__(self, name, files, where, *fragments, runtime=False):
        self.name = name
        self.files = files            # {relative path: text or bytes}
        self.where = where            # "file:line" or "file:line:col"
        self.fragments = fragments    # what the message must say (case-insensitive)
        self.runtime = runtime        # only `check` finds it (it needs the rule to run)

    def __repr__(self):
        return self.name


BILLION_LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([prev] * 9)}]\n"
    for name, prev in zip("abcdefghi", ['"lol"', "*a", "*b", "*c", "*d", "*e", "*f", "*g",
                                        "*h"]))

CASES = [
    # -- YAML itself ------------------------------------------------------------------
    Case("malformed-yaml", {INV: "systems:\n  - id: a\n    name: [unclosed\n"},
         f"{INV}:4:1", "malformed yaml"),
    Case("duplicate-key", {INV: "systems:\n  - id: a\n    name: x\n    name: y\n"},
         f"{INV}:4:5", "duplicate key 'name'", "line 3"),
    Case("duplicate-key-flow-style", {INV: "systems:\n  - {id: a, id: b}\n"},
         f"{INV}:2:13", "duplicate key 'id'"),
    Case("unterminated-quote", {INV: "systems:\n  - id: a\n    name: 'Customer\n"},
         f"{INV}:4:1", "end of stream", "quoted scalar started at line 3, column 11"),
    Case("control-character", {INV: "systems:\n  - id: a\n    name: bell\x07\n"},
         f"{INV}:3:15", "control character U+0007"),
    Case("tab-indentation", {INV: "systems:\n\t- id: a\n"}, f"{INV}:2:1", "tab"),
    Case("several-documents", {INV: "systems: []\n---\nflows: []\n"}, f"{INV}:2:1",
         "single yaml document"),
    Case("non-string-key", {INV: "systems:\n  - id: a\n    1: x\n"}, f"{INV}:3:5",
         "expected a string as mapping key", "found 1"),
    Case("list-as-key", {INV: "? [a, b]\n: x\n"}, f"{INV}:1:3",
         "expected a string as mapping key", "a list"),
    Case("python-object-tag", {INV: "systems: !!python/object:os.system {}\n"},
         f"{INV}:1:10", "unsupported yaml tag !!python/object:os.system", "expected plain data"),
    Case("python-name-tag-on-scalar", {INV: "systems:\n  - id: !!python/name:os.system a\n"},
         f"{INV}:2:9", "unsupported yaml tag !!python/name"),
    Case("binary-tag", {INV: "systems:\n  - id: a\n    name: !!binary aGVsbG8=\n"},
         f"{INV}:3:11", "unsupported yaml tag !!binary"),
    Case("custom-tag", {INV: "systems: !include other.yaml\n"}, f"{INV}:1:10",
         "unsupported yaml tag !include"),
    Case("alias-bomb", {INV: BILLION_LAUGHS}, INV, "alias bomb"),
    Case("recursive-alias", {INV: "systems: &a\n  - *a\n"}, f"{INV}:1:10",
         "recursive alias"),
    Case("deep-nesting", {INV: "systems: " + "[" * 200 + "]" * 200 + "\n"}, INV,
         "nesting deeper than"),
    Case("bad-merge-key", {INV: "systems:\n  - <<: [1]\n    id: a\n"}, f"{INV}:2:10",
         "'<<' merges a mapping"),
    # -- files ------------------------------------------------------------------------
    Case("empty-file", {INV: ""}, f"{INV}:1:1", "empty file", "expected a mapping"),
    Case("only-a-comment", {INV: "# nothing here yet\n"}, f"{INV}:1:1", "empty file"),
    Case("not-utf8", {INV: b"systems:\n  - id: a\n    name: caf\xe9\n"}, f"{INV}:3:14",
         "not utf-8", "0xe9", "expected utf-8"),
    Case("binary-file", {INV: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"}, f"{INV}:3:1",
         "binary file", "expected utf-8"),
    Case("top-level-list", {INV: "- id: a\n  name: x\n"}, f"{INV}:1:1",
         "expected a mapping of inventory keys", "found a list"),
    Case("top-level-scalar", {POL: "just some text\n"}, f"{POL}:1:1",
         "expected a mapping of notice keys", "a single value"),
    Case("policy-mapping-in-two-files", {POL: "controller:\n  name: X\n  country: FI\n"},
         f"{POL}:1:1", "'controller' is already defined in policy/notice.yaml:9",
         "only lists may be split"),
    Case("list-in-one-file-null-in-another", {INV: "systems:\n"}, f"{INV}:1:1",
         "'systems': expected a list", "inventory/inventory.yaml", "nothing (null)"),
    # -- schema -----------------------------------------------------------------------
    Case("unknown-key", {INV: "systems:\n  - id: a\n    nmae: x\n"}, f"{INV}:3:5",
         "unknown key 'nmae'", "did you mean 'name'"),
    Case("unknown-top-level-key", {POL: "controler:\n  name: X\n"}, f"{POL}:1:1",
         "unknown key 'controler'", "did you mean 'controller'"),
    Case("unknown-nested-key", {INV: "systems:\n  - id: a\n    access: {pubic: true}\n"},
         f"{INV}:3:14", "unknown key 'pubic'", "did you mean 'public'"),
    Case("wrong-type-list", {INV: "systems:\n  - id: a\n    purposes: newsletter\n"},
         f"{INV}:3:5", "purposes: expected a list", "found 'newsletter'"),
    Case("wrong-type-bool", {INV: "systems:\n  - id: a\n    access: {public: maybe}\n"},
         f"{INV}:3:14", "public: expected true or false", "found 'maybe'"),
    Case("wrong-type-union", {INV: "systems:\n  - id: a\n    rights: {erasure: {supported: maybe}}\n"},
         f"{INV}:3:24", "supported: expected true or false or not_applicable", "'maybe'"),
    Case("wrong-type-string", {INV: "systems:\n  - id: a\n    name: 1.5\n"}, f"{INV}:3:5",
         "name: expected a string", "found 1.5"),
    Case("item-not-a-mapping", {INV: "systems:\n  - crm2\n"}, f"{INV}:2:5",
         "expected a mapping", "found 'crm2'"),
    Case("missing-required-key", {INV: "systems:\n  - name: no id\n"}, f"{INV}:2:5",
         "missing required key 'id'"),
    Case("invalid-id", {INV: "systems:\n  - id: CRM2\n"}, f"{INV}:2:5",
         "'CRM2' is not a valid id"),
    Case("unknown-enum-value", {INV: "principals:\n  - id: p\n    kind: employe_group\n"},
         f"{INV}:3:5", "expected one of employee_group, external, service",
         "did you mean 'employee_group'"),
    Case("unknown-lawful-basis", {POL: "purposes:\n  - id: p2\n    lawful_basis: consnet\n"},
         f"{POL}:3:5", "did you mean 'consent'"),
    Case("unknown-country", {INV: "processors:\n  - id: a\n    countries: [FI, XX]\n"},
         f"{INV}:3:21", "'XX' is not an ISO 3166-1 alpha-2 country code"),
    Case("lower-case-country", {INV: "processors:\n  - id: a\n    countries: [fi]\n"},
         f"{INV}:3:17", "'fi' is not an ISO 3166-1", "upper case"),
    Case("bad-duration", {INV: "systems:\n  - id: a\n    retention: {period: 6 years}\n"},
         f"{INV}:3:17", "'6 years' is not an iso 8601 duration", "P1M"),
    Case("bad-date", {INV: "processors:\n  - id: a\n    dpa: {signed: 2024-13-01}\n"},
         f"{INV}:3:11", "expected a date (yyyy-mm-dd)", "'2024-13-01'"),
    Case("not-a-date", {INV: "processors:\n  - id: a\n    dpa:\n      signed: last spring\n"},
         f"{INV}:4:7", "expected a date", "'last spring'"),
    Case("defaults-unknown-key", {INV: "defaults:\n  flows: {encrpyted: true}\n"},
         f"{INV}:1:1", "'defaults' is already defined"),
    Case("defaults-unknown-nested-key-no-items",
         {"inventory/inventory.yaml": "defaults:\n  systems:\n    access: {publc: true}\n"},
         "inventory/inventory.yaml:3:14", "defaults.systems.access: unknown key 'publc'",
         "did you mean 'public'"),
    Case("defaults-wrong-value-reported-once",
         {"inventory/inventory.yaml": (BASE / "inventory" / "inventory.yaml").read_text()
          .replace("access: {authentication: [password, mfa]}",
                   "access: {authentication: [password, mfa], public: maybe}")},
         "inventory/inventory.yaml:3:47", "public: expected true or false", "'maybe'"),
    # -- ids and structural references ------------------------------------------------
    Case("duplicate-id", {INV: "systems:\n  - id: crm\n"}, f"{INV}:2:5",
         "duplicate system id 'crm'", "inventory/inventory.yaml:"),
    Case("dangling-flow-from", {INV: "flows:\n  - id: f\n    from: crmm\n    to: crm\n"},
         f"{INV}:3:5", "from 'crmm' is not a known", "did you mean 'crm'"),
    Case("dangling-flow-to", {INV: "flows:\n  - id: f\n    from: crm\n    to: nowhere\n"},
         f"{INV}:4:5", "to 'nowhere' is not a known system, processor"),
    Case("dangling-grant-principal",
         {INV: "systems:\n  - id: a\n    access:\n      grants:\n        - principal: stafff\n"},
         f"{INV}:5:11", "system 'a': access.grants[0].principal 'stafff' is not a known principal",
         "did you mean 'staff'"),
    Case("dangling-hosting-provider", {INV: "systems:\n  - id: a\n    hosting: {provider: mailerr}\n"},
         f"{INV}:3:15", "system 'a': hosting.provider 'mailerr' is not a known processor",
         "did you mean 'mailer'"),
    Case("dangling-sub-processor", {INV: "processors:\n  - id: a\n    sub_processors: [nope]\n"},
         f"{INV}:3:5", "processor 'a': sub_processors[0] 'nope' is not a known processor"),
    Case("dangling-register-purpose", {POL: "registers:\n  - id: r2\n    purposes: [newsleter]\n"},
         f"{POL}:3:5", "register 'r2': purposes[0] 'newsleter' is not a known purpose",
         "did you mean 'newsletter'"),
    Case("dangling-transfer-recipient", {POL: "transfers:\n  - recipient: nobody\n"},
         f"{POL}:2:5", "recipient 'nobody' is not a known recipient"),
    # -- rule packs -------------------------------------------------------------------
    Case("rule-does-not-parse", {PACK: RULE + "  that: item.name ==\n"}, f"{PACK}:7:3",
         "does not parse"),
    Case("rule-unbalanced", {PACK: RULE + "  that: \"(item.name\"\n"}, f"{PACK}:7:3",
         "does not parse"),
    Case("rule-dunder-attribute", {PACK: RULE + "  that: item.__class__\n"}, f"{PACK}:7:3",
         "reaches for '__class__'", "not allowed in the sandbox"),
    Case("rule-globals", {PACK: RULE + "  that: lookup.__globals__\n"}, f"{PACK}:7:3",
         "reaches for '__globals__'"),
    Case("rule-subscript-dunder", {PACK: RULE + "  that: item['__class__']\n"}, f"{PACK}:7:3",
         "reaches for '__class__'"),
    Case("rule-attr-filter", {PACK: RULE + "  that: item | attr('__class__')\n"},
         f"{PACK}:7:3", "reaches for '__class__'"),
    Case("rule-map-attribute", {PACK: RULE + "  that: \"inventory.systems | map(attribute="
                                             "'__class__.__mro__') | list\"\n"},
         f"{PACK}:7:3", "reaches for '__class__'"),
    Case("rule-format-string", {PACK: RULE + "  that: \"'{0.__class__.__mro__}'.format(item)\"\n"},
         f"{PACK}:7:3", "reaches for '__class__'"),
    Case("rule-private-in-vars", {PACK: RULE + "  vars:\n    a: item._loc\n  that: a\n"},
         f"{PACK}:8:5", "reaches for '_loc'"),
    Case("rule-private-in-fail-msg",
         {PACK: RULE + THAT + "  fail_msg: \"{{ item.__class__ }}\"\n"}, f"{PACK}:8:3",
         "reaches for '__class__'"),
    Case("rule-helpers-object", {PACK: RULE + "  that: _helpers.index\n"}, f"{PACK}:7:3",
         "reaches for '_helpers'"),
    Case("rule-undefined-name", {PACK: RULE + "  that: itme.id\n"}, f"{PACK}:7:3",
         "unknown name 'itme'", "did you mean 'item'"),
    Case("rule-undefined-bare-name", {PACK: RULE + "  that: self\n"}, f"{PACK}:7:3",
         "unknown name 'self'"),
    Case("rule-unknown-filter", {PACK: RULE + "  that: item.name | nosuch\n"}, f"{PACK}:7:3",
         "no filter named 'nosuch'"),
    Case("rule-fail-msg-does-not-parse",
         {PACK: RULE + THAT + "  fail_msg: \"{{ item.name \"\n"}, f"{PACK}:8:3",
         "does not parse"),
    Case("rule-missing-that", {PACK: RULE}, f"{PACK}:1:3", "missing required key 'that'"),
    Case("rule-missing-name", {PACK: RULE.replace("  name: Every system is checked\n", "")
                               + THAT}, f"{PACK}:1:3", "missing required key 'name'"),
    Case("rule-bad-article", {PACK: RULE.replace('"Art. 32"', '"Article 32"') + THAT},
         f"{PACK}:4:14", "'Article 32' is not an article reference", "'Art. N(p)'"),
    Case("rule-articles-not-a-list", {PACK: RULE.replace('["Art. 32"]', "Art. 32") + THAT},
         f"{PACK}:4:3", "articles: expected a list"),
    Case("rule-unknown-area", {PACK: RULE.replace("area: security", "area: securty") + THAT},
         f"{PACK}:3:3", "expected one of lawful_basis", "did you mean 'security'"),
    Case("rule-unknown-key", {PACK: RULE + THAT + "  tag: [x]\n"}, f"{PACK}:8:3",
         "unknown key 'tag'", "did you mean 'tags'"),
    Case("rule-that-not-an-expression", {PACK: RULE + "  that: {a: 1}\n"}, f"{PACK}:7:3",
         "expected an expression"),
    Case("rule-invalid-schema", {PACK: RULE + "  schema: {type: nonsense}\n"}, f"{PACK}:7:3",
         "not a valid json schema"),
    Case("rule-duplicate-id", {PACK: RULE + THAT + RULE + THAT}, f"{PACK}:8:3",
         "duplicate rule id 'X001'"),
    Case("rule-empty-loop", {PACK: RULE.replace("loop: inventory.systems", "loop: ''") + THAT},
         f"{PACK}:6:3", "loop: expected an expression giving a list"),
    Case("rule-at-unknown-field", {PACK: RULE + THAT + "  at: hostng\n"}, f"{PACK}:8:3",
         "'hostng' is not a field of system", "did you mean 'hosting'"),
    Case("rule-schema-remote-ref",
         {PACK: RULE + "  schema: {$ref: 'https://example.com/s.json'}\n"}, f"{PACK}:7:3",
         "is not local"),
    Case("rule-pack-is-a-mapping", {PACK: "id: X001\nname: x\n"}, f"{PACK}:1:1",
         "expected a list of rules"),
    Case("rule-pack-empty", {PACK: ""}, f"{PACK}:1:1", "empty file", "list of rules"),
    # found only when the rule runs: the rule's file:line and the item
    Case("rule-undefined-field", {PACK: RULE + "  that: item.nosuchfield\n"}, f"{PACK}:7:3",
         "rule X001", "system 'crm' (inventory/inventory.yaml:", "no field 'nosuchfield'",
         runtime=True),
    Case("rule-mro", {PACK: RULE + "  that: item.mro\n"}, f"{PACK}:7:3",
         "system 'crm'", "no field 'mro'", runtime=True),
    Case("rule-undefined-field-in-list", {PACK: RULE + "  that: \"[item.nosuchfield]\"\n"},
         f"{PACK}:7:3", "no field 'nosuchfield'", runtime=True),
    Case("rule-undefined-field-in-when", {PACK: RULE + "  when: item.nosuch\n" + THAT},
         f"{PACK}:7:3", "no field 'nosuch'", runtime=True),
    Case("rule-misspelt-loop", {PACK: RULE.replace("inventory.systems", "inventory.sistems")
                                + THAT}, f"{PACK}:6:3", "did you mean 'systems'",
         runtime=True),
    Case("rule-undefined-field-in-fail-msg",
         {PACK: RULE + "  that: false\n  fail_msg: \"{{ item.nosuch }}\"\n"}, f"{PACK}:8:3",
         "fail_msg", "system 'crm'", "no field 'nosuch'", runtime=True),
    Case("rule-loop-not-a-list",
         {PACK: RULE.replace("inventory.systems", "inventory.systems | length") + THAT},
         f"{PACK}:6:3", "loop gave int, expected a list", runtime=True),
    Case("rule-dunder-built-at-run-time", {PACK: RULE + "  that: item['__cla' ~ 'ss__']\n"},
         f"{PACK}:7:3", "unsafe", runtime=True),
    Case("rule-attr-built-at-run-time", {PACK: RULE + "  that: item | attr('_' ~ '_class__')\n"},
         f"{PACK}:7:3", "unsafe", runtime=True),
    Case("rule-format-built-at-run-time",
         {PACK: RULE + "  that: \"('{0.' ~ '__class__}').format(item)\"\n"}, f"{PACK}:7:3",
         "unsafe", runtime=True),
    Case("rule-mutation", {PACK: RULE + "  that: item.purposes.append('x')\n"}, f"{PACK}:7:3",
         "unsafe", runtime=True),
    Case("rule-huge-power", {PACK: RULE + "  that: 9 ** 999999\n"}, f"{PACK}:7:3",
         "too large", runtime=True),
    Case("rule-huge-repeat", {PACK: RULE + "  that: \"'x' * 1000000000\"\n"}, f"{PACK}:7:3",
         "too large", runtime=True),
]

LINE = re.compile(r"^gdpr-check: error: (?P<where>[^ ]+?): (?P<message>.+)$")


def make_project(tmp_path: Path, files: dict) -> Path:
    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def run(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_error(err: str, case: Case) -> None:
    assert "Traceback" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{err}"
    match = LINE.match(lines[0])
    assert match, f"not 'gdpr-check: error: file:line:col: message': {lines[0]}"
    where = match["where"]
    assert where == case.where or (where.startswith(case.where + ":")
                                   and case.where.count(":") < 2), \
        f"expected the error at {case.where}, got {lines[0]}"
    if case.where.count(":") >= 1:
        assert re.fullmatch(r"[^:]+:\d+(:\d+)?", where), lines[0]
    message = match["message"].lower()
    for fragment in case.fragments:
        assert fragment.lower() in message, f"{fragment!r} not in: {lines[0]}"
    assert "pydantic" not in message and "errors.pydantic.dev" not in message, lines[0]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check_refuses_bad_input(tmp_path, capsys, case):
    root = make_project(tmp_path, case.files)
    report = tmp_path / "out" / "report.json"
    report.parent.mkdir()
    report.write_text(OLD_REPORT)
    argv = ["check", root, "--format", "json", "--output", report]
    if any(path.startswith("pack/") for path in case.files):
        argv += ["--rules", root / "pack"]
    started = time.perf_counter()
    code, out, err = run(capsys, *argv)
    assert time.perf_counter() - started < 10, "bad input must fail fast"
    assert code == 2, err or out
    assert_one_error(err, case)
    assert out == ""
    assert_report_holds_the_error(report, case)
    assert sorted(p.name for p in report.parent.iterdir()) == ["report.json"], \
        "a temporary report file was left behind"


def assert_report_holds_the_error(report: Path, case: Case) -> None:
    """The earlier report is replaced by a complete one of this run that names the error
    where the terminal does (a rule that fails at run time: as a rule error)."""
    data = json.loads(report.read_text())
    assert data["tool"]["name"] == "gdpr-check" and data["summary"]["errors"] == 1
    [error] = data["errors"]
    where = ":".join(str(p) for p in (error["location"]["path"], error["location"]["line"],
                                      error["location"]["column"]) if p is not None)
    assert where == case.where or where.startswith(case.where + ":"), (where, case.where)
    for fragment in case.fragments:
        assert fragment.lower() in error["message"].lower()
    if case.runtime:
        assert error["kind"] == "rule" and error["rule"] == "X001", error


@pytest.mark.parametrize("case", [c for c in CASES if not c.runtime],
                         ids=[c.name for c in CASES if not c.runtime])
def test_validate_refuses_bad_input(tmp_path, capsys, case):
    root = make_project(tmp_path, case.files)
    argv = ["validate", root]
    if any(path.startswith("pack/") for path in case.files):
        argv += ["--rules", root / "pack"]
    code, out, err = run(capsys, *argv)
    assert code == 2, err or out
    assert_one_error(err, case)


def test_oversized_file(tmp_path, capsys, monkeypatch):
    """The size limit (64 MiB) is checked before the file is read; tested with a small one."""
    root = make_project(tmp_path, {})
    from gdpr_check.load.rules import builtin_rules_dir
    # The base files and the built-in rules fit (every input is read in the same run).
    limit = max(p.stat().st_size for p in [*root.rglob("*.yaml"),
                                           *builtin_rules_dir().rglob("*.yaml")])
    monkeypatch.setattr(parser, "MAX_FILE_BYTES", limit)
    (root / INV).write_text("systems: []\n" + "#" * limit)
    code, out, err = run(capsys, "validate", root)
    assert code == 2
    assert_one_error(err, Case("oversized", {}, f"{INV}:1:1",
                               f"more than the {limit} bytes limit", "expected a smaller file"))


def test_oversized_file_is_not_read(tmp_path, monkeypatch):
    """A huge file is refused from its size alone, never read into memory."""
    from gdpr_check.errors import InputError
    from gdpr_check.load.files import read_tree
    monkeypatch.setattr(parser, "MAX_FILE_BYTES", 10)
    path = tmp_path / "big.yaml"
    path.write_text("a: 1\n" * 10)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read a huge file"))
    with pytest.raises(InputError, match="more than the 10 bytes limit"):
        read_tree(path, tmp_path)


def test_several_errors_are_each_one_line(tmp_path, capsys):
    """Independent mistakes are all reported, one line each, sorted by position."""
    root = make_project(tmp_path, {INV: "systems:\n  - id: a\n    nmae: x\n"
                                        "  - id: b\n    purposes: newsletter\n"})
    code, _, err = run(capsys, "check", root)
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 2, err
    assert lines[0].startswith(f"gdpr-check: error: {INV}:3:5: unknown key 'nmae'")
    assert lines[1].startswith(f"gdpr-check: error: {INV}:5:5: ")


def test_missing_project_folder(tmp_path, capsys):
    code, out, err = run(capsys, "check", tmp_path / "nowhere")
    assert code == 2
    assert err.splitlines() == [f"gdpr-check: error: project folder not found: "
                                f"{tmp_path / 'nowhere'}"]


def test_folder_without_policy_or_inventory(tmp_path, capsys):
    code, out, err = run(capsys, "validate", tmp_path)
    assert code == 2
    assert len(err.splitlines()) == 1 and "no policy/ or inventory/ folder" in err


def test_missing_rules_folder(tmp_path, capsys):
    root = make_project(tmp_path, {})
    report = tmp_path / "report.json"
    code, out, err = run(capsys, "check", root, "--rules", tmp_path / "no-such-pack",
                         "--output", report)
    assert code == 2
    assert "Traceback" not in err
    assert err.count("\n") == 1 and "no-such-pack" in err and "not found" in err  # one line
    assert "no-such-pack" in json.loads(report.read_text())["errors"][0]["message"]


def test_bad_input_in_a_real_process(tmp_path):
    """The installed entry point: no traceback, no warnings, one line, exit 2."""
    root = make_project(tmp_path, {INV: "systems:\n  - id: a\n    name: x\n    name: y\n"})
    result = subprocess.run([sys.executable, "-m", "gdpr_check", "check", str(root)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"gdpr-check: error: {INV}:4:5: duplicate key 'name' (first defined at line 3)"]


def test_sandbox_escape_in_a_real_process(tmp_path):
    root = make_project(tmp_path, {PACK: RULE + "  that: item['__cla' ~ 'ss__'].__init__\n"})
    result = subprocess.run([sys.executable, "-m", "gdpr_check", "check", str(root),
                             "--rules", str(root / "pack")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "reaches for '__init__'" in result.stderr
