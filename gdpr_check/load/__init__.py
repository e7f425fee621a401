"""Files -> models: read policy/ and inventory/ strictly, with positions (SPEC §3-5, §10)."""
from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import NamedTuple

from ..errors import InputError, errors_of, raise_all
from ..model import Inventory, Policy
from . import refs
from .defaults import apply_defaults
from .files import display_path, mapping_tree, merge_side, read_text, yaml_files
from .parser import DEFAULT_PARSER, Budget, BudgetExceeded, FastParser, PyYamlParser
from .validate import validate


class Project(NamedTuple):
    """Everything loaded from one project root."""
    root: Path
    policy: Policy
    inventory: Inventory
    files: list[str] | tuple[str, ...] = ()


def load_side(root: Path, side: str, expected: str, parser=DEFAULT_PARSER, errors=None):
    """The merged tree of one side and its files. With `errors` (a list), problems of each
    file are added to it and the readable files are still merged; without, the first
    problem is raised.

    Every file is read before any is parsed, so that the parser may begin on them all
    (`prepared`: a speed policy may parse some in another process); each file's problems
    are reported in the order of the files, as if each was read and parsed in turn."""
    collected = [] if errors is None else errors
    folder = root / side
    files = yaml_files(folder)
    read = []  # per file: (text, how it is named) or None, and the problems of reading it
    for path in files:
        problems: list = []
        read.append((gather(problems, read_text, path, root, parser), problems))
    trees = []
    with _prepared(parser, [text for text, _ in read if text is not None]):
        for text, problems in read:
            collected.extend(problems)
            if text is not None:
                tree = gather(collected, mapping_tree, *text, expected, parser)
                if tree is not None:
                    trees.append(tree)
    merged = gather(collected, merge_side, trees, side)
    if errors is None:
        raise_all(collected)
    return merged, [display_path(p, root) for p in files]


def _prepared(parser, texts: list):
    """`parser.prepared(texts)` (a context in which those files are parsed), if it has one."""
    prepared = getattr(parser, "prepared", None)
    return prepared(texts) if prepared is not None else nullcontext()


def gather(errors: list, function, *args):
    """`function(*args)`, or None with its input errors added to `errors`: one run reports
    every independent mistake, instead of one layer of typos per run."""
    try:
        return function(*args)
    except BudgetExceeded:
        raise  # the whole load stops: see BudgetExceeded
    except InputError as exc:
        errors.extend(errors_of(exc))
        return None


def load_project(root: Path | str = ".", fast_parser: bool = True, parser=None) -> Project:
    """Load and cross-check `policy/` and `inventory/` below `root`.

    With `fast_parser`, large files are read by the fast parser (`parser.FastParser`), whose
    trees are the slow path's, positions included, so an error found in them is reported as
    it is: a project with mistakes is refused in about the time a valid one is loaded.

    `parser` chooses the parser of this one load (anything with `parse_text(text, path)`
    and a `budget`, e.g. `PyYamlParser(Budget())` to read every file with PyYAML); by
    default a `FastParser` (or, without `fast_parser`, a `PyYamlParser`) with a fresh
    budget for the project's files together.
    """
    root = Path(root)
    if not root.is_dir():
        raise InputError(f"project folder not found: {root}")
    if not (root / "policy").is_dir() and not (root / "inventory").is_dir():
        raise InputError(f"{root}: no policy/ or inventory/ folder here; expected a project "
                         "root (run `gdpr-check init` to start one)")
    if parser is None:  # one budget: the project's files together
        parser = FastParser(PyYamlParser(Budget())) if fast_parser else PyYamlParser(Budget())
    return _load(root, parser)


def _load(root: Path, parser) -> Project:
    """Read, validate and cross-check both sides, collecting every error before raising:
    a broken notice does not hide the inventory's mistakes."""
    errors: list[InputError] = []
    policy_tree, policy_files = load_side(root, "policy", "notice keys (controller, purposes, "
                                          "...)", parser, errors)
    inventory_tree, inventory_files = load_side(root, "inventory", "inventory keys (systems, "
                                                "processors, ...)", parser, errors)
    if inventory_tree is not None:
        before = len(errors)
        gather(errors, apply_defaults, inventory_tree)
        if len(errors) > before:
            inventory_tree = None  # items without their defaults would fail for nothing
    policy = gather(errors, validate, Policy, policy_tree, "policy",
                    {"language": _notice_language(policy_tree)}) \
        if policy_tree is not None else None
    inventory = gather(errors, validate, Inventory, inventory_tree, "inventory") \
        if inventory_tree is not None else None
    if policy is not None:
        gather(errors, refs.check_policy, policy)
    if inventory is not None:
        gather(errors, refs.check_inventory, inventory, policy, _source_ids(policy_tree))
    raise_all(errors)
    return Project(root=root, policy=policy, inventory=inventory,
                   files=policy_files + inventory_files)


def _notice_language(policy_tree) -> str | None:
    """`notice.language` as written, for the texts' validators; an invalid code is
    reported by the `notice.language` field itself, and then no language is assumed."""
    from ..model.text import iso_languages
    notice = policy_tree.get("notice") if isinstance(policy_tree, dict) else None
    language = notice.get("language") if isinstance(notice, dict) else None
    return language if isinstance(language, str) and language in iso_languages() else None


def _source_ids(policy_tree) -> set:
    """The notice's source ids as written, for checking flows when the notice is invalid
    (only strings: an id written as a number is the notice's own error, and did-you-mean
    cannot sort it among the other ids)."""
    sources = policy_tree.get("sources") if isinstance(policy_tree, dict) else None
    return {s.get("id") for s in sources if isinstance(s, dict) and isinstance(s.get("id"), str)} \
        if isinstance(sources, list) else set()
