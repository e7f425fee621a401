"""Reference documentation generated from the code and the rule files, never by hand.

- the rule reference (`docs/rules.md`, `gdpr-check rules --format markdown|text|json`):
  every rule of the packs, grouped by area, from the rule files themselves (SPEC §6, §8);
- the expression language reference (`docs/expressions.md`): names in scope, every helper
  of `expr/helpers.py` with its docstring, the fields of the objects rules read, and the
  sandbox's limits;
- the field reference for users (`docs/reference.md`): every key of policy/ and
  inventory/ with its type, allowed values, default, article, description (the models'
  field docstrings, also the JSON Schemas' `description`) and an example.

Both are deterministic (sorted, no dates), so tests can tell when a committed copy is
stale. Regenerate both with `python -m gdpr_check.docs` (from the repository root).
"""
from __future__ import annotations

import inspect
import json
import re
import sys
import textwrap
import typing
from pathlib import Path

from .model.rule import AREA_TITLES

RULES_DOC = "docs/rules.md"
EXPRESSIONS_DOC = "docs/expressions.md"
REFERENCE_DOC = "docs/reference.md"
REGENERATE = "python -m gdpr_check.docs"

AREA_SUMMARIES = {
    "lawful_basis": "Every purpose has a valid basis (Art. 6), consent is recorded and "
                    "withdrawable (Art. 7), special categories have an Art. 9(2) condition.",
    "transfers": "Every place data goes outside the EEA has a valid safeguard "
                 "(Art. 44-49), and the notice names it.",
    "access_control": "Systems with personal data require authentication, are not public, "
                      "and grant access only as the notice allows (Art. 5(1)(f), 25, 32).",
    "rights": "The notice states the rights that apply and the systems can fulfil them "
              "(Art. 12, 15-22).",
    "notice": "The notice says what Art. 13 and 14 require.",
    "processors": "Processors have contracts and are disclosed (Art. 28).",
    "retention": "Data is kept no longer than the notice says (Art. 5(1)(e)).",
    "security": "Security of processing (Art. 32).",
    "records": "Records of processing activities (Art. 30).",
    "dpia": "Data protection impact assessments (Art. 35).",
    "breach": "Readiness to notify personal data breaches (Art. 33, 34).",
}


# -- rules ------------------------------------------------------------------------------

def builtin_rules() -> list:
    """The rules of the built-in pack alone, as `docs/rules.md` documents them."""
    from .load.rules import builtin_rules_dir, load_rule_dirs
    folder = builtin_rules_dir()
    return load_rule_dirs([folder], folder.parent)


def pack_path(rule) -> str | None:
    """The rule file as shown in docs: `rules/<file>` for the built-in pack wherever it is
    installed, else the path the loader showed (relative to the project root)."""
    from .load.rules import builtin_rules_dir
    loc = rule.location
    if not loc:
        return None
    path = Path(loc[0])
    if path.is_absolute():
        try:
            return "rules/" + path.relative_to(builtin_rules_dir()).as_posix()
        except ValueError:
            return path.as_posix()
    return loc[0]


def _clean(text: str | None) -> str:
    """A folded YAML paragraph as one line of text."""
    return " ".join((text or "").split())


def rule_record(rule) -> dict:
    """One rule as plain data (the JSON format of `gdpr-check rules`)."""
    loc = rule.location
    return {
        "id": rule.id, "name": rule.name, "area": rule.area, "severity": rule.severity,
        "kind": rule.kind,
        "articles": list(rule.articles), "tags": list(rule.tags),
        "description": _clean(rule.description) or None,
        "remediation": _clean(rule.remediation) or None,
        "enabled": rule.enabled,
        "checks": rule.kind_of_subject,
        "loop": rule.loop, "when": list(rule.when), "vars": dict(rule.vars),
        "that": list(rule.that), "schema": rule.schema_,
        "pack": {"path": pack_path(rule), "line": loc[1] if loc else None},
    }


def render_rules(rules, fmt: str) -> str:
    if fmt == "json":
        return render_rules_json(rules)
    if fmt == "markdown":
        return render_rules_markdown(rules)
    return render_rules_text(rules)


