"""How two located trees differ: the one comparison of the fast and the slow parser, used by
the tests and by the fuzzer."""
from __future__ import annotations

from gdpr_check.load.tree import LocDict, LocList


def difference(a, b, where="(root)"):
    """The first difference between two located trees (types, values and positions)."""
    if type(a) is not type(b):
        return f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, LocDict):
        if a.loc != b.loc or list(a) != list(b) or a.key_locs != b.key_locs:
            return f"{where}: {a.loc} {dict(a.key_locs)} != {b.loc} {dict(b.key_locs)}"
        return next((d for k in a if (d := difference(a[k], b[k], f"{where}.{k}"))), None)
    if isinstance(a, LocList):
        if a.loc != b.loc or len(a) != len(b) or a.item_locs != b.item_locs:
            return f"{where}: {a.loc} {a.item_locs} != {b.loc} {b.item_locs}"
        return next((d for i, (x, y) in enumerate(zip(a, b))
                     if (d := difference(x, y, f"{where}[{i}]"))), None)
    return None if repr(a) == repr(b) else f"{where}: {a!r} != {b!r}"
