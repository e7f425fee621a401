"""The library's entry points: files -> model -> findings -> report, in one direction."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from . import __version__
from .engine import count_objects, run_rules
from .errors import InputError, errors_of, raise_all
from .findings import Error, Report
from .graph import build_graph
from .load import Project, gather, load_project
from .load.rules import builtin_rules_dir, load_rule_dirs
from .refdata import reference
from .runtime import LIBRARY, Tuning
from .selection import require_enabled


def validate(path=".", *, tuning: Tuning = LIBRARY) -> Project:
    with tuning.paused():
        return load_project(Path(path), parser=tuning.parser())


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


def _drift_checks(sources) -> tuple:
    """The drift checks a run may select: only where infrastructure is compared, so that
    naming one without `sources` is the typo it would be."""
    if not sources:
        return ()
    from .imports.drift import CHECKS
    return CHECKS


def _notice_checks(published_notice) -> tuple:
    """The published notice's drift checks (ND001-ND003): selectable only when a
    published notice is compared, like the infrastructure drift checks."""
    if published_notice is None:
        return ()
    from .notice.drift import CHECKS
    return CHECKS


def _published(root: Path, config, published_notice):
    """The published notice to compare, read: (how reports name it, its text), from the
    argument, else the config's `published_notice`; None when there is none."""
    path = Path(published_notice) if published_notice else \
        (config.published_notice_path() if config is not None else None)
    if path is None:
        return None
    from .load.files import display_path
    from .notice.diff import read_published
    shown = display_path(path, root)
    return shown, read_published(path, shown)


def _notice_drift(project, published, lang) -> list:
    if published is None:
        return []
    from .notice.drift import findings
    shown, text = published
    return findings(project.policy, text, shown, lang)


def _no_page_to_compare(select, ignore) -> list:
    """Selecting the published notice's checks without naming the page is a mistake worth
    its own message (the `gdpr-check-notice` pre-commit hook selects them): one error
    per such key."""
    if not select and not ignore:  # spares importing the notice's checks (~15 ms)
        return []
    from .errors import InputError
    from .notice.drift import BY_ID, TAGS
    names = {n.casefold() for n in (*BY_ID, *TAGS)}
    return [InputError.at(getattr(key, "loc", None),
                          f"{getattr(key, 'text', key)} compares the published notice with "
                          "policy/, and none is named: add `published_notice: PAGE` to "
                          ".gdpr-check.yaml or pass --published-notice PAGE")
            for key in (*select, *ignore)
            if str(getattr(key, "text", key)).strip().casefold() in names]


def load_rules(root: Path, extra=()):
    return load_rule_dirs(rule_dirs(root, extra), root)


def _drift(project, root: Path, sources) -> list:
    """Drift findings against the infrastructure `sources` (none: nothing is imported)."""
    if not sources:
        return []
    from .imports.drift import drift_findings
    from .imports.terraform import read_sources
    return drift_findings(project, read_sources(sources, root))


def _provenance(inputs, enabled, dated):
    """Controller, commit, rule packs and data dates for the audit file (provenance.py)."""
    from .provenance import provenance
    return provenance(inputs.root, inputs.project.policy, list(inputs.packs), enabled,
                      reference().as_of, builtin=builtin_rules_dir(), version=__version__,
                      dated=dated)


# The records of one run are NamedTuples, not dataclasses: a frozen dataclass execs the code
# of its methods when its module is imported (~1-2 ms each, at every start-up).
class Inputs(NamedTuple):
    """Everything a run reads, loaded and validated: config, project, rules, waivers."""
    root: Path
    settings: object | None        # config.ProjectConfig, or None without a config
    project: Project
    loaded: list                   # every rule of every pack (selected or not)
    selected: list                 # after `select` and `ignore`
    waivers: list
    baseline_file: Path | None
    baseline: tuple | None         # (how messages name the file, its entries): baseline.read
    skips: list                    # inline `# gdpr-check: skip=...` comments (inline_skips)
    sources: tuple = ()            # infrastructure to compare with (drift findings)
    drift_checks: tuple = ()       # the drift checks selectable with those sources
    packs: tuple = ()              # the rule folders (or files) read, in load order
    published_notice: tuple | None = None  # (name, text) of the notice as published
    published_notice_lang: str | None = None


