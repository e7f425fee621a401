"""The fast parser (yaml-rs + a line scan for positions) gives exactly what the slow one
(PyYAML's composer + our builder) gives: the same tree with the same positions, the same
models, and - through the slow path it hands broken input to - the same errors.

The fast path is normally used only for large files; these tests set `min_chars` to 0 so
that every file, however small, goes through it.
"""
from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path

import pytest

from gdpr_check.errors import InputError
from gdpr_check.load import load_project, parser
from gdpr_check.load.parser import DEFAULT_PARSER, FastParser, _fast_tree
from tests.fuzz.compare import difference

pytest.importorskip("yaml_rs")

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "tests" / "fixtures" / "base"
CLINIC = ROOT / "tests" / "fixtures" / "clinic"


@pytest.fixture
def always_fast(monkeypatch):
    monkeypatch.setattr(FastParser, "min_chars", 0)


def both(text: str):
    """(fast tree or None when it declined, slow tree)."""
    return _fast_tree(text, "f.yaml"), DEFAULT_PARSER.parse_text(text, "f.yaml")


def yaml_files():
    found = []
    for folder in (ROOT / "policy", ROOT / "inventory", BASE, CLINIC):
        found += sorted(folder.rglob("*.yaml"))
    return found


# -- the same tree ---------------------------------------------------------------------

BLOCK_STYLE = [
    # what PyYAML's dumper writes (the benchmark's files), and hand-written variations
    "systems:\n- id: a\n  name: A\n  purposes:\n  - x\n  - y\n  hosting:\n    provider: p\n"
    "    countries:\n    - FI\n- id: b\n",
    "systems:\n  - id: a\n    access:\n      grants:\n        - principal: p\n          scope: full\n",
    "a:\n  -\n    id: x\n  - - 1\n    - 2\n  - - - deep\n",
    "# comment\n\na: 1   # trailing\nb:    spaced\n'quoted': 1\n\"dq\": 2\nc  : 3\n",
    "---\na: 1\n",
    "description: |\n  Steps:\n  - one\n  - key: two\n\n  end\nnext: >-\n  folded\n   more\n"
    "items:\n- |\n  - not an item\n- x\n",
    "a: 'single ''quoted'''\nb: \"double \\\"q\\\" \\u00e9\"\nc: plain text: no\n"[:-10] + "\n",
    "multi: this plain scalar\n  goes on - here\n  and here\nafter: 1\n",
    "n: 12\nf: 1.5\ne: 1e3\nneg: -7\nnull1:\nnull2: ~\nnull3: null\nt: true\nF: FALSE\n"
    "s1: '12'\ns2: \"true\"\ns3: ''\nno: NO\nyes: yes\nnorway: [NO]\n"[:-15] + "\n",
    "empty_list: []\nempty_map: {}\nitems:\n- []\n- {}\n- x\n",
    "url: http://example.com/a#b\ntime: 12:30\ndate: 2024-01-01\nneg: [-1]\n"[:-11] + "\n",
    "unicode: päivää 日本 😀\nkey with spaces: v\n",
    "a:\n  b:\n    c:\n      d: [1]\n"[:-5] + "\n        - 1\n",
    # flow collections, as hand-written inventories use them
    "a: [x, y]\nb: {c: 1, d: [e, f]}\n",
    "items:\n- [a, b]\n- {k: v}\n- - [c]\n",
    "purposes: [orders, debt_collection,\n           customer_service]  # trailing\nnext: 1\n",
    "m: {a: [1, 2.5, true, null, ~], b: {c: d},\n    e: []}\nafter: x\n",
    "q: ['1', \"true\", 'it''s', \"\", '']\nr: [http://x.org/a#b, a:b, 'x: y']\n",
    "e: [ ]\nf: { }\ng: [a, b, ]\nh: [\n  a,  # comment\n  b\n]\n",
    "'[]#{ a:': []\n'k: [x]': {}\n\"[y]\": [z]\n",  # brackets inside quoted keys
    "s:\n- id: crm\n  access: {authentication: [password, mfa]}\n  hosting: {provider: p,"
    " countries: [DE]}\n",
]


