"""Rule packs and waivers: YAML lists of rules / waivers, validated with positions."""
from __future__ import annotations

from pathlib import Path

from .. import rule_schema
from ..errors import InputError, did_you_mean, errors_of, raise_all
from ..model import Rule, Waiver
from .files import read_tree, yaml_files
from .prebuilt import PREBUILT
from .tree import LocDict, LocList
from .validate import validate


def builtin_rules_dir() -> Path:
    """The rule pack shipped in the wheel, or `rules/` beside the package in a checkout."""
    packaged = Path(__file__).resolve().parent.parent / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "rules"


def read_list_file(path: Path, root: Path, what: str) -> LocList:
    tree, shown = read_tree(path, root, PREBUILT)  # the built-in pack's, parsed ahead
    if tree is None:
        raise InputError(f"empty file, expected a list of {what}", shown, 1, 1)
    if not isinstance(tree, LocList):
        found = "a mapping" if isinstance(tree, LocDict) else f"a single value ({tree!r})"
        raise InputError.at(getattr(tree, "loc", None) or (shown, 1, 1),
                            f"expected a list of {what} at the top level, found {found}")
    return tree


SWITCH_KEYS = {"id", "enabled", "reason"}


def _is_switch_off(raw) -> bool:
    """`- {id: TR001, enabled: false}`: turns an earlier pack's rule off, nothing else."""
    return isinstance(raw, LocDict) and raw.get("enabled") is False and \
        isinstance(raw.get("id"), str) and set(raw) <= SWITCH_KEYS


def load_rule_file(path: Path, root: Path) -> list:
    """The rules of one pack file, and `(id, loc)` pairs for entries that only switch an
    earlier pack's rule off."""
    tree = read_list_file(path, root, "rules")
    rules, errors = [], []
    pack = pack_file(path)  # once a file: resolving is a system call per folder on the way
    for index, raw in enumerate(tree):
        label = f"rule {raw.get('id')}" if isinstance(raw, dict) and raw.get("id") else \
            f"rule #{index + 1}"
        if not isinstance(raw, LocDict):
            errors.append(InputError.at(tree.item_locs[index],
                                        f"{label}: expected a mapping (id, name, that, ...)"))
            continue
        if _is_switch_off(raw):
            rules.append((raw["id"], raw.key_locs["id"]))
            continue
        try:
            rule = validate(Rule, raw, label)
        except InputError as exc:
            errors.extend(errors_of(exc))
            continue
        problem = _check_body(rule, raw, label)
        if problem is not None:
            errors.append(problem)
            continue
        rule._expr_locs.update(_expression_locs(raw))
        rule._pack = pack  # not the shown path: that is relative to the root
        rules.append(rule)
    raise_all(errors)
    seen = {}
    for rule in rules:
        if isinstance(rule, tuple):
            continue
        if rule.id in seen:
            raise InputError.at(rule.field_location("id"),
                                f"duplicate rule id '{rule.id}' in one pack (first at line "
                                f"{seen[rule.id].location[1]})")
        seen[rule.id] = rule
    return rules


def pack_file(path: Path) -> str:
    """The pack file's absolute path: it tells the built-in pack from others wherever the
    command runs (a path relative to the project root would resolve against the cwd)."""
    try:
        return str(path.resolve())
    except OSError:
        return str(path.absolute())


def _check_body(rule: Rule, raw: LocDict, label: str) -> InputError | None:
    """A rule must check something, and its `schema:` must itself be a valid JSON Schema."""
    if not rule.that and rule.schema_ is None:
        return InputError.at(raw.loc, f"{label}: missing required key 'that' (or 'schema'): "
                                      "expected the expressions every item must satisfy")
    if "loop" in raw and not (isinstance(rule.loop, str) and rule.loop.strip()):
        return InputError.at(raw.key_locs["loop"], f"{label}.loop: expected an expression "
                                                   "giving a list; leave `loop` out for a rule "
                                                   "about the notice as a whole")
    if rule.at and rule.at.isidentifier():
        problem = _check_at_field(rule, label, raw)
        if problem is not None:
            return problem
    if rule.schema_ is not None:
        try:
            rule_schema.check(rule.schema_, raw.key_locs.get("schema", raw.loc), label)
        except InputError as exc:
            return exc
    return None


