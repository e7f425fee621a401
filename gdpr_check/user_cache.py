"""Files a run keeps for this user's next runs (the compiled expressions of rules outside
the built-in pack, the models' validators), and how they are signed.

What these files hold is run or rebuilt into code, and a cache folder can come from
elsewhere (a CI cache restored from another branch's run). So each file is signed: an
HMAC-SHA256 of its contents under a secret key that this user's runs create once
(`cache_key_path()`, mode 0600, in the *state* folder, not beside the cache), mixed with
that key file's identity on this machine (device, inode, change time). A cache restored
from elsewhere, or a state folder restored with it, does not verify: only a file this
machine's own runs wrote is ever read back. When the key cannot be kept safe (a key file
readable by others, or not ours) no cache is used. `GDPR_CHECK_CACHE_DIR=off` turns
every cache off. Each kind of file is kept once per salt or version, and a new one removes
the oldest of its kind beyond `KEPT_PER_KIND`, so the folder does not grow with every
edit or upgrade.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import stat
from pathlib import Path

_KEY_BYTES = 32
MAC_BYTES = 32
MAX_FILE_BYTES = 64 * 1024 * 1024  # a cache file larger than this is not ours: never read
# Files of one kind kept side by side (one per salt or version: two installs, or a Python
# and its -O, use theirs in turn); a new one makes the oldest beyond this go, so that the
# cache does not grow with every edit or upgrade.
KEPT_PER_KIND = 4


def cache_dir() -> Path | None:
    configured = os.environ.get("GDPR_CHECK_CACHE_DIR")
    if configured is not None:
        return None if configured.lower() in ("", "off", "0", "false") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "gdpr-check"


def cache_key_path() -> Path:
    """Where the caches' signing key lives: the user's state folder (XDG), so that copying
    or restoring the cache folder does not carry the key with it."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local",
                                                            "state")
    return Path(base) / "gdpr-check" / "cache-key"


def sign(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()


def read_signed(path: Path, key: bytes) -> bytes | None:
    """The payload of the file `path`, if its signature verifies under `key`; else None
    (missing, unreadable, not a regular file, larger than `MAX_FILE_BYTES`, or not written
    by this user's runs on this machine). A FIFO or a link to a device planted in the
    cache folder is neither waited on nor read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
                return None
            data = handle.read(MAX_FILE_BYTES + 1)
    except (OSError, MemoryError):
        return None
    mac, payload = data[:MAC_BYTES], data[MAC_BYTES:]
    if len(data) > MAX_FILE_BYTES or len(mac) != MAC_BYTES \
            or not hmac.compare_digest(mac, sign(key, payload)):
        return None
    return payload


def write_signed(path: Path, key: bytes, payload: bytes, prefix: str,
                 kind: str | None = None) -> None:
    """`payload`, signed under `key`, to `path` atomically (through a temporary file named
    `prefix`… beside it). Raises OSError when it cannot. `kind`: the glob naming the files
    of `path`'s kind in its folder; when `path` is new, the oldest of them beyond
    `KEPT_PER_KIND` are removed (`prune`)."""
    import tempfile  # only a run that adds to a cache writes
    path.parent.mkdir(parents=True, exist_ok=True)
    new = kind is not None and not os.path.lexists(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(sign(key, payload) + payload)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if new:
        prune(path, kind)


def prune(path: Path, kind: str, keep: int = KEPT_PER_KIND) -> None:
    """Remove the least recently written of the files `kind` (a glob) names in `path`'s
    folder, so that `keep` are left, `path` always among them. Only regular files of this
    user are removed (a link is never followed); what cannot be removed stays."""
    owner = os.getuid() if hasattr(os, "getuid") else None
    files = []
    for other in path.parent.glob(kind):
        try:
            info = os.lstat(other)
        except OSError:
            continue
        if other != path and stat.S_ISREG(info.st_mode) \
                and (owner is None or info.st_uid == owner):
            files.append((info.st_mtime_ns, str(other)))
    for _, old in sorted(files, reverse=True)[max(keep - 1, 0):]:
        try:
            os.unlink(old)
        except OSError:
            pass


def signing_key(path: Path | None = None) -> bytes | None:
    """This user's key (at `path`, default `cache_key_path()`), created on first use (0600,
    in a 0700 folder); None when it cannot be created, or the file found there is not a
    private file of ours."""
    path = cache_key_path() if path is None else path
    try:
        return _existing_key(path)
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        import tempfile
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
