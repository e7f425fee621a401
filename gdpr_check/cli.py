"""Command line: parse flags, call the library, map outcomes to exit codes (SPEC §8).

0: nothing at or above --fail-on; 1: findings at or above it; 2: invalid input, rule or
command line (one line each, naming file:line); 3: an internal error (a bug).
Heavy modules are imported inside the commands that need them, to keep start-up short.
"""
from __future__ import annotations

import os
import sys

import click

from . import __version__
from .meta import ISSUES_URL
from .vocabulary import FAIL_ON, FORMAT_NAMES, SUFFIXES as SUFFIX_FORMATS

MAX_ERRORS = 50  # input errors shown per run, sorted by file and line; the rest are counted

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
# Output cut by its reader where no verdict is known (a write `echo_out` does not make):
# 1, as Python itself ends on a broken pipe.
EXIT_CUT = 1

# The kinds of path the commands take, made once and shared (click's types hold no state):
# each `click.Path` looks its words up in gettext's catalogues when made, ~0.1 ms each.
A_PATH = click.Path()
A_FOLDER = click.Path(file_okay=False)
A_FILE = click.Path(dir_okay=False)
AN_EXISTING_PATH = click.Path(exists=True)
AN_EXISTING_FILE = click.Path(exists=True, dir_okay=False)
SUMMARY = "summary"  # the terminal's share when every report goes to a file: the text report
# without its findings (report/text.py `summary_only`); not a --format of its own


class Failure(Exception):
    def __init__(self, code: int):
        self.code = code


def run_guarded(debug: bool, body):
    """Run `body`; turn input errors into exit 2 and bugs into exit 3 (no traceback)."""
    from .errors import InputError
    try:
        return body()
    except InputError as exc:
        print_errors(str(exc).splitlines())
        raise Failure(EXIT_INPUT) from None
    except (Failure, click.exceptions.Exit, click.ClickException):
        raise
    except KeyboardInterrupt:
        raise Failure(130) from None
    except BrokenPipeError:  # a write that `echo_out` does not make: the output is cut
        _reader_gone()
        raise Failure(EXIT_CUT) from None
    except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
        if debug:  # the traceback, then the same short message and exit code
            import traceback
            traceback.print_exc()
        where = _last_frame(exc)
        text = (str(exc).splitlines() or [""])[0]  # some exceptions carry pages of detail
        text = text if len(text) <= 200 else text[:199] + "…"
        click.echo(f"gdpr-check: internal error: {type(exc).__name__}: {text} ({where})\n"
                   f"This is a bug; please report it at {ISSUES_URL}"
                   + ("." if debug else " (run again with --debug for the traceback)."),
                   err=True)
        raise Failure(EXIT_INTERNAL) from None


def print_errors(lines: list[str]) -> None:
    """Input errors on standard error, one line each, the first MAX_ERRORS of them."""
    for line in lines[:MAX_ERRORS]:
        click.echo(f"gdpr-check: error: {line}", err=True)
    if len(lines) > MAX_ERRORS:  # a wrong indentation can make thousands
        click.echo(f"gdpr-check: error: ... and {len(lines) - MAX_ERRORS} more errors "
                   "(fix these first)", err=True)


def echo_out(pieces) -> None:
    """Write `pieces` (strings) to standard output. A reader that stops reading (`| head`,
    a pager quit early) ends the output, not the run: the rest is dropped and the command
    ends as it would have, `check` with its verdict, with no error on the terminal."""
    try:
        for piece in pieces:
            click.echo(piece, nl=False)
    except BrokenPipeError:
        _reader_gone()


def echo_line(text: str) -> None:
    """One line to standard output (see `echo_out`)."""
    echo_out((text + "\n",))


