"""The code Python generates while the CLI imports what it needs (generated_code.py):
the same code as compiling it, from a signed file of this user's runs only, stood in for
only inside the block and never in a library caller's process."""
from __future__ import annotations

import collections
import dataclasses
import hashlib
import marshal
import os
import subprocess
import sys
import typing
from pathlib import Path

import pytest

import gdpr_check
from gdpr_check import generated_code
from gdpr_check.generated_code import CodeTable, kept
from gdpr_check.runtime import LIBRARY, Tuning
from gdpr_check.user_cache import signing_key, write_signed

ROOT = Path(__file__).resolve().parent.parent
STAND_INS = (("dataclasses", "exec"), ("collections", "eval"), ("typing", "compile"))


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GDPR_CHECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    digest = hashlib.sha256(generated_code._SALT.encode()).hexdigest()[:16]
    return tmp_path / "cache" / f"generated-code-{sys.implementation.cache_tag}-{digest}.marshal"


def _stood_in() -> list[str]:
    return [f"{module}.{name}" for module, name in STAND_INS
            if name in vars(sys.modules[module])]


def _make_classes():
    """A dataclass, a named tuple and a forward reference, as pydantic and we make them."""
    @dataclasses.dataclass(frozen=True, order=True)
    class Point:
        x: int
        y: int = 2

    Pair = collections.namedtuple("Pair", "left right")
    ref = typing.ForwardRef("dict[str, list[int]] | None")
    return Point, Pair, ref


def test_the_kept_code_of_a_text_is_what_compile_makes_of_it():
    """... as the modules that generate it compile it: without `__future__` flags (this
    module's `annotations` would change the code, so it must not be inherited)."""
    table = CodeTable()
    source = "def __create_fn__(x):\n def f(self) -> X:\n  return x\n return f"
    plain = compile(source, "<string>", "exec", dont_inherit=True)
    assert table.code(source, "exec") == plain != compile(source, "<string>", "exec")
    assert table.code("lambda a: (a,)", "eval") == compile("lambda a: (a,)", "<string>",
                                                            "eval", dont_inherit=True)
    assert table.added
    back = CodeTable(marshal.loads(marshal.dumps(table.entries)))
    assert back.code(source, "exec") == plain
    assert not back.added  # read, not compiled


def test_what_is_made_inside_the_block_behaves_as_outside(cache):
    Point, Pair, ref = _make_classes()
    with kept() as table:
        assert _stood_in() == ["dataclasses.exec", "collections.eval", "typing.compile"]
        KeptPoint, KeptPair, kept_ref = _make_classes()
    assert table is not None and table.added and cache.exists()
    assert _stood_in() == []  # removed when the block ends
    assert repr(KeptPoint(1)).split("Point")[1] == repr(Point(1)).split("Point")[1] == \
        "(x=1, y=2)"
    assert KeptPoint(1) == KeptPoint(1, 2) and KeptPoint(1) < KeptPoint(2)
    assert hash(KeptPoint(1)) == hash(KeptPoint(1, 2))
    with pytest.raises(dataclasses.FrozenInstanceError):
        KeptPoint(1).x = 3
    assert KeptPair(1, 2) == Pair(1, 2) and KeptPair(1, right=2).right == 2
    assert kept_ref.__forward_code__ == ref.__forward_code__
    with kept() as again:  # the next block reads them back
        _make_classes()
    assert not again.added


def test_a_syntax_error_is_raised_as_compile_raises_it(cache):
    with kept():
        with pytest.raises(SyntaxError) as caught:
            typing.ForwardRef("list[")
        with pytest.raises(SyntaxError):
            eval("1 +")  # this module's own eval is the builtin: untouched
    with pytest.raises(SyntaxError) as plain:
        typing.ForwardRef("list[")
    assert str(caught.value) == str(plain.value)


def test_someone_else_s_stand_in_is_left_alone(cache, monkeypatch):
    theirs = lambda *args: None  # noqa: E731
    monkeypatch.setattr(collections, "eval", theirs, raising=False)
    with kept():
        assert collections.eval is theirs
    assert collections.eval is theirs


def test_only_a_file_this_user_s_runs_signed_is_read(cache):
    with kept():
        _make_classes()
    good = cache.read_bytes()
    cache.write_bytes(good[:40] + bytes([good[40] ^ 1]) + good[41:])  # one bit changed
    with kept() as table:
        assert table.entries == {}
    key = signing_key()
    write_signed(cache, key, good[32:], ".t-")  # the original payload, signed again
    with kept() as table:
        assert len(table.entries) > 3  # (so the cases below are refused for their content)
    _, code = marshal.loads(good[32:])
    for payload in (b"\x00garbage", marshal.dumps(("another python", code)),
                    marshal.dumps((generated_code._SALT, marshal.loads(code))),  # not bytes
                    marshal.dumps((generated_code._SALT, b"\x00garbage")),
                    marshal.dumps([1, 2, 3])):
        write_signed(cache, key, payload, ".t-")
        with kept() as table:
            assert table.entries == {}
            _make_classes()
        assert table.added  # compiled again, nothing taken from the file
    assert generated_code._read(cache, b"\x01" * 32) == {}  # another key


