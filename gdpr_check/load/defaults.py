"""`defaults:` in the inventory, merged under every item of a kind (like group_vars/all)."""
from __future__ import annotations

from ..errors import InputError, did_you_mean, raise_all
from .tree import LocDict, LocList

KINDS = ("principals", "systems", "processors", "flows")


def apply_defaults(inventory: LocDict) -> None:
    defaults = inventory.get("defaults")
    if not defaults:
        return
    if not isinstance(defaults, LocDict):
        raise InputError.at(inventory.key_locs["defaults"], "defaults: expected a mapping")
    errors: list[InputError] = []
    for kind, base in defaults.items():
        if kind in KINDS and isinstance(base, LocDict):
            _check_keys(base, _item_model(kind), f"defaults.{kind}", errors)
    raise_all(errors)
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


def _item_model(kind: str):
    """The model of one item of `inventory.<kind>` (System for systems, ...)."""
    from ..model import Inventory
    from .validate import _find_model
    return _find_model(Inventory.model_fields[kind].annotation)


def _check_keys(tree: LocDict, model, where: str, errors: list) -> None:
    """Unknown keys in `defaults` are errors even when no item receives them yet."""
    from .validate import _find_model
    fields = {info.alias or name: info for name, info in model.model_fields.items()}
    for key, value in tree.items():
        info = fields.get(key)
        if info is None:
            hint = did_you_mean(str(key), fields) or f"; expected one of: {', '.join(fields)}"
            errors.append(InputError.at(tree.key_locs.get(key, tree.loc),
                                        f"{where}: unknown key '{key}'{hint}"))
            continue
        nested = _find_model(info.annotation)
        if nested is not None and isinstance(value, LocDict):
            _check_keys(value, nested, f"{where}.{key}", errors)
