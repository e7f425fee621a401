"""Flow style and JSON through the fast loader (issue 10, item 1): the positions of nested
objects (line and column), the same trees, models, positions and errors as the PyYAML path
for the block, flow and JSON variants of one project, and errors without a second parse.

The fast path is normally used only for large files; `always_fast` sends every file
through it, and the tests check that it did read them (a path that declined every file
would pass the comparisons for nothing).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from gdpr_check.errors import InputError
from gdpr_check.load import load_project, parser
from gdpr_check.load.parser import DEFAULT_PARSER, FastParser, PyYamlParser, _fast_tree
from gdpr_check.model.base import Located
from tests.fuzz.compare import difference

pytest.importorskip("yaml_rs")

ROOT = Path(__file__).resolve().parent.parent
STYLES = ("block", "flow", "json")


@pytest.fixture
def always_fast(monkeypatch):
    monkeypatch.setattr(FastParser, "min_chars", 0)


def both(text: str):
    fast = _fast_tree(text, "f.yaml")
    assert fast is not None, "the fast path declined"
    return fast, DEFAULT_PARSER.parse_text(text, "f.yaml")


# -- positions inside flow collections and JSON: line and column -----------------------------

FLOW = ("systems:\n"
        "- {id: crm, hosting: {provider: host, countries: [FI, SE]},\n"
        "   access: {grants: [{principal: staff, scope: read}]}}\n")

JSON = ('{"systems": [\n'
        '  {"id": "crm", "hosting": {"provider": "host", "countries": ["FI", "SE"]}},\n'
        '  {"id": "erp"}\n'
        ']}\n')


@pytest.mark.parametrize("which", ["fast", "slow"])
def test_flow_style_positions_of_nested_objects(which):
    tree = both(FLOW)[0 if which == "fast" else 1]
    system = tree["systems"][0]
    assert tree["systems"].item_locs == [("f.yaml", 2, 3)]
    assert system.loc == ("f.yaml", 2, 3)
    assert system.key_locs == {"id": ("f.yaml", 2, 4), "hosting": ("f.yaml", 2, 13),
                               "access": ("f.yaml", 3, 4)}
    hosting = system["hosting"]
    assert hosting.loc == ("f.yaml", 2, 22)
    assert hosting.key_locs == {"provider": ("f.yaml", 2, 23), "countries": ("f.yaml", 2, 39)}
    assert hosting["countries"].loc == ("f.yaml", 2, 50)
    assert hosting["countries"].item_locs == [("f.yaml", 2, 51), ("f.yaml", 2, 55)]
    grants = system["access"]["grants"]
    assert system["access"].loc == ("f.yaml", 3, 12)
    assert (grants.loc, grants.item_locs) == (("f.yaml", 3, 21), [("f.yaml", 3, 22)])
    assert grants[0].key_locs == {"principal": ("f.yaml", 3, 23), "scope": ("f.yaml", 3, 41)}


@pytest.mark.parametrize("which", ["fast", "slow"])
def test_json_positions_of_nested_objects(which):
    tree = both(JSON)[0 if which == "fast" else 1]
    assert (tree.loc, tree.key_locs) == (("f.yaml", 1, 1), {"systems": ("f.yaml", 1, 2)})
    systems = tree["systems"]
    assert (systems.loc, systems.item_locs) == (("f.yaml", 1, 13),
                                                [("f.yaml", 2, 3), ("f.yaml", 3, 3)])
    crm = systems[0]
    assert crm.key_locs == {"id": ("f.yaml", 2, 4), "hosting": ("f.yaml", 2, 17)}
    hosting = crm["hosting"]
    assert hosting.loc == ("f.yaml", 2, 28)
    assert hosting.key_locs == {"provider": ("f.yaml", 2, 29), "countries": ("f.yaml", 2, 49)}
    assert hosting["countries"].loc == ("f.yaml", 2, 62)
    assert hosting["countries"].item_locs == [("f.yaml", 2, 63), ("f.yaml", 2, 69)]


# JSON and flow YAML as people and exporters write them: the fast path reads each, and
# builds the PyYAML path's tree.
ACCEPTED = {
    "json-indented": json.dumps({"systems": [{"id": "a", "countries": ["FI"], "n": 1.5,
                                              "public": False, "owner": None}]}, indent=2),
    "json-compact": json.dumps({"flows": [{"id": "a", "from": "b"}, {"id": "c", "to": []}]},
                               separators=(",", ":")),
    "json-one-line-each": '{"flows": [\n{"id": "a", "tags": ["x", "y"]},\n{"id": "b"}\n]}',
    "json-unicode": json.dumps({"name": "Päivölä 日本", "list": ["ä"]}, ensure_ascii=False),
    "json-numbers": '{"a": [0, -1, 2.50, 1e5, -0.0, 12345678901234567890]}',
    "flow-document": "{a: [x, 'y z', \"w\"], b: {c: true, d: ~}}  # comment",
    "flow-over-lines": "a:\n- {id: x,\n   n: [1,\n      2]}  # end\n- {id: y}\nb: 1",
    "flow-comments-inside": "a: [x,  # one\n    y   # two\n   ]\n",
    "flow-trailing-comma": "a: {b: 1, c: [2, 3,],}\n",
    "flow-quoted-keys": "a: {'k 1': 1, \"k:2\": 2, 'it''s': 3}\n",
    "flow-plain-specials": "a: [http://x.org/a#b, a:b, x-1, -y, 'x: y', a  b]\n",
}


@pytest.mark.parametrize("text", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_flow_and_json_read_fast_with_the_slow_paths_tree(text):
    text = text if text.endswith("\n") else text + "\n"
    fast, slow = both(text)
    assert difference(fast, slow) is None, difference(fast, slow)


_LONG_KEY = "a" * 900 + ":" + "a" * 122  # 1,023 characters: too long a key for PyYAML

def assert_read_as_pyyaml_reads_it(text: str) -> None:
    """`FastParser` gives PyYAML's tree and positions for `text`, or its very error."""
    try:
        slow = DEFAULT_PARSER.parse_text(text, "f.yaml")
    except InputError as exc:
        with pytest.raises(InputError) as fast_error:
            FastParser().parse_text(text, "f.yaml")
        assert str(fast_error.value) == str(exc)
    else:
        assert difference(FastParser().parse_text(text, "f.yaml"), slow) is None


