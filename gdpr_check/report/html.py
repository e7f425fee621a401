"""A self-contained HTML compliance report for a DPO or an auditor.

One file with no external resources (inline CSS, inline JS, an inline SVG, system fonts):
it can be mailed, archived next to the audit trail and opened offline. It shows the
summary by area and severity, every finding with its articles, subject, location and fix,
the data-flow map with failing flows marked (drawn here from `report.graph`, see
`gdpr_check/graph.py`), filters by area and severity, a text search and sortable columns.
Each finding links to its rule's documentation (built-in rules) and its file:line (below
`link_base`, else relative to the repository root, `paths.py`). For the audit file the
header names the controller, the git commit checked, the rule packs and the reference
data with their dates (`report.provenance`); the run's date only when asked
(`SOURCE_DATE_EPOCH`, as reproducible builds set it, or `--run-date`), so by default the
same input gives the same bytes. All text from the inputs goes through Jinja2's autoescaping;
`code` in a message, rule name or fix is shown as code, not as literal backticks.
"""
from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from ..findings import SEVERITY_ORDER
from . import issues
from .text import AREA_TITLES

SEVERITIES = sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.get, reverse=True)  # critical first
MAP_LIMIT = 200          # nodes; beyond this an SVG is unreadable: use `gdpr-check graph`
KIND_TITLES = {"data_subject": "data subjects", "source": "source", "system": "system",
               "processor": "processor"}

# Geometry of the map (px). Boxes are as tall as their wrapped labels need: the name at
# NAME_SIZE (bold), then the kind, id and countries at SUB_SIZE; nothing is cut short
# (NAME_LINES, SUB_LINES: beyond them an ellipsis, the full text in the hover title).
NODE_W, GAP, MARGIN = 200, 20, 24
PAD_X, PAD_TOP, PAD_BOTTOM = 10, 6, 10
NAME_SIZE, NAME_LEAD, NAME_LINES = 13, 16, 4
SUB_SIZE, SUB_LEAD, SUB_GAP, SUB_LINES = 11, 14, 17, 3
FIT_WIDTH = 1180         # the page's content width: columns close up to fit it
COL_MIN, COL_MAX = NODE_W + 48, 300
LABEL_LIMIT = 14         # edges; more and their labels collide: hover titles and the table


def render(report, **options) -> str:
    return "".join(chunks(report, **options))


def chunks(report, fail_on: str = "low", fail_on_unrecorded: bool = False,
           root=None, prefix: str = "", link_base: str | None = None,
           max_findings: int | None = None, **_options) -> Iterator[str]:
    """The page, piece by piece as the template makes it (Jinja's `generate`), never held
    whole."""
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["code"] = _code_spans
    env.filters["breakable"] = _breakable
    template = env.from_string(TEMPLATE)
    summary = report.summary()
    rows = _rows(report, max_findings)
    href = _href(prefix, link_base)
    pieces = template.generate(
        report=report, summary=summary, fail_on=fail_on, gated=fail_on_unrecorded,
        failing=len(report.failing(fail_on, unrecorded=fail_on_unrecorded)),
        severities=SEVERITIES, counted=issues.counts(report.findings, rows["issues"]),
        matrix=_matrix(report), areas=_areas(report), rows=rows["rows"],
        row_chunks=_row_chunks(rows["rows"], href),
        todos=rows["todos"], left_out=rows["left_out"], max_findings=max_findings,
        checks=_checks(report), map=_map(report), pad=PAD_X, area_titles=AREA_TITLES,
        audit=_audit(report), doc=_doc_link, href=href,
        css=Markup(CSS), js=Markup(JS),   # our own constants: not user text
    )
    yield from _rstripped(pieces)
    yield "\n"


BATCH = 4_096  # template pieces per chunk: Jinja yields hundreds of thousands of small ones


def _rstripped(pieces) -> Iterator[str]:
    """The pieces, gathered into larger chunks, without the whitespace the whole text
    would end with."""
    held, batch = "", []
    for piece in pieces:
        batch.append(piece)
        if len(batch) < BATCH:
            continue
        text = "".join((held, *batch))  # plain text: `+` with a Markup piece would escape it
        batch = []
        kept = text.rstrip()
        if kept:
            yield kept
        held = text[len(kept):]
    kept = "".join((held, *batch)).rstrip()
    if kept:
        yield kept


def _audit(report) -> dict:
    """What an auditor files the report with (`report.provenance`, filled by api.check):
    the controller, the commit checked, the rule packs and the reference data with their
    dates and, only when it was asked for, the run's date. A hand-made report has none."""
    record = getattr(report, "provenance", None)
    if record is None:
        return {"controller": None, "commit": None, "packs": [], "reference": None,
                "run_date": None}
    run_date = record.run_date.replace("T", " ").replace("Z", " UTC") \
        if record.run_date else None
    return {"controller": record.controller, "commit": record.commit,
            "packs": list(record.rule_packs), "reference": record.reference_date,
            "run_date": run_date}


def _doc_link(rule) -> str | None:
    """A built-in rule's section of docs/rules.md (the address defined once, meta.py)."""
    from ..meta import RULES_DOC_URL
    from .sarif import _is_builtin
    return f"{RULES_DOC_URL}#{rule.id.lower()}" if _is_builtin(rule) else None


def _href(prefix: str, link_base: str | None):
    """file:line -> a link to the file: below `link_base` (a blob URL), else relative to the
    repository root, as the report is usually kept beside the checkout."""
    from urllib.parse import quote

    quoted: dict[str, str] = {}  # a large run has many findings in few files

    def href(path, line) -> str:
        target = quoted.get(path)
        if target is None:
            target = quoted[path] = quote(prefix + path.replace("\\", "/"), safe="/-._~")
        if link_base:
            return f"{link_base.rstrip('/')}/{target}" + (f"#L{line}" if line else "")
        return target
    return href


def _code_spans(text):
    """Fix and rule text is written in Markdown: `x` becomes <code>x</code>, the rest is
    escaped, so no literal backtick reaches the page."""
    from markupsafe import Markup
    return Markup(_code_html(text))


def _code_html(text) -> str:
    """`_code_spans` as plain text, for the rows written in Python."""
    parts = str(text or "").split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: not code, shown as written
        return _escape(text)
    return "".join(_escape(p) if i % 2 == 0 else f"<code>{_escape(p)}</code>"
                   for i, p in enumerate(parts))


