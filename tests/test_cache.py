"""Where compiled expressions come from (gdpr_check/expr/cache.py, precompiled.py): the
built-in pack from the package, compiled at build time; other rules from the user's cache,
signed by this machine's runs and checked again before use; never code from elsewhere."""
from __future__ import annotations

import marshal
from pathlib import Path

import pytest

from gdpr_check.errors import InputError
from gdpr_check.expr import cache as cache_module
from gdpr_check.expr import precompiled, sandbox, security
from gdpr_check.expr.cache import CodeCache, cache_dir, open_cache

LOC = ("rules/x.yaml", 3, 5)


@pytest.fixture()
def fresh_cache(tmp_path, monkeypatch):
    """The sandbox's cache replaced by an empty one in a temporary folder, and nothing
    compiled yet in this process."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    cache = CodeCache(tmp_path / "expr.marshal", salt="test")
    monkeypatch.setattr(sandbox, "CACHE", cache)
    monkeypatch.setattr(sandbox, "_TRUSTED", {})
    return cache


def _next_run(cache, monkeypatch):
    """The cache as the next process finds it: read from its file, nothing in memory."""
    reloaded = CodeCache(cache.path, salt=cache.salt)
    monkeypatch.setattr(sandbox, "CACHE", reloaded)
    monkeypatch.setattr(sandbox, "_TRUSTED", {})
    return reloaded


def test_a_cached_expression_is_not_compiled_again_but_checked_again(fresh_cache,
                                                                       monkeypatch):
    first = sandbox.Expression("item.countries | length > 1", LOC)
    fresh_cache.save()
    assert (fresh_cache.path).exists()

    def refuse(*_args):
        raise AssertionError("compiled again despite the cache")
    monkeypatch.setattr(sandbox, "_compile_expression", refuse)
    checked = []
    real_check = security.check_expression
    monkeypatch.setitem(sandbox._CHECK, "expr",
                        lambda *a: checked.append(a[1]) or real_check(*a))
    _next_run(fresh_cache, monkeypatch)
    again = sandbox.Expression("item.countries | length > 1", LOC)
    scope = {"item": {"countries": ["FI", "SE"]}}
    assert first(scope) is True and again(scope) is True
    assert checked == ["item.countries | length > 1"]  # the static checks ran on the hit


def test_signed_code_for_a_refused_source_is_never_run(fresh_cache, monkeypatch, tmp_path):
    """Even if someone could sign the cache (a leaked key): the entry for a source that
    fails the static checks is refused with the checks' error, and its code not run."""
    marker = tmp_path / "ran"
    evil = compile(f"open({str(marker)!r}, 'w').close()\ndef root(context): return 1\n",
                   "<x>", "exec")
    source = "item.__class__"
    fresh_cache.put(fresh_cache.key("expr", source), evil)
    fresh_cache.save()
    _next_run(fresh_cache, monkeypatch)
    with pytest.raises(InputError, match="reaches for '__class__'"):
        sandbox.Expression(source, LOC)
    assert not marker.exists()


def test_a_cache_restored_from_elsewhere_is_not_read(fresh_cache, monkeypatch, tmp_path):
    """The cache folder and the state folder with its key, both copied (a CI cache of the
    whole home restored on another runner): the copied key is another file, so nothing
    its original signed verifies, and nothing is unmarshalled."""
    import shutil
    fresh_cache.put(fresh_cache.key("expr", "item.id"), compile("1", "<x>", "exec"))
    fresh_cache.save()
    shutil.copytree(tmp_path / "state", tmp_path / "restored-state")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "restored-state"))
    restored = CodeCache(fresh_cache.path, salt="test")
    assert restored.path is not None and restored.entries == {}


def test_the_built_in_pack_is_compiled_ahead_and_used(monkeypatch, tmp_path):
    """The pack's code comes from the package (compiled at build time): loading it compiles
    nothing and reads nothing from the user's cache."""
    from gdpr_check.api import load_rules
    from gdpr_check.engine.compile import compile_rule
    target, count = precompiled.build(tmp_path / "pack.marshal")
    assert count > 400
    monkeypatch.setattr(precompiled, "path", lambda: target)
    monkeypatch.setattr(precompiled, "_entries", None)
    monkeypatch.setattr(sandbox, "_TRUSTED", {})

    def refuse(*_args):
        raise AssertionError("compiled at run time")
    monkeypatch.setattr(sandbox, "_compile_expression", refuse)
    monkeypatch.setitem(sandbox._COMPILE, "template", refuse)
    untouched = CodeCache(tmp_path / "user.marshal", salt=sandbox.CACHE.salt, lazy=True)
    monkeypatch.setattr(sandbox, "CACHE", untouched)
    for rule in load_rules(Path(__file__).parent / "fixtures" / "base"):
        compile_rule(rule)
    assert not untouched._opened  # the user's cache was not even opened