def render_rules_json(rules) -> str:
    data = {"rules": [rule_record(r) for r in _sorted(rules)]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_rules_text(rules) -> str:
    rules = _sorted(rules)
    if not rules:
        return "no rules\n"
    width_id = max(len(r.id) for r in rules)
    width_area = max(len(r.area) for r in rules)
    lines = []
    for rule in rules:
        off = "  (disabled)" if not rule.enabled else ""
        where = f"{pack_path(rule)}:{rule.location[1]}" if rule.location else "built in"
        lines.append(f"{rule.id:<{width_id}}  {rule.severity:<8}  {rule.area:<{width_area}}  "
                     f"{rule.name}{off}  [{', '.join(rule.articles)}]  {where}")
    areas = len({r.area for r in rules})
    lines.append(f"{len(rules)} rule{'s' if len(rules) != 1 else ''} in {areas} "
                 f"area{'s' if areas != 1 else ''}")
    return "\n".join(lines) + "\n"


def _sorted(rules) -> list:
    order = {area: i for i, area in enumerate(AREA_TITLES)}
    return sorted(rules, key=lambda r: (order.get(r.area, len(order)), r.area, r.id))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _anchor(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text.lower())


def render_rules_markdown(rules) -> str:
    """The rule reference: a table of contents by area, then every rule with its fields."""
    rules = _sorted(rules)
    by_area: dict[str, list] = {}
    for rule in rules:
        by_area.setdefault(rule.area, []).append(rule)
    out = [
        "# Rule reference",
        "",
        f"<!-- Generated from the rule files by `gdpr-check rules --format markdown` "
        f"(or `{REGENERATE}`). Do not edit by hand. -->",
        "",
        f"{len(rules)} rules in {len(by_area)} areas. Each rule checks one item at a time "
        "(a system, a processor, a flow, a purpose, ... or the notice as a whole) and "
        "reports a finding for every item that fails it. Run one rule with "
        "`gdpr-check check --select ID`, an area with `--select AREA`; skip them with "
        "`--ignore`. How rules are written: [expressions.md](expressions.md).",
        "",
        "## Contents",
        "",
    ]
    for area, area_rules in by_area.items():
        title = AREA_TITLES.get(area, area)
        out.append(f"- [{title}](#{_anchor('area-' + area)}) ({len(area_rules)})")
        for rule in area_rules:
            out.append(f"  - [{rule.id}](#{_anchor(rule.id)}) {_cell(rule.name)}")
    for area, area_rules in by_area.items():
        out += ["", f'<a id="{_anchor("area-" + area)}"></a>', "",
                f"## {AREA_TITLES.get(area, area)}", ""]
        if area in AREA_SUMMARIES:
            out += [AREA_SUMMARIES[area], ""]
        out += ["| Rule | Severity | Articles | Checks |", "|---|---|---|---|"]
        for rule in area_rules:
            out.append(f"| [{rule.id}](#{_anchor(rule.id)}) {_cell(rule.name)} | "
                       f"{rule.severity}{' (unrecorded)' if rule.kind == 'unrecorded' else ''}"
                       f" | {', '.join(rule.articles)} | "
                       f"{rule.kind_of_subject} |")
        for rule in area_rules:
            out += _rule_markdown(rule)
    return "\n".join(out).rstrip() + "\n"


def _rule_markdown(rule) -> list[str]:
    record = rule_record(rule)
    out = ["", f'<a id="{_anchor(rule.id)}"></a>', "",
           f"### {rule.id}: {rule.name}" + ("" if rule.enabled else " (disabled)"), ""]
    if record["description"]:
        out += [record["description"], ""]
    rows = [("Severity", rule.severity), ("Kind", rule.kind), ("Area", rule.area),
            ("Articles", ", ".join(rule.articles))]
    if rule.tags:
        rows.append(("Tags", ", ".join(f"`{t}`" for t in rule.tags)))
    checks = f"each item of `{rule.loop.strip()}`" if rule.loop else "the notice as a whole"
    if rule.when:
        checks += " for which " + " and ".join(f"`{w.strip()}`" for w in rule.when)
    rows.append(("Checks", checks))
    if record["pack"]["path"]:
        rows.append(("Defined in", f"`{record['pack']['path']}:{record['pack']['line']}`"))
    out += ["| | |", "|---|---|"] + [f"| {k} | {_cell(v)} |" for k, v in rows] + [""]
    if record["remediation"]:
        out += [f"**How to fix:** {record['remediation']}", ""]
    body = {}
    if rule.vars:
        body["vars"] = dict(rule.vars)
    if rule.that:
        body["that"] = list(rule.that)
    if rule.schema_ is not None:
        body["schema"] = rule.schema_
    if body:
        out += ["<details><summary>Expressions</summary>", "", "```yaml"]
        out += _yaml_lines(body)
        out += ["```", "", "</details>"]
    return out


def _yaml_lines(body: dict) -> list[str]:
    """A small, stable YAML rendering of a rule's expressions (no YAML library needed)."""
    lines = []
    for key, value in body.items():
        if isinstance(value, list):
            lines.append(f"{key}:")
            lines += [f"  - {_scalar(v)}" for v in value]
        elif key == "schema":
            lines.append(f"schema: {json.dumps(value, sort_keys=True)}")
        else:
            lines.append(f"{key}:")
            lines += [f"  {name}: {_scalar(v)}" for name, v in value.items()]
    return lines


def _scalar(text: str) -> str:
    text = " ".join(str(text).split())
    return json.dumps(text, ensure_ascii=False) if text[:1] in "[{'\"!&*>|%@`#-?:" \
        or ": " in text or " #" in text else text


# -- expressions ----------------------------------------------------------------------------

def _signature(func, name: str) -> str:
    params = list(inspect.signature(func).parameters.values())[1:]  # drop self
    shown = []
    for param in params:
        if param.default is inspect.Parameter.empty:
            shown.append(param.name)
        else:
            default = {None: "none", True: "true", False: "false"}.get(param.default,
                                                                      repr(param.default))
            shown.append(f"{param.name}={default}")
    return f"{name}({', '.join(shown)})"


def _type_name(annotation) -> str:
    """A model field's type in words a rule author reads (`list of country`, ...)."""
    from pydantic import BaseModel
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        base, *meta = args
        names = {"Country": "country", "Duration": "duration", "Id": "id"}
        for name, alias in names.items():
            if annotation == getattr(_types(), name, None):
                return alias
        if any("check_language" in repr(m) for m in meta):
            return "language"
        if base is str and any("pattern" in repr(m) for m in meta):
            return "id" if "a-z0-9" in repr(meta) else "string"
        return _type_name(base)
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin in (list, tuple):
        return f"list of {_type_name(args[0])}" if args else "list"
    if origin is dict:
        return "mapping"
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        parts = [_type_name(a) for a in args if a is not type(None)]
        text = " or ".join(dict.fromkeys(parts))
        return text + (" or none" if type(None) in args else "")
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{_anchor('model-' + annotation.__name__)})"
    if annotation is typing.Any:
        return "any"
    if getattr(annotation, "__name__", None) == "LocalizedText":
        return "text"
    names = {str: "string", bool: "true/false", int: "number", float: "number",
             type(None): "none"}
    if annotation in names:
        return names[annotation]
    return getattr(annotation, "__name__", str(annotation))


def _types():
    from .model import types
    return types


def _models() -> list:
    """Every model reachable from Policy and Inventory, in a stable order."""
    from pydantic import BaseModel

    from .model import Inventory, Policy
    seen, order = set(), []

    def visit(model):  # depth first, fields in order: each model right after its user
        if model in seen:
            return
        seen.add(model)
        order.append(model)
        for info in model.model_fields.values():
            stack = [info.annotation]
            while stack:
                current = stack.pop(0)
                if isinstance(current, type) and issubclass(current, BaseModel):
                    visit(current)
                stack.extend(typing.get_args(current))

    visit(Policy)
    visit(Inventory)
    return order


def _model_markdown(model) -> list[str]:
    kind = getattr(model, "KIND", model.__name__)
    out = ["", f'<a id="{_anchor("model-" + model.__name__)}"></a>', "",
           f"#### {model.__name__} (`{kind}`)", ""]
    doc = inspect.getdoc(model)
    if doc and not doc.startswith(("A base", "Usage docs")) and model.__doc__:
        out += [" ".join(doc.split()), ""]
    out += ["| Field | Type |", "|---|---|"]
    for name, info in model.model_fields.items():
        shown = info.alias or name
        access = f"`{shown}`" if shown == name else f"`{shown}` (also `{name}`)"
        out.append(f"| {access} | {_type_name(info.rebuild_annotation())} |")
    props = [n for n, v in sorted(vars(model).items())
             if isinstance(v, property) and not n.startswith("_") and n != "location"]
    for name in props:
        doc = inspect.getdoc(getattr(model, name)) or ""
        out.append(f"| `{name}` | computed: {_cell(' '.join(doc.split()))} |")
    return out