# What the flow reader must leave to PyYAML (it declines; the slow path decides).
DECLINED = {
    "json-escape": '{"a": "x\\u00e4"}\n',
    "json-duplicate": '{"a": 1, "a": 1}\n',
    "json-duplicate-values-differ": '{"a": 1, "a": 2}\n',
    "json-nan": '{"a": NaN}\n',
    "json-text-after": '{"a": 1} x\n',
    "json-second-document": '{"a": 1}\n{"b": 2}\n',
    "flow-key-on-next-line": "a: {b: 1, c: [2, 3],\n  d\n: e}\n",
    "flow-empty-value": "a: {b: , c: 1}\n",
    "flow-double-comma": "a: [x,, y]\n",
    "flow-leading-comma": "a: [, x]\n",
    "flow-lone-comma": "a: [,]\n",
    "flow-dash-entry": "a: [- x]\n",
    "flow-unicode-space": "a: [x\u00a0y]\n",
    "flow-int-key": "a: {1: x}\n",
    "flow-bool-key": "a: {true: x}\n",
    "flow-underscore-number": "a: [1_000]\n",
    # PyYAML ends a flow plain scalar at `?` (then refuses the `:?`); YAML 1.2 reads on
    "flow-question-mark": "a: [b  c:?d]\n",
    "flow-document-question-mark": "{top0: nul   top1:?\"865087475013773}\n",
    # an implicit key is at most 1024 characters to PyYAML; Python's JSON has no limit
    "json-long-key": '{"' + "k" * 1030 + '": 1}\n',
    # found by review: a `:` inside a 1,023-character quoted key hid its length, and a
    # plain `<<` (a merge to PyYAML) was read as a key
    "long-quoted-key-json": '{"' + _LONG_KEY + '": 1}\n',
    "long-quoted-key-flow-line": 'systems:\n- {"id": "x", "' + _LONG_KEY + '": 1}\n',
    "long-quoted-key-json-list": '{"s": [\n  {"' + _LONG_KEY + '": 1}\n]}\n',
    "long-quoted-key-nested": 'systems:\n- {"id": {"' + _LONG_KEY + '": 1}}\n',
    "merge-key-empty": "{<<: []}\n",
    "merge-key-scalar": "systems:\n- {<<: yes}\n",
    "merge-key-mapping": "systems:\n- {<<: {b: yes}}\n",
}


