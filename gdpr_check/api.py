"""The library's entry points: files -> model -> findings -> report, in one direction."""
from __future__ import annotations

from pathlib import Path

from . import __version__
from .engine import run_rules
from .findings import Report
from .graph import build_graph
from .load import Project, load_project
from .load.rules import builtin_rules_dir, load_rule_dirs
from .refdata import reference


def validate(path=".") -> Project:
    return load_project(Path(path))


def rule_dirs(root: Path, extra=()) -> list[Path]:
    """Built-in pack, then the project's own `rules/` (when it is not the built-in one),
    then `--rules` packs: later packs replace earlier rules with the same id."""
    dirs = [builtin_rules_dir()]
    own = root / "rules"
    if own.is_dir() and not _same(own, dirs[0]):
        dirs.append(own)
    dirs.extend(Path(d) for d in extra)
    return dirs


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def select_rules(rules, select=(), ignore=()) -> list:
    """Keep rules matching any `select` (id, area or tag), then drop any matching `ignore`;
    an unknown key, or a selection that keeps nothing, is an `InputError` (selection.py)."""
    from .selection import select_rules as select_checked
    return select_checked(rules, select, ignore)


def load_rules(root: Path, extra=()):
    return load_rule_dirs(rule_dirs(root, extra), root)


def check(path=".", rules=(), select=(), ignore=(), *, waivers=None, baseline=None,
          config=None, today=None) -> Report:
    """Load the project at `path`, run every enabled rule, and return the report.

    `rules`, `select`, `ignore`, `waivers` and `baseline` win over the project's config
    (`.gdpr-check.yaml` or `[tool.gdpr-check]`), which applies where they are empty.
    `waivers`: a waivers file (default: the config's, else `waivers.yaml` at the root when
    present; False: none). `baseline`: a previous JSON report (False: none). `config`:
    None reads the project's, False ignores it, or a `config.ProjectConfig` already loaded.
    `today`: the date waivers expire against (default: today).
    """
    from . import baseline as baselines, waivers as waiver_files
    from .config import load_config
    from .selection import require_enabled
    root = Path(path)
    settings = load_config(root) if config is None else (config or None)
    if settings is not None:
        rules = rules or settings.rule_paths()
        select = select or settings.select_keys("select")
        ignore = ignore or settings.select_keys("ignore")
    waivers_file = waiver_files.find(root, settings, waivers)
    baseline_file = baselines.find(settings, baseline)
    project = load_project(root)
    loaded = load_rules(root, rules)
    all_rules = select_rules(loaded, select, ignore)
    enabled = [r for r in all_rules if r.enabled]
    require_enabled(enabled, all_rules, select, ignore)
    findings = run_rules(project, enabled, reference())
    report = Report(findings=findings, rules=enabled, files=project.files,
                    tool_version=__version__,
                    graph_builder=lambda: build_graph(project, reference()))
    waiver_files.apply_to_report(report, root, waivers_file, {r.id for r in loaded}, today)
    baselines.apply_to_report(report, root, baseline_file)
    return report
