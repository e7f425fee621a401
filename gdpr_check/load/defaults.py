"""`defaults:` in the inventory, merged under every item of a kind (like group_vars/all)."""
from __future__ import annotations

from ..errors import InputError
from .tree import LocDict, LocList

KINDS = ("principals", "systems", "processors", "flows")


def apply_defaults(inventory: LocDict) -> None:
    defaults = inventory.get("defaults")
    if not defaults:
        return
    if not isinstance(defaults, LocDict):
        raise InputError.at(inventory.key_locs["defaults"], "defaults: expected a mapping")
    for kind, base in defaults.items():
        items = inventory.get(kind)
        if kind not in KINDS or not isinstance(base, LocDict) or not isinstance(items, LocList):
            continue  # the model reports unknown kinds and wrong types with positions
        for index, item in enumerate(items):
            if isinstance(item, LocDict):
                items[index] = deep_merge(base, item)


def deep_merge(base: LocDict, item: LocDict) -> LocDict:
    """`item` over `base`: mappings merge key by key, anything else in `item` wins."""
    merged = LocDict(base, loc=item.loc, key_locs=dict(base.key_locs))
    for key, value in item.items():
        below = merged.get(key)
        if isinstance(value, LocDict) and isinstance(below, LocDict):
            value = deep_merge(below, value)
        merged[key] = value
        merged.key_locs[key] = item.key_locs[key]
    return merged
