"""Files -> models: read policy/ and inventory/ strictly, with positions (SPEC §3-5, §10)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..model import Inventory, Policy
from . import refs
from .defaults import apply_defaults
from .files import display_path, merge_side, read_mapping_file, yaml_files
from .validate import validate


@dataclass
class Project:
    """Everything loaded from one project root."""
    root: Path
    policy: Policy
    inventory: Inventory
    files: list[str] = field(default_factory=list)


def load_side(root: Path, side: str, expected: str):
    folder = root / side
    files = yaml_files(folder)
    trees = [read_mapping_file(path, root, expected) for path in files]
    merged = merge_side(trees, side)
    return merged, [display_path(p, root) for p in files]


def load_project(root: Path | str = ".") -> Project:
    """Load and cross-check `policy/` and `inventory/` below `root`."""
    root = Path(root)
    if not root.is_dir():
        raise InputError(f"project folder not found: {root}")
    if not (root / "policy").is_dir() and not (root / "inventory").is_dir():
        raise InputError(f"{root}: no policy/ or inventory/ folder here; expected a project "
                         "root (run `gdpr-check init` to start one)")
    policy_tree, policy_files = load_side(root, "policy", "notice keys (controller, purposes, ...)")
    inventory_tree, inventory_files = load_side(root, "inventory",
                                                "inventory keys (systems, processors, ...)")
    apply_defaults(inventory_tree)
    policy = validate(Policy, policy_tree, "policy")
    inventory = validate(Inventory, inventory_tree, "inventory")
    refs.check_policy(policy)
    refs.check_inventory(inventory, policy)
    return Project(root=root, policy=policy, inventory=inventory,
                   files=policy_files + inventory_files)