def _escape(value) -> str:
    """What Jinja's autoescaping writes for a value (markupsafe's `escape`, the same
    entities), as plain text: building a Markup object per value was a third of the
    rows' time."""
    return (str(value).replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
            .replace("'", "&#39;").replace('"', "&#34;"))


def _breakable(text):
    """An id that may wrap after its underscores in a narrow column (`<wbr>`), and only
    there: `bookkeeping_by_accountants`, not `bookkee|ping_by`."""
    from markupsafe import Markup, escape
    return Markup("_<wbr>").join(escape(part) for part in str(text).split("_"))


def _areas(report) -> list[str]:
    present = {f.area for f in report.findings}
    return [a for a in AREA_TITLES if a in present] + sorted(present - set(AREA_TITLES))


def _matrix(report) -> list[dict]:
    rows: dict[str, dict] = {}
    for f in report.findings:
        row = rows.setdefault(f.area, {"area": f.area, "waived": 0,
                                       "counts": dict.fromkeys(SEVERITIES, 0)})
        if f.waived is not None:
            row["waived"] += 1
        else:
            row["counts"][f.severity] += 1
    ordered = [rows[a] for a in _areas(report)]
    for row in ordered:
        row["total"] = sum(row["counts"].values())
    return ordered


def _rows(report, max_findings=None) -> dict:
    """One row per violation issue (issues.py): a defect repeated over several subjects is
    one row listing them; and one per rule of unrecorded facts. `max_findings` keeps the
    most important (`issues.most_severe`)."""
    area_rank = {area: rank for rank, area in enumerate(AREA_TITLES)}  # not a list per row
    findings = sorted(report.findings, key=lambda f: (
        -SEVERITY_ORDER[f.severity], area_rank.get(f.area, len(AREA_TITLES)), f.area,
        f.rule, f.subject_kind, f.subject_id, f.key))
    grouped = issues.violations(findings)
    # Each rule's documentation link once: deciding whether a rule is built-in resolves
    # paths, which per row cost 40% of the page on a large run.
    docs = {r.id: _doc_link(r) for r in report.rules}
    todos = issues.todos(report.findings)
    shown = issues.most_severe([*grouped, *todos], max_findings)
    return {"issues": grouped,
            "rows": [_row(i, docs, shown[id(i)]) for i in grouped if id(i) in shown],
            "todos": [_row(t, docs, shown[id(t)]) for t in todos if id(t) in shown],
            "left_out": len(report.findings) - sum(shown.values())}


def _row(issue, docs, listed) -> dict:
    f = issue.head
    waiver = None
    if f.waived is not None:
        w = f.waived or {}
        waiver = {"reason": w.get("reason") or "", "approved_by": w.get("approved_by"),
                  "expires": w.get("expires")}
    members = [{"f": m, "label": issues.subject_label(m), "where": _where(m)}
               for m in issue.findings[:listed]]
    return {"f": f, "message": issue.message, "members": members, "waiver": waiver,
            "noun": issues.plural(len(issue), f.subject_kind),
            "anchor": f"f-{f.fingerprint[:16]}", "where": _where(f),
            "doc": docs.get(f.rule)}


ROWS_PER_CHUNK = 500


def _row_chunks(rows, href) -> Iterator:
    """The rows of the findings table, as HTML, a few hundred at a time.

    Written here rather than in the template: a large run has tens of thousands of rows,
    and Jinja's per-expression work made them most of the page's time. The HTML is the
    template's as it was (tests/report/test_html.py renders both and compares); every
    value from the inputs is escaped as autoescaping did (`_escape`)."""
    from markupsafe import Markup
    batch: list[str] = []
    for rank, row in enumerate(rows):
        batch.append(_row_html(row, rank, href))
        if len(batch) == ROWS_PER_CHUNK:
            yield Markup("".join(batch))
            batch = []
    if batch:
        yield Markup("".join(batch))


def _row_html(row, rank: int, href) -> str:
    e = _escape
    f, waiver, members = row["f"], row["waiver"], row["members"]
    rule = _escape_repeated(f.rule)
    severity = _escape_repeated(f.severity)
    # The anchor (hex of the fingerprint) and the zero-padded line are ours, not input:
    # nothing in them to escape.
    out = [f'<tr class="finding{" waived" if waiver else ""}" id="{row["anchor"]}" '
           f'data-rule="{rule}" data-area="{_escape_repeated(f.area)}" '
           f'data-severity="{severity}" '
           f'data-waived="{"true" if waiver else "false"}" '
           f'data-subject="{_escape_repeated(f.subject_kind)}:{e(f.subject_id)}" '
           f'data-count="{len(members)}" data-rank="{rank}" '
           f'data-where="{_escape_repeated(f.path or "")}:{"%06d" % (f.line or 0)}">\n'
           f'<td><span class="sev {severity}">{severity}</span></td>\n<td>',
           _rule_cell(rule, row["doc"], f.name),
           f'<td><span class="message">{_code_html(row["message"])}</span>']
    if waiver:
        out.append('<span class="tag waived">waived</span>')
    elif not f.new:
        out.append('<span class="tag baseline">baseline</span>')
    if waiver:
        out.append(f'<p class="fix"><b>Waived:</b> {e(waiver["reason"])}'
                   + (f'; approved by {e(waiver["approved_by"])}' if waiver["approved_by"]
                      else "")
                   + (f'; expires {e(waiver["expires"])}' if waiver["expires"] else "")
                   + "</p>")
    if f.remediation:
        out.append(_fix_html(f.remediation))
    out.append(_articles_cell(tuple(f.articles)))
    if len(members) == 1:
        out.append(f'<td>{e(f.subject_kind).replace("_", " ")} <code>{e(f.subject_id)}'
                   "</code>" + (f'<br><a class="loc" href="{e(href(f.path, f.line))}">'
                                f'{e(row["where"])}</a>' if row["where"] else "") + "</td>\n")
    else:
        out.append(f'<td>{e(row["noun"]).replace("_", " ")}:<ul class="subjects">'
                   + "".join(f'<li data-subject="{e(m["f"].subject_kind)}:'
                             f'{e(m["f"].subject_id)}">{e(m["label"])}'
                             + (f'<br><a class="loc" href="{e(href(m["f"].path, m["f"].line))}"'
                                f'>{e(m["where"])}</a>' if m["where"] else "") + "</li>"
                             for m in members) + "</ul></td>\n")
    out.append("</tr>\n")
    return "".join(out)


