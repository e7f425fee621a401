"""The expression cache holds code that is executed: only code this user's own runs wrote
(signed with a key outside the cache folder) is ever unmarshalled (issue 8)."""
from __future__ import annotations

import marshal
import os
import stat

import pytest

from gdpr_check.errors import InputError
from gdpr_check.expr import cache as cache_module
from gdpr_check.expr import sandbox
from gdpr_check.expr.cache import CodeCache, cache_key_path

LOC = ("rules/x.yaml", 3, 5)


@pytest.fixture()
def folders(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "cache" / "expr.marshal", tmp_path / "state" / "gdpr-check" / "cache-key"


def test_the_key_is_private_and_outside_the_cache_folder(folders):
    path, key = folders
    cache = CodeCache(path, salt="s")
    cache.put(cache.key("a"), compile("1", "<x>", "eval"))
    cache.save()
    assert cache_key_path() == key and key.parent != path.parent
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    assert len(key.read_bytes()) == 32
    assert eval(CodeCache(path, salt="s").get(cache.key("a"))) == 1


def test_a_cache_file_written_by_anyone_else_is_never_unmarshalled(folders, monkeypatch):
    """A restored CI cache of another branch: well-formed, but not signed with our key."""
    path, _ = folders
    evil = compile("__import__('os').system('echo owned')", "<x>", "eval")
    cache = CodeCache(path, salt="s")
    key = cache.key("expr", "item.id")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\0" * 32 + marshal.dumps((2, {key: marshal.dumps(evil)})))
    loads = []
    monkeypatch.setattr(cache_module.marshal, "loads",
                        lambda data: loads.append(data) or marshal.loads(data))
    assert CodeCache(path, salt="s").entries == {} and loads == []


def test_a_signed_file_edited_afterwards_is_ignored(folders):
    path, _ = folders
    cache = CodeCache(path, salt="s")
    cache.put(cache.key("a"), compile("1", "<x>", "eval"))
    cache.save()
    data = bytearray(path.read_bytes())
    data[-5] ^= 1
    path.write_bytes(bytes(data))
    assert CodeCache(path, salt="s").entries == {}


def test_the_same_file_under_another_key_is_ignored(folders, tmp_path, monkeypatch):
    """The cache folder restored on another machine (or for another user) carries no key."""
    path, _ = folders
    cache = CodeCache(path, salt="s")
    cache.put(cache.key("a"), compile("1", "<x>", "eval"))
    cache.save()
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "elsewhere"))
    assert CodeCache(path, salt="s").entries == {}


def test_a_key_readable_by_others_disables_the_cache(folders):
    path, key = folders
    CodeCache(path, salt="s")  # creates the key
    key.chmod(0o644)
    cache = CodeCache(path, salt="s")
    assert cache.path is None and cache.entries == {}
    cache.put(cache.key("a"), compile("1", "<x>", "eval"))
    cache.save()
    assert not path.exists()


def test_a_key_that_is_a_symlink_disables_the_cache(folders, tmp_path):
    path, key = folders
    target = tmp_path / "target"
    target.write_bytes(os.urandom(32))
    target.chmod(0o600)
    key.parent.mkdir(parents=True)
    key.symlink_to(target)
    assert CodeCache(path, salt="s").path is None


def test_cached_code_of_another_checks_version_is_not_used(folders, monkeypatch):
    """Entries are keyed by a digest of the checks: editing them compiles everything again."""
    assert "checks=" + sandbox._checks_version() in sandbox.CACHE.salt
    path, _ = folders
    cache = CodeCache(path, salt="old checks")
    monkeypatch.setattr(sandbox, "CACHE", cache)
    sandbox.Expression("item.id", LOC)
    cache.save()
    newer = CodeCache(path, salt="new checks")
    monkeypatch.setattr(sandbox, "CACHE", newer)
    with pytest.raises(InputError, match="no filter named 'nosuch'"):
        sandbox.Expression("item.id | nosuch", LOC)
    assert newer.get(newer.key("expr", "item.id")) is None


@pytest.mark.parametrize("plant", ["fifo", "device", "huge"])
def test_a_cache_file_that_is_a_fifo_a_device_or_huge_is_not_read(plant, tmp_path, monkeypatch):
    """Planted in the cache folder (a restored CI cache): neither waited on, nor read into
    memory; the run goes on without the cache (every run reads the validators' file)."""
    from gdpr_check import user_cache
    path = tmp_path / "cache.marshal"
    if plant == "fifo":
        os.mkfifo(path)
    elif plant == "device":
        path.symlink_to("/dev/zero")
    else:
        with open(path, "wb") as handle:
            handle.truncate(user_cache.MAX_FILE_BYTES + 1)  # sparse: costs no disk
    reads = []
    monkeypatch.setattr(user_cache.hmac, "compare_digest",
                        lambda *a: reads.append(a) or False)
    assert user_cache.read_signed(path, b"k" * 32) is None and reads == []


def test_a_run_with_a_fifo_for_the_validators_file_finishes(tmp_path):
    import subprocess
    import sys
    from pathlib import Path
    from gdpr_check.load import validators
    root = Path(__file__).resolve().parent.parent
    cache = tmp_path / "cache"
    cache.mkdir()
    name = f"validators-{sys.implementation.cache_tag}-{validators._SOURCES[:16]}.json"
    os.mkfifo(cache / name)
    done = subprocess.run([sys.executable, "-m", "gdpr_check", "check",
                           str(root / "tests" / "fixtures" / "base")], capture_output=True,
                          text=True, timeout=60,
                          env={**os.environ, "GDPR_CHECK_CACHE_DIR": str(cache),
                               "XDG_STATE_HOME": str(tmp_path / "state")})
    assert done.returncode in (0, 1), done.stderr
