"""Hostile rule packs (issue 8): escapes, hangs and memory bombs, each run through the whole
pipeline (`gdpr_check.check`) in a forked process limited to 1 GiB of address space and
30 s of wall time. Every one must end as an input error naming the pack file and line
(exit code 2 at the CLI), never an internal error, a hang or an exhausted machine."""
from __future__ import annotations

import os
import pickle
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .test_bad_input import RULE

BASE = Path(__file__).parent / "fixtures" / "base"
PACK = "pack/extra.yaml"
WALL_SECONDS = 30
MEMORY_BYTES = 1 << 30

HEAD = RULE  # a rule over the systems, its `that` to come on line 7
FAILS = "  that: item.id == 'no such system'\n"


def that(expression: str) -> str:
    return HEAD + f"  that: {_quoted(expression)}\n"


def message(template: str) -> str:
    return HEAD + FAILS + f"  fail_msg: {_quoted(template)}\n"


def schema(text: str) -> str:
    return HEAD + f"  schema: {text}\n"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


LOAD = ("pack/extra.yaml:7:3",)       # refused when the rule loads: `that` is on line 7
RUN = ("pack/extra.yaml:7:3", "rule X001", "system '")  # stopped while it runs, per item
MSG_LOAD = ("pack/extra.yaml:8:3",)   # `fail_msg` is on line 8
MSG_RUN = ("pack/extra.yaml:8:3", "rule X001", "system '")
BUDGET = "budget"
LARGE = "too large"

