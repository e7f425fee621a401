"""The located trees of the files the package ships (the built-in rule pack, the reference
data), parsed at build time rather than at every start-up.

Parsing the built-in pack's files with PyYAML costs ~25 ms of every run, a tenth of
checking a small project. The build (`hatch_build.py`, also for an editable install)
parses each of them as a run would (`parser.parse_bytes` with the default parser) and
writes the trees to `prebuilt-trees.json` beside this module, each under the SHA-256 of
the file's bytes salted with the source of the modules that make trees. A run that reads
a file whose digest is there rebuilds its tree from the entry (positions included, under
the path the run shows) instead of parsing it; any other file, an edited parser or a
build that could not write the file, is parsed as before: slower, never different.

The entries are plain JSON, keyed by content: a file in a user's pack with the very bytes
of a built-in one gets the tree its parse would give, and nothing else can be reached
through them.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..package_data import read_json, write
from .parser import DEFAULT_PARSER, decode
from .tree import LocDict, LocList

_FORMAT = 1
# The tree of an entry: a scalar as itself; a mapping as [0, line, column, [[key, line,
# column, value], ...]], a sequence as [1, line, column, [[line, column, value], ...]].
_MAPPING, _SEQUENCE = 0, 1
_SCALARS = (str, int, float, bool, type(None))
_built: dict | None = None


def path() -> Path:
    return Path(__file__).with_name("prebuilt-trees.json")


class PrebuiltParser:
    """The default parser, answering from the build's entries where it has one for the
    text (what `files.read_tree` and `parser.parse_bytes` take as a parser)."""

    budget = None  # as the default parser's: each file on its own

    def parse_text(self, text: str, path: str):
        entry = _read().get(_digest(text.encode("utf-8")))
        if entry is None:
            return DEFAULT_PARSER.parse_text(text, path)
        return _tree(entry, path)


PREBUILT = PrebuiltParser()


def _tree(entry, shown: str):
    if type(entry) is not list:
        return entry
    kind, line, column, members = entry
    if kind == _MAPPING:
        node = LocDict(loc=(shown, line, column))
        key_locs = node.key_locs
        for key, key_line, key_column, value in members:
            node[key] = _tree(value, shown)
            key_locs[key] = (shown, key_line, key_column)
        return node
    node = LocList(loc=(shown, line, column))
    item_locs = node.item_locs
    for item_line, item_column, value in members:
        node.append(_tree(value, shown))
        item_locs.append((shown, item_line, item_column))
    return node


class _NotPlain(Exception):
    """A tree the entries cannot hold exactly: the file is parsed at run time instead."""


def entry_of(tree, shown: str, seen: set | None = None):
    """The entry of a parsed tree whose positions are all in `shown`: what `_tree`
    rebuilds into an equal tree. Raises `_NotPlain` for anything else (a value of
    another type, a node reached twice through an alias, a position elsewhere)."""
    seen = set() if seen is None else seen
    kind = type(tree)
    if kind in _SCALARS:
        if kind is float and tree != tree:
            raise _NotPlain("NaN")  # JSON has no NaN that compares equal to itself
        return tree
    if kind is not LocDict and kind is not LocList or tree.lazy is not None:
        raise _NotPlain(f"a {kind.__name__}")
    if id(tree) in seen:
        raise _NotPlain("a node reached twice")
    seen.add(id(tree))
    if kind is LocDict:
        return [_MAPPING, *_at(tree.loc, shown),
                [[_key(key), *_at(tree.key_locs[key], shown), entry_of(value, shown, seen)]
                 for key, value in tree.items()]]
    return [_SEQUENCE, *_at(tree.loc, shown),
            [[*_at(loc, shown), entry_of(value, shown, seen)]
             for loc, value in zip(tree.item_locs, tree, strict=True)]]


def _key(key) -> str:
    if type(key) is not str:
        raise _NotPlain(f"a key that is a {type(key).__name__}")
    return key


def _at(loc, shown: str) -> tuple[int, int]:
    if loc is None or loc[0] != shown:
        raise _NotPlain(f"a position outside the file: {loc}")
    return loc[1], loc[2]


def _digest(data: bytes) -> str:
    """The text's SHA-256, salted with the source of what makes its tree (this module, the
    parser, the tree types) and this entry format: a change to any makes entries stale."""
    return hashlib.sha256(_salt() + data).hexdigest()


_SALT: bytes | None = None


def _salt() -> bytes:
    global _SALT
    if _SALT is None:
        from . import parser, tree  # (as modules: `tree` is a parameter's name above)
        parts = [b"%d\0" % _FORMAT]
        for module in (__file__, parser.__file__, tree.__file__):
            with open(module, "rb") as handle:
                parts.append(handle.read() + b"\0")
        _SALT = b"".join(parts)
    return _SALT


def _read() -> dict:
    global _built
    if _built is None:
        _built = read_json(path(), _FORMAT, "trees")
    return _built


def shipped_files() -> list[Path]:
    """The YAML files the package ships and reads at run time: the built-in rule pack and
    the reference data."""
    from ..refdata import DATA_FILE
    from .files import yaml_files
    from .rules import builtin_rules_dir
    return [*yaml_files(builtin_rules_dir()), DATA_FILE]


def build(target: Path | None = None) -> tuple[Path, int]:
    """Parse every shipped file (`shipped_files`) and write the entries of those that parse
    cleanly to `target` (default: `path()`) atomically; returns it and how many."""
    trees = {}
    for file in shipped_files():
        shown = file.name  # any path: entries hold positions, not the path
        try:
            text = decode(file.read_bytes(), shown)  # as parse_bytes reads it for a run
            trees[_digest(text.encode("utf-8"))] = entry_of(
                DEFAULT_PARSER.parse_text(text, shown), shown)
        except Exception:  # noqa: BLE001 - not plain, or not valid: parsed at run time
            continue
    target = path() if target is None else Path(target)
    text = json.dumps({"format": _FORMAT, "trees": trees}, ensure_ascii=False,
                      sort_keys=True, separators=(",", ":"))
    write(target, text.encode("utf-8"), ".prebuilt-trees-")
    return target, len(trees)
