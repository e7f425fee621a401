"""Code the standard library generates while a run's modules are imported, compiled once
per user and kept (a speed policy the CLI opts into: `runtime.Tuning.importing`).

Importing pydantic, its model machinery and ours makes Python compile small pieces of
source text that exist only at run time: the methods of ~55 dataclasses (`dataclasses`
writes each `__init__`, `__repr__`, `__eq__`, ... as text and `exec`s it), the `__new__`
of each named tuple (`collections.namedtuple` `eval`s it) and ~800 forward references
(`typing.ForwardRef` compiles each string annotation, pydantic-core's TypedDicts among
them). Compiling them was ~10% of a small `check` (~125 M of 1,233 M instructions),
every run, for the same texts.

While `kept()` is active, the `exec`, `eval` and `compile` that those three modules call
are stood in for by functions that look the text up in a table of code objects read from
the user's cache, compile only what is missing, and then do exactly what the builtin
would: the code of a text is what `compile` makes of that text (same file name `<string>`,
same mode, no inherited `__future__` flags, as in the modules that call them), so the
classes and functions made are the same. The stand-ins are set as globals of those three
modules only (a module global shadows the builtin of the same name), take over only the
call each module makes, and are removed when the block ends. Nothing else is affected (a
thread running meanwhile would see them too, with the same results; the CLI has none
then), and a library caller's process is never touched (`runtime.LIBRARY`). From Python
3.14 forward references are compiled lazily by `annotationlib`, so only the first two
kinds are kept there.

The table holds code that is executed, so it is kept like the expression cache's code
(`user_cache.py`): in a file signed with this user's key, read only if the signature
verifies, one per salt (the Python build, `-O`, `-X no_debug_ranges`: what makes a text
compile differently), whose code is unmarshalled only once the salt matched, and looked
up by the SHA-256 of the exact text. Unlike the expression cache, there is no check
beyond the signature (no source of a run's to check again), and it is read on every CLI
run. Its texts come from installed code (class definitions), never from what a run reads.
A stale, missing or unreadable file only means compiling as before;
`GDPR_CHECK_CACHE_DIR=off` turns it off.
"""
# No `from __future__ import annotations` here: a builtin called from this module's frames
# would inherit it, and what the stand-ins pass on must compile as in the calling modules.
import builtins
import hashlib
import marshal
import sys
from contextlib import contextmanager

from .user_cache import cache_dir, read_signed, signing_key, write_signed

_FORMAT = 1
MAX_ENTRIES = 8192  # beyond this, keep only what the current run used (a run uses ~1,100)


def _columns_kept() -> bool:
    """Whether code gets column positions here (`-X no_debug_ranges` drops them)."""
    positions = getattr(compile("x", "", "eval"), "co_positions", None)
    return positions is None or next(positions())[2] is not None


# What makes the same text compile to other code: the Python build, `-O`, debug ranges.
_SALT = f"{sys.version}\0{sys.flags.optimize}\0{_columns_kept()}\0{_FORMAT}"
# The modules whose run-time code is kept, and the builtin each calls to make it.
_CALLERS = (("dataclasses", "exec"), ("collections", "eval"), ("typing", "compile"))


