"""YAML text -> `LocDict`/`LocList` tree. The one place that knows which YAML library is used.

SPEC §11 wants the parser swappable: anything that implements `parse_text(text, path)` and
returns the tree of `tree.py` can replace `PyYamlParser` without touching the loader,
models or engine. PyYAML composes the node graph in C (libyaml) when available; we build
the tree from nodes ourselves, which is where we:

- keep line/column for every mapping, key and list item;
- refuse duplicate keys (PyYAML silently keeps the last one);
- resolve plain scalars by YAML 1.2 core rules, so `NO` (Norway) stays a string and only
  true/false are booleans;
- bound alias expansion ("billion laughs": by count and by the bytes aliases repeat),
  nesting depth, and what a whole project may read (`Budget`);
- refuse the characters YAML 1.1 and 1.2 parsers read differently (NEL, LS, PS, a BOM
  past the start), so that both parsers give one verdict for the same bytes.
"""
from __future__ import annotations

import json
import re

import yaml

from ..errors import InputError
from ..lazy_pattern import LazyPattern
from .tree import Lazy, LocDict, LocList, describe

try:  # libyaml's C composer when installed; the pure-Python one otherwise.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader

# Untagged plain scalars get this tag instead of PyYAML's YAML 1.1 guess, so that
# `_Builder.scalar` resolves them by the YAML 1.2 core schema, and an explicit `!!str` stays
# distinguishable from an implicit string. (It also skips PyYAML's resolver regexes, which
# were a third of the parse time.)
_PLAIN = "tag:gdpr-check,2024:plain"


class _Loader(_BaseLoader):
    DEFAULT_SCALAR_TAG = _PLAIN
    yaml_implicit_resolvers: dict = {}

    # The composer asks these for every node; the answers never depend on the path.
    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode:
            return _PLAIN
        return "tag:yaml.org,2002:seq" if kind is yaml.SequenceNode else "tag:yaml.org,2002:map"

    def descend_resolver(self, current_node, current_index):
        pass

    def ascend_resolver(self):
        pass

MAX_FILE_BYTES = 64 * 1024 * 1024
# All the YAML files of one project together (SPEC §11's largest target is ~32 MB; each
# MB of YAML costs ~35 MB of models, so this keeps a hostile pull request near 2 GB).
MAX_PROJECT_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 64
# Aliases may repeat a node; beyond this many repeated nodes we call it an alias bomb.
MAX_ALIAS_EXPANSION = 10_000
# ... and beyond this many characters repeated (summed over a project): one 1 MB string
# aliased 9,000 times is under the count but is 9 GB of text to every consumer of it.
MAX_ALIAS_BYTES = 16 * 1024 * 1024

# The YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution): only these
# plain scalars are not strings, so `NO` (Norway), `yes`, `on` and `012a` stay text.
_INT = re.compile(r"[-+]?[0-9]+$")
_OCT = re.compile(r"0o[0-7]+$")
_HEX = re.compile(r"0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_INF = {".inf": "inf", ".Inf": "inf", ".INF": "inf", "+.inf": "inf", "+.Inf": "inf",
        "+.INF": "inf", "-.inf": "-inf", "-.Inf": "-inf", "-.INF": "-inf",
        ".nan": "nan", ".NaN": "nan", ".NAN": "nan"}
_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_STD_TAG = "tag:yaml.org,2002:"
# The only tags a file may carry (explicitly or resolved): plain data. Anything else under
# `tag:yaml.org,2002:` (`!!python/object`, `!!binary`, `!!set`, ...) is refused.
_SCALAR_TAGS = frozenset({_PLAIN, *(_STD_TAG + t for t in ("str", "int", "float", "bool",
                                                           "null", "timestamp", "merge"))})
_COLLECTION_TAGS = {"seq": _STD_TAG + "seq", "map": _STD_TAG + "map"}

_FRIENDLY = {
    "found character that cannot start any token":
        "found a character that cannot start a YAML token (a tab used for indentation?)",
    "found character '\\t' that cannot start any token":
        "found a tab where YAML expects spaces for indentation",
}


def decode(data: bytes, path: str) -> str:
    """Bytes -> text, refusing binary and non-UTF-8 files with their position."""
    check_size(len(data), path)
    nul = data.find(b"\0")
    if nul >= 0:
        line, col = _line_col(data, nul)
        raise InputError("binary file (NUL byte), expected UTF-8 YAML text", path, line, col)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        raise InputError(f"not UTF-8 (byte 0x{data[exc.start]:02x}), expected UTF-8 YAML text",
                         path, line, col) from None
    return text[1:] if text.startswith("\ufeff") else text


# Characters the two parsers read differently, refused with their position so that the
# verdict never depends on a file's size: PyYAML (YAML 1.1) breaks lines at NEL, LS and PS
# where yaml-rs (YAML 1.2) reads them as text (different values, line numbers, verdicts);
# a byte order mark is allowed only at the very start (`decode` drops it), where yaml-rs
# kept a second one in the first key and PyYAML refused one further on.
_AMBIGUOUS = re.compile("[\x85\u2028\u2029\ufeff]")
_AMBIGUOUS_NAMES = {"\x85": "a next-line character (U+0085, NEL)",
                    "\u2028": "a line separator (U+2028)",
                    "\u2029": "a paragraph separator (U+2029)",
                    "\ufeff": "a byte order mark (U+FEFF) other than one at the very start"}
_AMBIGUOUS_ESCAPES = {"\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P", "\ufeff": "\\uFEFF"}


def check_text(text: str, path: str) -> None:
    """Refuse the characters YAML parsers disagree about, at their line and column."""
    found = _AMBIGUOUS.search(text)
    if found is None:
        return
    char = found.group()
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    raise InputError(f"{_AMBIGUOUS_NAMES[char]}, which YAML parsers read differently; "
                     "expected plain \\n line ends (inside a double-quoted string write it as "
                     f"the escape \"{_AMBIGUOUS_ESCAPES[char]}\")", path, line, column)


class BudgetExceeded(InputError):
    """The project as a whole is over a budget: the load stops there. Reading on would spend
    what the limit protects, and every later file would report the same overrun."""


class Budget:
    """What the files of one load may add up to: the bytes read and the characters that
    aliases repeat. A limit per file alone let four 50 MB files (4.8 GB, 95 s) through.

    A parser holds one; `load_project` gives its parsers a fresh one per load, and a parser
    without a project budget takes a fresh one per file.
    """

    def __init__(self, max_bytes: int | None = None, max_alias_bytes: int | None = None):
        self.max_bytes = MAX_PROJECT_BYTES if max_bytes is None else max_bytes
        self.max_alias_bytes = MAX_ALIAS_BYTES if max_alias_bytes is None else max_alias_bytes
        self.bytes = 0
        self.alias_bytes = 0

    def read(self, size: int, path: str) -> None:
        """Count a file of `size` bytes; refuse it if the project's files exceed the limit."""
        self.bytes += size
        if self.bytes > self.max_bytes:
            raise BudgetExceeded(f"the project's YAML files add up to {_size(self.bytes)} with this "
                             f"file, more than the {_size(self.max_bytes)} limit for one "
                             "project; expected a smaller inventory", path, 1, 1)

    def repeat(self, size: int, loc) -> None:
        """Count `size` characters an alias repeats; refuse past the limit."""
        self.alias_bytes += size
        if self.alias_bytes > self.max_alias_bytes:
            raise BudgetExceeded(f"aliases to this value bring the text they repeat past "
                             f"{_size(self.max_alias_bytes)} "
                             "(a YAML alias bomb?); expected each value written out, or "
                             "fewer repeats of large values", *loc)


def check_size(size: int, path: str) -> None:
    """Refuse a file over `MAX_FILE_BYTES` (callers check before reading it whole, too)."""
    if size > MAX_FILE_BYTES:
        raise InputError(f"file is {_size(size)}, more than the {_size(MAX_FILE_BYTES)} "
                         "limit for one YAML file; expected a smaller file (split the list "
                         "across several files)", path, 1, 1)


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MiB"
    return f"{count} bytes"


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, col


