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
    """Keep rules matching any `select` (id, area or tag), then drop any matching `ignore`."""
    return [r for r in rules if _selected(r.id, r.area, r.tags, select, ignore)]


def _selected(rule_id, area, tags, select, ignore) -> bool:
    def matches(keys):
        return any(k == rule_id or k == area or k in tags for k in keys)
    return (not select or matches(select)) and not matches(ignore)


def load_rules(root: Path, extra=()):
    return load_rule_dirs(rule_dirs(root, extra), root)


def _drift(project, root: Path, sources) -> list:
    """Drift findings against the infrastructure `sources` (none: nothing is imported)."""
    if not sources:
        return []
    from .imports.drift import drift_findings
    from .imports.terraform import read_sources
    return drift_findings(project, read_sources(sources, root))


def check(path=".", rules=(), select=(), ignore=(), *, waivers=None, baseline=None,
          config=None, today=None, sources=()) -> Report:
    """Load the project at `path`, run every enabled rule, and return the report.

    `rules`, `select`, `ignore`, `waivers` and `baseline` win over the project's config
    (`.gdpr-check.yaml` or `[tool.gdpr-check]`), which applies where they are empty.
    `waivers`: a waivers file (default: the config's, else `waivers.yaml` at the root when
    present; False: none). `baseline`: a previous JSON report (False: none). `config`:
    None reads the project's, False ignores it, or a `config.ProjectConfig` already loaded.
    `today`: the date waivers expire against (default: today). `sources`: Terraform plans
    or .tf files to compare the inventory with (default: the config's `sources`); their
    disagreements are added as drift findings (`imports.drift`).
    """
    from . import baseline as baselines, waivers as waiver_files
    from .config import load_config
    root = Path(path)
    settings = load_config(root) if config is None else (config or None)
    if settings is not None:
        rules = rules or settings.rule_paths()
        select = select or settings.select
        ignore = ignore or settings.ignore
        sources = sources or settings.source_paths()
    waivers_file = waiver_files.find(root, settings, waivers)
    baseline_file = baselines.find(settings, baseline)
    project = load_project(root)
    loaded = load_rules(root, rules)
    all_rules = select_rules(loaded, select, ignore)
    enabled = [r for r in all_rules if r.enabled]
    drift = [f for f in _drift(project, root, sources)
             if _selected(f.rule, "records", f.tags, select, ignore)]
    findings = run_rules(project, enabled, reference()) + drift
    report = Report(findings=findings, rules=enabled, files=project.files,
                    tool_version=__version__,
                    graph_builder=lambda: build_graph(project, reference()))
    waiver_files.apply_to_report(report, root, waivers_file, {r.id for r in loaded}, today)
    baselines.apply_to_report(report, root, baseline_file)
    return report
