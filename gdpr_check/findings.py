"""What a run produces: findings and the report that carries them (SPEC §7).

Plain, immutable data with no behaviour beyond serialisation: the engine fills it,
`report/` renders it, and nothing here imports either.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import NamedTuple

from .model.rule import KINDS
from .vocabulary import SEVERITIES

SEVERITY_ORDER = {severity: rank for rank, severity in enumerate(SEVERITIES)}


class Finding(NamedTuple):
    """One rule failing on one subject. Immutable: a waiver or a baseline makes a changed
    copy (`finding._replace(...)`).

    The records of a run are NamedTuples, not dataclasses: a dataclass generates and
    compiles the code of its methods when it is defined, ~1 ms each at every start-up
    (see docs/decisions.md); a NamedTuple is also quicker to make, ~80,000 times in a
    large run."""
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
    tags: list[str] | tuple[str, ...] = ()
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


class Notice(NamedTuple):
    """Something about the run itself worth telling (an expired or stale waiver, ...)."""
    kind: str
    message: str
    path: str | None = None
    line: int | None = None

    def to_dict(self) -> dict:
        return {"kind": self.kind, "message": self.message,
                "location": {"path": self.path, "line": self.line}}


ERROR_KINDS = ("input", "rule")  # a file, flag or rule pack that is wrong; a rule that failed


class Error(NamedTuple):
    """What made the run exit 2, carried by the report so that every format shows it
    (issue 10, item 6): an input error (a file that does not load, a flag or setting that
    is wrong) or a rule that could not be evaluated (`rule` names it; the other rules'
    findings are kept)."""
    message: str
    path: str | None = None
    line: int | None = None
    column: int | None = None
    kind: str = "input"         # one of ERROR_KINDS
    rule: str | None = None

    @classmethod
    def of(cls, error, kind: str = "input", rule: str | None = None) -> "Error":
        """From an `errors.InputError` (duck-typed: findings imports nothing of errors)."""
        return cls(message=error.message, path=error.path, line=error.line,
                   column=error.column, kind=kind, rule=rule)

    @property
    def where(self) -> str:
        """`path:line:column`, as far as it is known ('' when no file is concerned)."""
        if self.path is None:
            return ""
        return ":".join(str(p) for p in (self.path, self.line, self.column if self.line
                                         else None) if p is not None)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    def to_dict(self) -> dict:
        return {"kind": self.kind, "rule": self.rule, "message": self.message,
                "location": {"path": self.path, "line": self.line, "column": self.column}}


@dataclass(frozen=True)
class Report:
    """What a run produced, as plain data: renderers read it, and waivers, baselines and
    inline skips make a new one (`dataclasses.replace`) rather than change it."""
    findings: list[Finding]
    rules: list = field(default_factory=list)     # the model.Rule objects that ran
    files: list[str] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    fixed: list[dict] = field(default_factory=list)  # baseline findings no longer present
    tool_version: str = ""
    # The data-flow map (`graph.build_graph`), when it was asked for (`api.check(...,
    # graph=True)`): costly on large inventories, and only the HTML report and
    # `gdpr-check graph` draw it.
    graph: dict | None = None
    baseline: str | None = None  # the --baseline report compared against, if any
    provenance: Provenance | None = None  # controller, commit, rule packs (set by api.check)
    errors: list[Error] = field(default_factory=list)  # non-empty: the run exits 2

    def __post_init__(self):
        object.__setattr__(self, "findings", sorted(self.findings, key=Finding.sort_key))
        object.__setattr__(self, "errors", sorted(self.errors, key=_error_order))

    def data_flow_graph(self) -> dict | None:
        """The data-flow map (nodes and flows), when the run built it."""
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
        if self.errors:  # only when the run failed: plain reports stay unchanged
            result["errors"] = len(self.errors)
        return result

    def finding_dicts(self):
        """Each finding as the JSON report and the baseline file hold it, one at a time."""
        with_new = self.baseline is not None
        for f in self.findings:
            yield f.to_dict() | {"new": f.new} if with_new else f.to_dict()

    def head(self) -> dict:
        """What the JSON report says before its findings: the tool, what was checked
        (`run`, the provenance), the summary and, when the run failed, its errors."""
        data: dict = {"tool": {"name": "gdpr-check", "version": self.tool_version}}
        if self.provenance is not None:
            data["run"] = self.provenance.to_dict()
        data["summary"] = self.summary()
        if self.errors:
            data["errors"] = [e.to_dict() for e in self.errors]
        return data

    def to_dict(self) -> dict:
        return self.head() | {
            "findings": list(self.finding_dicts()),
            "notices": [n.to_dict() for n in self.notices],
            "fixed": list(self.fixed),
        }


def _error_order(error: Error) -> tuple:
    """As the terminal lists them (errors.InputErrors): by file, line, column, message."""
    return (error.path or "", error.line or 0, error.column or 0, error.message)


def __getattr__(name: str):
    """`Provenance` and `RulePack` live with what fills them (provenance.py), imported
    only by a run whose reports show them: their classes cost ~3 ms of every start-up.
    The names stay importable from here, where a report's `provenance` field names them."""
    if name in ("Provenance", "RulePack"):
        from . import provenance
        return getattr(provenance, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
