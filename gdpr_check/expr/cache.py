"""An on-disk cache of compiled expressions, for the rules that are not built in.

The built-in pack is compiled at build time and shipped inside the package
(`precompiled.py`); the rules a project adds (its `rules/`, `--rules` packs) would cost
about a millisecond per expression on every run. Their code objects are kept here, in one
marshal file per tool version, keyed by the expression's source, the names it may use and
a digest of the modules that check and generate code, so a warm run only unmarshals them.
A stale or unreadable cache is ignored, never an error. `GDPR_CHECK_CACHE_DIR=off`
disables it. Nothing is read (or created) until an expression outside the built-in pack is
compiled.

The cache holds code that is executed, so its file is signed (`user_cache.py`): only a
file this machine's own runs wrote is ever unmarshalled. And the signature is not all:
before cached code is used, the sandbox runs the static checks on its source again
(`security.check_expression`), so no cached code skips them.
"""
from __future__ import annotations

import hashlib
import marshal
import sys
from pathlib import Path

from ..user_cache import cache_dir, cache_key_path, read_signed, signing_key, write_signed

_FORMAT = 2
MAX_ENTRIES = 2048  # beyond this, keep only what the current run used (built-ins: ~550)


class CodeCache:
    def __init__(self, path: Path | None, salt: str, key_path: Path | None = None,
                 lazy: bool = False):
        """`lazy`: read the key and the file on first use, not now (the sandbox makes its
        cache at import, and most runs never use it)."""
        self._path = path
        self.salt = salt
        self._entries: dict[str, bytes] = {}
        self._opened = path is None
        self.dirty = False
        self.used: set[str] = set()
        self._key_path = key_path if key_path is not None else cache_key_path()
        self._key = None
        self._salted = None
        if not lazy:
            self._open()

    def _open(self) -> None:
        if self._opened:
            return
        self._opened = True
        self._key = signing_key(self._key_path)
        if self._key is None:
            self._path = None  # no safe key: run without the cache
        else:
            self._entries = _read(self._path, self._key)

    @property
    def path(self) -> Path | None:
        self._open()
        return self._path

    @property
    def entries(self) -> dict[str, bytes]:
        self._open()
        return self._entries

    @entries.setter
    def entries(self, value: dict[str, bytes]) -> None:
        self._open()
        self._entries = value

    def key(self, *parts: str) -> str:
        """The digest of the salt and `parts`, joined by NULs (one part at least)."""
        salted = self._salted
        if salted is None:  # the salt's ~1 KB hashed once, not for each of ~600 keys
            salted = self._salted = hashlib.blake2b((self.salt + "\0").encode(),
                                                    digest_size=16)
        digest = salted.copy()
        digest.update("\0".join(parts).encode())
        return digest.hexdigest()

    def get(self, key: str):
        self.used.add(key)
        data = self.entries.get(key)
        if data is None:
            return None
        try:
            return marshal.loads(data)
        except (ValueError, EOFError, TypeError):
            return None

    def put(self, key: str, code) -> None:
        self.entries[key] = marshal.dumps(code)
        self.used.add(key)
        self.dirty = True

    def save(self) -> None:
        """Write the cache atomically if it changed; a read-only home just stays cold."""
        if not self.dirty or self.path is None:
            return
        if len(self.entries) > MAX_ENTRIES:
            self.entries = {k: v for k, v in self.entries.items() if k in self.used}
        try:
            write_signed(self.path, self._key, marshal.dumps((_FORMAT, self.entries)), ".expr-",
                         kind=f"expressions-{sys.implementation.cache_tag}-*.marshal")
            self.dirty = False
        except OSError:
            pass


def _read(path: Path, key: bytes) -> dict:
    """The entries of a cache file, if its signature verifies under `key`; else none."""
    payload = read_signed(path, key)
    if payload is None:
        return {}  # not written by this user's runs: never unmarshalled
    try:
        version, entries = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return {}
    return entries if version == _FORMAT and isinstance(entries, dict) else {}


def open_cache(tool_version: str, jinja_version: str, helper_names) -> CodeCache:
    folder = cache_dir()
    tag = f"{sys.implementation.cache_tag}-{tool_version}"
    path = folder / f"expressions-{tag}.marshal" if folder is not None else None
    salt = "\0".join((tag, jinja_version, *sorted(helper_names)))
    return CodeCache(path, salt, lazy=True)
