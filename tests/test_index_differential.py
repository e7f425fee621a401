"""Indexes against the naive walk they replace: each index built once must select exactly
the items, in the same order, that the rules' former per-item `when` expressions selected
when evaluated through the sandbox for every flow.

The projects: the sample companies, the rule fixtures' base, and the benchmark's project
(small), whose flows cross every kind of boundary.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from gdpr_check.expr import Helpers, Index, scope_for
from gdpr_check.expr.sandbox import Expression, Scope
from gdpr_check.load import load_project
from gdpr_check.refdata import reference

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"

# The `when` of AC007 and AC010 before `boundary_flows()` (loop: inventory.flows).
BOUNDARY_WHEN = (
    "item.data_subjects or item.data_categories",
    "lookup('system', item['from']) or lookup('processor', item['from'])",
    "not (lookup('system', item.to) or lookup('processor', item.to))"
    " or receiver(item['from']) != receiver(item.to)",
)
# The `when` of RI014, RI015 and RI016 before `disclosures(right)` (loop: disclosures()).
RIGHT_WHEN = (
    "not not_applicable(item['from'], right)",
    "right in rights_due(item)",
)


def _generated(folder: Path) -> Path:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    return generate(folder, 0.02, flows=3000)


@pytest.fixture(scope="module", params=["3dtech", "clinic", "saas", "club", "base",
                                        "generated"])
def project(request, tmp_path_factory):
    roots = {"3dtech": REPO, "generated": None}
    root = roots.get(request.param, FIXTURES / request.param)
    if root is None:
        root = _generated(tmp_path_factory.mktemp("generated"))
    return load_project(root)


def _scope(project, helpers=None):
    helpers = helpers or Helpers(Index(project.policy, project.inventory), reference())
    return Scope(scope_for(helpers, project.policy, project.inventory, reference()))


def _naive(scope, items, conditions, **names) -> list:
    compiled = [Expression(c, None, tuple(names)) for c in conditions]
    found = []
    for item in items:
        scope.update(item=item, **names)
        if all(expression(scope) for expression in compiled):
            found.append(item)
    return found


def test_boundary_flows_are_the_flows_the_naive_walk_selects(project):
    scope = _scope(project)
    naive = _naive(scope, project.inventory.flows, BOUNDARY_WHEN)
    indexed = scope["boundary_flows"]()
    assert [f.id for f in indexed] == [f.id for f in naive]
    if project.inventory.flows and len(project.inventory.flows) > 1000:
        assert 0 < len(indexed) < len(project.inventory.flows)  # the case is not trivial


@pytest.mark.parametrize("right", ["erasure", "rectification", "objection"])
def test_disclosures_of_a_right_are_the_naive_walk_of_disclosures(project, right):
    scope = _scope(project)
    everything = scope["disclosures"]()
    naive = _naive(scope, everything, RIGHT_WHEN, right=right)
    # a fresh run, so that the index is not built from the naive walk's caches
    indexed = _scope(project)["disclosures"](right)
    assert [f.id for f in indexed] == [f.id for f in naive]


def test_parties_agree_with_receiver_for_every_id(project):
    index = Index(project.policy, project.inventory)
    processors = {p.id: p for p in project.inventory.processors}
    for system in project.inventory.systems:
        hosting = system.hosting
        expected = processors.get(hosting.provider) if hosting is not None else None
        assert index.receiver_of(system.id) is expected
    for processor in project.inventory.processors:
        assert index.receiver_of(processor.id) is processor
    assert index.receiver_of("data_subject") is None


def test_an_unknown_right_is_an_error(project):
    with pytest.raises(ValueError, match="unknown right 'erasur'"):
        _scope(project)["disclosures"]("erasur")


def _naive_disclosures(project) -> list:
    """Disclosures as first written: each flow's ends looked up, and the source's store
    walked (its host, the host's sub-processors) for every flow."""
    systems = {s.id: s for s in project.inventory.systems}
    processors = {p.id: p for p in project.inventory.processors}

    def subs(host):
        seen, stack = set(), [host]
        while stack:
            current = processors.get(stack.pop())
            for sub in current.sub_processors if current is not None else ():
                if sub not in seen and sub != host:
                    seen.add(sub)
                    stack.append(sub)
        return seen

    found = []
    for flow in project.inventory.flows:
        if not (flow.data_subjects or flow.data_categories):
            continue
        if flow.from_ not in systems and flow.from_ not in processors:
            continue
        target = systems.get(flow.to)
        hosted = target is not None and target.hosting is not None \
            and target.hosting.provider in processors
        if not (flow.to in processors or hosted):
            continue
        source = systems.get(flow.from_)
        if source is not None and source.hosting is not None \
                and source.hosting.provider != "self":
            host = source.hosting.provider
            if flow.to == host or flow.to in subs(host):
                continue  # the same store
        found.append(flow)
    return found


def test_disclosures_are_the_naive_walk(project):
    assert [f.id for f in _scope(project)["disclosures"]()] == \
        [f.id for f in _naive_disclosures(project)]