PAYLOADS = {
    # -- escapes: refused before anything runs ------------------------------------------
    "class-mro": (that("item.__class__.__mro__"), LOAD, "reaches for '__class__'"),
    "str-mro-call": (that("item.id.__class__.mro()"), LOAD, "reaches for '__class__'"),
    "helper-globals": (that("lookup.__globals__"), LOAD, "reaches for '__globals__'"),
    "format-walk": (that("'{0.__class__.__init__.__globals__}'.format(item)"), LOAD,
                    "reaches for '__class__'"),
    "attr-filter": (that("item | attr('__class__')"), LOAD, "reaches for '__class__'"),
    "attr-built-at-run-time": (that("item | attr('_' ~ '_class__')"), RUN, "cannot evaluate"),
    "item-built-at-run-time": (that("item['__cla' ~ 'ss__']"), RUN, "cannot evaluate"),
    "model-dict": (that("item.__dict__"), LOAD, "reaches for '__dict__'"),
    "model-validator": (that("item.__pydantic_validator__"), LOAD, "reaches for"),
    "map-attribute": (that("inventory.systems | map(attribute='__class__') | list"), LOAD,
                      "reaches for '__class__'"),
    "lipsum": (that("lipsum(1000000)"), LOAD, "unknown name 'lipsum'"),
    "cycler": (that("cycler(1, 2).next()"), LOAD, "unknown name 'cycler'"),
    "namespace": (that("namespace(a=1)"), LOAD, "unknown name 'namespace'"),
    "macro-recursion": (message("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}"), MSG_LOAD,
                        "{% macro %}"),
    "unknown-filter-in-message": (message("{{ item.id | nosuch }}"), MSG_LOAD,
                                  "no filter named 'nosuch'"),
    "unknown-test-in-message": (message("{% if item is nosuch %}x{% endif %}"), MSG_LOAD,
                                "no test named 'nosuch'"),
    "random-filter": (that("[1, 2] | random"), LOAD, "no filter named 'random'"),
    # -- compile-time size: refused before Jinja parses or compiles ----------------------
    "deep-brackets": (that("(" * 100 + "1" + ")" * 100), LOAD, "nests more than"),
    "deep-not": (that("not " * 500 + "true"), LOAD, "nests more than"),
    "long-chain": (that(" + ".join(["1"] * 20000)), LOAD, "characters long"),
    "filter-chain": (that("item.id" + " | string" * 300), LOAD, "nests more than"),
    "attribute-chain": (that("item" + ".id" * 500), LOAD, "nests more than"),
    "many-tokens": (that("[" + ",".join(["1"] * 1500) + "]"), LOAD, "2,000 tokens"),
    # -- hangs: stopped by the step budget -----------------------------------------------
    "select-in-range": (that("range(100000) | select('in', range(100000) | list) | list"),
                        RUN, BUDGET),
    "nested-loops": (message("{% for x in range(100000) %}{% for y in range(100000) %}"
                             "{% endfor %}{% endfor %}"), MSG_RUN, BUDGET),
    "quadratic-sum": (that("([[1]] * 100000) | sum(start=[])"), RUN, BUDGET),
    "huge-range": (that("range(10 ** 9) | list"), RUN, "range too big"),
    # -- memory: refused before building, or stopped by the size budget ------------------
    "zfill": (that("'x'.zfill(10 ** 10)"), RUN, LARGE),
    "ljust": (that("'x'.ljust(10 ** 9)"), RUN, LARGE),
    "center-method": (that("'x'.center(10 ** 9)"), RUN, LARGE),
    "expandtabs": (that("('\t' * 1000).expandtabs(10 ** 7)"), RUN, LARGE),
    "replace-empty": (that("('x' * 100000).replace('', 'yyyyyyyyyyyyyyyy')"), RUN, LARGE),
    "join": (that("('x' * 1000).join(range(100000) | map('string'))"), RUN, LARGE),
    "join-filter": (that("range(100000) | map('string') | join('x' * 1000)"), RUN, LARGE),
    "repeat": (that("'x' * 10 ** 9"), RUN, LARGE),
    "power": (that("9 ** 999999"), RUN, LARGE),
    "product-doubling": (HEAD + "  vars:\n    a: 2 ** 2000\n    b: a * a\n    c: b * b\n"
                         "    d: c * c\n    e: d * d\n  that: e\n", ("pack/extra.yaml:12:5", "rule X001"),
                         LARGE),
    "format-repeat": (that("'{0}{0}{0}{0}{0}'.format('x' * 999999)"), RUN, LARGE),
    "format-width": (that("'%*s' % (10 ** 9, 'x')"), RUN, LARGE),
    "concat": (that("('x' * 999999) ~ ('y' * 999999)"), RUN, LARGE),
    "plus-doubling": (HEAD + "  vars:\n    a: \"'x' * 500001\"\n    b: a + a\n  that: b\n",
                      ("pack/extra.yaml:9:5", "rule X001", "system '"), LARGE),
    "indent-lines": (that("('a\\n' * 400000) | indent(1000)"), RUN, LARGE),
    "tojson-indent": (that("{'a': [1, 2]} | tojson(indent=10 ** 8)"), RUN, "indentation"),
    "many-bounded-values": (that("range(100000) | map('string') | map('center', 100000) | list"),
                            RUN, BUDGET),
    "message-output": (message("{% for x in range(100000) %}{{ 'x' * 100000 }}{% endfor %}"),
                       MSG_RUN, LARGE),
    # -- schema: regular-expression bombs and recursion, refused when the rule loads ----
    "schema-backreference": (schema("{properties: {id: {pattern: '^(a+)+\\1$'}}}"),
                             ("pack/extra.yaml:7:3",), "not allowed"),
    "schema-lookahead": (schema("{properties: {id: {pattern: '^(?=a)(a|aa)+$'}}}"),
                         ("pack/extra.yaml:7:3",), "not allowed"),
    "schema-recursive-ref": (schema("{$ref: '#'}"), ("pack/extra.yaml:7:3",), "leads back"),
    "schema-ref-loop": (schema("{$defs: {a: {$ref: '#/$defs/b'}, b: {$ref: '#/$defs/a'}}, "
                               "$ref: '#/$defs/a'}"), ("pack/extra.yaml:7:3",), "leads back"),
    "schema-additional-with-patterns": (
        schema("{patternProperties: {'^(a|a)+$': {}}, additionalProperties: false}"),
        ("pack/extra.yaml:7:3",), "cannot be used with patterns"),
}


