"""The shipped YAML files' trees, parsed at build time (load/prebuilt.py): the very trees a
parse gives, positions included, used only for the very text and parser they were made
from."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gdpr_check.load import parser, prebuilt
from gdpr_check.load.parser import DEFAULT_PARSER, parse_bytes
from gdpr_check.load.tree import LocDict
from tests.fuzz.compare import difference

ROOT = Path(__file__).resolve().parent.parent


def same(a, b) -> bool:
    """Equal values, of the same types, at the same positions, all the way down."""
    return difference(a, b) is None


@pytest.fixture()
def built(monkeypatch, tmp_path):
    """The entries as the build writes them, in a file of the test's own."""
    target, count = prebuilt.build(tmp_path / "prebuilt-trees.json")
    assert count == len(prebuilt.shipped_files())  # every shipped file is plain enough
    monkeypatch.setattr(prebuilt, "path", lambda: target)
    monkeypatch.setattr(prebuilt, "_built", None)
    return target


def _refuse_parsing(monkeypatch):
    def refuse(*_args):
        raise AssertionError("parsed at run time")
    monkeypatch.setattr(DEFAULT_PARSER, "parse_text", refuse)


@pytest.mark.parametrize("file", prebuilt.shipped_files(), ids=lambda f: f.name)
def test_a_shipped_file_gets_the_tree_its_parse_gives_without_parsing(file, built,
                                                                      monkeypatch):
    data = file.read_bytes()
    parsed = parse_bytes(data, "pack/" + file.name, DEFAULT_PARSER)
    _refuse_parsing(monkeypatch)
    assert same(parse_bytes(data, "pack/" + file.name, prebuilt.PREBUILT), parsed)


def test_another_text_is_parsed(built, tmp_path):
    file = prebuilt.shipped_files()[0]
    edited = b"\n" + file.read_bytes()  # every line one further down
    tree = parse_bytes(edited, "x.yaml", prebuilt.PREBUILT)
    assert same(tree, parse_bytes(edited, "x.yaml", DEFAULT_PARSER))
    assert not same(tree, parse_bytes(file.read_bytes(), "x.yaml", DEFAULT_PARSER))


def test_a_broken_text_is_reported_as_the_parser_reports_it(built):
    with pytest.raises(Exception) as prebuilt_error:
        parse_bytes(b"- id: [\n", "x.yaml", prebuilt.PREBUILT)
    with pytest.raises(Exception) as parsed_error:
        parse_bytes(b"- id: [\n", "x.yaml", DEFAULT_PARSER)
    assert str(prebuilt_error.value) == str(parsed_error.value)


def test_entries_of_another_parser_are_not_used(built, monkeypatch):
    """An edited parser (a checkout changed after its editable install) gives other
    digests: the file is parsed, not taken from what the old parser made."""
    file = prebuilt.shipped_files()[0]
    monkeypatch.setattr(prebuilt, "_SALT", b"another parser")
    _refuse_parsing(monkeypatch)
    with pytest.raises(AssertionError, match="parsed at run time"):
        parse_bytes(file.read_bytes(), "x.yaml", prebuilt.PREBUILT)


def test_the_salt_covers_the_modules_that_make_trees():
    salt = prebuilt._salt()
    for module in (prebuilt, parser, sys.modules["gdpr_check.load.tree"]):
        assert open(module.__file__, "rb").read() in salt


@pytest.mark.parametrize("text", ["", "{not json", '{"format": 99, "trees": {}}',
                                  '{"format": 1, "trees": []}'])
def test_a_missing_or_unreadable_file_means_parsing(text, monkeypatch, tmp_path):
    target = tmp_path / "prebuilt-trees.json"
    if text:
        target.write_text(text, encoding="utf-8")
    monkeypatch.setattr(prebuilt, "path", lambda: target)
    monkeypatch.setattr(prebuilt, "_built", None)
    file = prebuilt.shipped_files()[0]
    assert same(parse_bytes(file.read_bytes(), "x.yaml", prebuilt.PREBUILT),
                parse_bytes(file.read_bytes(), "x.yaml", DEFAULT_PARSER))


def _mapping(**members) -> LocDict:
    node = LocDict(loc=("x.yaml", 1, 1))
    for line, (key, value) in enumerate(members.items(), start=1):
        node[key], node.key_locs[key] = value, ("x.yaml", line, 1)
    return node


def _shared() -> LocDict:
    child = _mapping(b=1)
    return _mapping(a=child, c=child)


def _keyed_by_number() -> LocDict:
    node = _mapping()
    node[1], node.key_locs[1] = "a", ("x.yaml", 1, 1)
    return node


@pytest.mark.parametrize("tree, why", [
    (_shared(), "reached twice"),            # one node, which the entry would make two
    (_keyed_by_number(), "key that is a int"),
    (_mapping(a=float("nan")), "NaN"),
    (_mapping(a=LocDict(loc=("other.yaml", 1, 1))), "outside the file"),
], ids=["shared", "number-key", "nan", "elsewhere"])
def test_a_tree_the_entries_cannot_hold_exactly_has_none(tree, why):
    with pytest.raises(prebuilt._NotPlain, match=why):
        prebuilt.entry_of(tree, "x.yaml")


def test_an_anchor_and_its_aliases_are_entries_like_any_tree():
    text = b"a: &x {b: [1, 2.5, true, null, 'c']}\nc: *x\n"
    tree = parse_bytes(text, "x.yaml", DEFAULT_PARSER)
    assert same(prebuilt._tree(prebuilt.entry_of(tree, "x.yaml"), "x.yaml"), tree)


def test_the_installed_entries_serve_the_built_in_pack():
    """After `pip install -e .` (the README's), a check reads the pack without parsing it."""
    built = prebuilt._read()
    files = prebuilt.shipped_files()
    if not all(prebuilt._digest(f.read_bytes()) in built for f in files):
        pytest.skip("prebuilt-trees.json is missing or stale (pip install -e . writes it)")
    script = ("from gdpr_check.load import parser\nparsed = []\n"
              "real = parser.PyYamlParser.parse_text\n"
              "parser.PyYamlParser.parse_text = lambda s, t, p: parsed.append(p) or real(s, t, p)\n"
              "from pathlib import Path\nfrom gdpr_check.api import load_rules\n"
              "from gdpr_check.refdata import reference\n"
              "rules = load_rules(Path('.'))\nreference()\n"
              "print(len(rules), [p for p in parsed if not p.startswith(('policy/', 'inventory/'))])\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    count, parsed = out.split(" ", 1)
    assert int(count) > 100 and parsed.strip() == "[]"


def test_the_entries_are_plain_json(built):
    data = json.loads(built.read_text(encoding="utf-8"))
    assert set(data) == {"format", "trees"} and data["format"] == prebuilt._FORMAT
