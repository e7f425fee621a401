"""A large project's files parsed in two processes (load/parallel.py, issue 10): the same
trees, positions and errors as one process, whatever the child does."""
from __future__ import annotations

import marshal
import os

import pytest

from gdpr_check import runtime
from gdpr_check.errors import InputError
from gdpr_check.load import load_project, parallel, parser
from gdpr_check.load.parallel import ForkingParser
from gdpr_check.load.parser import Budget, FastParser, PyYamlParser
from gdpr_check.runtime import Tuning
from tests.fuzz.compare import difference
from tests.test_flow_loader import STYLES, generated, positions

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="this machine cannot fork")


@pytest.fixture
def small_is_large(monkeypatch):
    """Every file of a generated project counts as large, and so does their text."""
    monkeypatch.setattr(FastParser, "min_chars", 0)
    monkeypatch.setattr(parallel, "MIN_FORKED_CHARS", 0)


@pytest.fixture
def built_from_plans(monkeypatch):
    """The paths of the files whose trees the parent built from a child's plan."""
    built = []
    real = parallel.fast_tree_of

    def spy(text, path, plan):
        built.append(path)
        return real(text, path, plan)
    monkeypatch.setattr(parallel, "fast_tree_of", spy)
    return built


def texts_of(root):
    return [(p.read_text(encoding="utf-8"), p.name)
            for p in sorted((root / "inventory").glob("*.yaml"))]


def parse_all(parser_, texts):
    with parser_.prepared(texts):
        return [parser_.parse_text(text, path) for text, path in texts]


@pytest.mark.parametrize("style", STYLES)
def test_the_trees_are_those_of_one_process(tmp_path, small_is_large, built_from_plans, style):
    texts = texts_of(generated(tmp_path / style, style))
    forked = parse_all(ForkingParser(PyYamlParser(Budget())), texts)
    alone = [FastParser(PyYamlParser(Budget())).parse_text(t, p) for t, p in texts]
    for (_, path), a, b in zip(texts, forked, alone):
        assert difference(a, b) is None, (path, difference(a, b))
    assert built_from_plans, "the child planned no file"
    assert set(built_from_plans) < {path for _, path in texts}  # the parent parsed some


@pytest.mark.parametrize("style", STYLES)
def test_the_models_and_positions_are_those_of_one_process(tmp_path, small_is_large,
                                                           built_from_plans, style):
    root = generated(tmp_path / style, style)
    forked = load_project(root, parser=ForkingParser())
    alone = load_project(root, parser=FastParser(PyYamlParser(Budget())))
    assert built_from_plans
    for side in ("policy", "inventory"):
        assert getattr(forked, side) == getattr(alone, side)
        assert positions(getattr(forked, side)) == positions(getattr(alone, side))


def test_an_error_in_a_file_the_child_took_is_the_one_process_error(tmp_path, small_is_large,
                                                                    built_from_plans):
    root = generated(tmp_path / "flow", "flow")
    last = sorted((root / "inventory").glob("*.yaml"))[-1]  # the child takes the last files
    lines = last.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace("{id:", "{id: x, id:", 1)  # a duplicate key
    last.write_text("".join(lines), encoding="utf-8")

    def errors(parser_):
        with pytest.raises(InputError) as raised:
            load_project(root, parser=parser_)
        return [str(e) for e in getattr(raised.value, "errors", [raised.value])]
    forked = errors(ForkingParser())
    assert forked == errors(FastParser(PyYamlParser(Budget())))
    assert any("duplicate key" in line and last.name in line for line in forked), forked
    assert built_from_plans  # the child planned the files around it


