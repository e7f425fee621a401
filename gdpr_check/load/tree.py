"""The parsed YAML tree: plain dicts and lists that remember where they came from.

Every parser (see `parser.py`) produces this tree, so the rest of the tool never depends on
which YAML library read the file. A `Loc` is a tuple (path, line, column), 1-based.
"""
from __future__ import annotations

Loc = tuple  # (path: str, line: int, column: int)


class LocDict(dict):
    """A mapping with the position of itself (`loc`) and of each of its keys (`key_locs`).

    The fast path may leave both to be found when first read (`lazy`, see `Lazy`): a large
    inventory's positions are mostly never asked for, and finding them is most of a load.
    """

    __slots__ = ("loc", "key_locs", "lazy")

    def __init__(self, *args, loc: Loc | None = None, key_locs: dict | None = None):
        super().__init__(*args)
        self.loc = loc
        self.key_locs = key_locs if key_locs is not None else {}
        self.lazy = None

    def __getattr__(self, name):  # only called for a slot not set yet
        return _resolve(self, name, ("loc", "key_locs"))


class LocList(list):
    """A sequence with the position of itself (`loc`) and of each item (`item_locs`);
    like `LocDict`, possibly found only when first read."""

    __slots__ = ("loc", "item_locs", "lazy")

    def __init__(self, *args, loc: Loc | None = None, item_locs: list | None = None):
        super().__init__(*args)
        self.loc = loc
        self.item_locs = item_locs if item_locs is not None else []
        self.lazy = None

    def __getattr__(self, name):
        return _resolve(self, name, ("loc", "item_locs"))


def _resolve(node, name: str, slots: tuple):
    """The positions of a lazy node, on its first read: its record places them (or, never
    seen, finds PyYAML's twin of the node, whose positions are copied)."""
    if name == "lazy":
        return None  # a node made without __init__ (or copied) that is not lazy
    lazy = node.lazy
    if lazy is None or name not in slots:
        raise AttributeError(name)
    twin = lazy.node()
    for slot in slots:
        setattr(node, slot, getattr(twin, slot))
    node.lazy = None
    return getattr(node, name)


class Lazy:
    """Where one node of a verified line or list item is written, found when first asked.

    `line` is the parser's record of the line or item (anything with `tree()`, giving its
    node with positions), `steps` the keys and indexes from there to this node. Models
    keep it instead of their positions (`model.base.Located`); as a mapping it is the
    node's `key_locs`.
    """

    __slots__ = ("line", "steps")

    def __init__(self, line, steps: tuple):
        self.line, self.steps = line, steps

    def node(self):
        node = self.line.tree()
        for step in self.steps:
            node = node[step]
        return node

    @property
    def loc(self) -> Loc:
        return self.node().loc

    # the mapping of key positions, as `LocDict.key_locs` is
    def __getitem__(self, key):
        return self.node().key_locs[key]

    def __contains__(self, key) -> bool:
        return key in self.node().key_locs

    def __iter__(self):
        return iter(self.node().key_locs)

    def __len__(self) -> int:
        return len(self.node().key_locs)

    def get(self, key, default=None):
        return self.node().key_locs.get(key, default)

    def keys(self):
        return self.node().key_locs.keys()

    def items(self):
        return self.node().key_locs.items()

    def values(self):
        return self.node().key_locs.values()


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
