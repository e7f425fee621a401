"""Find and read the project configuration (SPEC §8).

`.gdpr-check.yaml` at the project root, or else a `[tool.gdpr-check]` table in its
`pyproject.toml`. Both are read into the located tree of `load.tree`, so one pydantic model
(`model.config.Config`) validates them and every mistake is reported at file:line with a
did-you-mean, exactly like the policy and inventory files. Flags and keyword arguments of
`api.check` win over what the file says; paths in it are relative to the file's folder.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .errors import InputError, did_you_mean, raise_all
from .lazy_pattern import LazyPattern
from .load.files import display_path, escapes_project, leaves_project, read_tree
from .load.tree import LocDict, LocList, locate
from .load.validate import validate

if TYPE_CHECKING:
    from .model.config import Config

CONFIG_NAMES = (".gdpr-check.yaml", ".gdpr-check.yml")
PYPROJECT = "pyproject.toml"
TOOL_TABLE = ("tool", "gdpr-check")


class ProjectConfig(NamedTuple):
    """A validated configuration and where it was read from."""
    model: Config
    file: Path           # the configuration file
    shown: str           # how messages name it (relative to the project root)
    tree: LocDict        # the located tree, to point errors at a key or list item

    @property
    def folder(self) -> Path:
        return self.file.parent

    @property
    def fail_on(self) -> str | None:
        return self.model.fail_on

    @property
    def select(self) -> list[str]:
        return list(self.model.select)

    @property
    def ignore(self) -> list[str]:
        return list(self.model.ignore)

    def select_keys(self, key: str) -> list:
        """`select` or `ignore` as `selection.Key`s that know their file:line."""
        from .selection import Key
        values = getattr(self.model, key)
        node = self.tree.get(key)
        return [Key(text, key, self.loc(key, i if isinstance(node, list) else None))
                for i, text in enumerate(values)]

    def loc(self, key: str, index: int | None = None):
        return locate(self.tree, (key,) if index is None else (key, index)) \
            or (self.shown, 1, 1)

    def existing_path(self, key: str, index: int | None = None) -> Path:
        """The path the config gives under `key` (resolved), which must exist."""
        value = getattr(self.model, key)
        if index is not None:
            value = value[index]
        problem = leaves_project(self.folder, value)
        if problem:  # the config may come from an untrusted pull request: see outputs()
            raise InputError.at(self.loc(key, index),
                                f"{key}: {problem}; paths in the configuration must stay "
                                f"inside the project (pass --{key.replace('_', '-')} to "
                                f"read elsewhere)")
        path = self.folder / value
        if not path.exists():
            raise InputError.at(self.loc(key, index),
                                f"{key}: '{value}' not found (paths are relative to the folder "
                                f"of {self.shown})")
        return path

    def rule_paths(self) -> list[Path]:
        return [self.existing_path("rules", i) for i in range(len(self.model.rules))]

    def waivers_path(self) -> Path | None:
        return self.existing_path("waivers") if self.model.waivers else None

    def baseline_path(self) -> Path | None:
        return self.existing_path("baseline") if self.model.baseline else None

    def published_notice_path(self) -> Path | None:
        return self.existing_path("published_notice") if self.model.published_notice else None

    def source_paths(self) -> list[Path]:
        return [self.existing_path("sources", i) for i in range(len(self.model.sources))]

    def outputs(self) -> list[tuple[str, str | None]]:
        """(format, file or None for standard output), file paths resolved.

        The file may come from an untrusted pull request, so each path must stay inside
        the project (no absolute path, `..` or symbolic link leading out): else an
        `InputError` at the path's line. Only --output on the command line writes
        elsewhere."""
        found = []
        for index, output in enumerate(self.model.outputs):
            if output.to_stdout:
                found.append((output.format, None))
                continue
            problem = leaves_project(self.folder, output.path)
            if problem:
                raise InputError.at(self.output_loc(index), f"config.outputs[{index}].path: "
                                    f"{problem}; outputs in the configuration must stay inside "
                                    "the project (pass --output to write elsewhere)")
            found.append((output.format, str(self.folder / output.path)))
        return found

    def output_loc(self, index: int):
        """Where the configuration names output `index` (its `path`, else the item)."""
        return locate(self.tree, ("outputs", index, "path")) or self.loc("outputs", index)


def apply_rule_settings(config: "ProjectConfig | None", rules: list) -> list:
    """The rules with the config's `rule_settings` applied (severity, enabled, vars).

    An id no pack has, or a var the rule does not define, is an `InputError` at its line
    with a did-you-mean: a misspelt setting must not silently leave the rule as it was.
    """
    settings = config.model.rule_settings if config is not None else {}
    if not settings:
        return rules
    from .load.rules import replaced
    by_id = {rule.id: rule for rule in rules}
    node = config.tree.get("rule_settings")
    errors = []
    for rule_id, setting in settings.items():
        where = node.key_locs.get(rule_id) if isinstance(node, LocDict) else None
        rule = by_id.get(rule_id)
        if rule is None:
            errors.append(InputError.at(where or config.loc("rule_settings"),
                                        f"rule_settings: there is no rule '{rule_id}'"
                                        f"{did_you_mean(rule_id, by_id)}"))
            continue
        unknown = [name for name in setting.vars if name not in rule.vars]
        for name in unknown:
            hint = did_you_mean(name, rule.vars) or \
                f"; its vars: {', '.join(rule.vars) or '(none)'}"
            errors.append(InputError.at(setting.field_location("vars") or where,
                                        f"rule_settings.{rule_id}.vars: {rule_id} has no var "
                                        f"'{name}'{hint}"))
        if unknown:
            continue
        update = {key: value for key, value in (("severity", setting.severity),
                                                ("enabled", setting.enabled))
                  if value is not None}
        if setting.vars:
            update["vars"] = {**rule.vars, **setting.vars}
        by_id[rule_id] = changed = replaced(rule, **update)
        changed._expr_locs.update({("vars", name): _var_loc(node, rule_id, name) or where
                                   for name in setting.vars})
    raise_all(errors)
    return [by_id[rule.id] for rule in rules]


def _var_loc(node, rule_id, name):
    """Where a var of a rule setting is written, for errors in its expression."""
    return locate(node, (rule_id, "vars", name)) if isinstance(node, LocDict) else None


DEFAULTS = {"fail_on": "low", "fail_on_unrecorded": False, "select": [], "ignore": [],
            "rules": [], "waivers": None, "baseline": None, "sources": [], "outputs": [],
            "rule_settings": {}, "published_notice": None, "published_notice_lang": None}
DEFAULT_NOTES = {"select": "every rule", "waivers": "waivers.yaml at the root, if any",
                 "outputs": "text on the terminal",
                 "published_notice": "none: no ND001-ND003 findings",
                 "published_notice_lang": "the notice's `language`, else en"}
FLAGS = {"rules": "--rules", "sources": "--source", "outputs": "--format/--output",
         "published_notice": "--published-notice"}


class Settings(NamedTuple):
    """The settings of one `check` run, resolved in one place (`resolve`): each from its
    flag (or keyword of `api.check`), else the configuration file, else the default.

    Paths from the configuration are resolved and checked (they must exist and stay in
    the project); `select`/`ignore` from it are `selection.Key`s that know their line.
    `origin` says where each value came from and `shown` how it was written, for
    `--show-config`."""
    fail_on: str
    fail_on_unrecorded: bool
    select: tuple
    ignore: tuple
    rules: tuple          # extra rule packs (paths)
    sources: tuple        # infrastructure to compare with (paths)
    waivers: Path | None  # the waivers file that applies, if any
    baseline: Path | None
    outputs: tuple        # (format, file or None for standard output); () for the default
    output_names: dict    # file -> (how errors name it, file:line:column of the setting)
    origin: dict
    shown: dict

    def rows(self) -> list[tuple[str, object, str]]:
        """(key, value, where it came from), in the order `--show-config` prints them."""
        return [(key, self.shown[key], self.origin[key]) for key in DEFAULTS]


def resolve(root: Path | str, config: "ProjectConfig | None", flags: dict | None = None
            ) -> Settings:
    """Every setting of a run from `flags` (keys of DEFAULTS; an empty or None value is
    not given), the configuration `config` and the defaults. Raises `InputErrors` with every
    path of the configuration that is missing or leads outside the project."""
    from . import baseline as baselines, waivers as waiver_files
    from .load import gather
    flags = flags or {}
    errors: list = []
    origin, shown, from_config = {}, {}, set()
    written = written_settings(config.model) if config is not None else {}
    for key, default in DEFAULTS.items():
        flag = flags.get(key)
        if _given(key, flag):
            shown[key] = [{"format": f, "path": o or "-"} for f, o in flag] \
                if key == "outputs" else list(flag) if isinstance(flag, tuple) else flag
            origin[key] = FLAGS.get(key, f"--{key.replace('_', '-')}")
        elif config is not None and key in config.tree:
            where = config.tree.key_locs.get(key) or (config.shown, 1, 1)
            shown[key], origin[key] = written.get(key, default), f"{where[0]}:{where[1]}"
            from_config.add(key)
        else:
            note = DEFAULT_NOTES.get(key)
            shown[key], origin[key] = default, "default" + (f" ({note})" if note else "")

    def value(key, configured):
        """The flag's value, the config's (`configured()`, checked), or the default."""
        if key in from_config:
            return tuple(gather(errors, configured) or ())
        return tuple(flags.get(key) or ()) if _given(key, flags.get(key)) else \
            tuple(DEFAULTS[key])

    outputs = value("outputs", lambda: config.outputs())
    names = {o: (f"config.outputs[{i}].path", config.output_loc(i))
             for i, (_, o) in enumerate(outputs) if o} if "outputs" in from_config else {}
    settings = Settings(
        fail_on=shown["fail_on"] or "low",
        fail_on_unrecorded=bool(shown["fail_on_unrecorded"]),
        select=tuple(value("select", lambda: config.select_keys("select"))),
        ignore=tuple(value("ignore", lambda: config.select_keys("ignore"))),
        rules=tuple(value("rules", lambda: config.rule_paths())),
        sources=tuple(value("sources", lambda: config.source_paths())),
        waivers=gather(errors, waiver_files.find, Path(root), config, flags.get("waivers")),
        baseline=gather(errors, baselines.find, config, flags.get("baseline")),
        outputs=outputs, output_names=names, origin=origin, shown=shown)
    raise_all(errors)
    return settings


def written_settings(model) -> dict:
    """What the configuration sets, as plain data: `model.model_dump(mode="json",
    exclude_defaults=True)` for the configuration's models (strings, booleans, lists,
    mappings and nested models), read from the fields. Dumping would build the model's
    serializer, and with it its whole core schema (~9 ms), for three lines of settings."""
    fields = type(model).model_fields
    return {name: _plain(value) for name, info in fields.items()
            if (value := getattr(model, name)) != info.get_default(call_default_factory=True)}


def _plain(value):
    if hasattr(type(value), "model_fields"):
        return written_settings(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _given(key: str, flag) -> bool:
    """Whether a flag was given: not None, not an empty list; False only where it says
    no (`--no-fail-on-unrecorded`), not where it means "none" (`waivers=False`)."""
    if flag is None or flag == () or flag == []:
        return False
    return flag is not False or key == "fail_on_unrecorded"


def render_resolved(rows) -> str:
    """`--show-config`: one `key: value  # source` line per setting, as YAML."""
    import json
    width = max(len(k) for k, _, _ in rows) + 1
    return "".join(f"{(key + ':').ljust(width)} {json.dumps(value, ensure_ascii=False)}"
                   f"  # {source}\n" for key, value, source in rows)


def find_config(root: Path) -> Path | None:
    """The configuration file of the project at `root`, if it has one."""
    for name in CONFIG_NAMES:
        if (root / name).is_file():
            return root / name
    pyproject = root / PYPROJECT
    if pyproject.is_file() and _mentions_tool_table(pyproject):
        return pyproject
    return None


def load_config(root: Path | str, file: Path | str | None = None) -> ProjectConfig | None:
    """Read and validate the configuration of the project at `root` (or `file`).

    Returns None when the project has none. Raises `InputError` (file:line) when it is
    malformed, has unknown keys or values of the wrong type.
    """
    root = Path(root)
    path = Path(file) if file is not None else find_config(root)
    if path is None:
        return None
    if not path.is_file():
        raise InputError(f"configuration file not found: {path}")
    if path.suffix == ".toml":
        tree, shown = _read_pyproject(path, root)
        if tree is None:
            return None
    else:
        tree, shown = read_tree(path, root)
        if tree is None:  # a file holding only comments: no settings
            tree = LocDict(loc=(shown, 1, 1))
        if not isinstance(tree, LocDict):
            found = "a list" if isinstance(tree, LocList) else f"a single value ({tree!r})"
            raise InputError.at(getattr(tree, "loc", None) or (shown, 1, 1),
                                "expected a mapping of settings (fail_on, select, ignore, "
                                f"rules, waivers, baseline, outputs, sources), found {found}")
    from .model.config import Config  # only a project with settings builds its model
    model = validate(Config, tree, "config")
    config = ProjectConfig(model=model, file=path, shown=shown, tree=tree)
    stdout = [i for i, o in enumerate(model.outputs) if o.to_stdout]
    if len(stdout) > 1:
        raise InputError.at(config.loc("outputs", stdout[1]),
                            "config.outputs: only one output can go to standard output; "
                            "give the others a `path`")
    return config


# --- pyproject.toml ------------------------------------------------------------------------

def _mentions_tool_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return re.search(r"^\s*\[\[?\s*tool\s*\.\s*[\"']?gdpr-check\b", text, re.M) is not None \
        or re.search(r"^\s*[\"']?gdpr-check[\"']?\s*\.", text, re.M) is not None


def _read_pyproject(path: Path, root: Path):
    """The `[tool.gdpr-check]` table as a located tree (None when the table is absent)."""
    from .load.parser import decode
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib
        except ImportError:
            raise InputError("reading [tool.gdpr-check] from pyproject.toml needs Python "
                             "3.11 or the `tomli` package; or use .gdpr-check.yaml",
                             display_path(path, root)) from None
    shown = display_path(path, root)
    escape = escapes_project(path, root)
    if escape:
        raise escape
    try:
        text = decode(path.read_bytes(), shown)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", shown) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = re.search(r"\(at line (\d+), column (\d+)\)", message)
        problem = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        raise InputError(f"malformed TOML: {problem}", shown,
                         *((int(where[1]), int(where[2])) if where else ())) from None
    table = data.get("tool", {}).get("gdpr-check") if isinstance(data.get("tool"), dict) \
        else None
    if table is None:
        return None, shown
    positions = _toml_positions(text)
    own = positions.get(TOOL_TABLE, (1, 1))
    if not isinstance(table, dict):
        raise InputError("tool.gdpr-check: expected a table of settings", shown, *own)
    return _located(table, TOOL_TABLE, positions, shown, own), shown


_BARE = r"[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'"
_DOTTED = rf"(?:{_BARE})(?:\s*\.\s*(?:{_BARE}))*"
# (Compiled when a pyproject.toml first holds a [tool.gdpr-check] table.)
_HEADER = LazyPattern(rf"^\s*(\[\[?)\s*({_DOTTED})\s*\]\]?")
_KEY = LazyPattern(rf"^(\s*)({_DOTTED})\s*=")


def _parts(dotted: str) -> tuple:
    return tuple(p.strip().strip("\"'") for p in re.findall(rf"{_BARE}", dotted))


def _toml_positions(text: str) -> dict[tuple, tuple[int, int]]:
    """(line, column) of every table header and key, by its path (array tables indexed).

    tomllib gives values only; this scan recovers where each key is written so errors can
    name file:line. Values spanning lines point at their key, which is precise enough.
    """
    positions: dict[tuple, tuple[int, int]] = {}
    arrays: dict[tuple, int] = {}
    table: tuple = ()
    in_string = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string:
            if line.count(in_string) % 2 == 1:
                in_string = None
            continue
        header = _HEADER.match(line)
        if header:
            parts = _parts(header[2])
            path: list = []
            for depth, part in enumerate(parts):
                path.append(part)
                prefix = tuple(parts[:depth + 1])
                if prefix in arrays and depth < len(parts) - 1:
                    path.append(arrays[prefix] - 1)
            if header[1] == "[[":
                arrays[parts] = arrays.get(parts, 0) + 1
                positions.setdefault(tuple(path), (number, line.index("[") + 1))
                path.append(arrays[parts] - 1)
            table = tuple(path)
            positions[table] = (number, line.index("[") + 1)
            continue
        key = _KEY.match(line)
        if key:
            positions.setdefault(table + _parts(key[2]), (number, len(key[1]) + 1))
            for quote in ('"""', "'''"):
                if line.count(quote) % 2 == 1:
                    in_string = quote
    return positions


def _located(value, path: tuple, positions: dict, shown: str, fallback: tuple):
    loc = (shown, *positions.get(path, fallback))
    if isinstance(value, dict):
        node = LocDict(loc=loc)
        for key, item in value.items():
            key_loc = (shown, *positions.get(path + (key,), loc[1:]))
            node.key_locs[key] = key_loc
            node[key] = _located(item, path + (key,), positions, shown, key_loc[1:])
        return node
    if isinstance(value, list):
        node = LocList(loc=loc)
        for index, item in enumerate(value):
            item_loc = (shown, *positions.get(path + (index,), loc[1:]))
            node.item_locs.append(item_loc)
            node.append(_located(item, path + (index,), positions, shown, item_loc[1:]))
        return node
    return value