def render_expressions_markdown() -> str:
    from .expr import sandbox
    from .expr.helpers import CONSTANTS, FILTERS, FUNCTIONS, Helpers
    from .model.rule import Rule
    out = [
        "# Rule expressions",
        "",
        f"<!-- Generated from gdpr_check/expr/ and gdpr_check/model/ by `{REGENERATE}`. "
        "Do not edit by hand. -->",
        "",
        "A rule (see [rules.md](rules.md) and CONTRIBUTING.md) is an Ansible-style `assert`: "
        "its `loop`, `when`, `vars`, `that`, `subject` and `at` are Jinja2 *expressions* "
        "(what goes inside `{{ }}`, without the braces), and `fail_msg` is a Jinja2 "
        "*template*. They run in an immutable sandbox; this page lists everything they can "
        "use.",
        "",
        "```yaml",
        "- id: TR001",
        "  loop: inventory.processors            # the items to check, one at a time",
        "  when: item.countries | outside_eea    # skip the items this rule does not concern",
        "  vars:",
        "    mechanism: \"item.transfer.mechanism if item.transfer else none\"",
        "  that:                                 # every expression must be true",
        "    - mechanism in valid_mechanisms(item.countries, item)",
        "  fail_msg: \"{{ item.name }} has no valid transfer safeguard\"",
        "```",
        "",
        "## Names in scope",
        "",
        "| Name | What it is |",
        "|---|---|",
        "| `item` | the item being checked: one element of `loop`, or the whole `policy` "
        "for a rule without `loop` |",
        "| `policy` | the privacy notice, [Policy](#model-policy) |",
        "| `inventory` | what runs, [Inventory](#model-inventory) |",
        "| `ref` | the reference data of the law (EEA, adequacy decisions), "
        "[below](#reference-data) |",
        "| the rule's `vars` | each name of `vars`, evaluated per item in order; a var may use "
        "the vars before it |",
    ]
    for name, value in sorted(CONSTANTS.items()):
        shown = ", ".join(f"`{v}`" for v in value) if isinstance(value, list) else repr(value)
        out.append(f"| `{name}` | {shown} |")
    out += [
        "| the helpers | every function [below](#helpers); some are filters too |",
        "| `range`, `dict` | Jinja2's globals (`range` is limited to "
        f"{_max_range():,} items) |",
        "",
        "Jinja2's built-in filters and tests work as usual (`length`, `join`, `select`, "
        "`selectattr`, `map(attribute=...)`, `unique`, `sort`, `default`, `is defined`, "
        "`in`, ...): see <https://jinja.palletsprojects.com/en/stable/templates/"
        "#list-of-builtin-filters>.",
        "",
        "## Helpers",
        "",
        "Functions are called as `name(args)`; those marked *filter* can also be written "
        "`value | name(more args)`. Each reads indexes built once per run, so calling one "
        "for every item keeps a rule fast.",
        "",
    ]
    for name in sorted(set(FUNCTIONS) | set(FILTERS)):
        func = getattr(Helpers, name)
        out += [f'<a id="{_anchor("helper-" + name)}"></a>', "",
                f"### `{_signature(func, name)}`" + (" · filter" if name in FILTERS else ""),
                ""]
        doc = inspect.getdoc(func) or "(undocumented)"
        out += [textwrap.dedent(doc).strip(), ""]
        if name in FILTERS:
            params = list(inspect.signature(func).parameters)[1:]
            rest = ", ".join(params[1:])
            out += [f"As a filter: `{params[0] if params else 'value'} | {name}"
                    + (f"({rest})" if rest else "") + "`.", ""]
    out += ["## Objects", "",
            "Fields are read with a dot (`item.countries`) or by their YAML name "
            "(`item['from']`). A field that is not written in the YAML has its default "
            "(none, false or an empty list), so `item.retention.period` needs "
            "`item.retention and ...` first. Every object also knows where it was written "
            "(used for findings' locations), but that is not readable from expressions.",
            ""]
    for model in _models():
        out += _model_markdown(model)
    out += ["", '<a id="reference-data"></a>', "", "## Reference data (`ref`)", "",
            "The law's facts that change over time, from "
            "`gdpr_check/refdata/reference.yaml` (dated, with sources):", ""]
    out += _reference_markdown()
    out += [
        "",
        "## What the sandbox refuses",
        "",
        "Rules come from files anyone can edit, so the sandbox keeps them to reading data:",
        "",
        "- **Only the names above.** Any other name is an error when the rule loads "
        "(`gdpr-check validate` reports it), with a did-you-mean.",
        "- **Nothing private.** An attribute, key or name starting with `_` is refused when "
        "the rule loads, however it is written: `x.__class__`, `x['__class__']`, "
        "`x | attr('__class__')`, `map(attribute='__class__')`, "
        "`'{0.__class__}'.format(x)`. Names built at run time (`x['__cla' ~ 'ss__']`) are "
        "refused by Jinja2's sandbox when the rule runs.",
        "- **No changes.** Data is immutable: `item.countries.append('X')`, `dict.update` "
        "and the like are errors. Models are frozen.",
        "- **No silent undefined.** A misspelt field (`item.nosuchfield`) is an error that "
        "names the rule's file:line and the item, never a silent false. Test for optional "
        "keys of plain mappings with `is defined` or `| default(...)`.",
        f"- **Bounded work.** `range` gives at most {_max_range():,} items; `**` may not "
        f"build a number of more than {sandbox.MAX_POWER_BITS:,} bits; `*` may not build a "
        f"string or list longer than {sandbox.MAX_REPEAT_LENGTH:,}, nor a format width "
        "(`%`, `.format`, `| format`, `| center`, `| indent`) exceed it. Jinja2's "
        "`lipsum`, `cycler`, `joiner` and `namespace` are not available.",
        "- **Expressions, not statements.** `loop`, `when`, `vars`, `that`, `subject` and "
        "`at` are single expressions; only `fail_msg` is a template (with `{{ }}` and "
        "`{% if %}`).",
        "",
        "A rule that fails to evaluate is an input error (exit code 2) naming the rule file, "
        "the line of the expression and the item; it never passes silently.",
        "",
        "## Rule fields",
        "",
        "| Field | Meaning |",
        "|---|---|",
    ]
    for name, info in Rule.model_fields.items():
        shown = info.alias or name
        text = info.description or _RULE_FIELD_HELP.get(shown, "")
        kind = _type_name(info.rebuild_annotation())
        out.append(f"| `{shown}` | {_cell(text) if text else kind} |")
    return "\n".join(out).rstrip() + "\n"