class CodeTable:
    """Code objects by the digest of (mode, source text); `added` says whether a text was
    compiled that the file did not hold."""

    def __init__(self, entries: dict | None = None):
        self.entries: dict[bytes, object] = entries or {}
        self.used: set[bytes] = set()
        self.added = False

    def code(self, source: str, mode: str):
        key = hashlib.sha256(f"{mode}\0{source}".encode("utf-8", "surrogatepass")).digest()
        self.used.add(key)
        code = self.entries.get(key)
        if code is None:
            # what `exec(source)`, `eval(source)` and typing's `compile(source, ...)` compile
            # in those modules, which have no `__future__` imports to inherit
            code = self.entries[key] = builtins.compile(source, "<string>", mode,
                                                        dont_inherit=True)
            self.added = True
        return code

    def stand_ins(self) -> dict:
        """The functions that stand in for `exec`, `eval` and `compile`: each takes over
        only the call its module makes (`exec(text, globals, ns)` in dataclasses,
        `eval(text, namespace)` in collections, `compile(text, '<string>', 'eval')` in
        typing) and hands any other to the builtin unchanged."""
        real_exec, real_eval, real_compile = builtins.exec, builtins.eval, builtins.compile

        def exec(source, *args, **kwargs):  # noqa: A001 - it stands in for the builtin
            if type(source) is str and 1 <= len(args) <= 2 and not kwargs:
                source = self.code(source, "exec")
            return real_exec(source, *args, **kwargs)

        def eval(source, *args, **kwargs):  # noqa: A001
            if type(source) is str and 1 <= len(args) <= 2 and not kwargs:
                # the builtin drops leading spaces and tabs of a string; compile does not
                source = self.code(source.lstrip(" \t"), "eval")
            return real_eval(source, *args, **kwargs)

        def compile(source, filename, mode, *args, **kwargs):  # noqa: A001
            if type(source) is str and filename == "<string>" and mode == "eval" \
                    and not args and not kwargs:
                return self.code(source, mode)
            return real_compile(source, filename, mode, *args, **kwargs)
        return {"exec": exec, "eval": eval, "compile": compile}


_ACTIVE: list = []  # the table of the `kept()` block the process is in, if any


@contextmanager
def kept():
    """A block in which dataclasses, named tuples and forward references are made from
    code kept in the user's cache; what was compiled anew is written there at its end,
    unless the block raised. Gives the table in use (an enclosing block's, when nested), or
    None when there is no cache (nothing is stood in for)."""
    if _ACTIVE:
        yield _ACTIVE[-1]
        return
    folder = cache_dir()
    key = signing_key() if folder is not None else None
    if key is None:  # no cache, or no safe key: compile as before
        yield None
        return
    # one file per salt: runs of two Pythons (or with and without -O) do not undo each other
    digest = hashlib.sha256(_SALT.encode()).hexdigest()[:16]
    path = folder / f"generated-code-{sys.implementation.cache_tag}-{digest}.marshal"
    table = CodeTable(_read(path, key))
    installed = _install(table.stand_ins())
    _ACTIVE.append(table)
    try:
        yield table
    finally:
        _ACTIVE.pop()
        _uninstall(installed)
    if table.added:
        _write(path, key, table)


def _install(stand_ins: dict) -> list:
    """Each stand-in set as a global of its module, where that name is not already one
    (someone else's stand-in stays); returns what was set, to be removed."""
    installed = []
    for module_name, name in _CALLERS:
        module = sys.modules.get(module_name)
        if module is None:
            module = __import__(module_name)
        if name not in vars(module):
            setattr(module, name, stand_ins[name])
            installed.append((module, name, stand_ins[name]))
    return installed


def _uninstall(installed: list) -> None:
    for module, name, stand_in in installed:
        if vars(module).get(name) is stand_in:
            delattr(module, name)


def _read(path, key: bytes) -> dict:
    """The file's code objects, if its signature verifies under `key` and it was written
    for this Python; else none."""
    payload = read_signed(path, key)
    if payload is None:
        return {}  # not written by this user's runs: never unmarshalled
    try:  # the salt first, on its own: code of another build is never unmarshalled
        salt, code = marshal.loads(payload)
        if salt != _SALT or type(code) is not bytes:
            return {}
        entries = marshal.loads(code)
    except (ValueError, EOFError, TypeError):
        return {}
    return entries if isinstance(entries, dict) else {}


def _write(path, key: bytes, table: CodeTable) -> None:
    entries = table.entries
    if len(entries) > MAX_ENTRIES:
        entries = {k: v for k, v in entries.items() if k in table.used}
    try:
        write_signed(path, key, marshal.dumps((_SALT, marshal.dumps(entries))), ".code-",
                     kind=f"generated-code-{sys.implementation.cache_tag}-*.marshal")
    except (OSError, ValueError):
        pass  # a read-only cache only stays cold
