"""The loader: positions, folder merging, `defaults`, YAML 1.2 scalars, merge keys, ids and
references (SPEC §3-5). Errors are checked through the CLI in test_bad_input.py; here the
loaded objects themselves."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from gdpr_check.errors import InputError
from gdpr_check.load import load_project
from gdpr_check.load.parser import parse_bytes
from gdpr_check.load.tree import LocDict, LocList, locate

BASE = Path(__file__).parent / "fixtures" / "base"

POLICY = """\
controller:
  name: Example Oy
  country: FI
purposes:
  - id: billing
    lawful_basis: contract
  - id: newsletter
    lawful_basis: consent
"""

INVENTORY = """\
principals:
  - id: staff
    kind: employee_group
processors:
  - id: host
    countries: [FI]
systems:
  - id: crm
    name: CRM
    hosting:
      provider: host
      countries: [FI, SE]
    access:
      grants:
        - principal: staff
          scope: full
        - {principal: staff, scope: read}
flows:
  - id: in
    from: data_subject
    to: crm
"""


def write(root: Path, files: dict) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def project(tmp_path, files=None, policy=POLICY, inventory=INVENTORY):
    base = {"policy/notice.yaml": policy, "inventory/inventory.yaml": inventory}
    return load_project(write(tmp_path, {**base, **(files or {})}))


def line_of(path: Path, text: str) -> int:
    """The 1-based number of the first line of `path` containing `text`."""
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


# -- positions -----------------------------------------------------------------------

def test_items_keys_and_nested_fields_have_positions(tmp_path):
    loaded = project(tmp_path)
    crm = loaded.inventory.systems[0]
    path = "inventory/inventory.yaml"
    assert crm.location == (path, 8, 5)                      # the item: its first key
    assert crm.field_location("name") == (path, 9, 5)        # a key of the item
    assert crm.hosting.location == (path, 11, 7)             # a nested mapping
    assert crm.hosting.field_location("countries") == (path, 12, 7)
    grants = crm.access.grants
    assert grants[0].location == (path, 15, 11)              # block-style list item
    assert grants[0].field_location("scope") == (path, 16, 11)
    assert grants[1].location == (path, 17, 11)              # flow-style list item
    assert grants[1].field_location("scope") == (path, 17, 30)
    flow = loaded.inventory.flows[0]
    assert flow.field_location("from_") == (path, 20, 5)     # aliased field (`from`)
    assert loaded.policy.purposes[1].location == ("policy/notice.yaml", 7, 5)


def test_unwritten_field_points_at_its_object(tmp_path):
    crm = project(tmp_path).inventory.systems[0]
    assert crm.field_location("retention") == crm.location


def test_base_fixture_positions_match_the_file():
    """Every loaded object points at the line holding its id in the real fixture."""
    loaded = load_project(BASE)
    inventory = BASE / "inventory" / "inventory.yaml"
    for obj in [*loaded.inventory.systems, *loaded.inventory.processors,
                *loaded.inventory.flows, *loaded.inventory.principals]:
        path, line, column = obj.field_location("id")
        assert path == "inventory/inventory.yaml"
        text = inventory.read_text().splitlines()[line - 1]
        assert text[column - 1:].startswith(f"id: {obj.id}"), (obj.id, text)


def test_located_tree_positions():
    tree = parse_bytes(b"a:\n  b: [1, {c: 2}]\n  d:\n    - x\n", "f.yaml")
    assert isinstance(tree, LocDict) and isinstance(tree["a"]["b"], LocList)
    assert tree.key_locs["a"] == ("f.yaml", 1, 1)
    assert locate(tree, ["a", "b", 1, "c"]) == ("f.yaml", 2, 11)
    assert locate(tree, ["a", "d", 0]) == ("f.yaml", 4, 7)
    # a path that goes deeper than the tree: the most specific position known
    assert locate(tree, ["a", "d", 5, "e"]) == ("f.yaml", 3, 3)


def test_crlf_and_bom_do_not_shift_positions():
    tree = parse_bytes("\ufeffa: 1\r\nb:\r\n  - x\r\n".encode(), "f.yaml")
    assert tree == {"a": 1, "b": ["x"]}
    assert tree["b"].item_locs[0] == ("f.yaml", 3, 5)


# -- folders -------------------------------------------------------------------------

def test_lists_merge_across_files_and_subfolders(tmp_path):
    loaded = project(tmp_path, {
        "inventory/b/more.yaml": """\
            systems:
              - id: website
            flows:
              - id: out
                from: crm
                to: website
            """,
        "inventory/a.yml": """\
            systems:
              - id: erp
            """,
        "inventory/.hidden.yaml": "systems: [{id: secret}]\n",
        "inventory/notes.txt": "not yaml",
    })
    # files in sorted path order: a.yml, b/more.yaml, inventory.yaml
    assert [s.id for s in loaded.inventory.systems] == ["erp", "website", "crm"]
    assert [f.id for f in loaded.inventory.flows] == ["out", "in"]
    assert loaded.inventory.systems[1].location == ("inventory/b/more.yaml", 2, 5)
    assert loaded.inventory.systems[0].location == ("inventory/a.yml", 2, 5)
    assert loaded.files == ["policy/notice.yaml", "inventory/a.yml", "inventory/b/more.yaml",
                            "inventory/inventory.yaml"]


def test_policy_may_be_split_across_files(tmp_path):
    loaded = project(tmp_path, {"policy/rights.yaml": "rights:\n  access: {how: e-mail}\n"
                                                      "purposes:\n  - id: hr\n"
                                                      "    lawful_basis: legal_obligation\n"})
    assert loaded.policy.rights.access.how == "e-mail"
    assert [p.id for p in loaded.policy.purposes] == ["billing", "newsletter", "hr"]
    assert loaded.policy.rights.location[0] == "policy/rights.yaml"


def test_a_mapping_may_not_be_split(tmp_path):
    with pytest.raises(InputError) as error:
        project(tmp_path, {"policy/other.yaml": "controller:\n  name: X\n  country: FI\n"})
    assert (error.value.path, error.value.line) == ("policy/other.yaml", 1)
    assert "already defined in policy/notice.yaml:1" in error.value.message


def test_inventory_without_policy_folder(tmp_path):
    loaded = load_project(write(tmp_path, {"inventory/x.yaml": "systems: [{id: a}]\n"}))
    assert loaded.policy.purposes == [] and loaded.inventory.systems[0].id == "a"


# -- defaults ------------------------------------------------------------------------

DEFAULTS = """\
defaults:
  systems:
    owner: IT
    access:
      authentication: [password, mfa]
      public: false
    security: {encryption_at_rest: true, audit_log: true}
  flows:
    encrypted: true