def _reader_gone() -> None:
    """Standard output's pipe is closed: send what is left nowhere, so that later writes
    and the interpreter's last flush do not fail again ("Exception ignored ... Broken
    pipe", exit 120). Standard error too, when it is the same closed pipe (`2>&1 |`)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        for stream in (sys.stdout, sys.stderr):
            try:
                fd = stream.fileno()
            except (AttributeError, OSError, ValueError):
                continue  # not a file (captured, replaced): nothing to redirect
            if stream is sys.stdout or _same_file(fd, sys.stdout):
                os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def _same_file(fd: int, other) -> bool:
    try:
        return os.path.sameopenfile(fd, other.fileno())
    except (AttributeError, OSError, ValueError):
        return False


def emit(text: str, output: str | None, inputs=()) -> None:
    """Write `text` to the file `output` (atomically, never over one of `inputs`: see
    `outputs.write_outputs`), or to standard output when there is none or it is `-`."""
    if output and output != "-":
        from .outputs import Output, write_outputs
        write_outputs([Output(output, text, name=f"--output {output}")], inputs)
    else:
        echo_out((text,))


def _last_frame(exc) -> str:
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return "unknown place"
    return f"{os.path.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno}"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="gdpr-check")
def cli():
    """Policy-as-code checks for the GDPR: your privacy notice (policy/) against what you
    run (inventory/), with Ansible-style rules."""


def plan_outputs(formats, outputs) -> list[tuple[str, str | None]]:
    """Pair --format and --output in order; an unpaired --output takes its format from its
    suffix; an unpaired --format (or `-`) goes to standard output, at most one of them."""
    plan = []
    for i, output in enumerate(outputs):
        if i < len(formats):
            fmt = formats[i]
        else:
            fmt = SUFFIX_FORMATS.get(os.path.splitext(output)[1].lower())
            if fmt is None:
                raise click.UsageError(f"cannot tell the format of --output {output}; add "
                                       f"--format ({', '.join(FORMAT_NAMES)})")
        plan.append((fmt, None if output == "-" else output))
    plan.extend((fmt, None) for fmt in formats[len(outputs):])
    if plan and all(path is not None for _, path in plan):
        # Files written; the terminal gets the verdict and the counts, not every finding
        # again (72,000 lines for a large run). `--format text` asks for all of them.
        plan.insert(0, (SUMMARY, None))
    if not plan:
        plan = [("text", None)]
    if sum(1 for _, path in plan if path is None) > 1:
        raise click.UsageError("only one format can go to standard output; give the others "
                               "an --output FILE")
    return plan


@cli.command()
@click.argument("path", default=".", type=A_FOLDER)
@click.option("--format", "formats", multiple=True, type=click.Choice(FORMAT_NAMES),
              help="Report format; repeat it, each with an --output, for several.")
@click.option("--output", "outputs", multiple=True, metavar="FILE",
              help="Write the report to FILE (atomically); `-` is standard output.")
@click.option("--fail-on", default=None, type=click.Choice(FAIL_ON),
              help="Exit 1 when a finding is at or above this severity.  [default: the "
                   "config's fail_on, else low]")
@click.option("--fail-on-unrecorded/--no-fail-on-unrecorded", default=None,
              help="Let facts the inventory does not record (`kind: unrecorded`) fail the "
                   "run too, by the same --fail-on threshold.  [default: the config's "
                   "fail_on_unrecorded, else no]")
@click.option("--select", multiple=True, metavar="ID|AREA|TAG", help="Run only these rules.")
@click.option("--ignore", multiple=True, metavar="ID|AREA|TAG", help="Skip these rules.")
@click.option("--rules", "rule_dirs", multiple=True, type=A_PATH,
              help="An extra rule pack (folder or file); same ids replace built-in rules.")
@click.option("--waivers", "waivers_file", type=A_FILE, metavar="FILE",
              help="Accepted risks (default: the config's, else waivers.yaml in PATH).")
@click.option("--baseline", "baseline_file", type=A_FILE, metavar="FILE",
              help="A previous JSON report: fail only on findings it does not hold.")
@click.option("--source", "sources", multiple=True, type=AN_EXISTING_PATH,
              metavar="PLAN|TF", help="Terraform plan JSON or .tf to compare the inventory "
                                      "with (drift findings; repeatable).")
@click.option("--published-notice", type=A_FILE, metavar="FILE",
              help="The notice as published (text, Markdown or HTML): report each fact "
                   "it states differently from policy/ (ND001), leaves out (ND002) or "
                   "adds (ND003).  [default: the config's published_notice]")
@click.option("--show-config", is_flag=True,
              help="Print the resolved settings and where each comes from, then exit.")
@click.option("--no-inline-skips", is_flag=True,
              help="Ignore `# gdpr-check: skip=RULE reason` comments (an audit run).")
@click.option("--quiet", "-q", is_flag=True, help="Only findings, no articles or fixes.")
@click.option("--max-findings", type=click.IntRange(min=0), metavar="N",
              help="List at most N findings in the text, Markdown and HTML reports, the "
                   "most severe first; a line says how many more there are.  [default: all]")
@click.option("--link-base", metavar="URL",
              help="Make the Markdown report's file links absolute, below URL (e.g. "
                   "https://github.com/OWNER/REPO/blob/COMMIT), so they work in a PR "
                   "comment.")
@click.option("--run-date", is_flag=True,
              help="Record the run's date (UTC) in the HTML, JSON and SARIF reports. "
                   "Without it they hold none, so the same commit gives the same bytes; "
                   "SOURCE_DATE_EPOCH sets the date.")
@click.option("--color/--no-color", default=None, help="Colour the text report.")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def check(path, formats, outputs, fail_on, fail_on_unrecorded, select, ignore, rule_dirs,
          waivers_file, baseline_file, sources, published_notice, show_config,
          no_inline_skips, quiet, max_findings, link_base, run_date, color, debug):
    """Run every rule on the project at PATH (default: .) and report the findings.

    Settings not given as flags come from PATH/.gdpr-check.yaml or [tool.gdpr-check] in
    PATH/pyproject.toml."""
    plan = plan_outputs(list(formats), list(outputs)) if formats or outputs else None

    def body():
        nonlocal plan, fail_on, fail_on_unrecorded
        from .runtime import Tuning
        tuning = Tuning.for_cli()  # this process ends after the run
        with tuning.importing():
            from .api import check as run_check
            from .config import load_config
            from .errors import InputError
            from .report import WITH_PROVENANCE, chunks
        try:
            config = load_config(path)
        except InputError:
            if show_config:
                raise
            config = None  # `run_check` reads it again and reports it with every other error
        from .config import render_resolved, resolve
        flags = {"fail_on": fail_on, "fail_on_unrecorded": fail_on_unrecorded,
                 "select": select, "ignore": ignore, "rules": rule_dirs,
                 "waivers": waivers_file, "baseline": baseline_file, "sources": sources,
                 "published_notice": published_notice, "outputs": plan}
        if show_config:
            echo_out((render_resolved(resolve(path, config, flags).rows()),))
            return EXIT_OK
        try:
            settings = resolve(path, config, flags)
        except InputError:  # `run_check` resolves again and reports it with every other
            # error; this run's gate and outputs are then the flags' and the defaults
            settings = resolve(path, None, {key: flags[key] for key in
                                            ("fail_on", "fail_on_unrecorded", "outputs")})
        fail_on, fail_on_unrecorded = settings.fail_on, settings.fail_on_unrecorded
        named = settings.output_names  # output file -> how errors name it
        if plan is None:
            plan = plan_outputs([f for f, _ in settings.outputs],
                                [o or "-" for _, o in settings.outputs])
        # Errors travel with the report (issue 10): input and rule errors come back in
        # `report.errors`, with the findings of every rule that could run.
        report = run_check(path, rules=rule_dirs, select=select, ignore=ignore,
                           waivers=waivers_file, baseline=baseline_file, config=config,
                           inline_skips=not no_inline_skips, sources=sources,
                           published_notice=published_notice, dated=run_date,
                           graph=any(fmt == "html" for fmt, _ in plan),
                           provenance=any(fmt in WITH_PROVENANCE for fmt, _ in plan),
                           on_error="report", tuning=tuning)
        print_errors([str(e) for e in report.errors])
        github = os.environ.get("GITHUB_ACTIONS") == "true"

        def stream(fmt, output):
            """The report in `fmt`, made as it is written (report.chunks): nothing of it
            is held whole, and what is not written is never rendered."""
            colour = color if color is not None else (output is None and sys.stdout.isatty()
                                                      and "NO_COLOR" not in os.environ)
            return chunks(report, "text" if fmt == SUMMARY else fmt, colour=colour,
                          quiet=quiet, fail_on=fail_on, fail_on_unrecorded=fail_on_unrecorded,
                          github=github and output is None, root=path,
                          max_findings=max_findings, link_base=link_base,
                          summary_only=fmt == SUMMARY)
        # Files first, all or none (outputs.py): a run with errors writes them too, complete
        # and holding the errors, so CI keeps a report that says why the run failed.
        if any(output is not None for _, output in plan):  # else no inputs to protect
            from .outputs import Output, inputs_of, write_outputs
            write_outputs([Output(output, stream(fmt, output),
                                  *named.get(output, (f"--output {output}",)))
                           for fmt, output in plan if output is not None],
                          inputs_of(path, rule_dirs, config, waivers_file, baseline_file,
                                    published_notice))
        for fmt, output in plan:  # standard output last
            # The terminal's text is the errors on standard error, as before; a report
            # format asked for on standard output is written with its errors in it.
            if output is not None:
                continue
            if report.errors and fmt in (SUMMARY, "text"):
                if github:  # the errors on the lines of the pull request, as findings are
                    from .report.paths import prefix_for
                    from .report.text import error_annotations
                    echo_out(line + "\n" for line in error_annotations(report, prefix_for(path)))
                continue
            echo_out(stream(fmt, output))
            if fmt == SUMMARY:
                echo_line("reports written: " + ", ".join(o for f, o in plan if o is not None))
        if report.errors:
            return EXIT_INPUT
        return EXIT_FINDINGS if report.failing(fail_on, unrecorded=fail_on_unrecorded) else EXIT_OK

    raise Failure(run_guarded(debug, body))


@cli.command()
@click.argument("path", default=".", type=A_FOLDER)
@click.option("--rules", "rule_dirs", multiple=True, type=A_PATH)
@click.option("--debug", is_flag=True)
def validate(path, rule_dirs, debug):
    """Load and schema-check PATH and the rules, without running them (fast)."""
    def body():
        from .api import load_inputs
        from .engine import compile_rule
        from .errors import raise_all
        from .load import gather
        inputs = load_inputs(path, rule_dirs)  # config, project, rules, waivers: all errors
        errors: list = []
        for rule in inputs.loaded:
            gather(errors, compile_rule, rule)
        raise_all(errors)
        project, rules = inputs.project, inputs.loaded
        echo_line(f"{len(project.files)} files and {len(rules)} rules are valid")
        return EXIT_OK

    raise Failure(run_guarded(debug, body))


@cli.command()
@click.argument("path", default=".", type=A_FOLDER)
@click.option("--format", "fmt", default="mermaid", show_default=True,
              type=click.Choice(("mermaid", "dot")),
              help="Mermaid (renders in GitHub Markdown) or Graphviz DOT.")
@click.option("--output", metavar="FILE", help="Write the map to FILE (atomically).")
@click.option("--rules", "rule_dirs", multiple=True, type=A_PATH,
              help="An extra rule pack (folder or file); same ids replace built-in rules.")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def graph(path, fmt, output, rule_dirs, debug):
    """Draw the data-flow map of PATH: systems, processors and flows, failing flows marked.

    A flow fails when a finding (not waived) is about the flow itself; systems and
    processors with findings are marked as nodes."""
    def body():
        from .api import check as run_check
        from .config import load_config
        from .graph import to_dot, to_mermaid
        from .outputs import inputs_of
        report = run_check(path, rules=rule_dirs, graph=True)
        draw = to_mermaid if fmt == "mermaid" else to_dot
        text = draw(report.data_flow_graph() or {"nodes": [], "edges": []}, report.findings)
        emit(text, output, inputs_of(path, rule_dirs, load_config(path)))
        return EXIT_OK

    raise Failure(run_guarded(debug, body))


@cli.command()
@click.argument("directory", default=".", type=A_PATH)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def init(directory, debug):
    """Start a project in DIRECTORY (default: .): a commented policy/ and inventory/, a
    .gdpr-check.yaml, a waivers.yaml and a .pre-commit-config.yaml. Never overwrites."""
    def body():
        from .scaffold import init as scaffold
        outcome = scaffold(directory)
        def shown(name):
            return name if directory == "." else os.path.join(directory, name)
        for name in outcome.created:
            echo_line(f"created {shown(name)}")
        for name, why in outcome.skipped:
            echo_line(f"skipped {shown(name)} ({why})")
        if outcome.pre_commit_hint:
            echo_line("to run gdpr-check before each commit, add to the `repos:` of "
                      f"{shown('.pre-commit-config.yaml')}:\n"
                      + outcome.pre_commit_hint.rstrip())
        echo_line(f"next: describe your notice in policy/ and your systems in inventory/, "
                  f"then run `gdpr-check check {directory}`")
        return EXIT_OK

    raise Failure(run_guarded(debug, body))


@cli.command("rules")
@click.argument("path", default=".", type=A_FOLDER)
@click.option("--format", "fmt", default="text", show_default=True,
              type=click.Choice(("text", "markdown", "json")),
              help="A list (text), the rule reference (markdown, as docs/rules.md) or data.")
@click.option("--rules", "rule_dirs", multiple=True, type=A_PATH,
              help="An extra rule pack (folder or file); same ids replace built-in rules.")
@click.option("--select", multiple=True, metavar="ID|AREA|TAG", help="Only these rules.")
@click.option("--ignore", multiple=True, metavar="ID|AREA|TAG", help="Leave these out.")
@click.option("--output", metavar="FILE", help="Write to FILE (atomically).")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def rules_command(path, fmt, rule_dirs, select, ignore, output, debug):
    """List or document every rule: the built-in pack, PATH/rules/ and --rules packs, with
    id, name, area, severity, articles, tags, description, remediation and file:line."""
    def body():
        from pathlib import Path

        from .api import load_rules, select_rules
        from .config import apply_rule_settings, load_config
        from .docs import render_rules
        from .errors import InputError
        from .outputs import inputs_of
        if not Path(path).is_dir():
            raise InputError(f"project folder not found: {path}")
        config = load_config(path)
        packs = rule_dirs or (config.rule_paths() if config else ())
        rules = apply_rule_settings(config, load_rules(Path(path), packs))
        if config is not None and config.model.published_notice:
            from .notice.drift import CHECKS   # compared in this project's runs
            rules = [*rules, *CHECKS]
        rules = select_rules(rules, select, ignore)
        text = render_rules(rules, fmt)
        emit(text, output, inputs_of(path, packs, config))
        return EXIT_OK

    raise Failure(run_guarded(debug, body))


@cli.command()
@click.argument("rule_id", metavar="RULE")
@click.argument("path", default=".", type=A_FOLDER)
@click.option("--rules", "rule_dirs", multiple=True, type=A_PATH,
              help="An extra rule pack (folder or file); same ids replace built-in rules.")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def explain(rule_id, path, rule_dirs, debug):
    """Explain RULE (an id, e.g. AC004): why it exists, the articles, what it checks, how
    to fix a finding, and a failing and a passing example."""
    def body():
        from pathlib import Path

        from . import explain as explainer
        from .api import load_rules
        from .config import apply_rule_settings, load_config
        from .load.rules import builtin_rules_dir, load_rule_dirs
        config = load_config(path) if Path(path).is_dir() else None
        packs = rule_dirs or (config.rule_paths() if config else ())
        from .notice.drift import CHECKS, NoticeCheck
        rule = explainer.find_rule(
            [*apply_rule_settings(config, load_rules(Path(path), packs)), *CHECKS], rule_id)
        if isinstance(rule, NoticeCheck):
            echo_out((explainer.render(rule),))
            return EXIT_OK
        # The fixtures are the built-in rule's: not shown for a pack's rule of the same id.
        shipped = {r.id: r.location for r in load_rule_dirs([builtin_rules_dir()], Path(path))}
        builtin = shipped.get(rule.id) == rule.location
        failing, passing = explainer.examples(
            rule.id, explainer.cases_folder(builtin_rules_dir()) if builtin else None)
        echo_out((explainer.render(rule, failing, passing),))
        return EXIT_OK

    raise Failure(run_guarded(debug, body))


@cli.command()
@click.argument("kind", type=click.Choice(("policy", "inventory", "rules", "waivers",
                                           "config")))
@click.option("--output", metavar="FILE", help="Write to FILE (atomically).")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def schema(kind, output, debug):
    """Print the JSON Schema of KIND's files, for editors: yaml-language-server reads it
    from a `# yaml-language-server: $schema=FILE` comment."""
    def body():
        from .schemas import render
        text = render(kind)
        emit(text, output)
        return EXIT_OK

    raise Failure(run_guarded(debug, body))


def _format_from(output, fmt, suffixes, default):
    """--format, else the --output file's suffix, else the default."""
    if fmt:
        return fmt
    if output:
        return suffixes.get(os.path.splitext(output)[1].lower(), default)
    return default


