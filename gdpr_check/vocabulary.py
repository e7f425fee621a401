"""Vocabularies several layers share, defined once (issue 10, item 7): the severities and
the report formats.

The CLI's `--format` and `--fail-on` choices, the configuration's `outputs[].format` and
`fail_on`, the rules' `severity`, the file suffixes an `--output` is recognised by and
the modules of `report/` (one per format, named after it) all come from here. It imports
nothing, so the model can use it without reaching up into `report/`, and the CLI without
importing pydantic at start-up.
"""
from __future__ import annotations

# Least severe first: reports rank them in this order (findings.SEVERITY_ORDER).
SEVERITIES = ("info", "low", "medium", "high", "critical")
FAIL_ON = (*SEVERITIES, "never")  # `fail_on` thresholds: a severity, or never fail

# format -> the --output suffixes that mean it (the first is the one docs suggest)
FORMATS = {
    "text": (".txt",),
    "json": (".json",),
    "sarif": (".sarif",),
    "junit": (".xml",),
    "markdown": (".md",),
    "html": (".html", ".htm"),
}
FORMAT_NAMES = tuple(FORMATS)
SUFFIXES = {suffix: name for name, suffixes in FORMATS.items() for suffix in suffixes}
