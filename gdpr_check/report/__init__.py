"""Report formats: one module per format, each with `render(report, **options) -> str`.

Modules are imported only when their format is asked for, so `check --format json` does
not pay for the HTML renderer.
"""
from __future__ import annotations

import importlib
from pathlib import Path

FORMATS = {
    "text": "text",
    "json": "json",
    "sarif": "sarif",
    "junit": "junit",
    "markdown": "markdown",
    "html": "html",
}


def render(report, fmt: str, **options) -> str:
    module = importlib.import_module(f"{__name__}.{FORMATS[fmt]}")
    return module.render(report, **options)


def write_atomic(path: str | Path, text: str) -> None:
    """Replace the file `path` with `text` atomically (see `gdpr_check.outputs`): a reader
    never sees half a report and a failed run leaves the old one untouched."""
    from ..outputs import Output, write_outputs
    write_outputs([Output(str(path), text)])