@cli.command(short_help="The Art. 30 record of processing activities (CSV or Markdown).")
@click.argument("path", default=".", type=A_FOLDER)
@click.option("--format", "fmt", type=click.Choice(("csv", "markdown")),
              help="CSV (RFC 4180, one row per activity) or Markdown for a DPO.  "
                   "[default: from --output's suffix, else csv]")
@click.option("--output", metavar="FILE", help="Write the record to FILE (atomically).")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def ropa(path, fmt, output, debug):
    """The Art. 30(1) record of processing activities of PATH (default: .).

    One activity per register and purpose: those of the notice (policy/), then those only
    the inventory shows (marked in the notes). Each gives the controller and DPO,
    purpose and lawful basis, data subjects and data categories, recipients as the notice
    names them and as the inventory has them, transfers outside the EEA with their
    safeguards, retention (the notice's, and each system's) and security measures; where
    the notice is silent the record says so."""
    fmt = _format_from(output, fmt, {".md": "markdown", ".markdown": "markdown"}, "csv")

    def body():
        from .load import load_project
        from .outputs import inputs_of
        from .ropa import render
        text = render(load_project(path), fmt)
        emit(text, output, inputs_of(path))
        return EXIT_OK

    raise Failure(run_guarded(debug, body))


# --- import / export (issue 12; docs/imports.md) -------------------------------------------