# For rule fields whose model carries no description (the model's own text wins).
_RULE_FIELD_HELP = {
    "id": "Unique id, prefixed by area (TR001); a pack rule with a built-in id replaces it.",
    "name": "What must hold, as a statement.",
    "area": "The area the rule belongs to (see rules.md).",
    "severity": "How bad a finding is; `--fail-on` compares against it.",
    "articles": "The most specific articles, written `Art. N`, `Art. N(p)` or `Art. N(p)(x)`.",
    "schema": "A JSON Schema each item must satisfy; each error becomes a finding at the "
              "offending field. Only local `$ref`s.",
    "fail_msg": "The finding's message: a template (`{{ item.name }} ...`) with the item, "
                "the vars and every name above.",
    "remediation": "How to fix a finding.",
    "tags": "Free labels for `--select` / `--ignore`.",
    "enabled": "`false` turns the rule off (e.g. in a pack overriding a built-in one).",
}


def _max_range() -> int:
    from jinja2.sandbox import MAX_RANGE
    return MAX_RANGE


def _reference_markdown() -> list[str]:
    import dataclasses

    from .refdata import Decision, Reference
    out = []
    for cls in (Reference, Decision):
        out += [f"**{cls.__name__}**" + (" (`ref`)" if cls is Reference else
                                         " (what `adequacy(country)` gives)"), "",
                "| Name | What it is |", "|---|---|"]
        for field in dataclasses.fields(cls):
            shown = field.type if isinstance(field.type, str) else _type_name(field.type)
            out.append(f"| `{field.name}` | `{_cell(str(shown))}` |")
        for name, member in sorted(vars(cls).items()):
            if name.startswith("_"):
                continue
            if isinstance(member, property) or callable(member):
                func = member.fget if isinstance(member, property) else member
                doc = " ".join((inspect.getdoc(func) or "").split())
                shown = f"`{name}`" if isinstance(member, property) else \
                    f"`{_signature(func, name)}`"
                out.append(f"| {shown} | {_cell(doc)} |")
        out.append("")
    return out


