"""The data-flow map: graph.build_graph, failing flows, Mermaid/DOT and `gdpr-check graph`."""
from __future__ import annotations

import re

from gdpr_check import validate
from gdpr_check.cli import main
from gdpr_check.graph import build_graph, failing, to_dot, to_mermaid
from gdpr_check.refdata import reference

from ..rules.harness import write_project
from .conftest import RULES


def test_nodes_and_edges_of_the_base_project(project):
    graph = build_graph(validate(project), reference())
    nodes = {n["key"]: n for n in graph["nodes"]}
    assert set(nodes) == {"system:crm", "system:newsletter_list", "processor:cloudhost",
                          "processor:mailer", "source:data_subject"}
    assert nodes["processor:mailer"]["outside_eea"] == ["US"]
    assert nodes["processor:cloudhost"]["outside_eea"] == []
    assert nodes["system:crm"]["countries"] == ["FI"]
    edges = {e["key"]: e for e in graph["edges"]}
    assert {k for k, e in edges.items() if e["kind"] == "flow"} == {
        "flow:signup", "flow:orders", "flow:crm_backup", "flow:list_to_mailer"}
    backup = edges["flow:crm_backup"]
    assert (backup["source"], backup["target"], backup["encrypted"]) == \
        ("system:crm", "processor:cloudhost", False)
    assert edges["flow:list_to_mailer"]["outside_eea"] == ["US"]
    assert edges["hosting:crm->cloudhost"]["kind"] == "hosting"


def test_data_subject_and_sub_processors(tmp_path):
    project = write_project(tmp_path, {
        "policy": {"sources": [{"id": "registry", "name": "Trade register", "kind": "public"}]},
        "inventory": {
            "processors": [{"id": "mailer", "sub_processors": ["cloudhost"]}],
            "flows": [{"id": "enrich", "from": "registry", "to": "crm",
                       "data_subjects": ["customer_contacts"],
                       "data_categories": ["contact_details"],
                       "purpose": "customer_relationship", "encrypted": True},
                      {"id": "invoice", "from": "crm", "to": "data_subject",
                       "data_subjects": ["customer_contacts"],
                       "data_categories": ["order_history"],
                       "purpose": "customer_relationship", "encrypted": False}]}})
    graph = build_graph(validate(project), reference())
    keys = {n["key"] for n in graph["nodes"]}
    assert "source:registry" in keys
    edges = {e["key"]: e for e in graph["edges"]}
    assert edges["sub_processor:mailer->cloudhost"]["target"] == "processor:cloudhost"
    assert edges["flow:enrich"]["source"] == "source:registry"
    # `data_subject` is declared as a source by the base notice, so the source node is used
    assert edges["flow:invoice"]["target"] == "source:data_subject"


def test_failing_flows(report):
    flows, nodes = failing(report.data_flow_graph(), report.findings)
    # only a flow's own findings mark it; its ends' findings mark the nodes
    assert flows == {"flow:crm_backup": ["XR100"]}
    assert nodes == {"system:newsletter_list": ["XR200"], "processor:mailer": ["XR600"]}


def test_unrecorded_facts_do_not_mark_a_flow_failing(report):
    graph = report.data_flow_graph()
    [finding] = [f for f in report.findings if f.subject_id == "crm_backup"]
    flows, _ = failing(graph, [finding._replace(kind="unrecorded")])
    assert flows == {}
    flows, _ = failing(graph, [finding])
    assert flows == {"flow:crm_backup": ["XR100"]}


def test_mermaid_marks_failing_flows(report):
    text = to_mermaid(report.data_flow_graph(), report.findings)
    assert text.startswith("flowchart LR\n")
    thick = re.findall(r"^  (n\d+) ==>\|\"([^\"]+)\"\| (n\d+)$", text, re.M)
    assert sorted(label.split(" ✗")[0] for _, label, _ in thick) == ["crm_backup, unencrypted"]
    assert len(re.findall(r"^  linkStyle \d+ stroke:#c62828", text, re.M)) == 1
    assert re.search(r"^  class (n\d+,n\d+) failing$", text, re.M)
    assert "Mailer Inc. (mailer) [US]" in text


def test_mermaid_labels_are_escaped():
    graph = {"nodes": [{"key": "system:a", "id": "a", "kind": "system",
                        "name": 'Say "hi" | <b>#1</b>', "countries": [], "outside_eea": []}],
             "edges": []}
    line = to_mermaid(graph).splitlines()[1]
    assert line == '  n0["Say #quot;hi#quot; #124; #lt;b#gt;#35;1#lt;/b#gt; (a)"]:::system'


def test_dot(report):
    text = to_dot(report.data_flow_graph(), report.findings)
    assert text.startswith("digraph gdpr_data_flows {") and text.rstrip().endswith("}")
    line = next(x for x in text.splitlines() if "crm_backup" in x)
    assert '"system:crm" -> "processor:cloudhost"' in line and 'color="#c62828"' in line
    assert to_dot({"nodes": [{"key": 'system:a"b', "id": 'a"b', "kind": "system",
                              "name": "back\\slash", "countries": [], "outside_eea": []}],
                   "edges": []}).count('"system:a\\"b" [label="back\\\\slash (a\\"b)"') == 1


def test_cli_graph(project, tmp_path, capsys):
    assert main(["graph", str(project), "--rules", str(RULES)]) == 0
    assert capsys.readouterr().out.startswith("flowchart LR")
    out = tmp_path / "map.dot"
    assert main(["graph", str(project), "--format", "dot", "--output", str(out),
                 "--rules", str(RULES)]) == 0
    assert out.read_text().startswith("digraph")
    assert "penwidth=2.5" in out.read_text()          # the XR rules found failing flows


def test_cli_graph_on_bad_input_exits_2(tmp_path, capsys):
    assert main(["graph", str(tmp_path)]) == 2
    assert "no policy/ or inventory/" in capsys.readouterr().err


def test_the_graph_is_built_only_when_drawn(project, tmp_path, monkeypatch):
    """Building it costs about a second on 100,000 flows: text, JSON and SARIF skip it.
    The report is plain data: the map is built by the run that asks for it, not by a
    renderer reaching back into the model."""
    from gdpr_check import api

    from .conftest import RULES, run
    assert run(project).graph is None
    report = run(project, graph=True)
    assert report.graph["nodes"] and report.data_flow_graph() is report.graph
    built = []
    monkeypatch.setattr(api, "build_graph", lambda *a: built.append(1) or {"nodes": []})
    argv = ["check", str(project), "--rules", str(RULES), "--select", "report-test",
            "--fail-on", "never"]
    for fmt in ("text", "json", "sarif", "junit", "markdown"):
        assert main([*argv, "--format", fmt, "--output", str(tmp_path / fmt)]) == 0
    assert built == []
    assert main([*argv, "--format", "html", "--output", str(tmp_path / "r.html")]) == 0
    assert built == [1]


def test_long_rule_lists_are_shortened_in_labels():
    from gdpr_check.graph import _edge_label
    edge = {"kind": "flow", "id": "f", "encrypted": True}
    assert _edge_label(edge, ["A1", "B2", "C3", "D4", "E5"]) == "f ✗ A1 B2 C3 +2"
    assert _edge_label(edge, ["A1"]) == "f ✗ A1"
