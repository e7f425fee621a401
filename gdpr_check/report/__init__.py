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
    """`options` are each format's keywords; `root`, the project folder, also gives
    `prefix`, where it sits in its repository (`paths.py`), unless one is given."""
    if "prefix" not in options:
        from .paths import prefix_for
        options["prefix"] = prefix_for(options.get("root"))
    module = importlib.import_module(f"{__name__}.{FORMATS[fmt]}")
    return module.render(report, **options)


def write_atomic(path: str | Path, text: str) -> None:
    """Replace the file `path` with `text` atomically (see `gdpr_check.outputs`): a reader
    never sees half a report and a failed run leaves the old one untouched."""
    from ..outputs import Output, write_outputs
    write_outputs([Output(str(path), text)])
