"""The data-flow map (SPEC §8 `graph`): where personal data comes from and goes to.

`build_graph(project, reference)` turns a loaded project into plain data that any report
can draw without knowing the models:

    {"nodes": [{key, id, kind, name, countries, outside_eea}],
     "edges": [{key, id, kind, from, to, source, target, encrypted, outside_eea, ...}]}

Node kinds: `data_subject` (the people themselves), `source` (a policy source used as a
flow end), `system`, `processor`. Edge kinds: `flow` (inventory flows), and two links that
show where data rests without being a flow: `hosting` (system -> its hosting processor)
and `sub_processor` (processor -> sub-processor). A node's `key` is `kind:id`, unique even
when a system and a processor share an id; edges refer to nodes by key (`source`,
`target`) and keep the ids written in the YAML (`from`, `to`).

`failing(graph, findings)` says which flows and nodes have findings: a flow is failing when
a finding's subject is the flow itself; a system or processor with findings is marked as a
node (counting its findings on its flows too would paint nearly every flow red). `to_mermaid` and `to_dot` draw
the map for `gdpr-check graph`. Nothing here imports the loader or the models.
"""
from __future__ import annotations

NODE_KINDS = ("data_subject", "source", "system", "processor")
_SUBJECT_KINDS = {"system", "processor", "source"}   # finding subjects that are map nodes


def build_graph(project, reference=None) -> dict:
    """Nodes and edges of `project` (a `load.Project`); `reference` tells EEA countries."""
    in_eea = reference.in_eea if reference is not None else (lambda _country: True)
    inventory, policy = project.inventory, project.policy
    nodes: list[dict] = []
    by_id: dict[str, str] = {}     # YAML id -> node key, first kind wins (as load/refs.py)

    def add(kind, ident, name, countries=()):
        countries = sorted(set(countries))
        outside = [c for c in countries if not in_eea(c)]
        node = {"key": f"{kind}:{ident}", "id": ident, "kind": kind, "name": name or ident,
                "countries": countries, "outside_eea": outside}
        nodes.append(node)
        by_id.setdefault(ident, node["key"])
        return node

    for system in inventory.systems:
        hosting = system.hosting
        add("system", system.id, system.name, hosting.countries if hosting else ())
    for processor in inventory.processors:
        add("processor", processor.id, processor.name, processor.countries)
    flow_ends = {f.from_ for f in inventory.flows} | {f.to for f in inventory.flows}
    for source in policy.sources:
        if source.id in flow_ends and source.id not in by_id:
            add("source", source.id, source.name)
    if "data_subject" in flow_ends and "data_subject" not in by_id:
        add("data_subject", "data_subject", "Data subjects")

    countries = {n["key"]: n for n in nodes}
    edges: list[dict] = []
    for flow in inventory.flows:
        source, target = by_id.get(flow.from_), by_id.get(flow.to)
        if source is None or target is None:   # the loader refuses these; stay total anyway
            continue
        edges.append({
            "key": f"flow:{flow.id}", "id": flow.id, "kind": "flow",
            "from": flow.from_, "to": flow.to, "source": source, "target": target,
            "name": flow.description or flow.id, "purpose": flow.purpose,
            "data_categories": list(flow.data_categories),
            "encrypted": flow.encrypted,
            "outside_eea": list(countries[target]["outside_eea"]),
        })
    for system in inventory.systems:
        provider = system.hosting.provider if system.hosting else "self"
        target = f"processor:{provider}"
        if provider != "self" and target in countries:
            edges.append(_link("hosting", f"system:{system.id}", target, system.id, provider,
                               countries))
    for processor in inventory.processors:
        for sub in processor.sub_processors:
            target = f"processor:{sub}"
            if target in countries:
                edges.append(_link("sub_processor", f"processor:{processor.id}", target,
                                   processor.id, sub, countries))
    return {"nodes": nodes, "edges": edges}


def _link(kind, source, target, from_id, to_id, countries) -> dict:
    return {"key": f"{kind}:{from_id}->{to_id}", "id": f"{from_id}->{to_id}", "kind": kind,
            "from": from_id, "to": to_id, "source": source, "target": target,
            "name": "hosted by" if kind == "hosting" else "sub-processor",
            "purpose": None, "data_categories": [], "encrypted": None,
            "outside_eea": list(countries[target]["outside_eea"])}


