"""The user's cache stays bounded: a new file of a kind (one per salt or version) makes the
oldest of that kind beyond `KEPT_PER_KIND` go, and nothing else is touched."""
from __future__ import annotations

import os

import pytest

from gdpr_check.user_cache import KEPT_PER_KIND, prune, signing_key, write_signed


def _aged(path, age: int) -> None:
    path.write_bytes(b"old")
    os.utime(path, (1_000_000 + age, 1_000_000 + age))


def test_a_new_file_leaves_at_most_the_newest_of_its_kind(tmp_path):
    for n in range(KEPT_PER_KIND + 2):
        _aged(tmp_path / f"validators-py-{n}.json", n)
    write_signed(tmp_path / "validators-py-new.json", signing_key(), b"{}", ".t-",
                 kind="validators-py-*.json")
    left = sorted(p.name for p in tmp_path.glob("validators-py-*.json"))
    newest = [f"validators-py-{n}.json" for n in range(KEPT_PER_KIND + 2)][-(KEPT_PER_KIND - 1):]
    assert left == sorted([*newest, "validators-py-new.json"])


def test_rewriting_a_file_removes_nothing(tmp_path):
    for n in range(KEPT_PER_KIND + 2):
        _aged(tmp_path / f"validators-py-{n}.json", n)
    target = tmp_path / "validators-py-0.json"  # the oldest, rewritten: not new
    write_signed(target, signing_key(), b"{}", ".t-", kind="validators-py-*.json")
    assert len(list(tmp_path.glob("validators-py-*.json"))) == KEPT_PER_KIND + 2


def test_other_kinds_links_and_folders_are_left_alone(tmp_path):
    outside = tmp_path / "outside"
    outside.write_bytes(b"not the cache's")
    cache = tmp_path / "cache"
    cache.mkdir()
    os.symlink(outside, cache / "validators-py-link.json")
    (cache / "validators-py-dir.json").mkdir()
    _aged(cache / "expressions-py-1.marshal", 0)
    for n in range(KEPT_PER_KIND + 3):
        _aged(cache / f"validators-py-{n}.json", 10 + n)
    keep = cache / "validators-py-current.json"
    _aged(keep, 0)  # the file just written, even if its clock says it is old
    prune(keep, "validators-py-*.json")
    assert keep.exists() and outside.read_bytes() == b"not the cache's"
    assert os.path.islink(cache / "validators-py-link.json")
    assert (cache / "validators-py-dir.json").is_dir()
    assert (cache / "expressions-py-1.marshal").exists()
    assert len(list(cache.glob("validators-py-[0-9]*.json"))) == KEPT_PER_KIND - 1


def test_a_run_with_a_new_cache_leaves_each_kind_bounded(tmp_path):
    """Old files of each kind the CLI keeps (validators, generated code, expressions; one
    per earlier salt or version) are pruned when a run writes its own."""
    import subprocess
    import sys
    cache = tmp_path / "cache"
    cache.mkdir()
    tag = sys.implementation.cache_tag
    kinds = {f"validators-{tag}-": ".json", f"generated-code-{tag}-": ".marshal",
             f"expressions-{tag}-": ".marshal"}
    for prefix, suffix in kinds.items():
        for n in range(KEPT_PER_KIND + 3):
            _aged(cache / f"{prefix}old{n}{suffix}", n)
    env = {**os.environ, "GDPR_CHECK_CACHE_DIR": str(cache),
           "XDG_STATE_HOME": str(tmp_path / "state")}
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run([sys.executable, "-m", "gdpr_check", "init", str(project)], env=env,
                   check=True, capture_output=True)
    # an expression only a custom rule has, so that the expression cache is written
    (project / "rules").mkdir(exist_ok=True)
    (project / "rules" / "local.yaml").write_text(
        "- id: X001\n  name: Every system is named\n  area: security\n"
        "  severity: low\n  articles: ['Art. 5(1)(f)']\n  loop: inventory.systems\n  that: [item.name or 'x-cache-test']\n")
    subprocess.run([sys.executable, "-m", "gdpr_check", "check", str(project)], env=env,
                   capture_output=True)
    for prefix, suffix in kinds.items():
        mine = list(cache.glob(f"{prefix}*{suffix}"))
        assert any("old" not in p.name for p in mine), f"the run wrote no {prefix}* file"
        assert len(mine) == KEPT_PER_KIND, sorted(p.name for p in mine)
