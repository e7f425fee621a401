"""Files the build writes into the package beside the modules (the precompiled rule pack,
the models' field descriptions, the shipped YAML files' trees): written whole or not at
all, readable like the modules, and read back as nothing when missing or of another
format."""
from __future__ import annotations

import json
import os
from pathlib import Path


def write(target: Path, data: bytes, prefix: str) -> None:
    """`data` to `target` through a temporary file beside it (`prefix`: its name's start),
    so that a run never reads half a file, and with the modules' mode (0644)."""
    import tempfile  # only the build writes: tempfile brings shutil, random, bz2, lzma
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # package data: readable like the modules beside it
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


def read_json(path: Path, format_: int, key: str) -> dict:
    """The mapping under `key` of a JSON file the build wrote in format `format_`, or {}
    when the file is missing, unreadable or of another format (the caller then computes
    what it would have held)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    valid = isinstance(data, dict) and data.get("format") == format_ \
        and isinstance(data.get(key), dict)
    return data[key] if valid else {}