def _import_options(command):
    command = click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")(
        command)
    command = click.option("--force", is_flag=True,
                           help="Replace files edited by hand since the last import.")(command)
    command = click.option("--dry-run", is_flag=True,
                           help="Show what would be written; write nothing.")(command)
    return click.option("--project", default=".", show_default=True,
                        type=A_FOLDER,
                        help="The project root to write policy/ and inventory/ into.")(command)


def _run_import(make_plan, project, dry_run, force, debug):
    """Build the plan, then show it (--dry-run) or write it; list what was not mapped."""
    def body():
        from pathlib import Path

        from .imports import writer
        plan = make_plan(Path(project))
        if dry_run:
            echo_out(piece for planned in plan.files
                     for piece in (f"--- would write {planned.path}\n", planned.text))
        else:
            for action, path in writer.apply(plan, Path(project), force=force):
                echo_line(f"{action} {path}")
        for line in dict.fromkeys(plan.unmapped):  # one line per fact, in the order found
            echo_line(f"not mapped: {line}")
        return EXIT_OK

    raise Failure(run_guarded(debug, body))


@cli.group("import")
def import_group():
    """Import the inventory from Fides manifests, Terraform or a spreadsheet."""


@import_group.command("fides")
@click.argument("directory", type=AN_EXISTING_PATH)
@click.option("--country", metavar="XX", help="The controller's country (fideslang has none).")
@_import_options
def import_fides(directory, country, project, dry_run, force, debug):
    """Fides manifests in DIRECTORY -> inventory/fides.yaml and policy/fides.yaml."""
    from pathlib import Path

    def make(root):
        from .imports import fides
        return fides.plan_import(Path(directory), root, country)
    _run_import(make, project, dry_run, force, debug)