def load_inputs(path=".", rules=(), select=(), ignore=(), *, waivers=None, baseline=None,
                config=None, inline_skips=True, sources=(), published_notice=None,
                fast_parser=True, parser=None) -> Inputs:
    """Read and validate every input of a run (arguments as for `check`), collecting the
    errors of all of them before raising, so one run shows every mistake. `fast_parser`
    and `parser`: as `load_project` takes them (`Tuning.parser()` gives a speed
    policy's parser)."""
    from . import baseline as baselines, inline_skips as inline, waivers as waiver_files
    from .config import apply_rule_settings, load_config, resolve
    errors: list = []
    root = Path(path)
    settings = gather(errors, load_config, root) if config is None else (config or None)
    # The one resolution of flags, config and defaults (config.resolve); what it cannot
    # resolve is reported with every other error of the run.
    resolved = gather(errors, resolve, root, settings, {
        "rules": rules, "select": select, "ignore": ignore, "sources": sources,
        "waivers": waivers, "baseline": baseline})
    if resolved is not None:
        rules, select, ignore = resolved.rules, resolved.select, resolved.ignore
        sources = resolved.sources
    waivers_file = resolved.waivers if resolved is not None else None
    baseline_file = resolved.baseline if resolved is not None else None
    compared = gather(errors, baselines.read, root, baseline_file) \
        if baseline_file is not None else None
    published = gather(errors, _published, root, settings, published_notice)
    project = gather(errors, load_project, root, fast_parser, parser)
    loaded = gather(errors, load_rules, root, rules)
    if loaded is not None and settings is not None:
        loaded = gather(errors, apply_rule_settings, settings, loaded)
    waiver_list = (gather(errors, waiver_files.load, waivers_file, root) or []) \
        if waivers_file is not None else []
    skips = (gather(errors, inline.scan_project, root, project.files) or []) \
        if project is not None and inline_skips else []
    selected = None
    drift_checks = _drift_checks(sources) + _notice_checks(published)
    named = published_notice or (settings is not None and settings.model.published_notice)
    # (a page named but unreadable is its own error, not the selection's)
    unnamed = [] if named else _no_page_to_compare(select, ignore)
    errors.extend(unnamed)
    if loaded is not None and not unnamed:
        selected = gather(errors, select_rules, [*loaded, *drift_checks], select, ignore)
        known = {r.id for r in loaded} | {c.id for c in drift_checks}
        gather(errors, waiver_files.check_rule_ids, waiver_list, known)
        gather(errors, inline.check_rule_ids, skips, known)
        if selected is not None:
            enabled = [r for r in selected if r.enabled]
            gather(errors, require_enabled, enabled, selected, select, ignore)
    raise_all(errors)
    return Inputs(root=root, settings=settings, project=project, loaded=loaded,
                  selected=selected, waivers=waiver_list, baseline_file=baseline_file,
                  baseline=compared,
                  skips=skips, sources=tuple(sources), drift_checks=drift_checks,
                  packs=tuple(rule_dirs(root, rules)),
                  published_notice=published,
                  published_notice_lang=settings.model.published_notice_lang
                  if settings is not None else None)