# What every finding of a rule repeats (its id, name, fix, articles, severity, area, the
# file it points into), escaped once per distinct value rather than once per row: a large
# run has tens of thousands of rows and a few hundred such values. Bounded: a pack cannot
# grow them without end.
@lru_cache(maxsize=4096)
def _escape_repeated(value) -> str:
    return _escape(value)


@lru_cache(maxsize=1024)
def _rule_cell(rule: str, doc: str | None, name: str) -> str:
    """The rule's link (`rule` already escaped) and its name, ending the rule's cell."""
    link = f'<a class="rule" href="{_escape(doc)}">{rule}</a>' if doc else \
        f'<span class="rule">{rule}</span>'
    return f'{link}<br><span class="rulename">{_code_html(name)}</span></td>\n'


@lru_cache(maxsize=1024)
def _fix_html(remediation: str) -> str:
    return f'<p class="fix"><b>Fix:</b> {_code_html(remediation)}</p>'


@lru_cache(maxsize=1024)
def _articles_cell(articles: tuple) -> str:
    """The end of the message's cell and the articles' cell."""
    return ('</td>\n<td class="articles">'
            + ", ".join(f"<span>{_escape(a)}</span>" for a in articles) + "</td>\n")


def _where(f) -> str:
    return f.location + (f":{f.column}" if f.line and f.column else "")


def _checks(report) -> list[dict]:
    """Every rule that ran, with how many findings it had: what was checked, for auditors."""
    counts: dict[str, int] = {}
    for f in report.findings:
        if f.waived is None:
            counts[f.rule] = counts.get(f.rule, 0) + 1
    return [{"rule": r, "findings": counts.get(r.id, 0)}
            for r in sorted(report.rules, key=lambda r: r.id)]


# --- the data-flow map ------------------------------------------------------------------

def _map(report) -> dict | None:
    graph = report.data_flow_graph() if hasattr(report, "data_flow_graph") else \
        getattr(report, "graph", None)
    if not graph or not graph.get("nodes"):
        return None
    if len(graph["nodes"]) > MAP_LIMIT:
        return {"omitted": len(graph["nodes"])}
    from ..graph import failing

    # the map marks violations: a flow whose record only lacks a fact is not drawn red
    flows_failing, nodes_failing = failing(graph, [f for f in report.findings
                                                   if not issues.is_unrecorded(f)])
    layers = _layers(graph)
    columns: dict[int, list[str]] = {}
    for node in graph["nodes"]:
        columns.setdefault(layers[node["key"]], []).append(node["key"])
    order = _order_columns(graph, columns)
    col_w = COL_MAX if len(order) < 2 else \
        max(COL_MIN, min(COL_MAX, (FIT_WIDTH - 2 * MARGIN - NODE_W) / (len(order) - 1)))
    boxes = {n["key"]: _box(n) for n in graph["nodes"]}
    stacks = {col: sum(boxes[k]["h"] for k in keys) + GAP * (len(keys) - 1)
              for col, keys in order.items()}
    tallest = max(stacks.values())
    pos = {}
    for col, keys in order.items():
        y = MARGIN + (tallest - stacks[col]) / 2    # centre short columns
        for key in keys:
            pos[key] = (MARGIN + col * col_w, y)
            y += boxes[key]["h"] + GAP
    nodes = []
    for node in graph["nodes"]:
        x, y = pos[node["key"]]
        nodes.append({"n": node, "x": x, "y": y, "w": NODE_W, **boxes[node["key"]],
                      "rules": nodes_failing.get(node["key"], [])})
    edges = []
    for edge, offset in zip(graph["edges"], _offsets(graph["edges"], boxes)):
        (x1, y1), (x2, y2) = pos[edge["source"]], pos[edge["target"]]
        cy1 = y1 + boxes[edge["source"]]["h"] / 2 + offset
        cy2 = y2 + boxes[edge["target"]]["h"] / 2 + offset
        rules = flows_failing.get(edge["key"], [])
        edges.append({"e": edge, "rules": rules, "path": _curve(x1, cy1, x2, cy2),
                      "lx": (x1 + NODE_W + x2) / 2, "ly": (cy1 + cy2) / 2 - 4})
    width = MARGIN * 2 + max(order) * col_w + NODE_W
    height = MARGIN * 2 + tallest
    names = {n["key"]: n["name"] for n in graph["nodes"]}
    table = [{"e": item["e"], "rules": item["rules"], "from": names[item["e"]["source"]],
              "to": names[item["e"]["target"]]}
             for item in edges if item["e"]["kind"] == "flow"]
    table.sort(key=lambda row: (not row["rules"], row["e"]["id"]))
    return {"nodes": nodes, "edges": edges, "width": int(width + 0.5),
            "height": int(height + 0.5), "failing": len(flows_failing),
            "labels": len(edges) <= LABEL_LIMIT, "flows": table}


def _box(node) -> dict:
    """A node's label lines with their baselines, and the box height that holds them:
    the whole name, wrapped (labels.py), then the kind, id and countries."""
    from .labels import wrap
    names = wrap(node["name"], NODE_W - 2 * PAD_X, NAME_SIZE, NAME_LINES)
    subs = wrap(_node_sub(node), NODE_W - 2 * PAD_X, SUB_SIZE, SUB_LINES, sep=" · ")
    first = PAD_TOP + NAME_SIZE
    name_lines = [(text, first + i * NAME_LEAD) for i, text in enumerate(names)]
    below = name_lines[-1][1] + SUB_GAP
    sub_lines = [(text, below + i * SUB_LEAD) for i, text in enumerate(subs)]
    return {"names": name_lines, "subs": sub_lines, "h": sub_lines[-1][1] + PAD_BOTTOM}


def _offsets(edges, boxes) -> list[float]:
    """Vertical offsets that keep edges between the same two boxes apart (a flow and a
    hosting link, or flows both ways)."""
    groups: dict[frozenset, list[int]] = {}
    for i, e in enumerate(edges):
        groups.setdefault(frozenset((e["source"], e["target"])), []).append(i)
    offsets = [0.0] * len(edges)
    for members in groups.values():
        e = edges[members[0]]
        room = min(boxes[e["source"]]["h"], boxes[e["target"]]["h"]) - 10
        spread = min(12.0, room / max(1, len(members) - 1))
        for rank, i in enumerate(members):
            offsets[i] = (rank - (len(members) - 1) / 2) * spread
    return offsets


