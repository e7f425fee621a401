"""The built-in rule pack, compiled ahead: at build time, shipped inside the package.

Compiling the pack's ~470 expressions and messages (checks, Jinja's code generation,
Python's compile) costs about a millisecond each: more than the rest of a small run. So
the wheel's build (`hatch_build.py`, also for an editable install) compiles them once,
with the same checks and the same code generation as a run (`security.py`), and writes
the code objects beside this module, one file per Python version (marshal is specific to
it). They are marshalled together, as one mapping: the names every expression's code
repeats are then written once, and reading them all takes half the time of reading each
on its own (~3 ms of a run).

That file is part of the installed package, as trusted as the modules beside it (whoever
can change it can change them). It is used only if it was written for this tool version,
this Jinja2 version, these helpers and this very code of the checks and code generation
(the sandbox's cache salt, stored in the file and compared); entries are keyed by the
expression's source and the names it may use, so a rule edited after the build is
compiled at run time instead. Anything else — missing, stale, unreadable — means the
expressions are compiled when the rules load, as without it: slower, never different.
"""
from __future__ import annotations

import marshal
import sys
from pathlib import Path
from types import CodeType

_FORMAT = 2  # 2: {key: code} in one marshal (1: each code marshalled on its own)
_entries: dict | None = None


def path() -> Path:
    return Path(__file__).with_name(f"builtin-pack.{sys.implementation.cache_tag}.marshal")


def code(key: str, salt: str) -> CodeType | None:
    """The code the build compiled for `key`, if the file is this build's and has it."""
    global _entries
    if _entries is None:
        _entries = _read(path(), salt)
    value = _entries.get(key)
    return value if isinstance(value, CodeType) else None


def _read(file: Path, salt: str) -> dict:
    try:
        data = file.read_bytes()
    except OSError:
        return {}
    try:
        version, file_salt, entries = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return {}
    if version != _FORMAT or file_salt != salt or not isinstance(entries, dict):
        return {}
    return entries


def build(target: Path | None = None) -> tuple[Path, int]:
    """Compile every expression and message of the built-in pack, from source, and write
    their code to `target` (default: `path()`) atomically; returns it and the count."""
    from ..engine.compile import compile_rule
    from ..load.rules import builtin_rules_dir, load_rule_dirs
    from ..package_data import write
    from . import sandbox
    from .cache import CodeCache
    global _entries
    target = path() if target is None else Path(target)
    _entries = {}  # from source: never from an earlier build, nor the user's cache
    saved, sandbox.CACHE = sandbox.CACHE, CodeCache(None, sandbox.CACHE.salt)
    sandbox._TRUSTED.clear()
    try:
        for rule in load_rule_dirs([builtin_rules_dir()], builtin_rules_dir().parent):
            compile_rule(rule)
        entries = dict(sandbox._TRUSTED)
        salt = sandbox.CACHE.salt
    finally:
        sandbox.CACHE = saved
        _entries = None
    write(target, marshal.dumps((_FORMAT, salt, entries)), ".builtin-")
    return target, len(entries)


if __name__ == "__main__":  # python -m gdpr_check.expr.precompiled
    # This file runs as __main__, a second copy of the module: build with the one the
    # sandbox imported, so that nothing is taken from an earlier build.
    from gdpr_check.expr import precompiled as _module
    written, count = _module.build()
    print(f"{written}: {count} compiled expressions and messages")