"""


def test_defaults_merge_under_every_item(tmp_path):
    inventory = DEFAULTS + INVENTORY + """\
  - id: out
    from: crm
    to: host
    encrypted: false
"""
    inventory = inventory.replace("    name: CRM\n", "    name: CRM\n    owner: Sales\n"
                                                   "    security: {audit_log: false}\n")
    loaded = project(tmp_path, inventory=inventory)
    crm = loaded.inventory.systems[0]
    assert crm.owner == "Sales"                                   # the item wins
    assert crm.access.authentication == ["password", "mfa"]       # nested: from defaults
    assert [g.scope for g in crm.access.grants] == ["full", "read"]  # nested: from the item
    assert crm.security.encryption_at_rest is True                # nested merge, key by key
    assert crm.security.audit_log is False                        # ... the item's key wins
    flows = {f.id: f for f in loaded.inventory.flows}
    assert flows["in"].encrypted is True and flows["out"].encrypted is False


def test_defaulted_fields_point_at_the_defaults(tmp_path):
    crm = project(tmp_path, inventory=DEFAULTS + INVENTORY).inventory.systems[0]
    assert crm.field_location("owner") == ("inventory/inventory.yaml", 3, 5)
    assert crm.field_location("name")[1] == 9 + DEFAULTS.count("\n")
    assert crm.location[1] == 8 + DEFAULTS.count("\n")


def test_defaults_apply_across_files(tmp_path):
    loaded = project(tmp_path, {"inventory/defaults.yaml": DEFAULTS})
    assert loaded.inventory.systems[0].owner == "IT"


def test_defaults_with_an_unknown_key_are_refused(tmp_path):
    with pytest.raises(InputError) as error:
        project(tmp_path, inventory=DEFAULTS.replace("    owner: IT\n", "    ownr: IT\n")
                + INVENTORY)
    assert "unknown key 'ownr'" in str(error.value)
    assert "did you mean 'owner'" in str(error.value)


# -- YAML 1.2 scalars ------------------------------------------------------------------

def test_yaml_1_2_scalars():
    text = b"""\