def _node_sub(node) -> str:
    """`system · crm · FI ⚠`: what the box is, its id, the countries its data is in (what
    an auditor looks for), marked when outside the EEA."""
    parts = [KIND_TITLES[node["kind"]]]
    if node["kind"] in ("system", "processor"):
        parts.append(node["id"])
    if node["countries"]:
        parts.append(", ".join(node["countries"]))
    text = " · ".join(parts)
    return text + " ⚠" if node["outside_eea"] else text


def _curve(x1, sy, x2, ty) -> str:
    """A cubic Bézier from the right side of one box (at height `sy`) to the left side of
    the other (at `ty`); when the target is not to the right, the curve loops out and
    back in."""
    sx, tx = x1 + NODE_W, x2
    bend = max(60.0, (tx - sx) / 2) if tx > sx else 90.0
    return (f"M{sx:.1f},{sy:.1f} C{sx + bend:.1f},{sy:.1f} {tx - bend:.1f},{ty:.1f} "
            f"{tx:.1f},{ty:.1f}")


def _layers(graph) -> dict[str, int]:
    """Column of each node: data subjects and sources first, then the longest path along
    flows and links, with cycles broken by a depth-first search (back edges ignored)."""
    keys = [n["key"] for n in graph["nodes"]]
    kinds = {n["key"]: n["kind"] for n in graph["nodes"]}
    succ: dict[str, list[str]] = {k: [] for k in keys}
    for e in graph["edges"]:
        if e["source"] != e["target"]:
            succ[e["source"]].append(e["target"])
    roots = [k for k in keys if kinds[k] in ("data_subject", "source")]
    state: dict[str, int] = {}      # 1 on the stack, 2 done
    dag: dict[str, list[str]] = {k: [] for k in keys}
    for start in roots + keys:
        if start in state:
            continue
        stack = [(start, iter(succ[start]))]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                continue                       # back edge: leave it out of the layering
            else:
                dag[node].append(child)
                if child not in state:
                    state[child] = 1
                    stack.append((child, iter(succ[child])))
    indegree = {k: 0 for k in keys}
    for node in keys:
        for child in dag[node]:
            indegree[child] += 1
    layer = {k: 0 if kinds[k] in ("data_subject", "source") else 1 for k in keys}
    ready = [k for k in keys if indegree[k] == 0]
    while ready:
        node = ready.pop()
        for child in dag[node]:
            layer[child] = max(layer[child], layer[node] + 1)
            indegree[child] -= 1
            if indegree[child] == 0:
                ready.append(child)
    if not roots:       # no subjects or sources drawn: start at the first column
        shift = min(layer.values())
        layer = {k: v - shift for k, v in layer.items()}
    used = sorted(set(layer.values()))   # close gaps left by empty columns
    return {k: used.index(v) for k, v in layer.items()}


def _order_columns(graph, columns) -> dict[int, list[str]]:
    """Order each column by the mean position of its neighbours in earlier columns (the
    barycentre heuristic), which removes most crossings in small maps."""
    kinds_order = {"data_subject": 0, "source": 1, "system": 2, "processor": 3}
    kind = {n["key"]: n["kind"] for n in graph["nodes"]}
    preds: dict[str, list[str]] = {}
    for e in graph["edges"]:
        preds.setdefault(e["target"], []).append(e["source"])
    index: dict[str, float] = {}
    order = {}
    for col in sorted(columns):
        def weight(key):
            known = [index[p] for p in preds.get(key, ()) if p in index]
            return (sum(known) / len(known) if known else float("inf"),
                    kinds_order[kind[key]], key)
        keys = sorted(columns[col], key=weight if col else
                      (lambda k: (kinds_order[kind[k]], k)))
        for i, key in enumerate(keys):
            index[key] = i
        order[col] = keys
    return order


