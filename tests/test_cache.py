"""The on-disk cache of compiled expressions (gdpr_check/expr/cache.py)."""
from __future__ import annotations

import marshal

import pytest

from gdpr_check.errors import InputError
from gdpr_check.expr import cache as cache_module
from gdpr_check.expr import sandbox
from gdpr_check.expr.cache import CodeCache, cache_dir, open_cache

LOC = ("rules/x.yaml", 3, 5)


@pytest.fixture()
def fresh_cache(tmp_path, monkeypatch):
    """The sandbox's cache replaced by an empty one in a temporary folder."""
    cache = CodeCache(tmp_path / "expr.marshal", salt="test")
    monkeypatch.setattr(sandbox, "CACHE", cache)
    return cache


def test_a_cached_expression_is_not_compiled_again(fresh_cache, monkeypatch):
    first = sandbox.Expression("item.countries | length > 1", LOC)
    fresh_cache.save()
    assert (fresh_cache.path).exists()

    def refuse(*_args):
        raise AssertionError("compiled again despite the cache")
    monkeypatch.setattr(sandbox, "_compile_expression", refuse)
    reloaded = CodeCache(fresh_cache.path, salt="test")
    monkeypatch.setattr(sandbox, "CACHE", reloaded)
    again = sandbox.Expression("item.countries | length > 1", LOC)
    scope = {"item": {"countries": ["FI", "SE"]}}
    assert first(scope) is True and again(scope) is True


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