@pytest.mark.parametrize("text", DECLINED.values(), ids=DECLINED.keys())
def test_declined_flow_then_slow_path_decides(text, always_fast):
    assert _fast_tree(text, "f.yaml") is None
    assert_read_as_pyyaml_reads_it(text)


def test_quoted_numbers_stay_strings_in_flow(always_fast):
    """A quoted `'12'` or `"true"` is a string, a plain `12` a number, `NO` a string."""
    fast, slow = both("a: ['12', \"true\", 12, NO, no, 'null', null]\n")
    assert fast == {"a": ["12", "true", 12, "NO", "no", "null", None]}
    assert difference(fast, slow) is None


# -- one project in three styles: the same trees, models, positions and errors ---------------

def generated(folder: Path, style: str, errors: int = 0) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return generate(folder, 0.005, style=style, errors=errors)


def positions(obj, where="item"):
    """Every model's position and key positions below `obj`, by path."""
    found = {}
    if isinstance(obj, Located):
        found[where] = (obj.location, dict(getattr(obj, "_key_locs", None) or {}))
        for name in type(obj).model_fields:
            found.update(positions(getattr(obj, name), f"{where}.{name}"))
    elif isinstance(obj, (list, tuple)):
        for index, value in enumerate(obj):
            found.update(positions(value, f"{where}[{index}]"))
    return found


@pytest.mark.parametrize("style", STYLES)
def test_every_file_of_each_style_read_fast_with_the_same_tree(tmp_path, style):
    project = generated(tmp_path / style, style)
    for path in sorted((project / "inventory").glob("*.yaml")):
        fast, slow = both(path.read_text(encoding="utf-8"))
        assert difference(fast, slow) is None, (path.name, difference(fast, slow))


@pytest.mark.parametrize("style", STYLES)
def test_same_models_and_positions_in_each_style(tmp_path, monkeypatch, style):
    root = generated(tmp_path / style, style)
    monkeypatch.setattr(FastParser, "min_chars", 10**9)
    slow = load_project(root)
    monkeypatch.setattr(FastParser, "min_chars", 0)
    fast = load_project(root)
    for side in ("policy", "inventory"):
        assert getattr(fast, side) == getattr(slow, side)
        assert positions(getattr(fast, side)) == positions(getattr(slow, side))


def test_the_three_styles_hold_the_same_models(tmp_path):
    """The styles differ in positions only: the benchmark compares like with like."""
    loaded = [load_project(generated(tmp_path / style, style)) for style in STYLES]
    assert loaded[0].inventory == loaded[1].inventory == loaded[2].inventory


def _error_lines(root) -> list[str]:
    with pytest.raises(InputError) as error:
        load_project(root)
    return [str(e) for e in getattr(error.value, "errors", [error.value])]


@pytest.mark.parametrize("style", STYLES)
def test_same_errors_in_each_style_without_a_second_parse(tmp_path, monkeypatch, style):
    """20 errors in the notice beside a fast-read inventory: the slow path's messages, and
    every file parsed once (no second read of the project before reporting)."""
    root = generated(tmp_path / style, style, errors=20)
    monkeypatch.setattr(FastParser, "min_chars", 10**9)
    expected = _error_lines(root)
    assert len(expected) == 20 and all("no_such_key_" in line for line in expected)
    monkeypatch.setattr(FastParser, "min_chars", 0)
    parsed = []
    fast_tree, slow_parse = parser._fast_tree, PyYamlParser.parse_text
    monkeypatch.setattr(parser, "_fast_tree",
                        lambda text, path: parsed.append(path) or fast_tree(text, path))
    monkeypatch.setattr(PyYamlParser, "parse_text",
                        lambda self, text, path: parsed.append(path) or slow_parse(self, text, path))
    assert _error_lines(root) == expected
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.yaml"))
    inventory = [f for f in files if f.startswith("inventory/")]
    # each inventory file once, by the fast path (which read it); policy files may be read
    # by both the fast path and, when it declines them, PyYAML - but only once each way
    assert sorted(p for p in parsed if p.startswith("inventory/")) == inventory
    assert all(parsed.count(f) <= 2 for f in files)
    assert len(parsed) < 2 * len(files)


# -- lines verified whole, located when first asked (issue 10: positions on demand) --------

def test_a_line_verified_whole_is_located_only_when_asked(always_fast):
    text = "systems:\n- {id: a, hosting: {provider: p, countries: [FI, SE]}, n: 3}\n- {id: b}\n"
    fast, slow = both(text)
    first = fast["systems"][0]
    assert first.lazy is not None and first["hosting"]["countries"].lazy is not None
    assert fast["systems"].item_locs == [("f.yaml", 2, 3), ("f.yaml", 3, 3)]  # known at once
    assert difference(fast, slow) is None, difference(fast, slow)
    assert first.lazy is None and first["hosting"].lazy is None  # read once, then kept


# Lines the whole-line check must leave to the token reader (still read fast, and the same
# tree as PyYAML's): anything not written as JSON writes the value.
TOKEN_BY_TOKEN = {
    "capital-bool": "a:\n- {b: True}\n",
    "quoted": "a:\n- {b: 'x'}\n",
    "exponent": "a:\n- {b: 1.5e3}\n",
    "leading-zero": "a:\n- {b: 012}\n",
    "comment-after": "a:\n- {b: x}  # note\n",
    "two-spaces": "a:\n- {b: x  y}\n",
    "after-a-key": "a: {b: x}\n",
    "over-two-lines": "a:\n- {b: x,\n   c: y}\n",
    "json-no-space": '{"a": [\n{"b":"x"}\n]}\n',
}




def test_a_line_the_reader_cannot_vouch_for_when_asked_takes_pyyamls_positions(monkeypatch):
    text = "systems:\n- {id: a, hosting: {countries: [FI]}}\n- {id: b}\n"
    fast, slow = both(text)
    assert fast["systems"][0].lazy is not None

    def unsure(*args):
        raise parser._Unsure
    monkeypatch.setattr(parser._FlowPlaces, "mapping", unsure)
    assert difference(fast, slow) is None, difference(fast, slow)


@pytest.mark.parametrize("style", ("flow", "json"))
def test_models_keep_the_handle_and_errors_inside_lines_point_where_pyyaml_does(
        tmp_path, monkeypatch, style):
    root = generated(tmp_path / style, style)
    monkeypatch.setattr(FastParser, "min_chars", 0)
    flow = load_project(root).inventory.flows[0]
    assert type(flow._loc).__name__ == "Lazy"  # not read yet
    flows = sorted((root / "inventory").glob("flows*.yaml"))[0]
    text = flows.read_text(encoding="utf-8")
    line = next(n for n in text.splitlines() if '"encrypted": true' in n or "encrypted: true" in n)
    wrong = line.replace("encrypted: true", "encrypted: maybe, colour: red").replace(
        '"encrypted": true', '"encrypted": "maybe", "colour": "red"')
    flows.write_text(text.replace(line, wrong, 1), encoding="utf-8")
    fast = _error_lines(root)
    monkeypatch.setattr(FastParser, "min_chars", 10**9)
    assert fast == _error_lines(root) and len(fast) == 2


# -- block documents verified whole, located when first asked -------------------------------

def _dumped(data) -> str:
    import yaml
    return yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False)


def test_a_block_document_as_pyyaml_writes_it_is_located_only_when_asked(always_fast):
    text = _dumped({"version": 1, "none": [], "systems": [
        {"id": "a", "country": "NO", "since": "2024-01-01", "share": 0.5, "on": True,
         "hosting": {"countries": ["FI", "SE"], "grants": [{"who": "it's me"}]}, "x": None},
        {"id": "b", "nested": [["deep"]], "empty": {}}], "tags": ["t1", "yes"]})
    assert "'NO'" in text and "'yes'" in text  # quoted by the dumper, as the check expects
    fast, slow = both(text)
    first = fast["systems"][0]
    assert first.lazy is not None and first["hosting"]["grants"][0].lazy is not None
    assert fast["systems"].item_locs == [("f.yaml", 4, 3), ("f.yaml", 16, 3)]
    assert difference(fast, slow) is None, difference(fast, slow)
    assert first.lazy is None  # read once, then kept