countries: [NO, SE, ON, Y, n]
flags: [yes, no, on, off, true, false, True, FALSE]
nulls: [~, null, NULL, '']
numbers: [12, -3, 012, 0o17, 0x1F, 1.5, 1e3, 1_000]
dates: [2024-01-31, '2024-01-31']
strings: ['12', !!str 12, "true", 1.2.3]
"""
    tree = parse_bytes(text, "f.yaml")
    assert tree["countries"] == ["NO", "SE", "ON", "Y", "n"]
    assert tree["flags"] == ["yes", "no", "on", "off", True, False, True, False]
    assert tree["nulls"] == [None, None, None, ""]
    assert tree["numbers"] == [12, -3, 12, 15, 31, 1.5, 1000.0, "1_000"]
    assert tree["dates"] == ["2024-01-31", "2024-01-31"]   # the models parse dates
    assert tree["strings"] == ["12", "12", "true", "1.2.3"]
    assert type(tree["numbers"][0]) is int and type(tree["numbers"][6]) is float


def test_norway_is_a_country_not_false(tmp_path):
    inventory = INVENTORY.replace("countries: [FI]", "countries: [NO, FI]")
    loaded = project(tmp_path, inventory=inventory)
    assert loaded.inventory.processors[0].countries == ["NO", "FI"]


def test_explicit_scalar_tags_are_checked():
    assert parse_bytes(b"a: !!int '7'\nb: !!float 2\n", "f.yaml") == {"a": 7, "b": 2.0}
    with pytest.raises(InputError, match="'seven' is not a valid !!int"):
        parse_bytes(b"a: !!int seven\n", "f.yaml")


# -- anchors, aliases and merge keys ------------------------------------------------------

def test_merge_keys(tmp_path):
    inventory = """\
    principals:
      - id: staff
        kind: employee_group
    systems:
      - &base
        id: crm
        owner: Sales
        access: {authentication: [mfa]}
      - <<: *base
        id: erp
        owner: Finance
      - <<: [{owner: Ops}, *base]
        id: web
    """
    loaded = project(tmp_path, inventory=textwrap.dedent(inventory))
    crm, erp, web = loaded.inventory.systems
    assert (erp.owner, erp.access.authentication) == ("Finance", ["mfa"])  # own key wins
    assert (web.owner, web.access.authentication) == ("Ops", ["mfa"])     # first merge wins
    assert erp.field_location("id")[1] == 10
    assert erp.field_location("access")[1] == 8   # a merged key points where it is written


def test_aliases_below_the_limit_are_fine():
    text = b"x: &x {a: 1}\n" + b"".join(b"k%d: *x\n" % i for i in range(500))
    tree = parse_bytes(text, "f.yaml")
    assert tree["k499"] == {"a": 1}


def test_alias_bomb_stops_early():
    levels = [b'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        levels.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]".encode())
    with pytest.raises(InputError, match="alias bomb"):
        parse_bytes(b"\n".join(levels) + b"\n", "f.yaml")


# -- ids and references -----------------------------------------------------------------

def test_same_id_in_different_kinds_is_fine(tmp_path):
    inventory = INVENTORY.replace("  - id: host\n", "  - id: crm\n").replace(
        "provider: host", "provider: crm")
    loaded = project(tmp_path, inventory=inventory)
    assert loaded.inventory.processors[0].id == loaded.inventory.systems[0].id == "crm"


def test_duplicate_id_across_files_names_both_places(tmp_path):
    with pytest.raises(InputError) as error:
        project(tmp_path, {"inventory/z.yaml": "systems:\n  - id: crm\n"})
    assert (error.value.path, error.value.line, error.value.column) == ("inventory/z.yaml", 2, 5)
    assert "duplicate system id 'crm' (first at inventory/inventory.yaml:8)" in error.value.message


@pytest.mark.parametrize("old,new,message", [
    ("provider: host", "provider: hots", "provider 'hots' is not a known processor "
                                         "(or 'self') (did you mean 'host'?)"),
    ("- principal: staff\n", "- principal: staf\n", "principal 'staf' is not a known "
                                                    "principal (did you mean 'staff'?)"),
    ("to: crm", "to: crn", "to 'crn' is not a known system, processor, source or "
                           "'data_subject' (did you mean 'crm'?)"),
    ("from: data_subject", "from: data_subjects", "(did you mean 'data_subject'?)"),
])
def test_dangling_references_suggest_the_closest_id(tmp_path, old, new, message):
    with pytest.raises(InputError) as error:
        project(tmp_path, inventory=INVENTORY.replace(old, new))
    assert message in error.value.message
    assert error.value.line == line_of(tmp_path / "inventory" / "inventory.yaml", new.strip())


def test_references_to_the_notice_vocabulary_are_not_load_errors(tmp_path):
    """An undeclared purpose in the inventory is a finding (rules report it), not an error."""
    inventory = INVENTORY.replace("    name: CRM\n", "    name: CRM\n    purposes: [spying]\n")
    assert project(tmp_path, inventory=inventory).inventory.systems[0].purposes == ["spying"]


def test_register_references_inside_the_policy_must_resolve(tmp_path):
    policy = POLICY + "registers:\n  - id: customers\n    purposes: [biling]\n"
    with pytest.raises(InputError) as error:
        project(tmp_path, policy=policy)
    assert "register 'customers': purposes[0] 'biling' is not a known purpose of the notice (did you mean 'billing'?)" \
        in error.value.message
    assert error.value.path == "policy/notice.yaml" and error.value.line == 11


def test_a_copy_of_the_base_fixture_loads(tmp_path):
    shutil.copytree(BASE, tmp_path / "p")
    loaded = load_project(tmp_path / "p")
    assert {s.id for s in loaded.inventory.systems} == {"crm", "newsletter_list"}


# -- limits on what an untrusted pull request can make the loader do (issue 8) -------------

def test_aliases_are_bounded_by_the_text_they_repeat(monkeypatch):
    """One large string aliased many times is under the count limit but is gigabytes of
    text for every consumer: the characters aliases repeat are bounded too."""
    from gdpr_check.load import parser
    monkeypatch.setattr(parser, "MAX_ALIAS_BYTES", 10_000)
    big = b"x" * 1000
    assert parse_bytes(b"a: &a " + big + b"\nb: [" + b", ".join([b"*a"] * 9) + b"]\n", "f.yaml")
    with pytest.raises(InputError) as error:
        parse_bytes(b"a: &a " + big + b"\nb: [" + b", ".join([b"*a"] * 11) + b"]\n", "f.yaml")
    assert (error.value.line, error.value.column) == (1, 4)  # the value repeated
    assert "alias bomb" in error.value.message and "9.8 KiB" not in error.value.message


def test_alias_text_is_counted_over_the_whole_project(tmp_path, monkeypatch):
    from gdpr_check.load import parser
    monkeypatch.setattr(parser, "MAX_ALIAS_BYTES", 10_000)
    aliased = "x: &x " + "y" * 1000 + "\nsystems:\n" + "".join(
        f"  - {{id: s{{n}}{i}, name: *x}}\n" for i in range(6))
    files = {f"inventory/{n}.yaml": aliased.replace("{n}", n) for n in "ab"}
    with pytest.raises(InputError) as error:  # 6 + 6 repeats of 1,000 characters
        project(tmp_path, files)
    assert error.value.path == "inventory/b.yaml" and "alias bomb" in error.value.message


def test_the_project_as_a_whole_has_a_size_limit(tmp_path, monkeypatch):
    """The limit per file let 200 MB through in four files (4.8 GB, 95 s)."""
    from gdpr_check.load import parser
    write(tmp_path, {"policy/notice.yaml": POLICY, "inventory/inventory.yaml": INVENTORY})
    total = sum(p.stat().st_size for p in tmp_path.rglob("*.yaml"))
    monkeypatch.setattr(parser, "MAX_PROJECT_BYTES", total)
    assert load_project(tmp_path)  # exactly at the limit
    (tmp_path / "inventory" / "z.yaml").write_text("flows: []\n")
    with pytest.raises(InputError) as error:
        load_project(tmp_path)
    assert (error.value.path, error.value.line) == ("inventory/z.yaml", 1)
    assert "add up to" in error.value.message and "limit for one project" in error.value.message


def test_the_size_limit_is_an_exit_2_line(tmp_path):
    import subprocess
    import sys
    write(tmp_path, {"policy/notice.yaml": POLICY, "inventory/inventory.yaml": INVENTORY})
    script = ("import sys; from gdpr_check.load import parser; parser.MAX_PROJECT_BYTES = 100;"
              " from gdpr_check.cli import entry; sys.argv = ['gdpr-check', 'validate', "
              f"{str(tmp_path)!r}]; entry()")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2, result.stderr
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert len(lines) == 1 and "limit for one project" in lines[0], lines


_PAD = "#" * 70_000 + "\n"  # over the 64 KiB from which the fast path reads a file
DEEP = {
    "indented": "a:\n" + "".join(" " * (2 * i) + "-\n" for i in range(11_400)) + "x\n",
    "dashes": _PAD + "a:\n" + "- " * 11_400 + "x\n",
    "complex-keys": _PAD + "? " * 11_400 + "x\n",
    "flow": _PAD + "a: " + "[" * 11_400 + "]" * 11_400 + "\n",
}


@pytest.mark.parametrize("text", DEEP.values(), ids=DEEP.keys())
def test_deep_nesting_in_a_large_file_is_refused_not_a_crash(text):
    """~11,400 levels of block nesting overflowed yaml-rs's stack (exit 139, no output);
    the loader checks the depth before yaml-rs sees the text. In a subprocess, so that a
    regression fails this test instead of ending the session."""
    import subprocess
    import sys
    assert len(text) > 64 * 1024  # the fast path's size
    script = ("import sys; from gdpr_check.errors import InputError\n"
              "from gdpr_check.load.parser import FastParser\n"
              "try: FastParser().parse_text(sys.stdin.read(), 'f.yaml')\n"
              "except InputError as e: print(e)\n")
    result = subprocess.run([sys.executable, "-c", script], input=text, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.startswith("f.yaml:") and "nesting" in result.stdout


def test_messages_quote_line_breaks_in_values():
    """A value with a line break in an error message stays on one line (SPEC §10)."""
    for text in (b'"a\\nb": 1\n"a\\nb": 2\n', b"a: !!int 'x\n\n  '\n"):
        with pytest.raises(InputError) as error:
            parse_bytes(text, "f.yaml")
        assert "\n" not in error.value.message and "\\n" in error.value.message


@pytest.mark.parametrize("period", ['"P1M\\n"', "|\n        P1M", "'P1M '", '"P1M\\t"'])
def test_a_duration_with_a_line_break_is_refused_at_the_users_line(tmp_path, period):
    """"P1M\\n" passed the model and then failed inside the built-in rule RI011, whose
    file the error blamed."""
    inventory = INVENTORY.replace("    name: CRM\n", f"    name: CRM\n    retention:\n"
                                                   f"      period: {period}\n")
    with pytest.raises(InputError) as error:
        project(tmp_path, inventory=inventory)
    assert error.value.path == "inventory/inventory.yaml"
    assert error.value.line == line_of(tmp_path / "inventory" / "inventory.yaml", "period:")
    assert "is not an ISO 8601 duration" in error.value.message
    assert "remove the spaces or line break around it" in error.value.message
    assert "\n" not in error.value.message


@pytest.mark.parametrize("field,value", [("countries: [FI, SE]", 'countries: [FI, "SE\\n"]'),
                                         ("provider: host", 'provider: "host\\n"'),
                                         ("scope: full", 'scope: "full\\n"')])
def test_ids_countries_and_enums_with_a_line_break_are_refused(tmp_path, field, value):
    with pytest.raises(InputError) as error:
        project(tmp_path, inventory=INVENTORY.replace(field, value, 1))
    assert error.value.path == "inventory/inventory.yaml"
    assert "\n" not in error.value.message


def test_invalid_source_id_does_not_crash_the_flow_check(tmp_path):
    """A notice source whose id is a number (the notice's error) beside a flow with an
    unknown end: both reported, no TypeError from sorting ids for did-you-mean (found by
    the fuzzer, `reports` target, seed 11, case 899)."""
    root = write(tmp_path, {
        "policy/notice.yaml": POLICY + "sources:\n  - id: 5\n    name: Five\n",
        "inventory/inventory.yaml": INVENTORY.replace("from: data_subject", "from: nowhere"),
    })
    with pytest.raises(InputError) as error:
        load_project(root)
    text = str(error.value)
    assert "'nowhere' is not a known system" in text
    assert "policy/notice.yaml" in text


def test_suggestions_for_unknown_references_are_bounded_and_every_one_is_reported(
        tmp_path, monkeypatch):
    """A pull request that breaks one systems file of a large inventory leaves tens of
    thousands of flows naming ids that are gone; a suggestion compares each with every
    known id, which took many minutes at 100,000 flows. A check suggests within a budget
    of comparisons (refs.MAX_COMPARED) and still reports every unknown reference."""
    import difflib

    from gdpr_check.load import refs
    from tests.test_flow_loader import generated
    root = generated(tmp_path / "p", "block")
    for path in (root / "inventory").glob("systems*.yaml"):  # every system's id changed:
        path.write_text(path.read_text().replace("- id: sys-", "- id: sys-x"))  # close ones
    monkeypatch.setattr(refs, "MAX_COMPARED", 1_000)
    compared = []
    real = difflib.get_close_matches
    monkeypatch.setattr(difflib, "get_close_matches",
                        lambda word, options, **kw: compared.append(len(options)) or
                        real(word, options, **kw))
    with pytest.raises(InputError) as error:
        load_project(root)
    errors = [str(e) for e in error.value.errors]
    texts = [p.read_text() for p in (root / "inventory").glob("flows*.yaml")]
    ends = sum(text.count("from: sys-") + text.count("to: sys-") for text in texts)
    unknown = [e for e in errors if "is not a known system, processor" in e]
    assert len(unknown) == ends > 100  # every flow end naming a system, each reported
    assert compared and sum(compared) <= 1_000  # suggestions stopped within the budget
    hinted = [e for e in unknown if "did you mean" in e]
    assert hinted and len(hinted) <= len(compared) < len(unknown)
