import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
IMPORTS = FIXTURES / "imports"


@pytest.fixture
def base_project(tmp_path):
    """A copy of the compliant base project, to import into or drift against."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "base", root)
    return root


def snapshot(folder: Path) -> dict:
    """Every file below `folder` with its bytes (to tell that nothing was written)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}