class PyYamlParser:
    """The default parser: PyYAML (libyaml when present) composing nodes, our constructor."""

    name = "pyyaml-c" if _BaseLoader.__name__.startswith("C") else "pyyaml"

    def __init__(self, budget: Budget | None = None):
        self.budget = budget

    def parse_text(self, text: str, path: str):
        check_text(text, path)
        try:
            loader = _Loader(text)
            try:
                node = loader.get_single_node()
            finally:
                loader.dispose()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = _FRIENDLY.get(exc.problem or "", exc.problem or "invalid YAML")
            if exc.context and "expected a single document" in exc.context:
                problem = "expected a single YAML document, found several (---)"
            elif exc.context and exc.context_mark and exc.problem_mark \
                    and exc.context_mark.line != exc.problem_mark.line:
                # where the unfinished thing began, e.g. the quote of an unterminated string
                problem += (f" ({exc.context} started at line {exc.context_mark.line + 1}, "
                            f"column {exc.context_mark.column + 1})")
            raise InputError(f"malformed YAML: {problem}", path,
                             mark.line + 1 if mark else None,
                             mark.column + 1 if mark else None) from None
        except yaml.reader.ReaderError as exc:
            line = text.count("\n", 0, exc.position) + 1
            column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
            code = exc.character if isinstance(exc.character, int) else ord(exc.character)
            raise InputError(f"malformed YAML: control character U+{code:04X} is not allowed; "
                             "expected printable text (quote it as an escape, e.g. \"\\t\")",
                             path, line, column) from None
        except yaml.YAMLError as exc:
            first = (str(exc).splitlines() or ["invalid YAML"])[0]
            raise InputError(f"malformed YAML: {first}", path) from None
        if node is None:
            return None
        return _Builder(path, self.budget or Budget()).build(node)


class _Builder:
    def __init__(self, path: str, budget: Budget):
        self.path = path
        self.budget = budget
        self.seen: set[int] = set()
        self.repeats = 0
        self.open: set[int] = set()  # collections being built: reaching one again is a cycle

    def loc(self, node):
        mark = node.start_mark
        return (self.path, mark.line + 1, mark.column + 1)

    def build(self, node, depth: int = 0):
        if depth > MAX_DEPTH:
            raise InputError(f"nesting deeper than {MAX_DEPTH} levels", *self.loc(node))
        if id(node) in self.seen:  # reached again through an alias
            self.repeats += 1
            if self.repeats > MAX_ALIAS_EXPANSION:
                raise InputError("too many alias expansions (a YAML alias bomb?)",
                                 *self.loc(node))
            if isinstance(node, yaml.ScalarNode):  # a collection's scalars count one by one
                self.budget.repeat(len(node.value), self.loc(node))
        else:
            self.seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if id(node) in self.open:
            raise InputError("recursive alias: a node contains an alias to itself",
                             *self.loc(node))
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                self.check_tag(node, "seq")
                items = LocList(loc=self.loc(node))
                for child in node.value:
                    items.item_locs.append(self.loc(child))
                    items.append(self.build(child, depth + 1))
                return items
            self.check_tag(node, "map")
            return self.mapping(node, depth)
        finally:
            self.open.discard(id(node))

    def mapping(self, node, depth):
        result = LocDict(loc=self.loc(node))
        merged = []
        for key_node, value_node in node.value:
            if key_node.tag == _STD_TAG + "merge" or (
                    key_node.tag == _PLAIN and not key_node.style and key_node.value == "<<"):
                merged.append(value_node)
                continue
            key = self.build(key_node, depth + 1)
            if not isinstance(key, str):
                hint = f" (quote it: '{key_node.value}')" \
                    if isinstance(key, (int, float, bool)) else ""
                raise InputError(f"expected a string as mapping key, found {describe(key)}"
                                 f"{hint}", *self.loc(key_node))
            if key in result:
                first = result.key_locs[key]
                raise InputError(f"duplicate key {describe(key)} (first defined at line {first[1]})",
                                 *self.loc(key_node))
            result.key_locs[key] = self.loc(key_node)
            result[key] = self.build(value_node, depth + 1)
        for value_node in merged:  # `<<: *defaults`: explicit keys win
            sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for source in sources:
                base = self.build(source, depth + 1)
                if not isinstance(base, LocDict):
                    raise InputError("'<<' merges a mapping or a list of mappings",
                                     *self.loc(source))
                for key, value in base.items():
                    if key not in result:
                        result[key] = value
                        result.key_locs[key] = base.key_locs[key]
        return result

    def check_tag(self, node, kind):
        if node.tag != _COLLECTION_TAGS[kind]:
            raise InputError(f"unsupported YAML tag {_short_tag(node.tag)}; expected plain "
                             "data (mappings, lists, strings, numbers, true/false, dates)",
                             *self.loc(node))

    def scalar(self, node):
        value = node.value
        tag = node.tag
        if tag not in _SCALAR_TAGS:
            raise InputError(f"unsupported YAML tag {_short_tag(tag)}; expected plain data "
                             "(strings, numbers, true/false, dates)", *self.loc(node))
        if tag == _PLAIN:
            # Quoted and block scalars are strings; plain ones follow the 1.2 core schema.
            return value if node.style else _core_value(value)
        if tag in (_STD_TAG + "str", _STD_TAG + "timestamp"):  # dates: the models parse them
            return value
        # An explicit `!!int`, `!!float`, `!!bool` or `!!null`: the text must be one.
        resolved = _core_value(value)
        wanted = {"int": int, "float": (int, float), "bool": bool, "null": type(None)}[
            tag[len(_STD_TAG):]]
        if isinstance(resolved, wanted) and not (wanted is int and isinstance(resolved, bool)):
            return float(resolved) if tag.endswith("float") else resolved
        raise InputError(f"{describe(value)} is not a valid {_short_tag(tag)}", *self.loc(node))


def _core_value(text: str):
    """A plain scalar by the YAML 1.2 core schema: null, bool, int, float, else the text."""
    if text in _NULLS:
        return None
    first = text[0]
    if first in "tTfF":
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        return text
    if not (first.isdigit() or first in "+-."):
        return text  # most scalars (ids, names) stop here, before any regex
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    if _OCT.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if text in _INF:
        return float(_INF[text])
    return text




def _short_tag(tag: str) -> str:
    short = "!!" + tag[len(_STD_TAG):] if tag.startswith(_STD_TAG) else tag
    return short if short.isprintable() else repr(short)  # a message stays on one line


DEFAULT_PARSER = PyYamlParser()


class FastParser:
    """yaml-rs (Rust) for large files, with positions found by a line scan; PyYAML otherwise.

    yaml-rs builds the Python values of a 26 MB inventory in well under a second, where
    composing nodes and building our tree from them takes seconds, but it gives no
    positions. `_fast_tree` attaches them from a scan of the text and builds the same tree
    the slow path would; whenever it cannot vouch for that (anchors, aliases, tags, merge
    keys, complex keys, a number written in a form the two resolvers read differently,
    any mismatch between the scan and the parsed structure, any yaml-rs error) the file
    goes through `PyYamlParser`, which is also where every error message comes from. Small
    files always take the slow path: it is fast enough there and yaml-rs need not be
    imported.
    `used` tells whether any file was read by yaml-rs, so a caller can re-read the input
    the slow way before reporting an error about it.
    """

    name = "yaml-rs"
    min_chars = 64 * 1024

    def __init__(self, slow: PyYamlParser | None = None):
        self.slow = DEFAULT_PARSER if slow is None else slow
        self.budget = self.slow.budget
        self.used = False

    def parse_text(self, text: str, path: str):
        if len(text) >= self.min_chars:
            tree = _fast_tree(text, path)
            if tree is not None:
                self.used = True
                return tree
        return self.slow.parse_text(text, path)


def parse_bytes(data: bytes, path: str, parser=DEFAULT_PARSER):
    """Decode and parse one file's bytes into the located tree."""
    return parser.parse_text(decode(data, path), path)


# -- the fast path --------------------------------------------------------------------------
# Its patterns are `LazyPattern`s: only files of `FastParser.min_chars` and more take this
# path, so a small project's run never compiles them (~7 ms at every start-up).

class _Unsure(Exception):
    """The fast path cannot vouch for its result: the slow path reads the file instead."""


_yaml_rs = None


def _load_yaml_rs():
    global _yaml_rs
    if _yaml_rs is None:
        try:
            import yaml_rs
            _yaml_rs = yaml_rs
        except ImportError:  # the optional `fast` extra is not installed
            _yaml_rs = False
    return _yaml_rs