@pytest.mark.parametrize("text", BLOCK_STYLE)
def test_block_style_same_tree(text):
    fast, slow = both(text)
    assert fast is not None, "the fast path declined plain block YAML"
    assert difference(fast, slow) is None, difference(fast, slow)


# Lines that look like keys or items but are inside a scalar: the fast path may decline
# (the scan sees a key yaml-rs does not), but must never place anything wrongly.
TRICKY = [
    "quoted: \"first line\n  second: line\"\nafter: 1\n",
    "quoted: \"first line\n  - item\"\nafter: 1\n",
    "single: 'a\n  b: c'\nafter: 1\n",
    "plain: a\n  - b\nafter: 1\n",
    "list:\n- a\n  b\n- c\n",
    "block: |\n    indented more\n  less: but still inside? no\n",
    "block: |2\n   three\n  two\nafter: 1\n",
    "- a: 1\n  b: 2\n",
    "a:\n- b: 1\n  c:\n  - d\n- e\n",
    # a flow collection on the line after its key
    "a:\n  [x, y]\n",
    "a:\n  {b: 1}\nc: 2\n",
    "list:\n- a:\n    [x]\n- b\n",
    "list:\n- a:\n    [x]\n- b: |\n    - c\n",
    # keys and items out of their column
    "a:\n  b: 1\n   c: 2\n",
    "a:\n  - x\n   - y\n",
]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_same_tree_or_declined(text):
    try:
        slow = DEFAULT_PARSER.parse_text(text, "f.yaml")
    except InputError:
        slow = None
    fast = _fast_tree(text, "f.yaml")
    if fast is not None:
        assert difference(fast, slow) is None, difference(fast, slow)


@pytest.mark.parametrize("path", yaml_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_repository_files_same_tree(path, always_fast):
    text = path.read_text(encoding="utf-8")
    tree = FastParser().parse_text(text, "f.yaml")
    assert difference(tree, DEFAULT_PARSER.parse_text(text, "f.yaml")) is None


def generated(folder: Path, scale: float, style: str = "block") -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return generate(folder, scale, style=style)


@pytest.mark.parametrize("style", ["flow", "json"])
def test_generated_styles_same_data_and_tree(tmp_path, style):
    """The benchmark's flow and JSON styles hold the block style's data (so their timings
    compare), and where the fast path vouches for a file it builds the slow path's tree."""
    block = generated(tmp_path / "block", 0.005)
    other = generated(tmp_path / style, 0.005, style)
    for path in sorted((block / "inventory").glob("*.yaml")):
        text = (other / "inventory" / path.name).read_text(encoding="utf-8")
        assert DEFAULT_PARSER.parse_text(text, "f.yaml") == \
            DEFAULT_PARSER.parse_text(path.read_text(encoding="utf-8"), "f.yaml"), path.name
        fast, slow = both(text)
        assert fast is None or difference(fast, slow) is None, path.name


def test_generated_project_same_tree(tmp_path):
    project = generated(tmp_path / "gen", 0.01)
    for path in sorted((project / "inventory").glob("*.yaml")):
        fast, slow = both(path.read_text(encoding="utf-8"))
        assert fast is not None, path.name
        assert difference(fast, slow) is None, (path.name, difference(fast, slow))


# -- declined: the slow path reads these -------------------------------------------------

DECLINED = {
    "flow-escapes": "a: [\"x\\ty\"]\n",
    "flow-pair-in-sequence": "a: [b: 1]\n",
    "flow-null-entries": "a: {b, c: 1}\n",
    "flow-multi-line-scalar": "a: [one\n  two]\n",
    "flow-anchor": "a: [&x 1, *x]\n",
    "flow-trailing-text": "a: [x] y\n",
    "anchor-alias": "a: &x 1\nb: *x\n",
    "merge-key": "base: &b\n  x: 1\nc:\n  <<: *b\n  y: 2\n",
    "tag": "a: !!str 12\n",
    "custom-tag": "a: !thing x\n",
    "complex-key": "? a\n: 1\n",
    "tab": "a:\tb\n",
    "crlf": "a: 1\r\nb: 2\r\n",
    "two-documents": "a: 1\n---\nb: 2\n",
    "document-end": "a: 1\n...\n",
    "directive": "%YAML 1.2\n---\na: 1\n",
    "int-key": "1: a\n",
    "underscore-number": "a: 1_000\n",
    "binary-number": "a: 0b101\n",
    "upper-octal": "a: 0O17\n",
    "signed-hex": "a: -0x1F\n",
    "null-item": "a:\n- \n- x\n",
    "top-level-list": "- a\n",
    "top-level-scalar": "just text\n",
    "empty": "",
    "duplicate-key": "a: 1\na: 2\n",
    "control-character": "a: \x07\n",
    "alias-bomb": "a: &a [lol]\n" + "".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for n, p in zip("bcdefghij", "abcdefghi")),
    "bad-indentation": "a:\n  b: 1\n c: 2\n",
}