def make_project(tmp_path: Path, pack: str) -> Path:
    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    (root / "pack").mkdir()
    (root / PACK).write_text(pack, encoding="utf-8")
    return root


def run_limited(function, *args):
    """`function(*args)` in a forked child allowed MEMORY_BYTES more address space;
    (outcome, seconds). The child is killed after WALL_SECONDS."""
    read, write = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            os.close(read)
            # what the payload may add to the (forked) test process: 1 GiB
            limit = _address_space() + MEMORY_BYTES
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            try:
                outcome = function(*args)
            except MemoryError:
                outcome = ("memory", "MemoryError")
            except BaseException as exc:  # noqa: BLE001
                outcome = ("internal", f"{type(exc).__name__}: {exc}"[:2000])
            os.write(write, pickle.dumps(outcome))
        except BaseException:  # noqa: BLE001
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - started > WALL_SECONDS:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read)
            return ("timeout", None), time.monotonic() - started
        time.sleep(0.02)
    with os.fdopen(read, "rb") as handle:
        data = handle.read()
    elapsed = time.monotonic() - started
    return (pickle.loads(data) if data else ("crashed", status)), elapsed


def check_project(root: Path):
    from gdpr_check import check
    from gdpr_check.errors import InputError
    try:
        report = check(root, rules=[root / "pack"], select=["X001"])
    except InputError as exc:
        return ("input-error", str(exc))
    return ("ok", len(report.findings))


def _address_space() -> int:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def test_there_are_enough_payloads():
    assert len(PAYLOADS) >= 25


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork, rlimits, /proc")
@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_payload_is_refused_or_stopped(tmp_path, name):
    pack, where, fragment = PAYLOADS[name]
    root = make_project(tmp_path, pack)
    (kind, text), elapsed = run_limited(check_project, root)
    assert kind == "input-error", f"{name}: {kind}: {text}"
    assert elapsed < WALL_SECONDS
    first = text.splitlines()[0]
    assert first.startswith(where[0] + ":") or first.startswith(where[0] + " "), first
    for part in (*where[1:], fragment):
        assert part.lower() in first.lower(), f"{part!r} not in: {first}"
    assert len(first) < 1_200, "error lines are capped"


def test_a_backtracking_pattern_runs_in_linear_time(tmp_path):
    """`^(a+)+$` hangs Python's `re` on 30 characters; RE2 matches 100,000 at once."""
    pack = schema("{properties: {name: {pattern: '^(a+)+$'}}}")
    root = make_project(tmp_path, pack)
    inventory = root / "inventory" / "inventory.yaml"
    text = inventory.read_text(encoding="utf-8")
    inventory.write_text(text.replace("name: Customer database", "name: " + "a" * 100_000 + "b", 1),
                         encoding="utf-8")
    assert "a" * 100_000 in inventory.read_text(encoding="utf-8")
    (kind, found), elapsed = run_limited(check_project, root)
    assert (kind, elapsed < 10) == ("ok", True), (kind, found)
    assert found >= 1  # every system's name fails the pattern: findings, not a hang


@pytest.mark.parametrize("name", ["zfill", "select-in-range", "deep-brackets"])
def test_the_cli_exits_2_with_one_line(tmp_path, name):
    pack, where, fragment = PAYLOADS[name]
    root = make_project(tmp_path, pack)
    result = subprocess.run([sys.executable, "-m", "gdpr_check", "check", str(root),
                             "--rules", str(root / "pack"), "--select", "X001"],
                            capture_output=True, text=True, timeout=WALL_SECONDS)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert where[0] in result.stderr and fragment.lower() in result.stderr.lower()
