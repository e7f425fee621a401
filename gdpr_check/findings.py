"""What a run produces: findings and the report that carries them (SPEC §7).

Plain data with no behaviour beyond serialisation: the engine fills it, `report/` renders
it, and nothing here imports either.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .model.rule import KINDS

SEVERITY_ORDER = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}


@dataclass
class Finding:
    rule: str
    name: str
    area: str
    severity: str
    articles: list[str]
    subject_kind: str
    subject_id: str
    message: str
    remediation: str | None
    path: str | None
    line: int | None
    column: int | None
    key: str = ""               # tells apart several findings of one rule on one subject
    tags: list[str] = field(default_factory=list)
    waived: dict | None = None  # {reason, approved_by, expires} when a waiver applies
    new: bool = True            # False when a --baseline already holds it
    kind: str = "violation"     # one of model.rule.KINDS: a breach, or a fact not recorded
    subject_name: str | None = None  # the subject's `name`, for reports that list subjects

    @property
    def fingerprint(self) -> str:
        """Stable across runs and line moves: rule + subject + key, never the message."""
        text = "\0".join((self.rule, self.subject_kind, self.subject_id, self.key))
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    @property
    def location(self) -> str:
        """`path:line` for humans (`path` alone when the line is unknown)."""
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path

    def sort_key(self):
        return (self.rule, self.subject_kind, self.subject_id, self.key)

    def to_dict(self) -> dict:
        return {
            "rule": self.rule, "name": self.name, "area": self.area,
            "severity": self.severity, "articles": list(self.articles),
            "subject": {"kind": self.subject_kind, "id": self.subject_id},
            "message": self.message, "remediation": self.remediation,
            "location": {"path": self.path, "line": self.line, "column": self.column},
            "fingerprint": self.fingerprint, "kind": self.kind, "waived": self.waived,
        }


@dataclass
class Notice:
    """Something about the run itself worth telling (an expired or stale waiver, ...)."""
    kind: str
    message: str
    path: str | None = None
    line: int | None = None

    def to_dict(self) -> dict:
        return {"kind": self.kind, "message": self.message,
                "location": {"path": self.path, "line": self.line}}


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


@dataclass
class Report:
    findings: list[Finding]
    rules: list = field(default_factory=list)     # the model.Rule objects that ran
    files: list[str] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    fixed: list[dict] = field(default_factory=list)  # baseline findings no longer present
    tool_version: str = ""
    graph: dict | None = None   # the data-flow map (`graph.build_graph`); see data_flow_graph
    # Builds `graph` on first use: costly on large inventories, and only the HTML report and
    # `gdpr-check graph` draw it. Set by `api.check`.
    graph_builder: object = field(default=None, repr=False, compare=False)
    baseline: str | None = None  # the --baseline report compared against, if any
    provenance: Provenance | None = None  # controller, commit, rule packs (set by api.check)

    def __post_init__(self):
        self.findings.sort(key=Finding.sort_key)

    def data_flow_graph(self) -> dict | None:
        """The data-flow map (nodes and flows), built on first use."""
        if self.graph is None and self.graph_builder is not None:
            self.graph = self.graph_builder()
        return self.graph

    def failing(self, fail_on: str, unrecorded: bool = False) -> list[Finding]:
        """Findings that fail the run: violations at or above `fail_on`, not waived, and
        new. Unrecorded facts fail it only when `unrecorded` is asked for (the
        `--fail-on-unrecorded` gate), by the same threshold."""
        if fail_on == "never":
            return []
        threshold = SEVERITY_ORDER[fail_on]
        return [f for f in self.findings if SEVERITY_ORDER[f.severity] >= threshold
                and f.waived is None and f.new and (unrecorded or f.kind != "unrecorded")]

    def summary(self) -> dict:
        by_severity = {s: 0 for s in SEVERITY_ORDER}
        by_kind = {k: 0 for k in KINDS}
        by_area: dict[str, int] = {}
        waived = 0
        for finding in self.findings:
            if finding.waived is not None:
                waived += 1
                continue
            by_severity[finding.severity] += 1
            by_kind[finding.kind] = by_kind.get(finding.kind, 0) + 1
            by_area[finding.area] = by_area.get(finding.area, 0) + 1
        result = {"findings": len(self.findings) - waived, "waived": waived,
                  "rules": len(self.rules), "files": len(self.files),
                  "by_severity": by_severity, "by_kind": by_kind,
                  "by_area": dict(sorted(by_area.items()))}
        if self.baseline is not None:  # only with --baseline: plain reports stay unchanged
            result["new"] = sum(1 for f in self.findings if f.new and f.waived is None)
            result["fixed"] = len(self.fixed)
        return result

    def to_dict(self) -> dict:
        out: dict = {"tool": {"name": "gdpr-check", "version": self.tool_version}}
        if self.provenance is not None:
            out["run"] = self.provenance.to_dict()
        return out | {
            "summary": self.summary(),
            "findings": [f.to_dict() | ({"new": f.new} if self.baseline is not None else {})
                         for f in self.findings],
            "notices": [n.to_dict() for n in self.notices],
            "fixed": list(self.fixed),
        }