def _check_at_field(rule: Rule, label: str, raw: LocDict) -> InputError | None:
    """`at: <field>` must name a field of what the rule loops over, when that is known."""
    from .validate import _find_model, _yaml_names
    from ..model import Inventory, Policy
    if rule.loop:
        root, _, field = rule.loop.strip().partition(".")
        model = {"inventory": Inventory, "policy": Policy}.get(root)
        info = model.model_fields.get(field) if model is not None and field.isidentifier() \
            else None
        if info is None:
            return None  # a computed loop: the item's type is only known when it runs
        model = _find_model(info.annotation)
    else:
        model = Policy
    if model is None:
        return None
    names = _yaml_names(model)
    if rule.at in names or rule.at in model.model_fields:
        return None
    hint = did_you_mean(rule.at, names) or f"; expected one of: {', '.join(sorted(names))}"
    return InputError.at(raw.key_locs.get("at", raw.loc),
                         f"{label}.at: '{rule.at}' is not a field of {model.KIND}{hint}")


def _expression_locs(raw: LocDict) -> dict:
    """Where each expression of a rule is written, for errors that point at it exactly."""
    locs = {}
    for key in ("loop", "subject", "at", "fail_msg"):
        if key in raw:
            locs[key] = raw.key_locs[key]
    for key in ("when", "that"):
        value = raw.get(key)
        if isinstance(value, LocList):
            locs.update({(key, i): loc for i, loc in enumerate(value.item_locs)})
        elif key in raw:
            locs[(key, 0)] = raw.key_locs[key]
    variables = raw.get("vars")
    if isinstance(variables, LocDict):
        locs.update({("vars", name): loc for name, loc in variables.key_locs.items()})
    return locs


def load_rule_dirs(dirs: list[Path], root: Path) -> list[Rule]:
    """All rules of the packs, later packs replacing earlier rules with the same id."""
    by_id: dict[str, Rule] = {}
    errors: list[InputError] = []  # every pack's mistakes in one run, not one file a run
    for folder in dirs:
        if not folder.exists():
            errors.append(InputError(f"--rules {folder}: rule pack not found (expected a "
                                     "folder of YAML rule files, or one file)"))
            continue
        files = [folder] if folder.is_file() else yaml_files(folder)
        for path in files:
            try:
                for rule in load_rule_file(path, root):
                    if isinstance(rule, tuple):
                        by_id[rule[0]] = _switched_off(by_id, *rule)
                    else:
                        by_id[rule.id] = rule
            except InputError as exc:
                errors.extend(errors_of(exc))
    raise_all(errors)
    return sorted(by_id.values(), key=lambda r: r.id)


def _switched_off(by_id: dict, rule_id: str, loc) -> Rule:
    rule = by_id.get(rule_id)
    if rule is None:
        hint = did_you_mean(rule_id, by_id)
        raise InputError.at(loc, f"rule {rule_id}: `enabled: false` turns off a rule of an "
                                 f"earlier pack, but no rule has this id{hint}")
    return replaced(rule, enabled=False)


def replaced(rule: Rule, **update) -> Rule:
    """A copy of `rule` with fields replaced, keeping its positions and expression locs."""
    copy = rule.model_copy(update=update)
    for slot in ("_loc", "_key_locs"):  # positions live in slots, which model_copy skips
        object.__setattr__(copy, slot, getattr(rule, slot, None))
    copy._expr_locs = dict(rule._expr_locs)  # not shared: a setting may add its own
    return copy


def load_waivers(path: Path, root: Path) -> list[Waiver]:
    tree = read_list_file(path, root, "waivers")
    waivers, errors = [], []
    for index, raw in enumerate(tree):
        label = f"waiver #{index + 1}"
        if not isinstance(raw, LocDict):
            errors.append(InputError.at(tree.item_locs[index],
                                        f"{label}: expected a mapping (rule, reason, expires)"))
            continue
        try:
            waivers.append(validate(Waiver, raw, label))
        except InputError as exc:
            errors.extend(errors_of(exc))
    raise_all(errors)
    return waivers