@import_group.command("terraform")
@click.argument("sources", nargs=-1, required=True, type=AN_EXISTING_PATH)
@_import_options
def import_terraform(sources, project, dry_run, force, debug):
    """`terraform show -json` plans or .tf files -> the hosting and security of systems."""
    def make(root):
        from .imports import terraform
        return terraform.plan_import(sources, root)
    _run_import(make, project, dry_run, force, debug)


@import_group.command("csv")
@click.argument("file", type=AN_EXISTING_FILE)
@click.option("--mapping", required=True, type=AN_EXISTING_FILE,
              help="YAML: which column holds which field (docs/imports.md).")
@click.option("--to", "target", metavar="FILE",
              help="The inventory file to write, relative to the project "
                   "(default inventory/<name of FILE>.yaml).")
@_import_options
def import_csv(file, mapping, target, project, dry_run, force, debug):
    """A record of processing kept as a spreadsheet (one system per row) -> inventory/."""
    from pathlib import Path

    def make(root):
        from .imports import csv as csv_import
        return csv_import.plan_import(Path(file), Path(mapping), root, target)
    _run_import(make, project, dry_run, force, debug)


@cli.group("export")
def export_group():
    """Export the inventory and notice to other tools' formats."""


@export_group.command("fides")
@click.argument("path", default=".", type=A_FOLDER)
@click.option("--output", metavar="FILE", help="Write the manifest to FILE (atomically).")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def export_fides(path, output, debug):
    """PATH's notice and inventory as a Fides manifest that fideslang's models accept."""
    def body():
        from .api import validate as load
        from .imports import fides
        emit(fides.export(load(path)), output)
        return EXIT_OK

    raise Failure(run_guarded(debug, body))


