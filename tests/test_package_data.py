"""The build's package files (rule pack, field descriptions) are written whole or not at all."""
from __future__ import annotations

import os

import pytest

from gdpr_check import package_data


def test_written_whole_with_the_modules_mode_and_no_temporary_left(tmp_path):
    old = os.umask(0o077)
    try:
        target = tmp_path / "pack.bin"
        package_data.write(target, b"data", ".pack-")
    finally:
        os.umask(old)
    assert target.read_bytes() == b"data"
    assert target.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["pack.bin"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "pack.bin"
    target.write_bytes(b"old")
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError("disk")))
    with pytest.raises(OSError):
        package_data.write(target, b"new", ".pack-")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["pack.bin"]