@pytest.mark.parametrize("text", DECLINED.values(), ids=DECLINED.keys())
def test_declined_then_slow_path_decides(text, always_fast):
    assert _fast_tree(text, "f.yaml") is None
    try:
        slow = DEFAULT_PARSER.parse_text(text, "f.yaml")
    except InputError as exc:
        with pytest.raises(InputError) as fast_error:
            FastParser().parse_text(text, "f.yaml")
        assert str(fast_error.value) == str(exc)
    else:
        fast = FastParser().parse_text(text, "f.yaml")
        assert difference(fast, slow) is None


def test_small_files_take_the_slow_path(monkeypatch):
    monkeypatch.setattr(parser, "_fast_tree", lambda *a: pytest.fail("fast path used"))
    fast = FastParser()
    fast.parse_text("a: 1\n", "f.yaml")
    assert not fast.used


def test_without_yaml_rs_everything_is_slow(monkeypatch, always_fast):
    monkeypatch.setattr(parser, "_yaml_rs", False)
    fast = FastParser()
    assert difference(fast.parse_text("a:\n- 1\n", "f.yaml"),
                      DEFAULT_PARSER.parse_text("a:\n- 1\n", "f.yaml")) is None
    assert not fast.used


# -- the same models and the same errors ---------------------------------------------------

def positions(obj, where="item"):
    """Every model's position and key positions below `obj`, by path."""
    from gdpr_check.model.base import Located
    found = {}
    if isinstance(obj, Located):
        found[where] = (obj.location, dict(getattr(obj, "_key_locs", None) or {}))
        for name in type(obj).model_fields:
            found.update(positions(getattr(obj, name), f"{where}.{name}"))
    elif isinstance(obj, (list, tuple)):
        for index, value in enumerate(obj):
            found.update(positions(value, f"{where}[{index}]"))
    return found


@pytest.mark.parametrize("root", [BASE, CLINIC, ROOT, "generated"],
                         ids=["base", "clinic", "repository", "generated"])
def test_same_models_and_positions(root, monkeypatch, tmp_path):
    if root == "generated":
        root = generated(tmp_path / "gen", 0.01)
    monkeypatch.setattr(FastParser, "min_chars", 10**9)
    slow = load_project(root)
    monkeypatch.setattr(FastParser, "min_chars", 0)
    fast = load_project(root)
    for side in ("policy", "inventory"):
        assert getattr(fast, side) == getattr(slow, side)
        assert positions(getattr(fast, side)) == positions(getattr(slow, side))


def test_bad_input_same_errors(tmp_path, monkeypatch):
    """Every bad-input case of test_bad_input.py: the same message with the fast parser."""
    from tests.test_bad_input import CASES, make_project

    for case in CASES:
        if case.runtime:
            continue
        root = make_project(tmp_path / case.name, case.files)
        messages = []
        for min_chars in (FastParser.min_chars, 0):
            monkeypatch.setattr(FastParser, "min_chars", min_chars)
            try:
                load_project(root)
                messages.append(None)
            except InputError as exc:
                messages.append(str(exc))
        assert messages[0] == messages[1], case.name