@cli.group()
def notice():
    """The privacy notice that policy/ encodes: render it, or compare a published one."""


def _notice_lang(policy, lang):
    """--lang, else the notice's `language`, else en."""
    from .notice.drift import language
    return language(policy, lang)


@notice.command("render", short_help="Write the notice from policy/ (Markdown or HTML).")
@click.argument("path", default=".", type=A_FOLDER)
@click.option("--lang", type=click.Choice(("fi", "en")),
              help="Language of the headings and labels.  [default: the notice's "
                   "`language`, else en]")
@click.option("--format", "fmt", type=click.Choice(("markdown", "html")),
              help="Markdown, or one self-contained HTML page.  [default: from --output's "
                   "suffix, else markdown]")
@click.option("--draft", is_flag=True,
              help="A draft for the DPO: every gap `check` finds in the notice shown in "
                   "its section as a [TO ADD] placeholder naming what and the article; "
                   "marked as a draft, never a notice to publish.")
@click.option("--output", metavar="FILE", help="Write the notice to FILE (atomically).")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def notice_render(path, lang, fmt, draft, output, debug):
    """Write the privacy notice of PATH/policy/ as a document, in the order of Art. 13
    and 14: controller and contact, DPO, purposes and legal bases, legitimate interests,
    data, recipients, transfers, retention, rights, complaint, provision, sources,
    automated decisions and profiling, security.

    The content is the policy's own text in --lang (each item's description, else its
    name; `{fi: ..., en: ...}` texts give each language its own). A text with no
    translation into --lang is never replaced by another language: the notice shows a
    placeholder naming its file:line, and a warning lists them. What the policy does not
    state is left out, never filled in: `gdpr-check check` reports those gaps, and --draft
    shows each where it goes (the rules it runs and the findings it shows follow the
    project's config)."""
    fmt = _format_from(output, fmt, {".html": "html", ".htm": "html"}, "markdown")

    def body():
        from .load import load_project
        from .notice import build, to_html, to_markdown
        from .outputs import inputs_of
        policy = load_project(path).policy
        if draft:
            from .api import check as run_check
            from .notice.draft import render_draft
            findings = run_check(path).findings
            emit(render_draft(policy, findings, _notice_lang(policy, lang), fmt), output,
                 inputs_of(path))
            return EXIT_OK
        document = build(policy, _notice_lang(policy, lang))
        emit(to_html(document) if fmt == "html" else to_markdown(document), output,
             inputs_of(path))
        _warn_untranslated(document)
        return EXIT_OK

    raise Failure(run_guarded(debug, body))