# One match per line: the indentation and `- ` item markers, a key (plain, or quoted
# without escapes) followed by `:`, and the first character of what follows (or `[]`/`{}`).
# (Possessive quantifiers: a line that is no key fails at once instead of backtracking; a
# key keeps the spaces before its `:`, which `_same_key` drops.)
_KEY = r"""[^\s\-?:,\[\]{}#&*!|>'"%@`<][^\n:#]*+|"[^"\\\n]*+" *+|'[^'\n]*+' *+"""
_ROW = LazyPattern(r"^( *+(?:-(?: ++|$))*+)(?:(" + _KEY + r"):(?: ++|$))?(\[\]|\{\}|.?)", re.M)
# Characters PyYAML's reader refuses (it reports them; the fast path leaves that to it).
# (A class spanning all of Unicode takes ~10 ms to compile, more than the rest of a small
# project's parse.)
_UNPRINTABLE = LazyPattern(
    "[^\x0A\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")


# First characters of a value that the line scan does not simply pass: flow collections
# (`[`, `{`, read by `_Flow`) and block scalars (`|`, `>`, whose lines are skipped) are
# handled; anchors, aliases, tags, complex keys, directives and reserved characters send
# the file the slow way.
_REFUSED = frozenset("[{&*!?%@`|>")
_FLOW = frozenset("[{")
_BLOCK = frozenset("|>")
_QUOTES = frozenset("'\"")
# First characters of plain scalars `_core_value` may read as something else than text,
# and the line break an empty block scalar starts with (see `check_text`).
_RISKY = frozenset("~nNtTfF0123456789+-.\n")
_RISKY_OR_QUOTE = _RISKY | _QUOTES  # a flow scalar equal to its value needs a closer look
_FAST_MAX_DEPTH = 48


# yaml-rs recurses once per level of block nesting and overflows the stack (a segfault,
# exit 139, not an error) near 11,000 levels; flow collections it refuses itself past 256.
# A block level starts at least one column right of its parent (an indentless sequence
# shares its mapping's column, once per level), and levels that start on one line need a
# `- `, `? ` or `: ` each: a node's depth is at most twice the column it starts in. So when
# no line is indented 128 columns and no run of indicators and spaces is 128 long, every
# node starts before column 256 and is under ~770 levels deep (flow included); any other
# file goes the PyYAML way, whose builder stops at `MAX_DEPTH` with a position. (Substring
# search, and the pattern only on a text that has such a run or is not ASCII: see below.)
_DEEP_INDENT = "\n" + " " * 128
_DEEP_INDICATORS = LazyPattern(r"[-?:][-?: ]{127}")

# The checks of a whole file, on an ASCII text (most machine-written YAML and JSON) by a
# byte table in C instead of a character class walked by `re` (~8x faster: ~0.5 s of a
# 30 MB inventory). Non-ASCII texts are searched as before.
_PRINTABLE_ASCII = b"\n" + bytes(range(0x20, 0x7F))
_INDICATORS = bytes(0x2D if byte in b"-?: " else 0x78 for byte in range(256))  # to - or x
_INDICATOR_RUN = b"-" * 128  # a run `_DEEP_INDICATORS` needs (its first is not a space)


def _maybe_deep(text: str, ascii_bytes: bytes | None = None) -> bool:
    """Whether `text` might nest too deep for yaml-rs's stack (see `_DEEP_INDENT`).
    `ascii_bytes`: the text encoded, if it is ASCII (see `_fast_tree`)."""
    if _DEEP_INDENT in text or text.startswith(_DEEP_INDENT[1:]):
        return True
    if ascii_bytes is not None and _INDICATOR_RUN not in ascii_bytes.translate(_INDICATORS):
        return False  # no 128 indicators and spaces in a row: the pattern cannot match
    return _DEEP_INDICATORS.search(text) is not None


def _unprintable_in(text: str, ascii_bytes: bytes | None) -> bool:
    """Whether `text` holds a character YAML does not allow in a document."""
    if ascii_bytes is not None:
        return bool(ascii_bytes.translate(None, _PRINTABLE_ASCII))
    return _UNPRINTABLE.search(text) is not None


def _fast_tree(text: str, path: str):
    """The located tree of `text` from yaml-rs and a line scan, or None if unsure."""
    return fast_tree_of(text, path, fast_plan(text, path))


def fast_plan(text: str, path: str):
    """What the fast path needs of `text` to build its tree, found by the costly part of
    it (yaml-rs, and checking the text against the values read): plain data, so that
    another process may find it (`load/parallel.py`); None when only PyYAML may read the
    file. `fast_tree_of` builds the tree from it, which is all that is left to do.

    ("lines", layout): a list of flow mappings one per line (`_flow_lines_layout`);
    ("blocks", values, layout): a block document verified whole (`_Blocks.layout`);
    ("flow", values, start): a flow document, located by `_Flow`;
    ("scan", values): any other block document, located by `_Locator`.
    """
    yaml_rs = _load_yaml_rs()
    ascii_bytes = text.encode("ascii") if text.isascii() else None
    if not yaml_rs or "\t" in text or "\r" in text or _unprintable_in(text, ascii_bytes):
        return None
    # What the parsers read differently goes the slow way, which refuses or decides it:
    # NEL/LS/PS/BOM (`check_text`; none is ASCII), and a last line without its line end,
    # where yaml-rs adds one to a keep-chomping block scalar (`|+`) that PyYAML (rightly)
    # does not.
    if not text.endswith("\n") or (ascii_bytes is None and _AMBIGUOUS.search(text)) \
            or _maybe_deep(text, ascii_bytes):
        return None
    start = _SPACE.match(text).end()
    flow = text[start:start + 1] == "{"  # a flow document: JSON, or YAML written like it
    if not flow and _FLOW_LINES_HEAD.match(text):
        try:
            layout = _flow_lines_layout(text, path)
        except Exception:  # noqa: BLE001 - _Unsure, or anything unforeseen: read it as below
            layout = None
        if layout is not None:
            return "lines", layout
    data = _json_values(text) if flow else None
    if data is None:
        try:
            # No alias is ever replayed: the fast path declines aliases anyway, and yaml-rs
            # would first build every copy (one 1 MB string aliased 9,000 times: 9 GB).
            data = yaml_rs.loads(text, parse_datetime=False, alias_limits=yaml_rs.AliasLimits(
                max_total_replayed_events=0, max_replay_stack_depth=MAX_DEPTH))
        except Exception:  # noqa: BLE001 - any complaint: the slow path words it
            return None
    if type(data) is not dict or not data:
        return None
    if flow:
        return "flow", data, start
    try:
        return "blocks", data, _Blocks(text, path).layout(data)
    except _Unsure:  # not written as `_Blocks` writes it: the line scan locates it
        return "scan", data
    except Exception:  # noqa: BLE001 - anything unforeseen: the slow path reads it
        return None


def fast_tree_of(text: str, path: str, plan):
    """The located tree of `text` from its `fast_plan` (or `located_plan`), or None if
    unsure."""
    if plan is None:
        return None
    try:
        kind = plan[0]
        if kind == "lines":
            return _flow_lines_tree(text, path, plan[1])
        if kind == "blocks":
            return _Blocks(text, path).build(plan[1], plan[2])
        if kind == "placed":
            return _placed_tree(text, path, plan[1])
        if kind == "flow":
            return _flow_document(text, path, plan[1], plan[2])
        return _Locator(text, path).build(plan[1])
    except Exception:  # noqa: BLE001 - _Unsure, or anything unforeseen: the slow path reads it
        return None


def located_plan(text: str, path: str, plan):
    """`plan` with what its tree's building would still find (the positions of a `flow`
    plan: `_Flow`'s reading) found too: ("placed", skeleton), plain data from which
    `fast_tree_of` builds the same tree without reading the text again (`_skeleton`);
    None if that reading is unsure (the slow path's file, as `fast_tree_of` would find);
    any other plan as it is. (A `scan` plan's tree is eager throughout: building it from
    a skeleton costs about what locating it does.)"""
    if plan is None or plan[0] != "flow":
        return plan
    tree = fast_tree_of(text, path, plan)
    return None if tree is None else ("placed", _skeleton(tree, plan[1]))


def _skeleton(node, value):
    """A located tree as plain data, beside `value`, the values it was made from: each
    collection as ("map", loc, key positions, [(key, member)]) or ("seq", loc, item
    positions, [member]), a member being a scalar or the skeleton of a collection; a
    verified line (`_Line`, positions on demand) as ("line", its record's arguments, its
    value). (Scalars are never tuples.)"""
    kind = type(node)
    lazy = node.lazy
    if lazy is not None:
        record = lazy.line
        if type(record) is not _Line or lazy.steps or record.placed is not None:
            raise _Unsure
        return ("line", (record.offset, record.end, record.line, record.base, record.quoted),
                value)
    if kind is LocDict:
        return ("map", node.loc, list(node.key_locs.items()),
                [(key, _skeleton(item, value[key]) if type(item) is LocDict
                  or type(item) is LocList else item) for key, item in node.items()])
    if kind is LocList:
        return ("seq", node.loc, list(node.item_locs),
                [_skeleton(item, value[index]) if type(item) is LocDict
                 or type(item) is LocList else item for index, item in enumerate(node)])
    raise _Unsure