# -- the field reference ------------------------------------------------------------------

def field_description(info) -> str:
    """A field's description on one line (its docstring in the model): the same text in
    docs/reference.md and in the JSON Schemas."""
    return " ".join((info.description or "").split())


# An article reference (`Art. 13(1)(a), 14(1)(a)`, `Art. 44-49`), a CJEU judgment or an
# EDPB guideline cited in a field's description.
_CITATION = re.compile(
    r"Art\. \d+(?:\(\w+\))*(?:-\(\w+\))?(?:(?:, ?|-)\d+(?:\(\w+\))*(?:-\(\w+\))?)*"
    r"|CJEU C-\d+/\d+(?: [A-Z]\w*(?: [IVX]+)?)?|EDPB [A-Z][\w ]*? \d+/\d{4}")


def articles_in(text: str) -> str:
    """The articles (and judgments, guidelines) a description cites, in order."""
    return "; ".join(dict.fromkeys(_CITATION.findall(text)))


def _side_models(root) -> list[tuple[type, list[str]]]:
    """The models reachable from `root`, each with the YAML paths it appears at."""
    from pydantic import BaseModel
    paths: dict[type, list[str]] = {}

    def visit(model, path):
        first = model not in paths
        paths.setdefault(model, []).append(path or "(top level)")
        if not first:
            return
        for name, info in model.model_fields.items():
            key = info.alias or name
            annotation = info.rebuild_annotation()
            listed = typing.get_origin(_strip(annotation)) in (list, tuple)
            for inner in _inner_models(annotation, BaseModel):
                visit(inner, f"{path + '.' if path else ''}{key}{'[]' if listed else ''}")

    visit(root, "")
    return list(paths.items())


def _strip(annotation):
    """`X | None` and `Annotated[X, ...]` -> X."""
    while True:
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if origin is typing.Annotated:
            annotation = args[0]
        elif origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            rest = [a for a in args if a is not type(None)]
            if len(rest) != 1:
                return annotation
            annotation = rest[0]
        else:
            return annotation


def _inner_models(annotation, base) -> list:
    found, stack = [], [annotation]
    while stack:
        current = stack.pop(0)
        if isinstance(current, type) and issubclass(current, base):
            found.append(current)
        else:
            stack.extend(typing.get_args(current))
    return found


def _scaffold_examples() -> dict:
    """(model, field) -> a value `gdpr-check init` writes there: real, valid examples."""
    import yaml

    from .model import Inventory, Policy
    from .scaffold import INVENTORY, NOTICE
    examples: dict = {}

    def walk(obj):
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            if name in obj.model_fields_set:
                examples.setdefault((type(obj), name), value)
            for item in value if isinstance(value, list) else [value]:
                if hasattr(type(item), "model_fields"):
                    walk(item)

    inventory = yaml.safe_load(INVENTORY)
    inventory.pop("defaults", None)
    walk(Policy.model_validate(yaml.safe_load(NOTICE)))
    walk(Inventory.model_validate(inventory))
    return examples


_TYPE_EXAMPLES = {"country": "FI", "duration": "P1M", "id": "customers",  # by _type_name
                  "text": "text", "language": "fi"}


def _example(model, name, info, examples) -> str:
    from datetime import date
    from pydantic import BaseModel
    value = examples.get((model, name))
    if isinstance(value, BaseModel) or (isinstance(value, list) and value
                                        and isinstance(value[0], BaseModel)):
        value = None  # a nested object: its own section has the examples
    if value is None or value == [] or value == {}:
        value = _type_example(info.rebuild_annotation())
    if value is None:
        return ""
    def scalar(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, date):
            return v.isoformat()
        text = str(v)
        return text if re.fullmatch(r"[\w .@/:+-]+", text) and text.strip() == text \
            else json.dumps(text, ensure_ascii=False)
    shown = "[" + ", ".join(scalar(v) for v in value) + "]" if isinstance(value, list) \
        else scalar(value)
    return f"`{name if not info.alias else info.alias}: {shown}`"


