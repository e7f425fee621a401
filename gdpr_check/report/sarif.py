"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

What GitHub reads (docs.github.com, "SARIF support for code scanning"):
- `tool.driver.rules[]`: `id`, a PascalCase `name`, `shortDescription`, `fullDescription`
  (at most 1024 characters each), `help` (text and markdown), `defaultConfiguration.level`,
  `properties.tags` (the `security` tag makes alerts security alerts) and
  `properties.security-severity`, a score GitHub buckets as critical (> 9.0), high
  (7.0-8.9), medium (4.0-6.9) and low (<= 3.9);
- `results[]`: `ruleId`/`ruleIndex`, `level`, `message.text`, the first location's
  `artifactLocation.uri` (relative to the repository root, `%SRCROOT%`: a project in a
  subfolder gets its folder in front, `paths.py`, the same paths as the annotations)
  and `region.startLine`, and `partialFingerprints`, which GitHub uses to match an alert
  across runs: ours is the finding's fingerprint (rule + subject + key), so it does not
  change when lines move or a message is reworded.
Waived findings carry an external suppression with the waiver's reason; with a baseline,
results say whether they are `new` or `unchanged`. Unrecorded facts (`kind: unrecorded`,
the record does not say) are `note` whatever their severity: they are to-dos, not alerts;
`properties.kind` tells them from violations.

GitHub's upload limits (same page) are kept: at most 25,000 results per run and 10 MB of
gzip-compressed SARIF. A larger run keeps its most important results (open before waived,
new before baseline, then by level and severity) in their usual order, and says in the
run's `toolExecutionNotifications` how many were left out; the JSON report lists all.