def test_validation_error_is_reported_by_the_slow_path(tmp_path, always_fast):
    """A model error found on a fast-parsed tree is re-read slowly before it is reported."""
    root = tmp_path / "p"
    shutil.copytree(BASE, root)
    (root / "inventory" / "extra.yaml").write_text(textwrap.dedent("""\
        systems:
        - id: broken
          hosting:
            provider: self
            countries:
            - XX
        """))
    with pytest.raises(InputError) as error:
        load_project(root)
    assert str(error.value).startswith("inventory/extra.yaml:6:7:")


# -- random documents: the fast path declines or agrees -------------------------------------

_ATOMS = ["a", "b c", "k:v", "a #b", "it's", "1", "01", "1.5", "1e3", "true", "no", "NO",
          "null", "~", "", "x-y", "é", "2024-01-01", "multi\nline", "http://x.y/z#w", "a  b",
          "- d", "[x]", "{y}", "a, b", "0x1F", "1_000", ".inf", "'q'", '"dq"', "tab\there"]


def _random_node(rng, depth):
    choice = rng.random()
    if depth > 3 or choice < 0.4:
        return rng.choice([rng.choice(_ATOMS), rng.randint(-5, 99), rng.random(),
                           rng.choice([True, False, None])])
    if choice < 0.7:
        return {rng.choice(["id", "name", "x y", "k", "a-b", "from", "1", "true", "[k]"]) + str(i):
                _random_node(rng, depth + 1) for i in range(rng.randint(0, 4))}
    return [_random_node(rng, depth + 1) for _ in range(rng.randint(0, 4))]


def _mutate(rng, text):
    lines = text.split("\n")
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(lines))
        edit = rng.randrange(6)
        if edit == 0:
            lines[i] = " " + lines[i]
        elif edit == 1:
            lines[i] = lines[i][1:]
        elif edit == 2:
            lines.insert(i, "  # c: - d")
        elif edit == 3:
            lines[i] += " # t"
        elif edit == 4 and lines[i]:
            at = rng.randrange(len(lines[i]))
            lines[i] = lines[i][:at] + rng.choice(":-[]{},'\" #") + lines[i][at:]
        else:
            lines.insert(i, lines[i])
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(4))
def test_random_documents(seed):
    import random

    import yaml
    rng = random.Random(seed)
    accepted = 0
    for _ in range(250):
        doc = {f"top{i}": _random_node(rng, 0) for i in range(rng.randint(1, 4))}
        text = yaml.safe_dump(doc, default_flow_style=rng.choice([None, False, True]),
                              width=rng.choice([20, 40, 80, 1000]), indent=rng.choice([2, 4]),
                              allow_unicode=True, sort_keys=False)
        if rng.random() < 0.5:
            text = _mutate(rng, text)
        fast = _fast_tree(text, "f.yaml")
        if fast is None:
            continue
        accepted += 1
        slow = DEFAULT_PARSER.parse_text(text, "f.yaml")  # must not fail where fast did not
        assert difference(fast, slow) is None, (difference(fast, slow), text)
    assert accepted > 30


# -- one verdict for the same bytes (issue 8) ------------------------------------------------

_PAD = b"#" * 70_000 + b"\n"  # a file the fast path reads (over 64 KiB)