def _placed_tree(text: str, path: str, skeleton) -> LocDict:
    """The tree a `_skeleton` was taken of, its verified lines lazy again."""
    lines = _Lines(text, path)

    def build(entry):
        kind = entry[0]
        if kind == "line":
            return _lazy_line(lines, entry[2], *entry[1])
        _, loc, places, members = entry
        if kind == "map":
            node = _new_dict(LocDict)
            for key, member in members:
                node[key] = build(member) if type(member) is tuple else member
            node.key_locs = dict(places)
        elif kind == "seq":
            node = _new_list(LocList)
            node.extend(build(member) if type(member) is tuple else member
                        for member in members)
            node.item_locs = list(places)
        else:
            raise _Unsure
        node.loc, node.lazy = loc, None
        return node
    return build(skeleton)


def _json_values(text: str):
    """The values of a JSON document by Python's C decoder (twice as fast as yaml-rs on
    it), or None if it is not JSON. Nothing is taken on trust: `_Flow` compares every key
    and scalar with the text as it does yaml-rs's values (so a duplicate key, which the
    decoder would drop, or its `NaN`, which YAML reads as text, sends the file the slow way)."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _flow_document(text: str, path: str, data: dict, start: int) -> LocDict:
    """The tree of a file that is one flow mapping (with only space and comments around)."""
    node, end = _Flow(text, path).read(data, start, 0)
    if _REST.match(text, end) is None:
        raise _Unsure
    return node


_new_dict = dict.__new__
_new_list = list.__new__


class _Locator:
    """Walk yaml-rs's values in document order, taking each key's and item's position from
    the next key or `-` the line scan found; any disagreement raises `_Unsure`.

    Events are `(key, loc, first, item_loc)`: the key written (None for a `-`), its
    position, the first character after it (`[]`/`{}` for empty flow collections) and,
    for a `-` followed by a scalar on its line, that scalar's position.
    """

    def __init__(self, text: str, path: str):
        self.text = text
        self.path = path
        self._lines = None
        self._flow = None
        self._offset = (1, 0)  # a line and the offset it starts at (see `offset`)
        self.flow_end = 0  # the last line of the latest flow collection read (1-based)
        self.event = _events(_ROW.findall(text), path, self).__next__

    def lines(self):
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    def build(self, data):
        try:
            tree = self.mapping(data, 0, 0)
        except StopIteration:
            raise _Unsure from None  # the scan found fewer keys or items than yaml-rs
        try:
            self.event()
        except StopIteration:
            return tree  # every event was used, none was missing
        raise _Unsure  # the scan found more keys or items than yaml-rs

    def mapping(self, data: dict, depth: int, above: int) -> LocDict:
        """A block mapping: its keys in one column, right of `above` (its parent's)."""
        if depth > _FAST_MAX_DEPTH:
            raise _Unsure
        event, value_of, risky = self.event, self.value, _RISKY
        node = _new_dict(LocDict)  # LocDict(data) without its Python __init__: 235k calls
        node.update(data)
        node.lazy = None
        node.key_locs = key_locs = {}
        column = 0
        for key, value in data.items():
            ev = event()
            if ev[0] != key and not _same_key(ev[0], key):
                raise _Unsure
            loc = ev[1]
            if loc[2] != column:
                if column or loc[2] <= above:
                    raise _Unsure  # not where a key of this mapping can be
                column = loc[2]
            key_locs[key] = loc
            if type(value) is str:
                if not value or value[0] in risky:
                    self.check_text(value, ev)
            else:
                node[key] = value_of(value, ev, depth)
        if not key_locs:
            raise _Unsure
        node.loc = next(iter(key_locs.values()))
        return node

    def sequence(self, data: list, depth: int, above: int, indentless: bool) -> LocList:
        """A block sequence: its `-` in one column, right of `above` (or in it, for a
        mapping's value: `key:` then `- x` below it)."""
        if depth > _FAST_MAX_DEPTH:
            raise _Unsure
        event, value_of, risky = self.event, self.value, _RISKY
        node = _new_list(LocList)
        node.extend(data)
        node.lazy = None
        node.item_locs = item_locs = []
        column = 0
        for index, value in enumerate(data):
            ev = event()
            if ev[0] is not None:
                raise _Unsure  # a key where the scan expected an item
            if ev[1][2] != column:
                if column or ev[1][2] < above or ev[1][2] == above and not indentless:
                    raise _Unsure  # not where an item of this sequence can be
                column = ev[1][2]
                node.loc = ev[1]  # a block sequence starts at its first `-`
            kind = type(value)
            if kind is str:
                if ev[3] is None:
                    raise _Unsure
                item_locs.append(ev[3])
                if not value or value[0] in risky:
                    self.check_text(value, ev)
            elif ev[3] is not None and ev[2] in _FLOW:  # `- [a, b]`, `- {a: 1}`
                child = self.flow(value, ev, depth)
                node[index] = child
                item_locs.append(child.loc)
            elif (kind is dict or kind is list) and value:
                child = value_of(value, ev, depth)
                node[index] = child
                item_locs.append(child.loc)
            else:  # another scalar or an empty collection written after the `-`
                if ev[3] is None:
                    raise _Unsure
                item_locs.append(ev[3])
                node[index] = value_of(value, ev, depth)
        return node

    def value(self, value, ev, depth):
        kind = type(value)
        if ev[2] in _FLOW and ev[0] is not None:  # `key: [a, b]`, `key: {a: 1}`
            return self.flow(value, ev, depth)
        if kind is dict:
            if value:
                return self.mapping(value, depth + 1, ev[1][2])
            return LocDict(loc=self.empty_flow(ev, "{}"))
        if kind is list:
            if value:
                return self.sequence(value, depth + 1, ev[1][2], ev[0] is not None)
            return LocList(loc=self.empty_flow(ev, "[]"))
        if kind is str:
            if not value or value[0] in _RISKY:
                self.check_text(value, ev)
            return value
        if value is None:
            if ev[2] in ("", "#", "~", "n", "N") and (ev[0] is not None or ev[2] not in "#"):
                return value
            # `- ` with nothing or a comment after it: PyYAML puts the empty scalar where
            # the `-` ends, the scan where the text starts: leave the positions to PyYAML
            raise _Unsure
        if kind is bool:  # yaml-rs reads only true/True/TRUE/false/... as booleans, as we do
            if ev[2] in ("t", "T", "f", "F"):
                return value
            raise _Unsure
        if kind is int or kind is float:
            written = self.raw(ev)
            resolved = _core_value(written) if written else None
            if type(resolved) is kind and repr(resolved) == repr(value):
                return value
        raise _Unsure  # a number written in a form read differently, a set, ...

    def check_text(self, value: str, ev) -> None:
        """A string yaml-rs read where the 1.2 core schema might read a plain scalar as a
        number, boolean or null: only quoted and block scalars are surely strings."""
        if type(_core_value(value)) is not str and ev[2] not in _QUOTES \
                and ev[2] not in _BLOCK:
            raise _Unsure
        if ev[2] in _BLOCK and not value.strip("\n"):
            raise _Unsure  # an empty block scalar ending the file: yaml-rs reads "\n"

    def raw(self, ev) -> str:
        """The plain scalar written after the key or `-` of event `ev` (without comment)."""
        _, line, column = ev[3] if ev[0] is None else ev[1]
        text = self.lines()[line - 1]
        start = column - 1 if ev[0] is None else text.index(":", column - 1 + len(ev[0])) + 1
        written = text[start:].strip()
        if written.startswith("#"):
            return ""
        return re.split(r"\s#", written, maxsplit=1)[0].rstrip()

    def empty_flow(self, ev, brackets: str):
        if ev[2] != brackets:
            raise _Unsure
        if ev[0] is None:
            return ev[3]
        _, line, column = ev[1]
        text = self.lines()[line - 1]
        after_key = text.index(":", column - 1 + len(ev[0]))
        return (self.path, line, text.index(brackets, after_key) + 1)


    def flow(self, value, ev, depth):
        """A flow collection written after a key or `-`: its positions from `_Flow`, which
        compares every scalar it reads with yaml-rs's value."""
        if ev[0] is None:
            _, line, column = ev[3]
        else:
            _, line, column = ev[1]
            column = self.lines()[line - 1].index(ev[2], column - 1 + len(ev[0])) + 1
        reader = self.flow_reader()
        node, end = reader.read(value, self.offset(line) + column - 1, depth)
        if _LINE_END.match(self.text, end) is None:
            raise _Unsure  # something follows the collection on its last line
        self.flow_end = reader.line_of(end)  # the generator skips the lines up to here
        return node

    def flow_reader(self) -> "_Flow":
        if self._flow is None:
            self._flow = _Flow(self.text, self.path)
        return self._flow

    def offset(self, line: int) -> int:
        """Where `line` starts in the text. Flow collections come in document order, so
        the lines are summed from the last one asked for, in C (`sum(map(len, ...))`)."""
        known, at = self._offset
        if line < known:
            known, at = 1, 0
        at += sum(map(len, self.lines()[known - 1:line - 1])) + line - known
        self._offset = (line, at)
        return at


# The pieces of flow YAML `_Flow` reads with one regular expression per key, item or
# bracket, so that the characters are looked at in C, not one by one in Python.
# Between tokens: spaces, line ends and comments (a `#` first on its line or after a space).
_SKIP = r"(?:[ \n]++|(?<![^ \n])#[^\n]*+)*+"
# A plain scalar in flow context, on one line: it ends at a line end, at `,[]{}`, at a `:`
# followed by a space, line end or indicator, and before ` #`. Its first character is none
# that starts something else (quotes, indicators) or that the YAML versions read
# differently (`:x`, `?x` are plain to YAML 1.2 only); `- x` is a block entry to PyYAML.
# Spaces are the only blanks it may hold, and it holds no `?` (PyYAML ends a flow plain
# scalar there, YAML 1.2 does not: `[b  c:?d]` is a string to yaml-rs, an error to PyYAML):
# anything else makes the match stop short, and the file goes the slow way.
# (Written as runs of ordinary characters, which the regex engine takes in one loop.)
_ORDINARY = r"[^\s,\[\]{}:#?]"
_SPECIAL = r"(?::(?![\s,\[\]{}]|\Z)|(?<! )#)"
_WORD = _ORDINARY + "*+(?:" + _SPECIAL + _ORDINARY + "*+)*+"
_FLOW_PLAIN = (r"(?:[^\s,\[\]{}:#'\"&*!?%@`|>\-]|-(?=[^\s,\[\]{}]))" + _WORD
               + "(?: ++(?:" + _ORDINARY + "|" + _SPECIAL + ")" + _WORD + ")*+")
# Scalars: double-quoted on one line without escapes (its text inside the quotes is a group
# of its own, compared with the value as it is), or single-quoted on one line, or plain.
# (Escapes and quotes over several lines are left to the slow path.)
_SCALAR = r""""([^"\\\n]*+)"|('(?:[^'\n]|'')*+'|""" + _FLOW_PLAIN + ")"
# One token: an optional comma before it (group 1), then a bracket (2) or a scalar (3, 4).
_TOKEN = LazyPattern(_SKIP + r"(?:(,)" + _SKIP + r")?(?:([\[\]{}])|" + _SCALAR + ")")
# A key (2, 3), its `:` and the value's first token: a bracket (4) or a scalar (5, 6).
# An implicit key's `:` follows it on the same line (yaml-rs also took `{d\n: e}`), and
# within 1024 characters of its start, or PyYAML does not take it for a key (YAML's limit
# for implicit keys, which Python's JSON decoder does not have): `_Flow.mapping` refuses
# keys over `_MAX_KEY` characters, and at most 16 spaces may come before the `:`.
_PAIR = LazyPattern(_SKIP + r"(?:(,)" + _SKIP + r")?(?:" + _SCALAR + r") {0,16}:" + _SKIP
                    + r"(?:([\[{])|" + _SCALAR + ")")
_MAX_KEY = 1000
_CLOSE_SEQUENCE = LazyPattern(_SKIP + r"(,)?" + _SKIP + r"\]")
_CLOSE_MAPPING = LazyPattern(_SKIP + r"(,)?" + _SKIP + r"}")
_REST = LazyPattern(_SKIP + r"\Z")
_LINE_END = LazyPattern(r" *+(?:#[^\n]*+)?(?:\n|\Z)")  # after a collection, as PyYAML skips
_SPACE = LazyPattern(_SKIP)
class _Flow:
    """Positions inside the flow collections of one file (`[a, b]`, `{k: v}`, possibly over
    several lines, or a whole JSON document): the start of each item and key, as PyYAML
    marks them. Every scalar's text is checked against the value yaml-rs read; any surprise
    raises `_Unsure`.

    One regular expression match per item, key-and-value pair or closing bracket does the
    reading (in C); the Python loop only compares and records. Positions are kept as the
    line and the offset its column counts from, moved (always forward: the text is read
    in document order) when a token starts on a later line; most collections are on one
    line."""

    def __init__(self, text: str, path: str):
        self.text, self.path = text, path
        self.pos = 0  # an offset on `line`, from which `move` counts the line ends
        self.line, self.base, self.next = 1, -1, 0
        # collections written on a line of their own are verified whole, their positions
        # left for when they are asked for (see `_Lines`)
        self.lines = _Lines(text, path)

    def line_of(self, offset: int) -> int:
        """The line of `offset`, at or after the last position moved to."""
        return self.line + self.text.count("\n", self.pos, offset)

    def move(self, offset: int) -> None:
        """Make `offset` fall on `self.line`: its column is `offset - self.base`."""
        if offset < self.pos:
            raise _Unsure  # never: tokens come in document order
        text = self.text
        self.line += text.count("\n", self.pos, offset)
        self.pos = offset
        self.base = text.rfind("\n", 0, offset)
        end = text.find("\n", offset)
        self.next = end + 1 if end >= 0 else len(text) + 1

    def read(self, value, offset: int, depth: int):
        """The collection `value` whose bracket is at `offset`: (its node, the offset after
        its closing bracket)."""
        if depth > _FAST_MAX_DEPTH:
            raise _Unsure
        if not self.base < offset < self.next:
            self.move(offset)
        kind = type(value)
        if kind is dict and self.text[offset] == "{":
            found = self.lines.verified(self, value, offset, depth)
            if found is not None:
                return found
        if kind is list and self.text[offset] == "[":
            return self.sequence(value, offset, depth)
        if kind is dict and self.text[offset] == "{":
            return self.mapping(value, offset, depth)
        raise _Unsure

    def sequence(self, value: list, offset: int, depth: int):
        text, path, token, risky = self.text, self.path, _TOKEN.match, _RISKY_OR_QUOTE
        node = _new_list(LocList)
        node.extend(value)
        node.lazy = None
        node.loc = (path, self.line, offset - self.base)
        node.item_locs = item_locs = []
        end = offset + 1
        line, base, following = self.line, self.base, self.next
        for index, item in enumerate(value):
            found = token(text, end)
            if found is None:
                raise _Unsure
            comma, bracket, quoted, written = found.groups()
            if (comma is None) is not (index == 0):
                raise _Unsure
            if quoted is not None:  # "text": a string, as it is written
                if quoted != item or type(item) is not str:
                    raise _Unsure
                start = found.start(3) - 1
            elif written is not None:
                if (written != item or written[0] in risky) and not _same_scalar(written, item):
                    raise _Unsure
                start = found.start(4)
            else:
                if bracket != "[" and bracket != "{":
                    raise _Unsure
                start = found.start(2)
                if start >= following:
                    self.move(start)
                    line, base = self.line, self.base
                item_locs.append((path, line, start - base))
                node[index], end = self.read(item, start, depth + 1)
                line, base, following = self.line, self.base, self.next
                continue
            if start >= following:
                self.move(start)
                line, base, following = self.line, self.base, self.next
            item_locs.append((path, line, start - base))
            end = found.end()
        return node, self.close(_CLOSE_SEQUENCE, end, bool(value))

    def mapping(self, value: dict, offset: int, depth: int):
        text, path, pair, risky = self.text, self.path, _PAIR.match, _RISKY_OR_QUOTE
        node = _new_dict(LocDict)
        node.update(value)
        node.lazy = None
        node.loc = (path, self.line, offset - self.base)
        node.key_locs = key_locs = {}
        end = offset + 1
        line, base, following = self.line, self.base, self.next
        first = True
        for key, item in value.items():
            found = pair(text, end)
            if found is None:
                raise _Unsure
            comma, quoted_key, written, bracket, quoted, scalar = found.groups()
            if (comma is None) is not first:
                raise _Unsure
            first = False
            if quoted_key is not None:
                if quoted_key != key or len(key) > _MAX_KEY:  # (equal to `key`: a string)
                    raise _Unsure
                start = found.start(2) - 1
            else:
                if (written != key or written[0] in risky) and (
                        type(key) is not str or not _same_scalar(written, key)):
                    raise _Unsure
                if len(written) > _MAX_KEY or written == "<<":  # a merge key, plain
                    raise _Unsure
                start = found.start(3)
            if start >= following:
                self.move(start)
                line, base, following = self.line, self.base, self.next
            key_locs[key] = (path, line, start - base)
            if quoted is not None:
                if quoted != item or type(item) is not str:
                    raise _Unsure
            elif scalar is not None:
                if (scalar != item or scalar[0] in risky) and not _same_scalar(scalar, item):
                    raise _Unsure
            else:
                node[key], end = self.read(item, found.start(4), depth + 1)
                line, base, following = self.line, self.base, self.next
                continue
            end = found.end()
        return node, self.close(_CLOSE_MAPPING, end, bool(value))

    def close(self, closing, offset: int, items: bool) -> int:
        """The offset after the closing bracket (a trailing comma allowed after items)."""
        found = closing.match(self.text, offset)
        if found is None or (found.group(1) and not items):
            raise _Unsure
        return found.end()


# -- collections on one line, verified whole (positions on demand) ---------------------------

# The text before a collection that starts its line's content: indentation and `- `.
_LINE_START = LazyPattern(r" *+(?:- ++)*+")
# A flow YAML line made JSON (`_as_json`): each plain scalar that is surely a string to every
# YAML version and schema (a letter or `_` first, then ordinary characters and single
# spaces; not `null`, `true`, `false` in any of the core schema's spellings) becomes a JSON
# string. A number, `true`, `false` or `null` stays as written, and must then be what JSON
# writes; anything else written on the line (a quoted scalar, a tag, a comment) makes it
# differ from the JSON of any value.
_PLAIN_STRING = LazyPattern(
    r"(?<=[\[{ ])(?!(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)(?=[,:\]}]|\Z))"
    r"([A-Za-z_][A-Za-z0-9_./@+-]*(?: [A-Za-z0-9_./@+-]+)*)")


def _as_json(written: str) -> str:
    """`written` with its plain strings in double quotes. (Split around them and joined
    with quotes: in C, where `re.sub` with a group in its template calls Python per match.)"""
    return '"'.join(_PLAIN_STRING.split(written))




def _line_brackets(written: str) -> int | None:
    """How many collections a line opens, or None when it cannot be one the JSON encoder
    wrote whole: an escape, brackets that do not balance on it, or more than
    `_MAX_LINE_BRACKETS` of them."""
    opened = written.count("{") + written.count("[")
    if "\\" in written or opened > _MAX_LINE_BRACKETS \
            or opened != written.count("}") + written.count("]"):
        return None
    return opened


def _has_long_key(value) -> bool:
    """Whether a mapping in `value` has a key over `_MAX_KEY` characters: PyYAML takes an
    implicit key only within 1024 characters of its start, quotes included (see `_PAIR`),
    and a `:` inside a quoted key does not shorten it."""
    stack = [value]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            for key, item in node.items():
                if len(str(key)) > _MAX_KEY:
                    return True
                stack.append(item)
        elif type(node) is list:
            stack.extend(node)
    return False

_ENCODE = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
_MAX_LINE_BRACKETS = 32  # nesting on a verified line, at most (the depth limits hold)


class _Lines:
    """The collections of one file that are written on a line of their own, checked whole
    in C and located only when asked (issue 10: positions on demand).

    A collection is taken when its line, made JSON by `_as_json` (or as it is, for JSON),
    is exactly what Python's JSON encoder writes for the value yaml-rs or the JSON decoder
    read there (and, for a line of plain strings, decoding that JSON gives the value back:
    the encoder writes any key as a string). Then every token on the line is a bracket,
    `, `, `: `, a string both YAML versions read as that string, or a number, boolean or
    null in the form both read as JSON does: PyYAML and the 1.2 core schema read the line
    as that value, with no duplicate key, no escape, no tag, anchor or alias. Its
    positions follow from the encoder's writing, and are worked out when first asked for
    (`_Line.tree`). Anything else is read token by token as before. What the encoder
    writes for lines it rejects is bounded by the file's size.
    """

    def __init__(self, text: str, path: str):
        self.text, self.path = text, path
        self.encoded = 0  # characters encoded for lines checked, taken or not
        self._slow = None

    def verified(self, reader: "_Flow", value: dict, offset: int, depth: int):
        """(the lazy node of the mapping at `offset`, the offset after it), or None."""
        text, end = self.text, reader.next - 1  # the line's end
        # Only a collection that starts its line's content can be the line: asked first,
        # so that the mappings inside a long line are not each copied to its end
        # (quadratic in the line's length).
        if _LINE_START.fullmatch(text, reader.base + 1, offset) is None:
            return None
        if text[end - 1] == ",":
            end -= 1  # an item of a JSON list
        written = text[offset:end]
        opened = _line_brackets(written)
        if (opened is None or written[-1] != "}" or depth + opened > _FAST_MAX_DEPTH
                or self.encoded > 2 * len(text)
                or len(written) > _MAX_KEY and _has_long_key(value)):
            return None
        try:
            encoded = _ENCODE(value)
        except (TypeError, ValueError, RecursionError):
            return None  # NaN, infinity, or something JSON has no form for
        self.encoded += len(encoded)
        quoted = '"' in written
        if quoted:  # JSON as the encoder writes it: its keys are quoted, so strings
            same = written == encoded
        else:
            same = _as_json(written) == encoded and json.loads(encoded) == value
        if not same:
            return None
        return _lazy_line(self, value, offset, end, reader.line, reader.base, quoted), end

    def slow_tree(self):
        """PyYAML's tree of the file, for a line `_FlowPlaces` cannot place."""
        if self._slow is None:
            self._slow = PyYamlParser(Budget()).parse_text(self.text, self.path)
        return self._slow


class _Line:
    """One verified line: where its collection is, and its node (`node`, lazy until
    its positions are first asked for)."""

    __slots__ = ("lines", "offset", "end", "line", "base", "quoted", "node", "placed")

    def __init__(self, lines: _Lines, offset: int, end: int, line: int, base: int,
                 quoted: bool):
        self.lines, self.offset, self.end = lines, offset, end
        self.line, self.base, self.quoted = line, base, quoted
        self.node, self.placed = None, None

    def tree(self) -> LocDict:
        """The line's node with its positions: those of the encoder's writing, which the
        verification compared with the line (or, never seen, PyYAML's)."""
        if self.placed is None:
            lines = self.lines
            try:
                end = _FlowPlaces(lines.path, self.line, self.base, self.quoted).mapping(
                    self.node, self.offset)
                if end != self.end:
                    raise _Unsure
                self.placed = self.node
            except Exception:  # noqa: BLE001
                self.placed = _find(lines.slow_tree(),
                                    (lines.path, self.line, self.offset - self.base))
        return self.placed


def _lazy_line(lines: _Lines, value: dict, offset: int, end: int, line: int, base: int,
               quoted: bool) -> LocDict:
    """The lazy node of the mapping `value` that a verified line holds at `offset` (see
    `_Line`, whose arguments follow `value`), placed at its `{`."""
    record = _Line(lines, offset, end, line, base, quoted)
    node = record.node = _lazy_node(value, record, ())
    node.loc = (lines.path, line, offset - base)
    return node


class _FlowPlaces:
    """Positions on a verified line, set on its lazy nodes: each token's length is that of
    the JSON encoder's writing (`, ` and `: ` between them), less the two quotes of each
    string when the line writes its strings plain."""

    def __init__(self, path: str, line: int, base: int, quoted: bool):
        self.path, self.line, self.base = path, line, base
        self.quotes = 2 if quoted else 0

    def mapping(self, node: LocDict, at: int) -> int:
        """Place `node`, its `{` at offset `at`; the offset after its `}`."""
        path, line, base = self.path, self.line, self.base
        node.loc = (path, line, at - base)
        key_locs = {}
        at += 1
        for index, (key, item) in enumerate(node.items()):
            at += 2 if index else 0  # `, `
            key_locs[key] = (path, line, at - base)
            at = self.value(item, at + len(key) + self.quotes + 2)  # after the key and `: `
        node.key_locs, node.lazy = key_locs, None
        return at + 1

    def sequence(self, node: LocList, at: int) -> int:
        path, line, base = self.path, self.line, self.base
        node.loc = (path, line, at - base)
        item_locs = []
        at += 1
        for index, item in enumerate(node):
            at += 2 if index else 0
            item_locs.append((path, line, at - base))
            at = self.value(item, at)
        node.item_locs, node.lazy = item_locs, None
        return at + 1

    def value(self, value, at: int) -> int:
        kind = type(value)
        if kind is LocDict:
            return self.mapping(value, at)
        if kind is LocList:
            return self.sequence(value, at)
        if kind is str:
            return at + len(value) + self.quotes
        return at + len(_ENCODE(value))


# A block list of flow mappings, one per line (`systems:` then `- {id: a, ...}` lines).
_FLOW_LINES_HEAD = LazyPattern(r"[A-Za-z_][A-Za-z0-9_.-]*+:\n- \{")


def _flow_lines_document(text: str, path: str) -> LocDict | None:
    """The tree of a document that is only top-level keys, each with a list of flow
    mappings written one per line, every line as `_Lines` takes it; None for any other."""
    layout = _flow_lines_layout(text, path)
    return None if layout is None else _flow_lines_tree(text, path, layout)


def _flow_lines_layout(text: str, path: str) -> list | None:
    """Where such a document's keys and lines are, with each line's value: for each key,
    in order, (key, its line, [(value, offset, end, line, base, quoted) per item]) (the
    arguments of the item's `_Line`); None for any other document.

    The values come from the lines themselves: `_as_json` of each, decoded by Python's JSON
    decoder, must be what the JSON encoder writes for the value decoded (what `_Lines`
    asks of yaml-rs's value), so yaml-rs need not read the file at all.
    """
    layout, keys = [], set()
    items = None
    at, number, size = 0, 1, len(text)
    while at < size:
        end = text.index("\n", at)
        if text.startswith("- {", at):
            if items is None or text[end - 1] != "}":
                return None
            written = text[at + 2:end]
            if _line_brackets(written) is None:
                return None
            quoted = '"' in written
            encoded = written if quoted else _as_json(written)
            try:
                value = json.loads(encoded)
                if type(value) is not dict or _ENCODE(value) != encoded:
                    return None
            except ValueError:  # not JSON (e.g. a quoted scalar), or NaN
                return None
            if len(written) > _MAX_KEY and _has_long_key(value):
                return None
            items.append((value, at + 2, end, number, at - 1, quoted))
        else:
            key = text[at:end - 1]
            if (items is not None and not items) or text[end - 1] != ":" \
                    or _PLAIN_KEY.fullmatch(key) is None or key in _WORDS or key in keys:
                return None  # an empty value, or anything but a plain key: read it as YAML
            keys.add(key)
            items = []
            layout.append((key, number, items))
        at, number = end + 1, number + 1
    return layout if items else None


def _flow_lines_tree(text: str, path: str, layout: list) -> LocDict:
    """The tree of a document laid out as `_flow_lines_layout` found, its lines lazy."""
    lines = _Lines(text, path)
    root = LocDict(loc=(path, 1, 1))
    for key, number, found in layout:
        root.key_locs[key] = (path, number, 1)
        root[key] = items = LocList(loc=(path, number + 1, 1))
        for value, *place in found:
            node = _lazy_line(lines, value, *place)
            items.append(node)
            items.item_locs.append(node.loc)
    return root


def _find(tree, loc):
    """The mapping of `tree` written at `loc`."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, LocDict):
            if node.loc == loc:
                return node
            stack.extend(node.values())
        elif isinstance(node, LocList):
            stack.extend(node)
    raise _Unsure


def _lazy_node(value, line: _Line, steps: tuple):
    """`value` (a dict or a list) as a located node whose positions, and those of the
    collections in it, are found when first read."""
    if type(value) is dict:
        node, members = _new_dict(LocDict), value.items()
        node.update(value)
    else:
        node, members = _new_list(LocList), enumerate(value)
        node.extend(value)
    node.lazy = Lazy(line, steps)
    for key, item in members:
        if type(item) is dict or type(item) is list:
            node[key] = _lazy_node(item, line, steps + (key,))
    return node


# -- block documents verified whole (positions on demand) ----------------------------------

# A string written plain in block style that both YAML versions read as that string: a
# letter or `_` first, then ordinary characters and single spaces (no `: `, ` #`, quotes
# first, trailing spaces), and none of the words YAML 1.1 or the 1.2 core schema read as a
# boolean or null (PyYAML's dumper quotes those: `'NO'`, Norway).
_PLAIN_BLOCK = LazyPattern(r"[A-Za-z_][A-Za-z0-9_./@+(),'-]*+(?: [A-Za-z0-9_./@+(),'-]++)*+")
_PLAIN_KEY = LazyPattern(r"[A-Za-z_][A-Za-z0-9_.-]{0,127}")
_WORDS = frozenset(("yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off "
                    "OFF null Null NULL").split())


class _Blocks:
    """A block document written as PyYAML's dumper writes it (two-space indentation, a
    list at its key's column, plain scalars where they are surely strings, `'...'`
    otherwise), checked whole: each item of its top-level lists is written out again from
    the value yaml-rs read and compared with the text, in C. A text that is that writing
    of the value is read by PyYAML and the 1.2 core schema as that value (plain strings of
    `_PLAIN_BLOCK`, quoted ones, `true`/`false`/`null`, numbers as Python writes them; no
    tag, anchor, alias, duplicate key or block scalar). So an item's positions follow from
    that writing, and are worked out when first asked for (`_Chunk`); any other text goes
    the eager way (`_Locator` over the whole file), after at most one writing of it.
    """

    def __init__(self, text: str, path: str):
        self.text, self.path = text, path
        self.strings: dict = {}  # each distinct string's writing, once per file
        self.keys: dict = {}
        self._slow = None

    def layout(self, data: dict) -> list:
        """Check that the text is this writing of `data`, all of it (`_Unsure` if not):
        for each top-level key, in order, the line it is written on and, for a list, the
        first line of each item (else None)."""
        text = self.text
        layout = []
        at, line = 0, 1
        for key, value in data.items():
            written = self.key(key)
            if type(value) is not list or not value:
                chunk = written + ": " + self.scalar(value) + "\n"
                if not text.startswith(chunk, at):
                    raise _Unsure
                layout.append((line, None))
                at, line = at + len(chunk), line + 1
                continue
            head = written + ":\n"
            if not text.startswith(head, at):
                raise _Unsure
            starts = []
            layout.append((line, starts))
            at, line = at + len(head), line + 1
            for item in value:
                out: list = []
                kind = type(item)
                if kind is dict and item:
                    self.mapping(item, "  ", out, 1)
                    out[0] = "- " + out[0][2:]
                elif kind is str:
                    out.append("- " + (self.strings.get(item) or self.string(item)))
                else:
                    raise _Unsure  # a list, an empty mapping, a number...: the eager way
                chunk = "\n".join(out) + "\n"
                if not text.startswith(chunk, at):
                    raise _Unsure
                starts.append(line)
                at, line = at + len(chunk), line + len(out)
        if at != len(text) or not data:
            raise _Unsure
        return layout

    def build(self, data: dict, layout: list) -> LocDict:
        """The tree of `data` written as `layout` says (see `layout`), its list items
        lazy."""
        path = self.path
        root = LocDict(loc=(path, 1, 1))
        for (key, value), (line, starts) in zip(data.items(), layout):
            root.key_locs[key] = (path, line, 1)
            if starts is None:
                if type(value) is list or type(value) is dict:  # `[]`, `{}`: where written
                    value = (LocList if type(value) is list else LocDict)(
                        loc=(path, line, len(self.key(key)) + 3))
                root[key] = value
                continue
            items = LocList(loc=(path, line + 1, 1))
            for item, start in zip(value, starts):
                items.item_locs.append((path, start, 3))
                if type(item) is dict:
                    record = _Chunk(self, start)
                    item = record.node = _lazy_node(item, record, ())
                    item.loc = (path, start, 3)
                items.append(item)
            root[key] = items
        return root

    def mapping(self, value: dict, pad: str, out: list, depth: int) -> None:
        if depth > _FAST_MAX_DEPTH:
            raise _Unsure
        keys, strings, append = self.keys, self.strings, out.append
        for key, item in value.items():
            written = keys.get(key) or self.key(key)
            kind = type(item)
            if kind is str:
                append(pad + written + ": " + (strings.get(item) or self.string(item)))
            elif kind is dict and item:
                append(pad + written + ":")
                self.mapping(item, pad + "  ", out, depth + 1)
            elif kind is list and item:
                append(pad + written + ":")
                self.sequence(item, pad, out, depth + 1)
            else:
                append(pad + written + ": " + self.scalar(item))

    def sequence(self, value: list, pad: str, out: list, depth: int) -> None:
        if depth > _FAST_MAX_DEPTH:
            raise _Unsure
        inner, dash, strings, append = pad + "  ", pad + "- ", self.strings, out.append
        for item in value:
            kind = type(item)
            if kind is str:
                append(dash + (strings.get(item) or self.string(item)))
            elif kind is dict and item:
                start = len(out)
                self.mapping(item, inner, out, depth + 1)
                out[start] = dash + out[start][len(inner):]
            elif kind is list and item:
                start = len(out)
                self.sequence(item, inner, out, depth + 1)
                out[start] = dash + out[start][len(inner):]
            else:
                append(dash + self.scalar(item))

    def key(self, key) -> str:
        """A string key as PyYAML writes it (plain, or `'on'`), remembered for the file."""
        if type(key) is not str or "\n" in key or len(key) > 128:
            raise _Unsure  # (PyYAML takes a key of at most 1024 characters)
        if _PLAIN_KEY.fullmatch(key) is not None and key not in _WORDS:
            written = key
        else:
            written = "'" + key.replace("'", "''") + "'"
        self.keys[key] = written
        return written

    def string(self, value: str) -> str:
        """A string as PyYAML writes it on one line, remembered for the file."""
        if _PLAIN_BLOCK.fullmatch(value) is not None and value not in _WORDS:
            written = value
        elif "\n" in value:
            raise _Unsure
        else:
            written = "'" + value.replace("'", "''") + "'"
        self.strings[value] = written
        return written

    def scalar(self, value) -> str:
        """A number, boolean, null, string or empty collection, as PyYAML writes it."""
        kind = type(value)
        if kind is str:
            return self.string(value)
        if value is None:
            return "null"
        if kind is bool:
            return "true" if value else "false"
        if kind is int:
            return str(value)
        if kind is float and value - value == 0:  # finite
            written = repr(value)
            if "." not in written and "e" in written:
                written = written.replace("e", ".0e")
            return written
        if (kind is dict or kind is list) and not value:
            return "{}" if kind is dict else "[]"
        raise _Unsure

    def slow_tree(self):
        if self._slow is None:
            self._slow = PyYamlParser(Budget()).parse_text(self.text, self.path)
        return self._slow


class _Chunk:
    """One verified list item of a block document: its first line, and its node (`node`,
    lazy until its positions are first asked for)."""

    __slots__ = ("blocks", "line", "node", "placed")

    def __init__(self, blocks: _Blocks, line: int):
        self.blocks, self.line = blocks, line
        self.node, self.placed = None, None

    def tree(self) -> LocDict:
        """The item's node with its positions: those of the writing the verification
        compared with its lines (or, never seen, PyYAML's)."""
        if self.placed is None:
            blocks = self.blocks
            try:
                _place_mapping(self.node, blocks.path, self.line, 3, blocks)
                self.placed = self.node
            except Exception:  # noqa: BLE001
                self.placed = _find(blocks.slow_tree(), (blocks.path, self.line, 3))
        return self.placed


def _place_mapping(node: LocDict, path: str, line: int, column: int, blocks: _Blocks) -> int:
    """Place `node` as `_Blocks` writes it from `line`, its keys at `column`; the line
    after it."""
    node.loc = (path, line, column)
    key_locs = {}
    for key, item in node.items():
        key_locs[key] = (path, line, column)
        kind = type(item)
        if kind is LocDict or kind is LocList:
            if item:  # on the lines below: a mapping indented, a list at the key's column
                line = _place_mapping(item, path, line + 1, column + 2, blocks) \
                    if kind is LocDict else _place_sequence(item, path, line + 1, column, blocks)
                continue
            _place_empty(item, (path, line, column + len(blocks.key(key)) + 2))  # `key: {}`
        line += 1
    node.key_locs, node.lazy = key_locs, None
    return line


def _place_sequence(node: LocList, path: str, line: int, column: int, blocks: _Blocks) -> int:
    """The same for a list, its `-` at `column`."""
    node.loc = (path, line, column)
    item_locs = []
    for item in node:
        kind = type(item)
        if (kind is LocDict or kind is LocList) and item:  # `- key: ...`, `- - x`
            item_locs.append((path, line, column + 2))
            line = _place_mapping(item, path, line, column + 2, blocks) \
                if kind is LocDict else _place_sequence(item, path, line, column + 2, blocks)
            continue
        item_locs.append((path, line, column + 2))  # a scalar, `{}` or `[]` after the `-`
        if kind is LocDict or kind is LocList:
            _place_empty(item, (path, line, column + 2))
        line += 1
    node.item_locs, node.lazy = item_locs, None
    return line


def _place_empty(node, loc) -> None:
    """An empty `{}` or `[]` written at `loc`."""
    node.loc, node.lazy = loc, None
    if type(node) is LocDict:
        node.key_locs = {}
    else:
        node.item_locs = []


def _same_scalar(written: str, value) -> bool:
    """Whether the single-quoted or plain scalar `written` in flow context is what yaml-rs
    read (`value`) and what PyYAML and the 1.2 core schema read."""
    first = written[0]
    if first == "'":
        return type(value) is str and written[1:-1].replace("''", "'") == value
    if type(value) is str:
        return written == value and (first not in _RISKY or type(_core_value(value)) is str)
    resolved = _core_value(written)
    return type(resolved) is type(value) and repr(resolved) == repr(value)


def _same_key(written, key) -> bool:
    """A key the scan found quoted (`"from":`) or followed by spaces (`a  :`)."""
    if written is None or type(key) is not str:
        return False
    written = written.rstrip(" ")
    if written[:1] in _QUOTES:
        return written[1:-1] == key
    return written == key


def _events(rows, path, locator):
    """The events of `_Locator` for each key and `-` of block YAML, in document order.

    Block scalars' lines are skipped; anything the walk cannot verify raises `_Unsure`.
    """
    block = -1   # inside a block scalar: its parent's indentation
    flow_end = 0  # the last line of a flow collection the walk has read
    content = False
    refused = _REFUSED
    for line, (prefix, key, first) in enumerate(rows, 1):
        if line <= flow_end:
            continue
        if block >= 0:
            if not key and not first and not prefix.strip():
                continue  # an empty line inside (or after) the block scalar
            if len(prefix) - len(prefix.lstrip(" ")) > block:
                continue
            block = -1
        dash = prefix.find("-")
        if dash >= 0:
            if prefix.find("-", dash + 1) < 0:
                yield (None, (path, line, dash + 1), first,
                       None if key or not first else (path, line, len(prefix) + 1))
            else:  # `- - x`: nested sequences on one line
                dashes = [i for i, char in enumerate(prefix) if char == "-"]
                for column in dashes:
                    yield (None, (path, line, column + 1), first,
                           (path, line, len(prefix) + 1)
                           if column == dashes[-1] and not key and first else None)
        elif not key:
            if not first or first == "#":
                continue  # blank or comment
            if not prefix:  # column 0, neither key nor item: `---`, `...`, a bare scalar
                if not content and locator.lines()[line - 1].rstrip() == "---":
                    continue
                raise _Unsure
            if first in refused:
                # not surely a continuation: node properties on a line of their own
                # (`!x:` is a tag to yaml-rs, on the mapping below), a value on the
                # next line (`[a]`), a complex key (`? k`)
                raise _Unsure
            continue  # a continuation line of a multi-line scalar
        content = True
        if key:
            yield (key, (path, line, len(prefix) + 1), first, None)
        if first in refused:
            if first in _BLOCK:
                block = len(prefix) if key else prefix.rstrip().rfind("-")
            elif first in _FLOW and locator.flow_end >= line:
                flow_end = locator.flow_end  # read by the walk: skip its other lines
            else:
                raise _Unsure
