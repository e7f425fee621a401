"""YAML text -> `LocDict`/`LocList` tree. The one place that knows which YAML library is used.

SPEC §11 wants the parser swappable: anything that implements `parse_text(text, path)` and
returns the tree of `tree.py` can replace `PyYamlParser` without touching the loader,
models or engine. PyYAML composes the node graph in C (libyaml) when available; we build
the tree from nodes ourselves, which is where we:

- keep line/column for every mapping, key and list item;
- refuse duplicate keys (PyYAML silently keeps the last one);
- resolve plain scalars by YAML 1.2 core rules, so `NO` (Norway) stays a string and only
  true/false are booleans;
- bound alias expansion ("billion laughs") and nesting depth.
"""
from __future__ import annotations

import re

import yaml

from ..errors import InputError
from .tree import LocDict, LocList

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
MAX_DEPTH = 64
# Aliases may repeat a node; beyond this many repeated nodes we call it an alias bomb.
MAX_ALIAS_EXPANSION = 10_000

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

    def parse_text(self, text: str, path: str):
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
        return _Builder(path).build(node)


class _Builder:
    def __init__(self, path: str):
        self.path = path
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
                raise InputError(f"expected a string as mapping key, found {_describe(key)}"
                                 f"{hint}", *self.loc(key_node))
            if key in result:
                first = result.key_locs[key]
                raise InputError(f"duplicate key '{key}' (first defined at line {first[1]})",
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
        raise InputError(f"'{value}' is not a valid {_short_tag(tag)}", *self.loc(node))


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


def _describe(value) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_STD_TAG):] if tag.startswith(_STD_TAG) else tag


DEFAULT_PARSER = PyYamlParser()


def parse_bytes(data: bytes, path: str, parser=DEFAULT_PARSER):
    """Decode and parse one file's bytes into the located tree."""
    return parser.parse_text(decode(data, path), path)