A run with errors (an input that does not load, a rule that cannot be evaluated) says
`executionSuccessful: false` in its invocation, with one `error` notification per error
at the file:line:column it names (`associatedRule` for a rule's), before the notices.
The log is laid out as `json.dumps(log, indent=2)` lays it out; only the results kept
are built, each encoded as it is made.
"""
from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from ..findings import SEVERITY_ORDER as SEVERITY_RANK
from ..meta import REPOSITORY_URL, RULES_DOC_URL
from .json import encode, nested

SCHEMA_URI = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
              "sarif-schema-2.1.0.json")
INFORMATION_URI = REPOSITORY_URL  # gdpr_check/meta.py: the addresses are defined once
RULES_DOC_URI = RULES_DOC_URL
FINGERPRINT_KEY = "gdprCheck/v1"
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note",
          "info": "note"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0",
                     "info": "1.0"}
MAX_DESCRIPTION = 1024   # GitHub's limit for shortDescription and fullDescription
# GitHub code scanning's upload limits: above any of these it rejects the whole file
# ("SARIF results exceed one or more limits", docs.github.com/en/code-security/
# code-scanning/troubleshooting-sarif-uploads/results-exceed-limit, and "SARIF support for
# code scanning", .../integrating-with-code-scanning/sarif-support-for-code-scanning).
# Of the 25,000 results it accepts it keeps the 5,000 most severe; of 20 tags, 10.
MAX_RESULTS = 25_000     # results per run
MAX_GZIP_BYTES = 10 * 1024 * 1024  # an upload's size, gzip-compressed ("10 MB")
MAX_RUNS = 20            # runs per file (we write one)
MAX_RULES = 25_000       # rules per run
MAX_TAGS = 20            # tags per rule
MAX_LOCATIONS = 1_000    # locations per result (we write one)
_RANK = {"error": 0, "warning": 1, "note": 2}


def chunks(report, prefix: str = "", max_results: int = MAX_RESULTS,
           max_gzip_bytes: int = MAX_GZIP_BYTES, **_options) -> Iterator[str]:
    """The log, piece by piece. Only the results kept are built, one at a time, each
    encoded as it is made; their text is held once (to measure it against the gzip cap
    before any of it is written), never a second copy of the whole log."""
    descriptors, index = _rules(report)
    baseline = _has_baseline(report)  # once: it looks at every finding
    findings = report.findings
    ranked = _ranked(findings, baseline)
    notifications = [*(_error_notification(e, prefix) for e in report.errors),
                     *(_notification(n, prefix) for n in report.notices)]
    keep = min(len(findings), max_results)
    while True:
        kept = sorted(ranked[:keep])
        results = [nested(_result(findings[i], index[findings[i].rule], baseline, prefix), 4)
                   for i in kept]
        pieces = _log(report, descriptors, results, notifications, len(findings), max_results)
        size = _gzip_size(pieces)
        if keep == 0 or size <= max_gzip_bytes:
            yield from pieces
            return
        keep = int(keep * 0.9 * max_gzip_bytes / size)  # shrink until it fits


def render(report, **options) -> str:
    return "".join(chunks(report, **options))


# How the log ends after the run's `columnKind`, when json.dumps(indent=2) writes it.
_RUN_TAIL = "\n    }\n  ]\n}"


def _log(report, descriptors, results: list[str], notifications, total, limit) -> list[str]:
    """The pieces of the log as `json.dumps(log, indent=2, ensure_ascii=False)` writes it
    (tests/report/test_sarif.py compares), with `results` already encoded at their depth."""
    run = {"tool": {"driver": _driver(report, descriptors)},
           "columnKind": "unicodeCodePoints"} | _provenance(report.provenance)
    head = encode({"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]})
    assert head.endswith(_RUN_TAIL)
    pieces = [head[:-len(_RUN_TAIL)] + ',\n      "results": [']
    for number, result in enumerate(results):
        pieces.append(("," if number else "") + "\n        " + result)
    pieces.append("\n      ]" if results else "]")
    if len(results) < total:
        notifications = [*notifications, _left_out(total - len(results), total, limit)]
    if notifications or report.errors:
        # A run with errors did not check everything: SARIF viewers say so.
        invocation = {"executionSuccessful": not report.errors,
                      "toolExecutionNotifications": notifications}
        pieces.append(',\n      "invocations": ' + nested([invocation], 3))
    pieces.append(_RUN_TAIL + "\n")
    return pieces


def _provenance(record) -> dict:
    """What was checked, with what (provenance.Provenance): the commit as the run's
    `versionControlProvenance` (SARIF's `versionControlDetails` requires the repository's
    address beside it, so without a known address the commit is in `properties` only),
    and the controller, rule packs and data dates in the run's property bag."""
    if record is None:
        return {}
    out = {}
    if record.commit and record.repository:
        out["versionControlProvenance"] = [{"repositoryUri": record.repository,
                                            "revisionId": record.commit}]
    properties = {"controller": record.controller, "commit": record.commit,
                  "rulePacks": [p.to_dict() for p in record.rule_packs],
                  "referenceDataAsOf": record.reference_date}
    if record.run_date:
        properties["runDate"] = record.run_date
    out["properties"] = {k: v for k, v in properties.items() if v is not None}
    return out


def _ranked(findings, with_baseline: bool) -> list[int]:
    """Finding indexes, most important result first: open before waived, new before in
    the baseline, then by level and severity, then in report order."""
    return sorted(range(len(findings)), key=lambda i: (
        findings[i].waived is not None, with_baseline and not findings[i].new,
        _RANK[_level(findings[i].severity, findings[i].kind)],
        -SEVERITY_RANK[findings[i].severity], i))


def _left_out(missing: int, total: int, limit: int) -> dict:
    return {"level": "warning", "descriptor": {"id": "results-left-out"},
            "message": {"text": f"{missing} of {total} results are left out to stay within "
                                f"GitHub code scanning's upload limits ({limit:,} "
                                "results per run, 10 MB gzip-compressed); the least severe "
                                "went first. The JSON report lists every finding."}}


def _gzip_size(pieces: list[str]) -> int:
    """Bytes of the pieces gzip-compressed (level 6), compressed as a stream."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: the gzip container
    size = sum(len(compressor.compress(piece.encode("utf-8"))) for piece in pieces)
    return size + len(compressor.flush())


def _driver(report, descriptors) -> dict:
    driver = {"name": "gdpr-check", "informationUri": INFORMATION_URI}
    if report.tool_version:
        driver["version"] = report.tool_version
        driver["semanticVersion"] = report.tool_version
    driver["rules"] = descriptors
    return driver


def _rules(report) -> tuple[list[dict], dict[str, int]]:
    """Descriptors of every rule that ran, sorted by id, and their indexes by id. A finding
    whose rule is not among `report.rules` (a hand-made report) gets one from the finding."""
    rules = {r.id: _RuleInfo.of_rule(r) for r in report.rules}
    for finding in report.findings:
        rules.setdefault(finding.rule, _RuleInfo.of_finding(finding))
    ordered = [rules[k] for k in sorted(rules)]
    return [r.descriptor() for r in ordered], {r.id: i for i, r in enumerate(ordered)}


class _RuleInfo:
    """What a descriptor needs from a rule, whether it comes from a Rule or a Finding."""

    def __init__(self, id, name, area, severity, articles, description, remediation, tags,
                 builtin, kind="violation"):
        self.id, self.name, self.area, self.severity = id, name, area, severity
        self.kind = kind
        self.articles, self.description, self.remediation = articles, description, remediation
        self.tags, self.builtin = tags, builtin

    @classmethod
    def of_rule(cls, rule):
        return cls(rule.id, rule.name, rule.area, rule.severity, list(rule.articles),
                   rule.description, rule.remediation, list(rule.tags), _is_builtin(rule),
                   getattr(rule, "kind", "violation"))

    @classmethod
    def of_finding(cls, f):
        return cls(f.rule, f.name, f.area, f.severity, list(f.articles), None,
                   f.remediation, list(f.tags), False, f.kind)

    def descriptor(self) -> dict:
        name = _clean(self.name)
        description = _clean(self.description) or name
        tags = list(dict.fromkeys(["security", "privacy", "gdpr", self.area,
                                   *self.tags]))[:MAX_TAGS]  # more: the upload is refused
        descriptor = {
            "id": self.id,
            "name": _pascal(self.name) or self.id,
            "shortDescription": {"text": _limit(name)},
            "fullDescription": {"text": _limit(description)},
            "defaultConfiguration": {"level": _level(self.severity, self.kind)},
            "help": {"text": self._help_text(description),
                     "markdown": self._help_markdown(description)},
        }
        if self.builtin:
            descriptor["helpUri"] = f"{RULES_DOC_URI}#{self.id.lower()}"
        descriptor["properties"] = {
            "tags": tags, "security-severity": SECURITY_SEVERITY[self.severity],
            "severity": self.severity, "kind": self.kind, "area": self.area,
            "articles": list(self.articles),
        }
        return descriptor

    def _help_text(self, description) -> str:
        lines = [f"{self.id}: {_clean(self.name)}", "", description, "",
                 f"GDPR: {', '.join(self.articles)}", f"Severity: {self.severity}"]
        if self.remediation:
            lines += ["", f"How to fix: {_clean(self.remediation)}"]
        return "\n".join(lines)

    def _help_markdown(self, description) -> str:
        from .markdown import escape
        lines = [f"**{escape(self.id)}: {escape(_clean(self.name))}**", "",
                 escape(description, line_start=True), "",
                 f"**GDPR:** {escape(', '.join(self.articles))}  ",
                 f"**Severity:** {self.severity} ({escape(self.area)})"]
        if self.remediation:
            lines += ["", f"**How to fix:** {escape(_clean(self.remediation))}"]
        return "\n".join(lines)


def _is_builtin(rule) -> bool:
    """A rule from the pack shipped with the tool (documented in docs/rules.md). Mirrors
    `load.rules.builtin_rules_dir` without importing the loader (report/ imports findings
    only)."""
    pack = getattr(rule, "_pack", None)
    if not pack:
        return False
    package = Path(__file__).resolve().parent.parent
    builtin = package / "rules" if (package / "rules").is_dir() else package.parent / "rules"
    try:
        return Path(pack).resolve().parent == builtin.resolve()
    except OSError:
        return False


def _result(f, rule_index: int, with_baseline: bool, prefix: str) -> dict:
    result = {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": _level(f.severity, f.kind),
        "message": {"text": _clean(f.message) or _clean(f.name)},
    }
    if f.path is not None:
        region = {"startLine": f.line or 1}
        if f.column:
            region["startColumn"] = f.column
        result["locations"] = [{
            "physicalLocation": {
                "artifactLocation": {"uri": _uri(prefix + f.path), "uriBaseId": "%SRCROOT%"},
                "region": region,
            },
            "logicalLocations": [_logical(f)],
        }]
    else:
        result["locations"] = [{"logicalLocations": [_logical(f)]}]
    result["partialFingerprints"] = {FINGERPRINT_KEY: f.fingerprint}
    if f.waived is not None:
        waiver = f.waived or {}
        suppression = {"kind": "external", "status": "accepted",
                       "justification": _clean(str(waiver.get("reason") or "waived"))}
        extra = {k: str(waiver[k]) for k in ("approved_by", "expires") if waiver.get(k)}
        if extra:
            suppression["properties"] = extra
        result["suppressions"] = [suppression]
    if with_baseline:
        result["baselineState"] = "new" if f.new else "unchanged"
    result["properties"] = {"severity": f.severity, "kind": f.kind, "area": f.area,
                            "articles": list(f.articles),
                            "subject": {"kind": f.subject_kind, "id": f.subject_id}}
    if f.remediation:
        result["properties"]["remediation"] = _clean(f.remediation)
    return result


def _level(severity: str, kind: str) -> str:
    """An unrecorded fact is a note: the record does not say, nothing is known to be wrong."""
    return "note" if kind == "unrecorded" else LEVELS[severity]


def _logical(f) -> dict:
    return {"name": f.subject_id, "fullyQualifiedName": f"{f.subject_kind}/{f.subject_id}",
            "kind": f.subject_kind}


def _notification(notice, prefix: str) -> dict:
    out = {"level": "warning", "message": {"text": _clean(notice.message)},
           "descriptor": {"id": notice.kind}}
    if notice.path:
        region = {"startLine": notice.line} if notice.line else None
        physical = {"artifactLocation": {"uri": _uri(prefix + notice.path),
                                         "uriBaseId": "%SRCROOT%"}}
        if region:
            physical["region"] = region
        out["locations"] = [{"physicalLocation": physical}]
    return out


def _error_notification(error, prefix: str) -> dict:
    """An input or rule error: a notification at level `error` (SARIF §3.58), at the
    file:line:column it names, and for a rule error the rule's id."""
    out = {"level": "error", "message": {"text": _clean(error.message)},
           "descriptor": {"id": f"{error.kind}-error"}}
    if error.rule:
        out["associatedRule"] = {"id": error.rule}
    if error.path:
        physical = {"artifactLocation": {"uri": _uri(prefix + error.path),
                                         "uriBaseId": "%SRCROOT%"}}
        if error.line:
            physical["region"] = {"startLine": error.line, **(
                {"startColumn": error.column} if error.column else {})}
        out["locations"] = [{"physicalLocation": physical}]
    return out


def _has_baseline(report) -> bool:
    """Baseline states only mean something when a baseline was given."""
    return bool(getattr(report, "baseline", None) or report.fixed
                or any(not f.new for f in report.findings))


def _uri(path: str) -> str:
    """A relative URI reference: forward slashes, percent-encoded where URIs need it."""
    return quote(path.replace("\\", "/"), safe="/-._~!$&'()*+,;=:@")


def _clean(text) -> str:
    """Fold the whitespace of YAML block scalars into single spaces."""
    return " ".join(str(text).split()) if text else ""


def _limit(text: str) -> str:
    return text if len(text) <= MAX_DESCRIPTION else text[:MAX_DESCRIPTION - 1] + "…"


def _pascal(text: str) -> str:
    """`Processors outside the EEA have a safeguard` -> `ProcessorsOutsideTheEEAHaveASafeguard`
    (SARIF recommends a PascalCase friendly name beside the opaque id)."""
    return "".join(w[:1].upper() + w[1:] for w in re.findall(r"[A-Za-z0-9]+", text or ""))
