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
        # mkstemp makes the file private (0600); a report gets the mode a plain open()
        # would give it (0666 less the umask), or keeps the mode of the file it replaces.
        os.chmod(tmp, _mode_for(path))
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