CSS = """
:root { --critical:#6a1b9a; --high:#c62828; --medium:#e65100; --low:#1565c0; --info:#546e7a;
  --ink:#1f2933; --muted:#616e7c; --line:#d9e2ec; --bg:#f5f7fa; --card:#fff; --ok:#2e7d32; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
  color:var(--ink); background:var(--bg); }
header { background:#102a43; color:#fff; padding:24px 32px 20px; }
header h1 { margin:0 0 4px; font-size:24px; font-weight:600; }
header .meta { margin:0; color:#bcccdc; font-size:13px; }
header dl.meta { display:flex; flex-wrap:wrap; gap:2px 22px; margin-top:6px; }
header dl.meta div { display:flex; gap:6px; } header dl.meta dd { margin:0; color:#fff; }
header dl.meta code { overflow-wrap:anywhere; }
.verdict { display:inline-block; margin-top:12px; padding:4px 12px; border-radius:14px; font-weight:600;
  font-size:14px; }
.verdict.fail { background:#ffebee; color:#b71c1c; } .verdict.pass { background:#e8f5e9; color:#1b5e20; }
main { max-width:1280px; margin:0 auto; padding:8px 32px 40px; }
section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:18px 22px;
  margin:20px 0; }
h2 { font-size:18px; margin:0 0 12px; }
.cards { display:flex; flex-wrap:wrap; gap:12px; margin-bottom:16px; }
.card { flex:1 1 110px; border:1px solid var(--line); border-radius:8px; padding:10px 14px;
  border-top:4px solid var(--muted); }
.card .n { font-size:26px; font-weight:700; display:block; }
.card .l { font-size:12px; color:var(--muted); text-transform:uppercase; letter-spacing:.04em; }
.card.critical { border-top-color:var(--critical); } .card.high { border-top-color:var(--high); }
.card.medium { border-top-color:var(--medium); } .card.low { border-top-color:var(--low); }
.card.info { border-top-color:var(--info); } .card.total { border-top-color:#102a43; }
table { border-collapse:collapse; width:100%; font-size:14px; }
th, td { text-align:left; padding:7px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:#f0f4f8; font-weight:600; font-size:13px; }
table.matrix td.num, table.matrix th.num { text-align:right; width:80px; }
table.matrix td.zero { color:#bcccdc; }
table.matrix tr.total td { font-weight:700; border-top:2px solid var(--line); }
.sev { display:inline-block; min-width:68px; text-align:center; padding:1px 8px; border-radius:10px;
  color:#fff; font-size:12px; font-weight:600; text-transform:uppercase; }
.sev.critical { background:var(--critical); } .sev.high { background:var(--high); }
.sev.medium { background:var(--medium); } .sev.low { background:var(--low); } .sev.info { background:var(--info); }
.rule { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-weight:600; }
.rulename { color:var(--muted); font-size:13px; }
code, .loc { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:13px; }
.fix { margin:6px 0 0; color:#334e68; font-size:13px; } .fix b { color:var(--ink); }
.tag { display:inline-block; font-size:11px; padding:0 6px; border-radius:8px; margin-left:6px;
  background:#e3f2fd; color:#0d47a1; font-weight:600; vertical-align:middle; }
.tag.waived { background:#eceff1; color:#37474f; } .tag.baseline { background:#fff8e1; color:#795548; }
tr.finding.waived td { color:#829ab1; }
.articles span { white-space:nowrap; }
ul.subjects { margin:2px 0 0; padding-left:18px; } ul.subjects li { margin:2px 0; }
#findings-table { table-layout:fixed; }
#findings-table col.c-sev { width:96px; } #findings-table col.c-rule { width:190px; }
#findings-table col.c-gdpr { width:130px; } #findings-table col.c-where { width:250px; }
#findings-table code, #findings-table .loc { overflow-wrap:anywhere; }
.loc { color:var(--muted); font-size:12px; }
details.flows { margin-top:14px; } details.flows summary { cursor:pointer; font-weight:600; }
#flows-table { margin-top:8px; } #flows-table tr.failing td:first-child { border-left:3px solid var(--high); }
#filters { display:flex; flex-wrap:wrap; gap:10px 28px; align-items:flex-start; margin-bottom:12px;
  padding:10px 14px; background:#f0f4f8; border-radius:8px; }
#filters fieldset { border:0; margin:0; padding:0; }
#filters legend { font-weight:600; font-size:12px; text-transform:uppercase; color:var(--muted); padding:0; }
#filters label { margin-right:12px; font-size:14px; white-space:nowrap; cursor:pointer; }
#search { font:inherit; padding:2px 6px; width:16em; }
button.sort { font:inherit; font-weight:600; background:none; border:0; padding:0; cursor:pointer; color:inherit; }
button.sort::after { content:" ↕"; color:var(--muted); }
button.sort[aria-sort="ascending"]::after { content:" ↑"; } button.sort[aria-sort="descending"]::after { content:" ↓"; }
a.rule { color:inherit; } a.loc { color:var(--muted); }
#shown { margin-left:auto; color:var(--muted); font-size:13px; align-self:center; }
.empty { color:var(--ok); font-weight:600; }
.map-wrap { overflow:auto; max-height:80vh; border:1px solid var(--line); border-radius:6px; background:#fbfcfd; }
svg.flowmap { display:block; font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif; }
.zoom { display:flex; gap:6px; align-items:center; margin:0 0 8px; font-size:13px; color:var(--muted); }
.zoom button { font:inherit; min-width:34px; padding:2px 8px; border:1px solid var(--line); border-radius:6px;
  background:#fff; color:var(--ink); cursor:pointer; }
.scroll { overflow-x:auto; }
.node rect { fill:#fff; stroke:#9fb3c8; stroke-width:1.2; }
.node.processor rect { fill:#fffaf0; stroke:#d9a441; }
.node.data_subject rect, .node.source rect { fill:#e8f1fb; stroke:#5c8dd6; }
.node.failing rect { stroke:var(--high); stroke-width:2.5; }
.node .name { font-size:13px; font-weight:600; fill:var(--ink); }
.node .sub { font-size:11px; fill:var(--muted); }
.node .sub.abroad { fill:#b35c00; font-weight:600; }
.edge path { fill:none; stroke:#8aa0b8; stroke-width:1.6; }
.edge.hosting path, .edge.sub_processor path { stroke:#c5d2df; stroke-dasharray:4 4; }
.edge.unencrypted path { stroke-dasharray:7 4; }
.edge.failing path { stroke:var(--high); stroke-width:3; }
.edge text { font-size:11px; fill:#486581; paint-order:stroke; stroke:#fbfcfd; stroke-width:4px; }
.edge.failing text { fill:var(--high); font-weight:600; }
.legend { display:flex; flex-wrap:wrap; gap:18px; font-size:13px; color:var(--muted); margin-top:10px; }
.legend svg { vertical-align:middle; margin-right:4px; }
details.checks summary { cursor:pointer; font-weight:600; }
.ok { color:var(--ok); font-weight:600; } .bad { color:var(--high); font-weight:600; }
footer { color:var(--muted); font-size:12px; text-align:center; padding:0 0 30px; }
@media print { #filters, .zoom { display:none; } section { break-inside:avoid; border:0; } body { background:#fff; }
  svg.flowmap { max-width:100%; height:auto; } .map-wrap { max-height:none; overflow:visible; } }
/* Narrow windows (800 px and less): the findings table becomes one block per finding,
   severity and rule on the first line, the rest below at full width. */
@media (max-width: 900px) {
  header { padding:18px 16px 16px; } main { padding:4px 12px 32px; } section { padding:14px 12px; }
  #findings-table { table-layout:auto; } #findings-table colgroup { display:none; }
  #findings-table thead tr { display:flex; flex-wrap:wrap; gap:0 18px; }
  #findings-table thead th { border:0; background:none; padding:4px 0; }
  #findings-table tbody tr { display:grid; grid-template-columns:auto 1fr; border-bottom:1px solid var(--line); }
  #findings-table tbody tr[hidden] { display:none; }
  #findings-table tbody td { border:0; padding:4px 6px; }
  #findings-table tbody td:nth-child(n+3) { grid-column:1 / -1; }
  #findings-table td.articles::before { content:"GDPR: "; color:var(--muted); }
  #filters { gap:8px 18px; } #search { width:100%; }
}
"""

JS = """
(function () {
  // The map is drawn at its natural size (labels at 13 and 11 px) and scrolls in its
  // frame; zoom changes the drawn size, "Fit" shows the whole map in the frame's width.
  var svg = document.querySelector('svg.flowmap');
  if (!svg) { return; }
  var frame = svg.parentNode, level = document.getElementById('zoom-level');
  var width = Number(svg.getAttribute('width')), height = Number(svg.getAttribute('height'));
  var zoom = 1;
  function set(value) {
    zoom = Math.max(0.2, Math.min(3, value));
    svg.setAttribute('width', String(Math.round(width * zoom)));
    svg.setAttribute('height', String(Math.round(height * zoom)));
    level.textContent = Math.round(zoom * 100) + '%';
  }
  document.querySelectorAll('.zoom button').forEach(function (button) {
    button.addEventListener('click', function () {
      var how = button.dataset.zoom;
      set(how === 'in' ? zoom * 1.25 : how === 'out' ? zoom / 1.25 :
          how === 'fit' ? Math.min(1, (frame.clientWidth - 2) / width) : 1);
    });
  });
})();
(function () {
  var form = document.getElementById('filters');
  if (!form) { return; }
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr.finding'));
  var total = 0;
  rows.forEach(function (row) { total += Number(row.dataset.count); });
  function checked(name) {
    var out = {};
    form.querySelectorAll('input[name="' + name + '"]:checked').forEach(function (i) {
      out[i.value] = true;
    });
    return out;
  }
  var search = document.getElementById('search');
  function apply() {
    var severity = checked('severity'), area = checked('area');
    var waived = form.querySelector('input[name="waived"]').checked;
    var words = search.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase();
      var show = severity[row.dataset.severity] && area[row.dataset.area] &&
        (waived || row.dataset.waived !== 'true') &&
        words.every(function (w) { return text.indexOf(w) >= 0; });
      row.hidden = !show;
      if (show) { shown += Number(row.dataset.count); }
    });
    document.getElementById('shown').textContent =
      shown + ' of ' + total + ' findings shown';
  }
  form.addEventListener('change', apply);
  search.addEventListener('input', apply);
  // Sorting: by a row's data (severity rank, file:line) or its cell's text; a second
  // click reverses. The rendered order (most severe first) is rank ascending.
  var body = rows.length ? rows[0].parentNode : null;
  function key(row, name) {
    if (name === 'rank') { return Number(row.dataset.rank); }
    if (name === 'where') { return row.dataset.where; }
    var cell = row.querySelector(name === 'rule' ? '.rule' : '.message');
    return cell ? cell.textContent.toLowerCase() : '';
  }
  document.querySelectorAll('button.sort').forEach(function (button) {
    button.addEventListener('click', function () {
      var name = button.dataset.key;
      var up = button.getAttribute('aria-sort') !== 'ascending';
      document.querySelectorAll('button.sort').forEach(function (b) { b.removeAttribute('aria-sort'); });
      button.setAttribute('aria-sort', up ? 'ascending' : 'descending');
      rows.sort(function (a, b) {
        var x = key(a, name), y = key(b, name);
        var order = x < y ? -1 : (x > y ? 1 : Number(a.dataset.rank) - Number(b.dataset.rank));
        return up ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  apply();
})();
"""

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="gdpr-check {{ report.tool_version }}">
<title>GDPR compliance report: {{ summary.findings }} finding{{ '' if summary.findings == 1 else 's' }}</title>
<style>{{ css }}</style>
</head>
<body>
<header>
<h1>GDPR compliance report{% if audit.controller %}: {{ audit.controller }}{% endif %}</h1>
<p class="meta">gdpr-check {{ report.tool_version }} · {{ summary.rules }} rules checked on {{ summary.files }} files{% if report.files and report.files | length <= 12 %}: {{ report.files | join(', ') }}{% endif %}</p>
<dl class="meta" id="audit">
{% if audit.controller %}<div><dt>Controller</dt><dd id="audit-controller">{{ audit.controller }}</dd></div>{% endif %}
<div><dt>Commit</dt><dd id="audit-commit">{% if audit.commit %}<code>{{ audit.commit }}</code>{% else %}not a git checkout{% endif %}</dd></div>
{% if audit.packs %}<div><dt>Rule packs</dt><dd id="audit-packs">{% for p in audit.packs %}<span class="pack">{{ p.name }} ({% if p.version %}gdpr-check {{ p.version }}, {% endif %}{{ p.rules }} rule{{ '' if p.rules == 1 else 's' }}{% if p.date %}, {{ 'reviewed' if p.version else 'last commit' }} {{ p.date }}{% endif %})</span>{{ '; ' if not loop.last }}{% endfor %}</dd></div>{% endif %}
{% if audit.reference %}<div><dt>Reference data</dt><dd id="audit-reference">as of {{ audit.reference }}</dd></div>{% endif %}
{% if audit.run_date %}<div><dt>Run</dt><dd id="audit-run">{{ audit.run_date }}</dd></div>{% endif %}
</dl>
{% if report.errors %}
<p class="verdict fail" id="verdict">Incomplete: {{ report.errors | length }} error{{ '' if report.errors | length == 1 else 's' }} stopped the check</p>
{% elif fail_on == 'never' %}
<p class="verdict {{ 'fail' if summary.findings else 'pass' }}" id="verdict">{{ summary.findings }} open finding{{ '' if summary.findings == 1 else 's' }}</p>
{% elif failing %}
<p class="verdict fail" id="verdict">Fails: {{ failing }} finding{{ '' if failing == 1 else 's' }} at or above {{ fail_on }}</p>
{% else %}
<p class="verdict pass" id="verdict">Passes: no open findings at or above {{ fail_on }}</p>
{% endif %}
</header>
<main>
{% if report.errors %}
<section id="errors">
<h2>Errors</h2>
<p>The check did not run to the end (exit code 2): {{ 'the project did not load, so nothing was checked.' if not report.rules else 'the findings below are those of the rules that could run.' }}</p>
<ul>
{% for e in report.errors %}
<li class="error" data-kind="{{ e.kind }}">{% if e.path %}<a class="loc" href="{{ href(e.path, e.line) }}">{{ e.where }}</a>: {% endif %}{{ e.message }}{% if e.rule %} (rule <span class="rule">{{ e.rule }}</span>){% endif %}</li>
{% endfor %}
</ul>
</section>
{% endif %}
<section id="summary">
<h2>Summary</h2>
<div class="cards">
<div class="card total"><span class="n" id="count-total">{{ summary.findings }}</span><span class="l">open findings</span></div>
{% for s in severities %}
<div class="card {{ s }}"><span class="n" id="count-{{ s }}">{{ summary.by_severity[s] }}</span><span class="l">{{ s }}</span></div>
{% endfor %}
<div class="card"><span class="n" id="count-waived">{{ summary.waived }}</span><span class="l">waived</span></div>
<div class="card"><span class="n" id="count-unrecorded">{{ counted.unrecorded }}</span><span class="l">not recorded</span></div>
</div>
{% if matrix %}
<table class="matrix" id="matrix">
<thead><tr><th>Area</th>{% for s in severities %}<th class="num">{{ s | capitalize }}</th>{% endfor %}<th class="num">Total</th><th class="num">Waived</th></tr></thead>
<tbody>
{% for row in matrix %}
<tr data-area="{{ row.area }}"><td>{{ area_titles.get(row.area, row.area) }}</td>{% for s in severities %}<td class="num{{ ' zero' if not row.counts[s] }}">{{ row.counts[s] }}</td>{% endfor %}<td class="num">{{ row.total }}</td><td class="num{{ ' zero' if not row.waived }}">{{ row.waived }}</td></tr>
{% endfor %}
<tr class="total"><td>Total</td>{% for s in severities %}<td class="num">{{ summary.by_severity[s] }}</td>{% endfor %}<td class="num">{{ summary.findings }}</td><td class="num">{{ summary.waived }}</td></tr>
</tbody>
</table>
{% else %}
<p class="empty">No findings: every check passed.</p>
{% endif %}
</section>

<section id="flow-map">
<h2>Data-flow map</h2>
{% if map is none %}
<p>The inventory describes no systems, processors or flows.</p>
{% elif map.omitted is defined %}
<p>The map is left out: the inventory has {{ map.omitted }} nodes, too many to draw here. Run <code>gdpr-check graph --format dot</code> and render it with Graphviz.</p>
{% else %}
<p>Where personal data comes from and goes to. {% if map.failing %}<b class="bad">{{ map.failing }} flow{{ '' if map.failing == 1 else 's' }}</b> (red) {{ 'has' if map.failing == 1 else 'have' }} findings of {{ 'its' if map.failing == 1 else 'their' }} own; systems and processors with findings have a red border.{% else %}<span class="ok">No flow has findings.</span>{% endif %} Hover a box or arrow for details.</p>
<div class="zoom" role="group" aria-label="Zoom the map">Zoom <button type="button" data-zoom="out" aria-label="Zoom out">−</button><button type="button" data-zoom="in" aria-label="Zoom in">+</button><button type="button" data-zoom="fit">Fit</button><button type="button" data-zoom="1">100%</button><span id="zoom-level">100%</span></div>
<div class="map-wrap">
<svg class="flowmap" xmlns="http://www.w3.org/2000/svg" width="{{ map.width }}" height="{{ map.height }}" viewBox="0 0 {{ map.width }} {{ map.height }}" role="img" aria-label="Data-flow map">
<defs>
<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8aa0b8"/></marker>
<marker id="arrow-failing" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#c62828"/></marker>
<marker id="arrow-link" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#c5d2df"/></marker>
</defs>
{% for item in map.edges %}
{% set e = item.e %}
<g class="edge {{ e.kind }}{{ ' failing' if item.rules }}{{ ' unencrypted' if e.encrypted is false }}" data-edge="{{ e.key }}"{% if item.rules %} data-rules="{{ item.rules | join(' ') }}"{% endif %}>
<title>{{ e.name if e.kind != 'flow' else 'Flow ' ~ e.id }}: {{ e.from }} → {{ e.to }}{% if e.purpose %}; purpose {{ e.purpose }}{% endif %}{% if e.data_categories %}; data: {{ e.data_categories | join(', ') }}{% endif %}{% if e.encrypted is false %}; not encrypted{% endif %}{% if e.outside_eea %}; outside the EEA: {{ e.outside_eea | join(', ') }}{% endif %}{% if item.rules %}; findings: {{ item.rules | join(', ') }}{% endif %}</title>
<path d="{{ item.path }}" marker-end="url(#{{ 'arrow-failing' if item.rules else ('arrow' if e.kind == 'flow' else 'arrow-link') }})"/>
{% if e.kind == 'flow' and map.labels %}
<text x="{{ '%.1f' | format(item.lx) }}" y="{{ '%.1f' | format(item.ly) }}" text-anchor="middle">{{ e.id }}{{ ' ✗' if item.rules }}</text>
{% endif %}
</g>
{% endfor %}
{% for item in map.nodes %}
{% set n = item.n %}
<g class="node {{ n.kind }}{{ ' failing' if item.rules }}" data-node="{{ n.key }}" transform="translate({{ '%.1f' | format(item.x) }},{{ '%.1f' | format(item.y) }})">
<title>{{ n.name }} ({{ n.kind | replace('_', ' ') }} {{ n.id }}){% if n.countries %}; data in {{ n.countries | join(', ') }}{% endif %}{% if n.outside_eea %}; outside the EEA: {{ n.outside_eea | join(', ') }}{% endif %}{% if item.rules %}; findings: {{ item.rules | join(', ') }}{% endif %}</title>
<rect width="{{ item.w }}" height="{{ item.h }}" rx="{{ 20 if n.kind in ('data_subject', 'source') else 6 }}"/>
<text class="name">{% for line, y in item.names %}<tspan x="{{ pad }}" y="{{ y }}">{{ line }}</tspan>{% endfor %}</text>
<text class="sub{{ ' abroad' if n.outside_eea }}">{% for line, y in item.subs %}<tspan x="{{ pad }}" y="{{ y }}">{{ line }}</tspan>{% endfor %}</text>
</g>
{% endfor %}
</svg>
</div>
<div class="legend">
<span><svg width="36" height="10"><line x1="0" y1="5" x2="36" y2="5" stroke="#8aa0b8" stroke-width="2"/></svg>flow</span>
<span><svg width="36" height="10"><line x1="0" y1="5" x2="36" y2="5" stroke="#c62828" stroke-width="3"/></svg>flow with findings</span>
<span><svg width="36" height="10"><line x1="0" y1="5" x2="36" y2="5" stroke="#8aa0b8" stroke-width="2" stroke-dasharray="7 4"/></svg>not encrypted</span>
<span><svg width="36" height="10"><line x1="0" y1="5" x2="36" y2="5" stroke="#c5d2df" stroke-width="2" stroke-dasharray="4 4"/></svg>hosted by / sub-processor</span>
<span><svg width="16" height="12"><rect x="1" y="1" width="14" height="10" rx="2" fill="#fff" stroke="#c62828" stroke-width="2"/></svg>system or processor with findings</span>
<span>⚠ data outside the EEA</span>
</div>
{% if map.flows %}
<details class="flows"{{ ' open' if map.failing }}>
<summary>Flows ({{ map.flows | length }}, {{ map.failing }} with findings)</summary>
<div class="scroll"><table id="flows-table">
<thead><tr><th>Flow</th><th>From → to</th><th>Purpose</th><th>Encrypted</th><th>Outside the EEA</th><th>Findings</th></tr></thead>
<tbody>
{% for row in map.flows %}
<tr data-flow="{{ row.e.id }}"{% if row.rules %} class="failing"{% endif %}><td><code>{{ row.e.id | breakable }}</code></td><td>{{ row.from }} → {{ row.to }}</td><td>{{ row.e.purpose or '' }}</td><td>{{ 'no' if row.e.encrypted is false else ('yes' if row.e.encrypted else 'not stated') }}</td><td>{{ row.e.outside_eea | join(', ') }}</td><td>{% if row.rules %}<span class="bad">{{ row.rules | join(', ') }}</span>{% else %}<span class="ok">none</span>{% endif %}</td></tr>
{% endfor %}
</tbody>
</table></div>
</details>
{% endif %}
{% endif %}
</section>

<section id="findings">
<h2>Findings</h2>
{% if rows %}
<form id="filters" onsubmit="return false">
<fieldset><legend>Severity</legend>
{% for s in severities %}<label><input type="checkbox" name="severity" value="{{ s }}" checked> {{ s }}</label>{% endfor %}
</fieldset>
<fieldset><legend>Area</legend>
{% for a in areas %}<label><input type="checkbox" name="area" value="{{ a }}" checked> {{ area_titles.get(a, a) }}</label>{% endfor %}
</fieldset>
<fieldset><legend>Search</legend>
<input type="search" id="search" placeholder="rule, text, subject, file" aria-label="Search the findings">
</fieldset>
<fieldset><legend>Status</legend>
<label><input type="checkbox" name="waived" value="waived" checked> show waived</label>
</fieldset>
<span id="shown" aria-live="polite">{{ rows | map(attribute='members') | map('length') | sum }} findings</span>
</form>
<table id="findings-table">
<colgroup><col class="c-sev"><col class="c-rule"><col><col class="c-gdpr"><col class="c-where"></colgroup>
<thead><tr><th><button type="button" class="sort" data-key="rank">Severity</button></th><th><button type="button" class="sort" data-key="rule">Rule</button></th><th><button type="button" class="sort" data-key="message">Finding</button></th><th>GDPR</th><th><button type="button" class="sort" data-key="where">Subject and location</button></th></tr></thead>
<tbody>
{% for chunk in row_chunks %}{{ chunk }}{% endfor %}
</tbody>
</table>
{% if left_out %}
<p id="left-out">{{ left_out }} less severe finding{{ 's are' if left_out != 1 else ' is' }} not listed (--max-findings {{ max_findings }}); the JSON and SARIF reports list all.</p>
{% endif %}
{% else %}
<p class="empty">No findings.</p>
{% endif %}
</section>

{% if todos %}
<section id="unrecorded">
<h2>Not recorded ({{ counted.unrecorded }})</h2>
<p>Facts the inventory or notice does not record, so the rules cannot tell whether the law is met: a to-do list for the record, not violations. {{ 'They fail the run (fail_on_unrecorded).' if gated else 'They do not fail the run.' }}</p>
<table id="todo-table">
<thead><tr><th>Severity</th><th>Rule</th><th>Not recorded for</th><th>GDPR</th></tr></thead>
<tbody>
{% for row in todos %}
{% set f = row.f %}
<tr class="todo" data-rule="{{ f.rule }}" data-area="{{ f.area }}" data-severity="{{ f.severity }}" data-count="{{ row.members | length }}">
<td><span class="sev {{ f.severity }}">{{ f.severity }}</span></td>
<td>{% if row.doc %}<a class="rule" href="{{ row.doc }}">{{ f.rule }}</a>{% else %}<span class="rule">{{ f.rule }}</span>{% endif %}<br><span class="rulename">{{ f.name | code }}</span>{% if f.remediation %}<p class="fix"><b>Fix:</b> {{ f.remediation | code }}</p>{% endif %}</td>
<td>{{ row.noun | replace('_', ' ') }}:<ul class="subjects">{% for m in row.members %}<li data-subject="{{ m.f.subject_kind }}:{{ m.f.subject_id }}">{% if row.members | length == 1 %}<span class="message">{{ m.f.message | code }}</span>{% else %}{{ m.label }}{% endif %}{% if m.f.waived is not none %}<span class="tag waived">waived</span>{% elif not m.f.new %}<span class="tag baseline">baseline</span>{% endif %}{% if m.where %}<br><a class="loc" href="{{ href(m.f.path, m.f.line) }}">{{ m.where }}</a>{% endif %}</li>{% endfor %}</ul></td>
<td class="articles">{% for a in f.articles %}<span>{{ a }}</span>{{ ', ' if not loop.last }}{% endfor %}</td>
</tr>
{% endfor %}
</tbody>
</table>
</section>
{% endif %}

{% if report.notices %}
<section id="notices">
<h2>Notices</h2>
<ul>
{% for n in report.notices %}
<li>{% if n.path %}<span class="loc">{{ n.path }}{% if n.line %}:{{ n.line }}{% endif %}</span>: {% endif %}<b>{{ n.kind }}</b>: {{ n.message }}</li>
{% endfor %}
</ul>
</section>
{% endif %}

<section id="checks">
<details class="checks">
<summary>Checks performed ({{ checks | length }} rules)</summary>
<table>
<thead><tr><th>Rule</th><th>Area</th><th>Severity</th><th>GDPR</th><th>Result</th></tr></thead>
<tbody>
{% for c in checks %}
<tr><td>{% if doc(c.rule) %}<a class="rule" href="{{ doc(c.rule) }}">{{ c.rule.id }}</a>{% else %}<span class="rule">{{ c.rule.id }}</span>{% endif %} {{ c.rule.name | code }}</td><td>{{ area_titles.get(c.rule.area, c.rule.area) }}</td><td>{{ c.rule.severity }}</td><td class="articles">{{ c.rule.articles | join(', ') }}</td><td>{% if c.findings %}<span class="bad">{{ c.findings }} finding{{ '' if c.findings == 1 else 's' }}</span>{% else %}<span class="ok">passed</span>{% endif %}</td></tr>
{% endfor %}
</tbody>
</table>
</details>
</section>
</main>
<footer>Generated by gdpr-check {{ report.tool_version }}. This report lists what the rules could check from policy/ and inventory/; it is not legal advice.</footer>
<script>{{ js }}</script>
</body>
</html>
"""