@pytest.mark.parametrize("answer", ["dies", "garbage", "too few"])
def test_a_child_that_fails_leaves_the_parent_to_parse(tmp_path, small_is_large,
                                                       built_from_plans, monkeypatch, answer):
    def child(write, texts):
        if answer == "garbage":
            parallel.write_all(write, b"\x00not marshal")
        elif answer == "too few":
            parallel.write_all(write, marshal.dumps([None]))
        os._exit(1 if answer == "dies" else 0)
    monkeypatch.setattr(parallel, "_plan_and_exit", child)
    texts = texts_of(generated(tmp_path / "block", "block"))
    forked = parse_all(ForkingParser(PyYamlParser(Budget())), texts)
    alone = [FastParser(PyYamlParser(Budget())).parse_text(t, p) for t, p in texts]
    assert all(difference(a, b) is None for a, b in zip(forked, alone))
    assert not built_from_plans  # no plan was taken from it


def test_a_file_the_child_could_not_plan_is_parsed_by_the_parent(tmp_path, small_is_large,
                                                                 built_from_plans,
                                                                 monkeypatch):
    real = parser.fast_plan
    monkeypatch.setattr(parallel, "fast_plan",
                        lambda text, path: (_ for _ in ()).throw(MemoryError)
                        if path.startswith("systems") else real(text, path))
    texts = texts_of(generated(tmp_path / "block", "block"))
    forked = parse_all(ForkingParser(PyYamlParser(Budget())), texts)
    alone = [FastParser(PyYamlParser(Budget())).parse_text(t, p) for t, p in texts]
    assert all(difference(a, b) is None for a, b in zip(forked, alone))
    assert built_from_plans and not any(p.startswith("systems") for p in built_from_plans)


def test_the_child_never_outlives_the_block(tmp_path, small_is_large):
    texts = texts_of(generated(tmp_path / "block", "block"))
    forking = ForkingParser(PyYamlParser(Budget()))
    with pytest.raises(RuntimeError):
        with forking.prepared(texts):
            pid = forking._child.pid
            raise RuntimeError("the load stopped before reading the child's answer")
    with pytest.raises(ChildProcessError):  # killed and reaped: no such child any more
        os.waitpid(pid, os.WNOHANG)
    assert forking._child is None


def test_small_projects_do_not_fork(tmp_path, monkeypatch):
    monkeypatch.setattr(FastParser, "min_chars", 0)
    texts = texts_of(generated(tmp_path / "block", "block"))  # ~0.2 MB: under the minimum
    forking = ForkingParser()
    with forking.prepared(texts):
        assert forking._child is None


def test_the_child_takes_the_last_large_files_it_plans_while_the_parent_parses_the_rest(
        monkeypatch):
    monkeypatch.setattr(parallel, "MIN_FORKED_CHARS", 1000)
    monkeypatch.setattr(parallel, "CHILD_COST", 0.8)
    monkeypatch.setattr(parallel, "CHILD_COST_JSON", 1.25)
    assert parallel._taken_by_child(["x" * 99] * 20, 100) == []  # no file is large
    assert parallel._taken_by_child(["x" * 100] * 9, 100) == []  # too little text to fork
    # 20 files: the child's 11 cost it 880, the parent's 9 cost 900
    assert parallel._taken_by_child(["x" * 100] * 20, 100) == list(range(9, 20))
    # JSON costs the child more: it takes 9 (1,125), the parent keeps 11 (1,100)
    assert parallel._taken_by_child([" {" + "x" * 98] * 20, 100) == list(range(11, 20))
    # the small files stay the parent's, the large ones taken while half of one fits
    assert parallel._taken_by_child(["x" * n for n in (10, 500, 10, 300, 300)], 100) == [3, 4]
    assert parallel._taken_by_child(["x" * n for n in (600, 100, 100, 500)], 100) == [1, 2, 3]