def _type_example(annotation):
    from datetime import date
    from pydantic import BaseModel
    named = _TYPE_EXAMPLES.get(_type_name(annotation).removesuffix(" or none"))
    if named is not None:
        return named
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        for arg in args:
            found = _type_example(arg) if arg is not type(None) else None
            if found is not None:
                return found
        return None
    if origin is typing.Annotated:
        return _type_example(args[0])
    if origin in (list, tuple) and args:
        inner = _type_example(args[0])
        return [inner] if inner is not None else None
    if origin is typing.Literal:
        return args[0]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return None
    return {bool: True, int: 72, date: date(2025, 1, 1), str: "text"}.get(annotation)


def _default(info) -> str:
    from pydantic import BaseModel
    from pydantic_core import PydanticUndefined
    if info.is_required():
        return "required"
    if info.default_factory is not None:
        value = info.default_factory()
        if isinstance(value, BaseModel) or value == {}:
            return "`{}`"
        return "`[]`" if value == [] else f"`{value}`"
    if info.default is None or info.default is PydanticUndefined:
        return "—"
    if isinstance(info.default, bool):
        return f"`{'true' if info.default else 'false'}`"
    return f"`{info.default}`"


def render_reference_markdown() -> str:
    from .meta import DISTRIBUTION
    from .model import Inventory, Policy
    examples = _scaffold_examples()
    out = ["# Field reference", "",
           f"<!-- Generated by `{REGENERATE}` from the models (gdpr_check/model/); do not "
           "edit. -->", "",
           "Every key of the files in `policy/` (the privacy notice, as it is published) and "
           "`inventory/` (what the company runs). A folder's files are merged, so each key "
           "may sit in any file of its folder. The descriptions are also the `description`s "
           "of the JSON Schemas (`gdpr-check schema policy`, `gdpr-check schema inventory`) "
           "that editors show. Ids are lower-case letters, digits, `_`, `.` and `-`; "
           "countries are ISO 3166-1 alpha-2 codes; durations are ISO 8601 (`P30D`, `P1M`, "
           "`P6Y`); dates are `YYYY-MM-DD`; booleans are only `true` and `false`; "
           "languages are ISO 639-1 codes (`fi`, `en`). A *text* is a string in the "
           "notice's `language`, or the text per language, `{fi: Asiakasrekisteri, en: "
           "Customer register}`: `notice render --lang L` shows each text in L only (a "
           "placeholder where it has none), and everything else (rules, findings, `ropa`) "
           "reads it in the notice's `language`. Examples "
           f"come from the starter `gdpr-check init` writes ({DISTRIBUTION}) where it has "
           "one.", ""]
    for title, root in (("policy/: the privacy notice", Policy),
                        ("inventory/: what runs", Inventory)):
        out += [f"## {title}", ""]
        for model, paths in _side_models(root):
            kind = getattr(model, "KIND", model.__name__)
            out += [f'<a id="{_anchor(root.__name__ + "-" + model.__name__)}"></a>', "",
                    f"### {model.__name__} (`{kind}`)", "",
                    "At: " + ", ".join(f"`{p}`" for p in paths), ""]
            doc = model.__doc__
            if doc and not doc.startswith(("A base", "Usage docs")):
                out += [" ".join(doc.split()), ""]
            out += ["| Key | Type and allowed values | Default | Article | Description | "
                    "Example |", "|---|---|---|---|---|---|"]
            for name, info in model.model_fields.items():
                description = field_description(info)
                out.append("| " + " | ".join((
                    f"`{info.alias or name}`",
                    _type_name(info.rebuild_annotation()).replace(
                        "(#model-", f"(#{root.__name__.lower()}-"),
                    _default(info), _cell(articles_in(description)) or "—",
                    _cell(description) or "—",
                    _cell(_example(model, name, info, examples)) or "—")) + " |")
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


# -- the command ------------------------------------------------------------------------

def generated() -> dict[str, str]:
    """The generated documents, by their path in the repository."""
    return {RULES_DOC: render_rules_markdown(builtin_rules()),
            EXPRESSIONS_DOC: render_expressions_markdown(),
            REFERENCE_DOC: render_reference_markdown()}


def main(argv=None) -> int:
    """`python -m gdpr_check.docs [--check] [ROOT]`: write (or check) docs/*.md."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    root = Path(args[0] if args else ".")
    stale = []
    for relative, text in generated().items():
        path = root / relative
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if check:
            stale.append(relative)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            print(f"wrote {relative}")
    for relative in stale:
        print(f"{relative} is stale; regenerate it with `{REGENERATE}`", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
