"""Find, read and merge the YAML files of one side (policy/ or inventory/)."""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError
from .parser import DEFAULT_PARSER, check_size, decode
from .tree import LocDict, LocList, describe

YAML_SUFFIXES = (".yaml", ".yml")


def yaml_files(folder: Path) -> list[Path]:
    """Every YAML file below `folder`, in a stable order (hidden files and folders skipped)."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file()
             and not any(part.startswith(".") for part in p.relative_to(folder).parts)]
    return sorted(found)


def display_path(path: Path, root: Path) -> str:
    """Paths in messages and reports: relative to the project root, with forward slashes."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def leaves_project(root: Path | str, value: str) -> str | None:
    """Why the path `value`, relative to the project at `root`, leads out of it (an
    absolute path, `..`, or a symbolic link on the way, all followed); None when it stays
    inside. The project may come from an untrusted pull request (docs/security.md): what
    it names itself is read and written only inside it."""
    if "\0" in value:
        return f"{value!r} contains a NUL character"
    if os.path.isabs(value) or Path(value).anchor:
        return f"'{value}' is an absolute path"
    if ".." in Path(value).parts:
        return f"'{value}' leaves the project through '..'"
    home = os.path.realpath(root)
    resolved = os.path.realpath(os.path.join(home, value))
    if os.path.commonpath([home, resolved]) != home:
        return f"'{value}' leads out of the project through a symbolic link (to {resolved})"
    return None


def escapes_project(path: Path, root: Path) -> InputError | None:
    """The error for a file found inside the project (by its path) that really lies
    outside it, through a symbolic link; None when it does not."""
    inside = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    if inside == os.curdir or inside.split(os.sep)[0] == os.pardir:
        return None  # named outside the project: a pack or file given on the command line
    problem = leaves_project(root, inside)
    if problem is None:
        return None
    return InputError(f"{problem}; files of the project are read only inside it",
                      Path(inside).as_posix())


def read_text(path: Path, root: Path, parser=DEFAULT_PARSER) -> tuple[str, str]:
    """(the text of the file at `path`, how messages name it), refused before it is read
    if it lies outside the project or is too large (alone, or with what `parser`'s budget
    has read already)."""
    shown = display_path(path, root)
    escape = escapes_project(path, root)
    if escape:  # e.g. inventory/x.yaml -> ~/.netrc, whose lines errors would quote
        raise escape
    try:
        size = path.stat().st_size
        check_size(size, shown)  # before reading a huge file into memory
        budget = getattr(parser, "budget", None)
        if budget is not None:  # the project's files together, too
            budget.read(size, shown)
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", shown) from None
    return decode(data, shown), shown


def read_tree(path: Path, root: Path, parser=DEFAULT_PARSER):
    text, shown = read_text(path, root, parser)
    return parser.parse_text(text, shown), shown


def mapping_tree(text: str, shown: str, expected: str, parser=DEFAULT_PARSER) -> LocDict:
    """The tree of a file whose top level must be a mapping (policy and inventory files)."""
    tree = parser.parse_text(text, shown)
    if tree is None:
        raise InputError(f"empty file, expected a mapping of {expected}", shown, 1, 1)
    if not isinstance(tree, LocDict):
        found = "a list" if isinstance(tree, LocList) else f"a single value ({tree!r})"
        raise InputError(f"expected a mapping of {expected} at the top level, found {found}",
                         *tree_loc(tree, shown))
    return tree


def tree_loc(tree, shown):
    return getattr(tree, "loc", None) or (shown, 1, 1)


def merge_side(trees: list[LocDict], side: str) -> LocDict:
    """Merge the files of one side: lists are concatenated, a mapping may appear once."""
    merged = LocDict(loc=trees[0].loc if trees else (side + "/", 1, 1))
    for tree in trees:
        for key, value in tree.items():
            if key not in merged:
                merged[key] = _copy_list(value) if isinstance(value, LocList) else value
                merged.key_locs[key] = tree.key_locs[key]
            elif isinstance(value, LocList) and isinstance(merged[key], LocList):
                merged[key].extend(value)
                merged[key].item_locs.extend(value.item_locs)
            elif isinstance(merged[key], LocList):
                first = merged.key_locs[key]
                raise InputError(f"'{key}': expected a list (as in {first[0]}:{first[1]}), "
                                 f"found {_found(value)}", *tree.key_locs[key])
            else:
                first = merged.key_locs[key]
                raise InputError(f"'{key}' is already defined in {first[0]}:{first[1]}; "
                                 "only lists may be split across files",
                                 *tree.key_locs[key])
    return merged




def _found(value) -> str:
    return describe(value) if isinstance(value, (dict, list)) or value is None else \
        f"a single value ({value!r})"


def _copy_list(value: LocList) -> LocList:
    return LocList(value, loc=value.loc, item_locs=list(value.item_locs))