# Block documents not written as PyYAML's dumper writes them: read line by line, as before.
BLOCK_BY_LINE = {
    "indented-list": "a:\n  - id: x\n",
    "comment": "# note\na:\n- id: x\n",
    "plain-norway": "a:\n- country: NO\n",
    "double-quoted": 'a:\n- id: "x"\n',
    "exponent": "a:\n- n: 1e3\n",
    "wide-indent": "a:\n-   id: x\n    n: 1\n",
    "block-scalar": "a:\n- text: |\n    two\n    lines\n",
    "a-mapping-at-the-top": "a:\n  b: 1\n",
}


# Flow lines not written as JSON writes them are read token by token, block documents not
# written as PyYAML's dumper writes them line by line: as before, eagerly located.
READ_AS_BEFORE = {**{f"flow-{k}": t for k, t in TOKEN_BY_TOKEN.items()},
                  **{f"block-{k}": t for k, t in BLOCK_BY_LINE.items()}}


@pytest.mark.parametrize("text", READ_AS_BEFORE.values(), ids=READ_AS_BEFORE.keys())
def test_text_not_in_the_writers_form_is_read_and_located_as_before(text, always_fast):
    fast, slow = both(text)
    first = fast["a"][0] if isinstance(fast["a"], list) else fast["a"]
    assert first.lazy is None
    assert difference(fast, slow) is None, difference(fast, slow)


def test_a_block_item_the_locator_cannot_vouch_for_when_asked_takes_pyyamls_positions(
        monkeypatch):
    text = _dumped({"systems": [{"id": "a", "hosting": {"countries": ["FI"]}}, {"id": "b"}]})
    fast, slow = both(text)
    assert fast["systems"][1].lazy is not None

    def unsure(*args):
        raise parser._Unsure
    monkeypatch.setattr(parser, "_place_mapping", unsure)
    assert difference(fast, slow) is None, difference(fast, slow)


def test_a_list_of_flow_lines_is_read_without_yaml_rs(always_fast, monkeypatch):
    text = ("systems:\n- {id: a, name: System 0, hosting: {countries: [FI, SE]}, n: 3}\n"
            "- {id: b, public: false, x: null}\nflows:\n- {id: f, from: a, to: b}\n")
    slow = DEFAULT_PARSER.parse_text(text, "f.yaml")
    monkeypatch.setattr(parser, "_load_yaml_rs", lambda: pytest.fail("yaml-rs used"))
    monkeypatch.setattr(parser, "_yaml_rs", None)
    fast = parser._flow_lines_document(text, "f.yaml")
    assert fast is not None and fast["systems"][0].lazy is not None
    assert difference(fast, slow) is None, difference(fast, slow)


FLOW_LINES_OTHERWISE = {
    "duplicate-key-in-a-line": "a:\n- {b: 1, b: 2}\n",
    "duplicate-top-key": "a:\n- {b: 1}\na:\n- {b: 2}\n",
    "quoted-date": "a:\n- {since: '2024-01-01'}\n",
    "capital-bool": "a:\n- {b: True}\n",
    "empty-list": "a:\nb:\n- {c: 1}\n",
    "a-scalar-item": "a:\n- {c: 1}\n- x\n",
}


@pytest.mark.parametrize("text", FLOW_LINES_OTHERWISE.values(), ids=FLOW_LINES_OTHERWISE.keys())
def test_other_flow_lines_are_left_to_yaml_rs_or_pyyaml(text, always_fast):
    assert parser._flow_lines_document(text, "f.yaml") is None
    assert_read_as_pyyaml_reads_it(text)


# -- found by review: what PyYAML refuses is never accepted, and the work stays linear -------

class _CountingText(str):
    """A text that counts the characters sliced out of it."""
    sliced = 0

    def __getitem__(self, key):
        part = super().__getitem__(key)
        if isinstance(key, slice):
            type(self).sliced += len(part)
        return part


def test_one_long_json_line_is_read_in_linear_work(monkeypatch):
    """Each mapping inside one long line was copied to the line's end before being told
    it does not start the line: quadratic (40,000 mappings: 7x PyYAML's time)."""
    monkeypatch.setattr(_CountingText, "sliced", 0)
    text = _CountingText('{"s": [' + ", ".join(['{"a": 1}'] * 4000) + "]}\n")
    assert _fast_tree(text, "f.yaml") is not None
    assert _CountingText.sliced <= 4 * len(text)
