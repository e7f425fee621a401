"""The parsed YAML tree: plain dicts and lists that remember where they came from.

Every parser (see `parser.py`) produces this tree, so the rest of the tool never depends on
which YAML library read the file. A `Loc` is a tuple (path, line, column), 1-based.
"""
from __future__ import annotations

Loc = tuple  # (path: str, line: int, column: int)


class LocDict(dict):
    """A mapping with the position of itself (`loc`) and of each of its keys (`key_locs`)."""

    __slots__ = ("loc", "key_locs")

    def __init__(self, *args, loc: Loc | None = None, key_locs: dict | None = None):
        super().__init__(*args)
        self.loc = loc
        self.key_locs = key_locs if key_locs is not None else {}


class LocList(list):
    """A sequence with the position of itself (`loc`) and of each item (`item_locs`)."""

    __slots__ = ("loc", "item_locs")

    def __init__(self, *args, loc: Loc | None = None, item_locs: list | None = None):
        super().__init__(*args)
        self.loc = loc
        self.item_locs = item_locs if item_locs is not None else []


def locate(node, path) -> Loc | None:
    """The position of the value at `path` (keys and indexes) below `node`.

    Walks as deep as the path exists and returns the most specific position known, so an
    error about a missing field points at the object that lacks it.
    """
    best = getattr(node, "loc", None)
    for step in path:
        if isinstance(node, LocDict) and step in node:
            best = node.key_locs.get(step, best)
            node = node[step]
        elif isinstance(node, LocList) and isinstance(step, int) and 0 <= step < len(node):
            best = node.item_locs[step] if step < len(node.item_locs) else best
            node = node[step]
        else:
            break
    return best


def key_loc(node, key) -> Loc | None:
    """Where the *key* `key` of a mapping is written (for errors about the key itself)."""
    if isinstance(node, LocDict):
        return node.key_locs.get(key, node.loc)
    return getattr(node, "loc", None)


def describe(value) -> str:
    """A value as error messages name it: `a mapping`, `a list`, `nothing (null)`, `true`,
    `'text'`, `12`."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value) if isinstance(value, str) else str(value)
