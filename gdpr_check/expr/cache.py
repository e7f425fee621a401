"""An on-disk cache of compiled expressions, for the rules that are not built in.

The built-in pack is compiled at build time and shipped inside the package
(`precompiled.py`); the rules a project adds (its `rules/`, `--rules` packs) would cost
about a millisecond per expression on every run. Their code objects are kept here, in one
marshal file per tool version, keyed by the expression's source, the names it may use and
a digest of the modules that check and generate code, so a warm run only unmarshals them.
A stale or unreadable cache is ignored, never an error. `GDPR_CHECK_CACHE_DIR=off`
disables it. Nothing is read (or created) until an expression outside the built-in pack is
compiled.

The cache holds code that is executed, and a cache folder can come from elsewhere (a CI
cache restored from another branch's run). So the file is signed: an HMAC-SHA256 of its
contents under a secret key that this user's runs create once (`cache_key_path()`, mode
0600, in the *state* folder, not beside the cache), mixed with that key file's identity on
this machine (device, inode, change time). A cache restored from elsewhere, or a state
folder restored with it, does not verify: only a file this machine's own runs wrote is
ever unmarshalled. When the key cannot be kept safe (a key file readable by others, or not
ours) the cache is not used. And the signature is not all: before cached code is used,
the sandbox runs the static checks on its source again (`security.check_expression`), so
no cached code skips them.
"""
from __future__ import annotations

import hashlib
import hmac
import marshal
import os
import stat
import sys
import tempfile
from pathlib import Path

_FORMAT = 2
_KEY_BYTES = 32
_MAC_BYTES = 32
MAX_ENTRIES = 2048  # beyond this, keep only what the current run used (built-ins: ~550)


def cache_dir() -> Path | None:
    configured = os.environ.get("GDPR_CHECK_CACHE_DIR")
    if configured is not None:
        return None if configured.lower() in ("", "off", "0", "false") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "gdpr-check"


def cache_key_path() -> Path:
    """Where the cache's signing key lives: the user's state folder (XDG), so that copying
    or restoring the cache folder does not carry the key with it."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local",
                                                            "state")
    return Path(base) / "gdpr-check" / "cache-key"


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
        if not lazy:
            self._open()

    def _open(self) -> None:
        if self._opened:
            return
        self._opened = True
        self._key = _signing_key(self._key_path)
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
        text = "\0".join((self.salt, *parts))
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()

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
            self.path.parent.mkdir(parents=True, exist_ok=True)
            payload = marshal.dumps((_FORMAT, self.entries))
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".expr-", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(_sign(self._key, payload) + payload)
            os.replace(tmp, self.path)
            self.dirty = False
        except OSError:
            pass


def _sign(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()


def _read(path: Path, key: bytes) -> dict:
    """The entries of a cache file, if its signature verifies under `key`; else none."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return {}
    mac, payload = data[:_MAC_BYTES], data[_MAC_BYTES:]
    if len(mac) != _MAC_BYTES or not hmac.compare_digest(mac, _sign(key, payload)):
        return {}  # not written by this user's runs: never unmarshalled
    try:
        version, entries = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return {}
    return entries if version == _FORMAT and isinstance(entries, dict) else {}


def _signing_key(path: Path) -> bytes | None:
    """This user's key, created on first use (0600, in a 0700 folder); None when it cannot
    be created, or the file found there is not a private file of ours."""
    try:
        return _existing_key(path)
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".key-")  # created 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(os.urandom(_KEY_BYTES))
            os.link(tmp, path)  # atomic: of two runs creating it at once, one key wins
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        return _existing_key(path)
    except OSError:
        return None


def _existing_key(path: Path) -> bytes | None:
    """The key file's secret mixed with the file's identity on this machine: a copy of the
    file (a restored state folder, another machine) is a new inode with a new change time,
    so it signs differently and nothing its original signed verifies."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        private = stat.S_ISREG(info.st_mode) and not info.st_mode & 0o077 and \
            (not hasattr(os, "getuid") or info.st_uid == os.getuid())
        key = handle.read(_KEY_BYTES + 1)
    if not private or len(key) != _KEY_BYTES:
        return None
    identity = f"{info.st_dev}:{info.st_ino}:{info.st_ctime_ns}".encode()
    return hmac.new(key, identity, hashlib.sha256).digest()


def open_cache(tool_version: str, jinja_version: str, helper_names) -> CodeCache:
    folder = cache_dir()
    tag = f"{sys.implementation.cache_tag}-{tool_version}"
    path = folder / f"expressions-{tag}.marshal" if folder is not None else None
    salt = "\0".join((tag, jinja_version, *sorted(helper_names)))
    return CodeCache(path, salt, lazy=True)
