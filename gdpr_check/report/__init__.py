"""Report formats: one module per format, each with `render(report, **options) -> str`.

Modules are imported only when their format is asked for, so `check --format json` does
not pay for the HTML renderer.
"""
from __future__ import annotations

import importlib
import os
import tempfile
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
    """Write through a temporary file in the same folder and rename it into place, so a
    reader never sees half a report and a failed run leaves the old one untouched."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