def _warn_untranslated(document) -> None:
    """The render is written, with a placeholder where a text has no translation; say
    where, so the gap is fixed in policy/ rather than found on the published page."""
    if not document.missing:
        return
    shown = document.missing[:10]
    more = f" and {len(document.missing) - len(shown)} more" if len(document.missing) > 10 \
        else ""
    click.echo(f"gdpr-check: warning: {len(document.missing)} texts of policy/ have no "
               f"'{document.lang}' translation; the notice marks them: "
               f"{'; '.join(shown)}{more}", err=True)


@notice.command("diff", short_help="Does a published notice still match policy/?")
@click.argument("file", type=A_FILE)
@click.argument("path", default=".", type=A_FOLDER)
@click.option("--lang", type=click.Choice(("fi", "en")),
              help="Language of the published notice.  [default: the notice's `language`, "
                   "else en]")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def notice_diff(file, path, lang, debug):
    """Does the published notice FILE (text, Markdown or HTML) still state what
    PATH/policy/ says, and nothing more?

    Compared, fact by fact: the controller's name, business id and address; the contact
    person's, DPO's and representative's names, phones, e-mail and web addresses; the
    supervisory authority and its web address; the notice's dates; every register,
    purpose and recipient by its name or description; each transfer's countries and
    safeguard; the lawful bases; retention periods, the response time and other
    deadlines; every right stated.

    Reported, one line each, with the place to open first: a fact CHANGED (a fact of
    FILE took the place of one of policy/: "kuukauden kuluessa" -> "kolmen kuukauden
    kuluessa", USA -> Kanada, MailChimp -> Sendinblue), MISSING, or ADDED: a
    duration, date, number, country, name, address, right, basis or safeguard FILE
    states that policy/ (its fields, texts and render) does not hold, and a sentence
    with words policy/ never uses. Exit 1 on any drift, 0 when FILE matches.

    Matching: HTML tags are stripped (only the text of <main> when the page has one; menus
    never) and Markdown escapes dropped; case, punctuation and line breaks are ignored.
    Phone numbers compare by digits (+358 45 ... equals 045 ...),
    web addresses without scheme or www., dates as 21.9.2018, 2018-09-21 or 21 September
    2018, durations as P6Y, 6 years, 6 vuotta or six/kuusi; countries by their English or
    Finnish name (inflected) or code; a right by a sentence with "right"/"oikeus" and the
    right's term. A description must appear sentence by sentence ("[...]" marks an
    elision); the countries and numbers in it are compared on their own.

    Limits: a fact counts wherever it appears, not only in its section (a duration or a
    safeguard policy/ states more than once must appear as often); with --lang fi a word's
    last three letters may differ (Finnish inflection); a sentence counts as added only
    with two or more words policy/ never uses besides those of a fact reported on its line
    (a new sentence made of words policy/ uses elsewhere goes unnoticed); data subjects,
    data categories, sources and security measures are compared as words only."""
    def body():
        from .load import load_project
        from .notice import diff, read_published
        from .notice.diff import lines, summary
        policy = load_project(path).policy
        text = read_published(file)
        result = diff(policy, text, _notice_lang(policy, lang))
        echo_out(f"{line}\n" for line in (*lines(result, file), summary(result, file)))
        return EXIT_FINDINGS if result.drift else EXIT_OK

    raise Failure(run_guarded(debug, body))


def main(argv=None) -> int:
    try:
        cli.main(args=argv, prog_name="gdpr-check", standalone_mode=False)
    except Failure as exc:
        return exc.code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_INPUT
    except click.ClickException as exc:
        exc.show()
        return EXIT_INPUT
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return EXIT_OK


def entry() -> None:
    from .runtime import end_process
    end_process(main())


if __name__ == "__main__":
    entry()