def test_a_precompiled_file_of_another_build_is_ignored(monkeypatch, tmp_path):
    target, _ = precompiled.build(tmp_path / "pack.marshal")
    monkeypatch.setattr(precompiled, "path", lambda: target)
    monkeypatch.setattr(precompiled, "_entries", None)
    key = sandbox.CACHE.key("expr", "item.id")
    assert precompiled._read(target, "another salt") == {}
    assert precompiled.code(key, "another salt") is None
    target.write_bytes(b"\x00not marshal")
    assert precompiled._read(target, sandbox.CACHE.salt) == {}


def test_the_names_in_scope_are_part_of_the_key(fresh_cache):
    sandbox.Expression("extra | length", LOC, extra_names=("extra",))
    with pytest.raises(InputError, match="unknown name 'extra'"):
        sandbox.Expression("extra | length", LOC)  # not served from the cache


def test_a_broken_cache_file_is_ignored(tmp_path):
    path = tmp_path / "expr.marshal"
    path.write_bytes(b"\x00not marshal")
    assert CodeCache(path, salt="x").entries == {}
    path.write_bytes(marshal.dumps((999, {"k": b"v"})))  # another format version
    assert CodeCache(path, salt="x").entries == {}


def test_the_cache_can_be_switched_off(monkeypatch):
    monkeypatch.setenv("GDPR_CHECK_CACHE_DIR", "off")
    assert cache_dir() is None
    cache = open_cache("0", "0", ())
    cache.put(cache.key("a"), compile("1", "<x>", "eval"))
    cache.save()  # nowhere to write: nothing happens
    assert cache.path is None


def test_a_large_cache_keeps_only_what_the_run_used(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "MAX_ENTRIES", 3)
    path = tmp_path / "expr.marshal"
    cache = CodeCache(path, salt="x")
    for i in range(5):
        cache.put(cache.key(str(i)), compile(str(i), "<x>", "eval"))
    cache.save()
    assert len(CodeCache(path, salt="x").entries) == 5   # this run used all five
    later = CodeCache(path, salt="x")
    assert eval(later.get(later.key("1"))) == 1          # the next run uses one...
    later.put(later.key("new"), compile("7", "<x>", "eval"))
    later.save()
    assert sorted(CodeCache(path, salt="x").entries) == sorted([later.key("1"),
                                                               later.key("new")])


def test_a_key_is_the_digest_of_the_salt_and_the_parts():
    """Keys are computed from the salt's hash state, copied: the same digests as hashing
    the whole text, so the pack the build compiled and users' caches still match."""
    import hashlib
    cache = CodeCache(None, salt="salt\0with parts")
    for parts in [("expr", "item.id == 'x'"), ("template", "{{ x }}", "a", "b"), ("e", "ä")]:
        whole = "\0".join(("salt\0with parts", *parts)).encode()
        assert cache.key(*parts) == hashlib.blake2b(whole, digest_size=16).hexdigest()
    assert cache.key("expr", "a") != CodeCache(None, salt="other").key("expr", "a")


def test_the_precompiled_pack_is_one_mapping_of_code_and_older_formats_are_ignored(
        monkeypatch, tmp_path):
    """One marshal of {key: code} (the names the codes share are written once); a file of
    the earlier format, each code marshalled on its own, is not read: compiled instead."""
    from types import CodeType
    target, count = precompiled.build(tmp_path / "pack.marshal")
    version, salt, entries = marshal.loads(target.read_bytes())
    assert (version, salt, len(entries)) == (precompiled._FORMAT, sandbox.CACHE.salt, count)
    assert all(isinstance(code, CodeType) for code in entries.values())
    older = {key: marshal.dumps(code) for key, code in entries.items()}
    target.write_bytes(marshal.dumps((1, salt, older)))
    assert precompiled._read(target, salt) == {}
