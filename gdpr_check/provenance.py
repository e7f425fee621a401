"""What a report is filed with (issue 9, item 10): the controller, the commit checked, the
rule packs with their dates, the reference data's date and, only when asked, the run's.

Filled by `api.check` as plain data (`Provenance`), so the library's reports carry
it as the CLI's do, and every format reads the same record. By default everything comes
from the inputs (the repository, the packs, the data file), never from the clock, so the
same commit gives the same bytes.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

# The day the built-in rules were last checked against the law (the GDPR's text, EDPB
# guidelines, CJEU judgments): the independent review of docs/accuracy.md. Like
# reference.yaml's `as_of`, it is a review date, set at a release after such a review
# (CONTRIBUTING.md, release checklist), not the date a file last changed.
BUILTIN_RULES_AS_OF = "2026-12-01"


@dataclass(frozen=True)
class RulePack:
    """A rule pack that took part in a run, as an audit file names it."""
    name: str            # "built-in", or the pack's folder relative to the repository root
    rules: int           # how many of the run's rules come from it (after replacements)
    date: str | None     # ISO date: the built-in pack's review date, else the last commit
    version: str | None = None   # the tool version, for the built-in pack

    def to_dict(self) -> dict:
        return {"name": self.name, "rules": self.rules, "date": self.date,
                "version": self.version}


@dataclass(frozen=True)
class Provenance:
    """What was checked and with what, for the audit file (the HTML header, SARIF's
    `versionControlProvenance`, JSON's `run`). Everything in it comes from the inputs,
    so the same commit gives the same report; `run_date` only when asked
    (SOURCE_DATE_EPOCH, or `check(..., dated=True)`)."""
    controller: str | None = None       # policy.controller.name
    commit: str | None = None           # `git rev-parse HEAD` of the project's repository
    repository: str | None = None       # its `origin` remote, without credentials
    rule_packs: tuple[RulePack, ...] = ()
    reference_date: str | None = None   # refdata/reference.yaml `as_of`
    run_date: str | None = None         # ISO 8601, UTC, to the minute

    def to_dict(self) -> dict:
        out = {"controller": self.controller, "commit": self.commit,
               "repository": self.repository,
               "rule_packs": [p.to_dict() for p in self.rule_packs],
               "reference_data": self.reference_date}
        if self.run_date is not None:  # only when asked: plain reports stay byte-identical
            out["run_date"] = self.run_date
        return out


def provenance(root: Path, policy, packs: list[Path], rules: list, reference_date,
               *, builtin: Path, version: str, dated: bool = False) -> Provenance:
    """The record for a run on the project at `root`: `packs` are the rule folders (or
    files) in load order, `rules` the rules that ran, `builtin` the shipped pack's folder.
    `dated`: give the run's date even without SOURCE_DATE_EPOCH."""
    from .report.paths import commit_of, prefix_for, repository_url
    controller = getattr(getattr(policy, "controller", None), "name", None)
    commit = commit_of(root)
    return Provenance(
        controller=controller, commit=commit,
        # the address only serves to name the commit; outside git, spare the git call
        repository=repository_url(root) if commit else None,
        rule_packs=tuple(_packs(root, packs, rules, builtin, version, prefix_for(root))),
        reference_date=reference_date.isoformat() if reference_date else None,
        run_date=run_date(dated))


def run_date(dated: bool = False) -> str | None:
    """The run's time (UTC, to the minute, ISO 8601): SOURCE_DATE_EPOCH's when it is set
    (reproducible builds pin it), the clock's when `dated`, else None."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        when = datetime.fromtimestamp(int(epoch), timezone.utc)
    elif dated:
        when = datetime.now(timezone.utc)
    else:
        return None
    return when.strftime("%Y-%m-%dT%H:%MZ")


def _packs(root: Path, packs: list[Path], rules: list, builtin: Path, version: str,
           prefix: str) -> list[RulePack]:
    """One record per pack that supplied at least one of the rules that ran: a pack whose
    rules were all replaced or switched off did not take part in the result."""
    from .load.files import yaml_files
    from .load.rules import pack_file
    owner: dict[str, int] = {}          # a pack file (absolute, as rules keep it) -> its pack
    for index, pack in enumerate(packs):
        files = [pack] if pack.is_file() else yaml_files(pack)
        owner.update({pack_file(f): index for f in files})
    counts = [0] * len(packs)
    for rule in rules:
        index = owner.get(getattr(rule, "_pack", None) or "")
        if index is not None:
            counts[index] += 1
    out = []
    for index, pack in enumerate(packs):
        if not counts[index]:
            continue
        if _same(pack, builtin):
            out.append(RulePack("built-in", counts[index], BUILTIN_RULES_AS_OF, version))
        else:
            out.append(RulePack(_name(pack, root, prefix), counts[index], _date(pack)))
    return out


def _name(pack: Path, root: Path, prefix: str) -> str:
    """A pack inside the project: from the repository root, as reports name files; one
    outside it: as it was given."""
    try:
        inside = pack.resolve().relative_to(root.resolve()).as_posix()
    except (OSError, ValueError):
        return pack.as_posix()
    return prefix + inside


def _date(pack: Path) -> str | None:
    from .report.paths import last_commit_date
    return last_commit_date(pack)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