def test_each_salt_has_a_file_of_its_own(cache, monkeypatch):
    with kept():
        _make_classes()
    monkeypatch.setattr(generated_code, "_SALT", generated_code._SALT + "-O")
    with kept() as other:
        assert other.entries == {}  # not this build's file
        _make_classes()
    assert len(list(cache.parent.glob("generated-code-*.marshal"))) == 2


def test_a_block_that_raises_removes_the_stand_ins_and_writes_nothing(cache):
    with pytest.raises(RuntimeError):
        with kept():
            _make_classes()
            raise RuntimeError("an import failed")
    assert _stood_in() == [] and not cache.exists()


def test_a_nested_block_uses_the_enclosing_table(cache):
    with kept() as outer:
        with kept() as inner:
            assert inner is outer
        assert _stood_in() != []
    assert _stood_in() == []


def test_other_calls_go_to_the_builtins_unchanged(cache):
    with kept() as table:
        known = len(table.entries)
        assert typing.compile("x + 1", "<other>", "eval").co_filename == "<other>"
        assert typing.compile("x = 1", "<string>", "exec").co_filename == "<string>"
        assert collections.eval("  1 + 1", {}) == 2  # the builtin drops the indent too
        namespace = {}
        dataclasses.exec("a = 1", namespace)
        assert namespace["a"] == 1
        with pytest.raises(TypeError):  # as the builtin refuses it
            dataclasses.exec("a = 1", {}, closure=())
        assert len(table.entries) == known + 2  # only the module's own call forms


def test_nothing_is_stood_in_for_or_kept_with_the_cache_off(cache, monkeypatch):
    monkeypatch.setenv("GDPR_CHECK_CACHE_DIR", "off")
    with kept() as table:
        assert table is None and _stood_in() == []
        _make_classes()
    assert not cache.parent.exists()


def test_a_library_caller_s_process_is_left_as_it_was(cache):
    assert not LIBRARY.keep_generated_code and Tuning.for_cli().keep_generated_code
    report = gdpr_check.check(ROOT)
    assert report.findings and _stood_in() == [] and not cache.exists()
    with Tuning.for_cli()._replace(freeze=False).importing():
        assert _stood_in() != []
        _make_classes()
    assert _stood_in() == [] and cache.exists()


def test_the_cli_s_second_run_compiles_no_generated_code(tmp_path):
    """Processes as a user runs them: after the first (which also keeps the validators,
    so that the second reads them, on a path that makes a text or two of its own), none
    compiles the texts the imports generate, and all give the same output."""
    env = {**os.environ, "GDPR_CHECK_CACHE_DIR": str(tmp_path / "cache"),
           "XDG_STATE_HOME": str(tmp_path / "state")}
    probe = ("import sys\n"
             "from gdpr_check import generated_code as g\n"
             "real, texts = g.CodeTable.code, [0, 0]\n"
             "def code(self, source, mode):\n"
             "    known = len(self.entries)\n"
             "    out = real(self, source, mode)\n"
             "    texts[0] += 1\n"
             "    texts[1] += len(self.entries) > known\n"
             "    return out\n"
             "g.CodeTable.code = code\n"
             "from gdpr_check import cli\n"
             "code = cli.main(['check', sys.argv[1], '--format', 'json'])\n"
             "print(code, *texts, file=sys.stderr)\n")
    runs = [subprocess.run([sys.executable, "-c", probe, str(ROOT)],
                           env=env, capture_output=True, text=True, timeout=120)
            for _ in range(3)]
    assert runs[0].stdout == runs[1].stdout == runs[2].stdout
    assert runs[0].stdout.startswith("{")
    first, second, third = ([int(n) for n in r.stderr.split()[-3:]] for r in runs)
    assert first[0] == second[0] == third[0] == 1  # this repository has findings
    assert first[2] > 300  # texts compiled at first ...
    assert second[2] < 5 and third[1] > 300 and third[2] == 0  # ... and then none
    assert list((tmp_path / "cache").glob("generated-code-*.marshal"))


def test_what_changes_compiled_code_changes_the_salt():
    def salt(*options):
        return subprocess.run([sys.executable, *options, "-c",
                               "from gdpr_check.generated_code import _SALT; print(_SALT)"],
                              capture_output=True, text=True, check=True).stdout
    plain = salt()
    assert salt("-O") != plain and salt("-X", "no_debug_ranges") != plain
    assert salt() == plain
