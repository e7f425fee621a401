"""The string written under each model field (its description, see `base._Documented`),
extracted from the models' source at build time rather than at every start-up.

Finding those strings means parsing each model module (`ast.parse`): ~15 ms, a quarter of
importing the models, paid by every run. The build (`hatch_build.py`, also for an editable
install) extracts them into `field-docs.json` beside the models, each module's under the
SHA-256 of its source and of this extractor. A run takes a module's strings from there
when both are still the same, and parses the source otherwise (an edited checkout, a
build that could not write the file): slower, never different.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from ..package_data import read_json, write

# `ast` and `inspect` (the fallback's parse) are imported where they are used: a run that
# reads the built file needs neither.

_FORMAT = 1
_built: dict | None = None


def path() -> Path:
    return Path(__file__).with_name("field-docs.json")


def of_module(module: str | None, source_file: str | None) -> dict[str, dict[str, str]]:
    """{class: {field: the string under it}} of the top-level classes of `module`."""
    try:
        with open(source_file, "rb") as handle:
            source = handle.read()
    except (OSError, TypeError):
        return {}
    built = _read().get(module)
    if isinstance(built, dict) and built.get("sha256") == _digest(source) \
            and isinstance(built.get("classes"), dict):
        return built["classes"]
    return extract(source)


def extract(source: bytes) -> dict[str, dict[str, str]]:
    """What `of_module` gives, parsed from the source: for each top-level class, each
    string literal written right under an annotated name, as pydantic's own extraction
    reads it (`inspect.cleandoc`)."""
    import ast
    try:
        tree = ast.parse(source.decode("utf-8"))
    except SyntaxError:
        return {}
    return {node.name: _docs_in(node.body) for node in tree.body
            if isinstance(node, ast.ClassDef)}


def _docs_in(body: list) -> dict[str, str]:
    import ast
    import inspect
    return {first.target.id: inspect.cleandoc(second.value.value)
            for first, second in zip(body, body[1:])
            if isinstance(first, ast.AnnAssign) and isinstance(first.target, ast.Name)
            and isinstance(second, ast.Expr) and isinstance(second.value, ast.Constant)
            and isinstance(second.value.value, str)}


def _digest(source: bytes) -> str:
    """The source's SHA-256, salted with this extractor's own source and the Python
    version (`inspect.cleandoc`'s): a change to either makes every entry stale."""
    return hashlib.sha256(_salt() + source).hexdigest()


_SALT: bytes | None = None


def _salt() -> bytes:
    global _SALT
    if _SALT is None:
        with open(__file__, "rb") as handle:
            _SALT = b"%d.%d\0" % sys.version_info[:2] + handle.read() + b"\0"
    return _SALT


def _read() -> dict:
    global _built
    if _built is None:
        _built = read_json(path(), _FORMAT, "modules")
    return _built


def build(target: Path | None = None) -> tuple[Path, int]:
    """Extract the strings of every module beside this one, from source, and write them
    to `target` (default: `path()`) atomically; returns it and how many modules."""
    folder = Path(__file__).parent
    modules = {}
    for file in sorted(folder.glob("*.py")):
        if file.stem != "__init__":
            source = file.read_bytes()
            modules[f"{__package__}.{file.stem}"] = {"sha256": _digest(source),
                                                     "classes": extract(source)}
    target = path() if target is None else Path(target)
    text = json.dumps({"format": _FORMAT, "modules": modules}, ensure_ascii=False,
                      sort_keys=True)
    write(target, text.encode("utf-8"), ".field-docs-")
    return target, len(modules)