def test_plans_are_plain_data_that_build_the_same_tree():
    for text in ("a: 1\nb:\n- x: 1\n  y: [p, q]\n- z\n",  # blocks
                 '{"a": [\n  {"x": 1, "y": [1, 2]},\n  {"x": 2}\n], "b": {}}\n',  # lines in flow
                 "a:\n- {x: 1, y: [p, q]}\n- {x: 2}\n",  # lines
                 '{"a": [{"x": 1}], "b": null}\n',  # flow
                 "a:\n    - x: 1\n"):  # scan (not as PyYAML writes it)
        plan = parser.fast_plan(text, "f.yaml")
        assert plan is not None
        for sent in (plan, parser.located_plan(text, "f.yaml", plan)):
            again = marshal.loads(marshal.dumps(sent))
            assert again == sent
            tree = parser.fast_tree_of(text, "f.yaml", again)
            assert difference(tree, PyYamlParser().parse_text(text, "f.yaml")) is None
    assert [parser.located_plan(t, "f", parser.fast_plan(t, "f"))[0]
            for t in ('{"a": [{"x": 1}], "b": null}\n', "a:\n    - x: 1\n")] == \
        ["placed", "scan"]


def test_the_speed_policy_chooses_the_parser():
    assert type(Tuning.for_cli(environ={}).parser()) is ForkingParser
    assert type(Tuning.for_cli(environ={"GDPR_CHECK_JOBS": "1"}).parser()) is FastParser
    assert type(runtime.LIBRARY.parser()) is FastParser
    assert type(Tuning(fast_parser=False, fork=True).parser()) is PyYamlParser
    first, second = Tuning.for_cli(environ={}).parser(), Tuning.for_cli(environ={}).parser()
    assert first.budget is not second.budget  # a budget of its own for each load


def test_a_system_that_starts_no_child_leaves_the_parent_to_parse(tmp_path, small_is_large,
                                                                  built_from_plans,
                                                                  monkeypatch):
    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")
    monkeypatch.setattr(os, "fork", no_fork)
    texts = texts_of(generated(tmp_path / "block", "block"))
    forking = ForkingParser(PyYamlParser(Budget()))
    forked = parse_all(forking, texts)
    alone = [FastParser(PyYamlParser(Budget())).parse_text(t, p) for t, p in texts]
    assert all(difference(a, b) is None for a, b in zip(forked, alone))
    assert not built_from_plans and forking.used


def test_a_process_that_ignores_sigchld_still_parses(tmp_path, small_is_large,
                                                     built_from_plans):
    """SIGCHLD ignored (inherited from a supervisor): the system reaps the child itself,
    and waiting for it finds none. The answer is used if whole; no traceback."""
    import signal
    texts = texts_of(generated(tmp_path / "block", "block"))
    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        forked = parse_all(ForkingParser(PyYamlParser(Budget())), texts)
        forking = ForkingParser(PyYamlParser(Budget()))
        with pytest.raises(RuntimeError):  # and ended early: nothing left to kill or wait
            with forking.prepared(texts):
                raise RuntimeError("stopped before the answer")
    finally:
        signal.signal(signal.SIGCHLD, previous)
    alone = [FastParser(PyYamlParser(Budget())).parse_text(t, p) for t, p in texts]
    assert all(difference(a, b) is None for a, b in zip(forked, alone))
    assert built_from_plans


def test_no_fork_without_yaml_rs(tmp_path, small_is_large, monkeypatch):
    """Without the `fast` extra no file has a plan: the parser does not fork for none."""
    monkeypatch.setattr(parallel, "_load_yaml_rs", lambda: False)
    texts = texts_of(generated(tmp_path / "block", "block"))
    forking = ForkingParser()
    with forking.prepared(texts):
        assert forking._child is None


def test_a_plan_marshal_cannot_write_leaves_that_file_to_the_parent(tmp_path, small_is_large,
                                                                    built_from_plans,
                                                                    monkeypatch):
    real = parallel.located_plan

    def located(text, path, plan):
        plan = real(text, path, plan)
        return ("blocks", {"x": object()}, []) if path.startswith("systems") else plan
    monkeypatch.setattr(parallel, "located_plan", located)
    texts = texts_of(generated(tmp_path / "block", "block"))
    forked = parse_all(ForkingParser(PyYamlParser(Budget())), texts)
    alone = [FastParser(PyYamlParser(Budget())).parse_text(t, p) for t, p in texts]
    assert all(difference(a, b) is None for a, b in zip(forked, alone))
    assert built_from_plans and not any(p.startswith("systems") for p in built_from_plans)