def check(path=".", rules=(), select=(), ignore=(), *, waivers=None, baseline=None,
          config=None, today=None, inline_skips=True, sources=(), published_notice=None,
          dated=False, graph=False, provenance=True, on_error="raise",
          tuning: Tuning = LIBRARY) -> Report:
    """Load the project at `path`, run every enabled rule, and return the report.

    `rules`, `select`, `ignore`, `waivers` and `baseline` win over the project's config
    (`.gdpr-check.yaml` or `[tool.gdpr-check]`), which applies where they are empty.
    `waivers`: a waivers file (default: the config's, else `waivers.yaml` at the root when
    present; False: none). `baseline`: a previous JSON report (False: none). `config`:
    None reads the project's, False ignores it, or a `config.ProjectConfig` already loaded.
    `today`: the date waivers expire against (default: today). `inline_skips`: False
    ignores `# gdpr-check: skip=...` comments (an audit run). `sources`: Terraform plans or
    .tf files to compare the inventory with (default: the config's `sources`); their
    disagreements are added as drift findings (`imports.drift`). `published_notice`: the
    notice as published (default: the config's `published_notice`), compared with policy/
    fact by fact; each drift is an ND001-ND003 finding (`notice.drift`). `dated`: record
    the run's date in `report.provenance` (it is there anyway when SOURCE_DATE_EPOCH is
    set). `graph`: also build the data-flow map (`report.graph`) that the HTML report
    draws. `provenance`: False leaves `report.provenance` (commit, remote, rule packs: git
    processes) out, for reports that do not show it (`report.WITH_PROVENANCE`). `tuning`:
    what the run may do to this process to be faster (`runtime.Tuning`;
    the default leaves it as it was).

    `on_error="raise"`: every input error of the run is raised at once
    (`errors.InputErrors`), and so is a rule that cannot be evaluated. `"report"`: they are
    returned in `report.errors` instead, with the findings of every rule that could run (a
    project that does not load has none), so a report can show them.
    """
    if on_error not in ("raise", "report"):
        raise ValueError(f"on_error must be 'raise' or 'report', not {on_error!r}")
    if not isinstance(dated, bool):  # `dated="2026-12-01"` would record today's clock
        raise TypeError(f"dated is a flag (True or False), not {dated!r}; the date a run "
                        "records is fixed with SOURCE_DATE_EPOCH")
    rule_errors: list | None = None if on_error == "raise" else []
    with tuning.paused():
        try:
            inputs = load_inputs(path, rules, select, ignore, waivers=waivers,
                                 baseline=baseline, config=config, inline_skips=inline_skips,
                                 sources=sources, published_notice=published_notice,
                                 parser=tuning.parser())
        except InputError as exc:
            if on_error == "raise":
                raise
            return Report(findings=[], tool_version=__version__,
                          errors=[Error.of(e) for e in errors_of(exc)])
        objects = count_objects(inputs.project.inventory)
        tuning.keep(inputs, objects)  # freed at the end of the call unless the policy keeps it
        report = _run(inputs, rule_errors, graph, tuning.forks(objects),
                      dated, provenance)
        # The project, indexes and findings live to the end of the run: collections while
        # the reports are written need not walk them.
        tuning.settle()
    if rule_errors:
        report = replace(report, errors=[Error.of(e, "rule", rule_id)
                                         for rule_id, exc in rule_errors
                                         for e in errors_of(exc)])
    return _judged(report, inputs, today)


def _run(inputs: Inputs, rule_errors: list | None, graph: bool, fork: bool,
         dated: bool, provenance: bool) -> Report:
    """The findings of the selected rules and drift checks, as a report."""
    project = inputs.project
    chosen = [r for r in inputs.selected if r.enabled]  # drift checks beside the rules
    enabled = [r for r in chosen if r not in inputs.drift_checks]
    drift_chosen = {r.id for r in chosen if r in inputs.drift_checks}
    drift = [f for f in _drift(project, inputs.root, inputs.sources)
             + _notice_drift(project, inputs.published_notice, inputs.published_notice_lang)
             if f.rule in drift_chosen]
    findings = run_rules(project, enabled, reference(), fork=fork,
                         errors=rule_errors) + drift
    return Report(findings=findings, rules=enabled, files=project.files,
                  tool_version=__version__,
                  graph=build_graph(project, reference()) if graph else None,
                  provenance=_provenance(inputs, enabled, dated) if provenance else None)


def _judged(report: Report, inputs: Inputs, today) -> Report:
    """The report with the run's decisions applied, each making a new report: inline skips
    first (the comment beside the item is the more specific decision), then waivers, then
    the baseline."""
    from . import baseline as baselines, inline_skips as inline, waivers as waiver_files
    report = inline.apply(report, inputs.skips, inputs.project)
    report = waiver_files.apply(report, inputs.waivers, today)
    if inputs.baseline is not None:
        shown, entries = inputs.baseline
        report = baselines.apply(report, entries, shown)
    return report
