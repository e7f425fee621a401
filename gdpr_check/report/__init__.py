"""Report formats: one module per format (named after it, `vocabulary.FORMATS`), each with
`render(report, **options) -> str` and, for the formats a large run makes large, `chunks`
yielding the same text piece by piece, so it is written as it is made (issue 10).

Modules are imported only when their format is asked for, so `check --format json` does
not pay for the HTML renderer.
"""
from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

from ..vocabulary import FORMAT_NAMES as FORMATS

# The formats that show `report.provenance` (the commit, remote and rule packs an audit
# files the report with); the others read nothing of it, and a run only for them spares
# the git processes it takes (`api.check(provenance=False)`).
WITH_PROVENANCE = ("html", "json", "sarif")
# The formats that name files from the repository root (`paths.py`, which runs git to find
# it); text does only in GitHub's annotations (`github=True`), JSON never.
WITH_REPOSITORY_PATHS = ("html", "junit", "markdown", "sarif")


def chunks(report, fmt: str, **options) -> Iterator[str]:
    """The report in `fmt`, piece by piece; nothing is rendered before the first piece is
    asked for. `options` are each format's keywords; `root`, the project folder, also
    gives `prefix`, where it sits in its repository (`paths.py`), unless one is given or
    the format names no file from there."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if "prefix" not in options:
        options["prefix"] = _prefix(fmt, options)
    module = importlib.import_module(f"{__name__}.{fmt}")
    if hasattr(module, "chunks"):
        yield from module.chunks(report, **options)
    else:
        yield module.render(report, **options)


def _prefix(fmt: str, options: dict) -> str:
    if fmt not in WITH_REPOSITORY_PATHS and not (fmt == "text" and options.get("github")):
        return ""
    from .paths import prefix_for
    return prefix_for(options.get("root"))


def render(report, fmt: str, **options) -> str:
    """The whole report in `fmt` as one string (`chunks`, joined)."""
    return "".join(chunks(report, fmt, **options))


def write_atomic(path: str | Path, text) -> None:
    """Replace the file `path` with `text` (a string, or pieces of one) atomically (see
    `gdpr_check.outputs`): a reader never sees half a report and a failed run leaves the
    old one untouched."""
    from ..outputs import Output, write_outputs
    write_outputs([Output(str(path), text)])
