"""Files the build writes into the package beside the modules (the precompiled rule pack,
the models' field descriptions): written whole or not at all, readable like the modules."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write(target: Path, data: bytes, prefix: str) -> None:
    """`data` to `target` through a temporary file beside it (`prefix`: its name's start),
    so that a run never reads half a file, and with the modules' mode (0644)."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # package data: readable like the modules beside it
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise
