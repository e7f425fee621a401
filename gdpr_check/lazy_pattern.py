"""Module-level regular expressions compiled when first used.

Compiling a pattern costs 0.1-2.5 ms, and Python pays it where the module is imported: a
small run paid ~8 ms at start-up for patterns that only large files (the parser's fast
path), TOML configs or skip comments use. `LazyPattern` is written where `re.compile`
would be, and compiles at the first use instead.
"""
from __future__ import annotations

import re


class LazyPattern:
    """Stands in for `re.compile(pattern, flags)`. The first time one of the compiled
    pattern's attributes (`match`, `findall`, ...) is asked for, the pattern is compiled
    and the attribute kept on this object, so that it is found at once afterwards: a hot
    loop's `TOKEN.match` costs what the compiled pattern's own lookup does."""

    def __init__(self, pattern: str, flags: int = 0):
        self.pattern = pattern
        self.flags = flags

    def __getattr__(self, name: str):
        # Python asks here only for what is not set on the object yet: the first use of
        # each method. (`re.compile` caches the compiled pattern for the next method.)
        value = getattr(re.compile(self.pattern, self.flags), name)
        setattr(self, name, value)
        return value

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {self.flags!r})"