# Inputs the parsers read differently before: values, positions, even the verdict.
DISAGREED = {
    "next-line": b"a: x\xc2\x85b: y\n",
    "line-separator": b"a: x\xe2\x80\xa8b: y\n",
    "paragraph-separator": b'a: "x\xe2\x80\xa9y"\nb: 1\n',
    "two-boms": b"\xef\xbb\xbf\xef\xbb\xbfa: 1\n",
    "bom-inside": b"a: 1\n\xef\xbb\xbfb: 2\n",
    "keep-chomp-at-the-end": b"a: |+\n  kept",
    "folded-keep-at-the-end": b"b: 1\na: >+\n  kept",
    "empty-block-scalar-at-the-end": b"a: >1\n",
    "empty-keep-at-the-end": b"b: [x]\na: |+\n",
    "comment-after-a-dash": b"a:\n- - 1\n  - #8\n  - 2\n",
    "flow-key-over-two-lines": b"a: {b: 1, c: [2, 3],\n  d\n: e}\nf: g\n",
    "flow-plain-colon": b"a: {b: 1, c: [2, :3],\n  d: e}\n",  # YAML 1.2 plain, not 1.1
    "tag-on-a-line-of-its-own": b"a:\n  b:\n   !x:\n    c:\nend: 1\n",
    "anchor-on-a-line-of-its-own": b"a:\n  b:\n   &x\n    c: 1\n",
    "flow-value-on-the-next-line": b"a:\n  [x, y]\nb: 1\n",
    "message-with-a-line-break": b"{top0: 28, top1: [!!int 'kept\n\n\n   ']}\n",
}
REFUSED = {"next-line": (1, 5), "line-separator": (1, 5), "paragraph-separator": (1, 6),
           "two-boms": (1, 1), "bom-inside": (2, 1)}


@pytest.mark.parametrize("name", DISAGREED)
@pytest.mark.parametrize("pad", [b"", _PAD], ids=["small", "large"])
def test_same_bytes_same_verdict(name, pad, monkeypatch):
    """The same bytes give the same tree, positions and error whichever parser reads them:
    forced through the fast path (small) and at the size where it is used (large)."""
    from tests.fuzz.targets import parse_both
    data = pad + DISAGREED[name]
    if not pad:
        monkeypatch.setattr(FastParser, "min_chars", 0)
    outcome = parse_both(data)  # raises Divergence
    if name in REFUSED:
        assert outcome["verdict"] == "error"
        line, column = REFUSED[name]
        with pytest.raises(InputError) as error:
            parser.parse_bytes(data, "f.yaml", FastParser())
        assert (error.value.line, error.value.column) == (line + bool(pad), column)
        assert "read differently" in error.value.message


def test_keep_chomping_at_the_end_is_pyyamls_value():
    """With no line break after its last line, a keep-chomped scalar has none (YAML 1.2
    §8.1.1.2); yaml-rs added one."""
    assert parser.parse_bytes(_PAD + b"a: |+\n  kept", "f.yaml", FastParser()) == {"a": "kept"}


# The property: for any bytes, `parse_both` finds no difference. Hypothesis generates
# documents from YAML fragments and mutates real ones; derandomized, so CI runs the same
# examples every time (no example database), in a few seconds.
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from tests.fuzz import mutate  # noqa: E402

_FRAGMENTS = st.sampled_from(mutate.TOKENS + [b"a", b"b c", b"1", b"x: y", b"- z", b"k:"])
_LINE = st.tuples(st.integers(0, 6), st.lists(_FRAGMENTS, max_size=6)).map(
    lambda t: b" " * t[0] + b"".join(t[1]))
_LINES = st.lists(_LINE, min_size=1, max_size=12).map(b"\n".join)
_EDITS = st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 3), _FRAGMENTS), max_size=4)


def _edited(base: bytes, edits) -> bytes:
    for at, delete, token in edits:
        at %= len(base) + 1
        base = base[:at] + token + base[at + delete:]
    return base


_REAL = st.sampled_from(mutate.SNIPPETS).map(str.encode) | st.builds(
    lambda n, start, size: b"\n".join(mutate.corpus()[n % len(mutate.corpus())]
                                      .split(b"\n")[start:start + size]) + b"\n",
    st.integers(0, 10**6), st.integers(0, 200), st.integers(1, 40))
_INPUTS = _LINES | st.builds(_edited, _REAL, _EDITS)


@settings(max_examples=400, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_INPUTS)
def test_property_fast_and_slow_agree(data):
    from tests.fuzz.targets import parse_both
    parse_both(data)