def failing(graph: dict, findings) -> tuple[dict, dict]:
    """(flows, nodes) with findings: edge key -> sorted rule ids, node key -> rule ids.

    Waived findings do not count, nor do unrecorded facts: a flow whose record leaves a
    fact open is a to-do, not a failing flow. A flow fails on its own findings only;
    hosting and sub-processor links are never marked (they are not flows).
    """
    node_rules: dict[str, set] = {}
    flow_rules: dict[str, set] = {}
    for finding in findings:
        if finding.waived is not None or finding.kind == "unrecorded":
            continue
        if finding.subject_kind == "flow":
            flow_rules.setdefault(f"flow:{finding.subject_id}", set()).add(finding.rule)
        elif finding.subject_kind in _SUBJECT_KINDS:
            node_rules.setdefault(f"{finding.subject_kind}:{finding.subject_id}",
                                  set()).add(finding.rule)
    keys = {n["key"] for n in graph["nodes"]}
    nodes = {k: sorted(v) for k, v in node_rules.items() if k in keys}
    flows = {}
    for edge in graph["edges"]:
        if edge["kind"] != "flow":
            continue
        rules = flow_rules.get(edge["key"])
        if rules:
            flows[edge["key"]] = sorted(rules)
    return flows, nodes


def _node_label(node: dict) -> str:
    label = node["name"] if node["name"] == node["id"] else f"{node['name']} ({node['id']})"
    if node["outside_eea"]:
        label += f" [{', '.join(node['outside_eea'])}]"
    return label


def _edge_label(edge: dict, rules) -> str:
    label = edge["id"] if edge["kind"] == "flow" else edge["name"]
    if edge["kind"] == "flow" and edge["encrypted"] is False:
        label += ", unencrypted"
    if rules:
        shown = " ".join(rules[:3]) + (f" +{len(rules) - 3}" if len(rules) > 3 else "")
        label += f" ✗ {shown}"
    return label


def to_mermaid(graph: dict, findings=()) -> str:
    """A Mermaid `flowchart LR`; failing flows red and thick, failing nodes red-bordered."""
    flows, bad_nodes = failing(graph, findings)
    names = {n["key"]: f"n{i}" for i, n in enumerate(graph["nodes"])}
    shapes = {"data_subject": ('(["', '"])'), "source": ('[/"', '"/]'),
              "system": ('["', '"]'), "processor": ('[("', '")]')}
    lines = ["flowchart LR"]
    for node in graph["nodes"]:
        left, right = shapes[node["kind"]]
        lines.append(f"  {names[node['key']]}{left}{_mermaid_text(_node_label(node))}{right}"
                     f":::{node['kind']}")
    styles = []
    for index, edge in enumerate(graph["edges"]):
        rules = flows.get(edge["key"])
        arrow = "-->" if edge["kind"] == "flow" else "-.->"
        if rules:
            arrow = "==>"
            styles.append(f"  linkStyle {index} stroke:#c62828,stroke-width:3px")
        label = _mermaid_text(_edge_label(edge, rules))
        lines.append(f"  {names[edge['source']]} {arrow}|\"{label}\"| {names[edge['target']]}")
    lines.extend(styles)
    marked = [names[n["key"]] for n in graph["nodes"] if n["key"] in bad_nodes]
    if marked:
        lines.append(f"  class {','.join(marked)} failing")
    lines += ["  classDef data_subject fill:#e3f2fd,stroke:#1565c0",
              "  classDef source fill:#e3f2fd,stroke:#1565c0",
              "  classDef system fill:#f5f5f5,stroke:#424242",
              "  classDef processor fill:#fff8e1,stroke:#8d6e00",
              "  classDef failing stroke:#c62828,stroke-width:3px"]
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    """Mermaid labels in double quotes take entity codes for the characters it parses."""
    for char, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"),
                       ("|", "#124;")):
        text = text.replace(char, code)
    return " ".join(text.split())


def to_dot(graph: dict, findings=()) -> str:
    """A Graphviz digraph; failing flows red and bold, failing nodes red-bordered."""
    flows, bad_nodes = failing(graph, findings)
    shapes = {"data_subject": "ellipse", "source": "parallelogram", "system": "box",
              "processor": "cylinder"}
    lines = ["digraph gdpr_data_flows {", "  rankdir=LR;",
             '  node [fontname="Helvetica", style="rounded,filled", fillcolor="#f5f5f5"];',
             '  edge [fontname="Helvetica", fontsize=10];']
    for node in graph["nodes"]:
        attrs = [f"label={_dot_text(_node_label(node))}", f"shape={shapes[node['kind']]}"]
        if node["key"] in bad_nodes:
            attrs += ['color="#c62828"', "penwidth=2.5",
                      f"tooltip={_dot_text('findings: ' + ' '.join(bad_nodes[node['key']]))}"]
        lines.append(f"  {_dot_text(node['key'])} [{', '.join(attrs)}];")
    for edge in graph["edges"]:
        rules = flows.get(edge["key"])
        attrs = [f"label={_dot_text(_edge_label(edge, rules))}"]
        if edge["kind"] != "flow":
            attrs.append("style=dashed")
        if rules:
            attrs += ['color="#c62828"', 'fontcolor="#c62828"', "penwidth=2.5"]
        lines.append(f"  {_dot_text(edge['source'])} -> {_dot_text(edge['target'])} "
                     f"[{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + " ".join(text.split()) + '"'
