"""An on-disk cache of compiled expressions, like Python's __pycache__ for rules.

Compiling one Jinja2 expression (parse, code generation, Python's compile) costs about a
millisecond; the built-in pack has a few hundred, which would be most of a run's budget
(SPEC §11: 0.25 s). The code objects are kept in one marshal file per tool version, keyed by
the expression's source and the names it may use, so a warm run only unmarshals them.
A stale or unreadable cache is ignored, never an error. `GDPR_CHECK_CACHE_DIR=off`
disables it.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from pathlib import Path

_FORMAT = 1
MAX_ENTRIES = 2048  # beyond this, keep only what the current run used (built-ins: ~550)


def cache_dir() -> Path | None:
    configured = os.environ.get("GDPR_CHECK_CACHE_DIR")
    if configured is not None:
        return None if configured.lower() in ("", "off", "0", "false") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "gdpr-check"


class CodeCache:
    def __init__(self, path: Path | None, salt: str):
        self.path = path
        self.salt = salt
        self.entries: dict[str, bytes] = {}
        self.dirty = False
        self.used: set[str] = set()
        if path is not None:
            self.entries = _read(path)

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
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".expr-", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                marshal.dump((_FORMAT, self.entries), handle)
            os.replace(tmp, self.path)
            self.dirty = False
        except OSError:
            pass


def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            version, entries = marshal.load(handle)
        return entries if version == _FORMAT and isinstance(entries, dict) else {}
    except (OSError, ValueError, EOFError, TypeError):
        return {}


def open_cache(tool_version: str, jinja_version: str, helper_names) -> CodeCache:
    folder = cache_dir()
    tag = f"{sys.implementation.cache_tag}-{tool_version}"
    path = folder / f"expressions-{tag}.marshal" if folder is not None else None
    salt = "\0".join((tag, jinja_version, *sorted(helper_names)))
    return CodeCache(path, salt)
