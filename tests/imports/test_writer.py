"""The imports' YAML writer: what it writes reads back as what was meant, in block style."""
from __future__ import annotations

import pytest
import yaml

from gdpr_check.imports import writer


@pytest.mark.parametrize("text", ["plain", "a@b.example", "https://x.example/p", "it's",
                                  "x: y", "a #b", "yes", "No", "null", "1.5", "-x", "end:",
                                  " lead", "", "ä ö", "P1M", "2024-01-01", "[x]", "*ref"])
def test_scalars_read_back_as_written(text):
    assert yaml.safe_load(f"k: {writer.scalar(text)}")["k"] == text


def test_dump_is_block_style_and_reads_back():
    data = {"systems": [{"id": "a", "purposes": ["x", "z"], "hosting": {"countries": ["FI"]},
                         "long": [f"item{i:02d}" for i in range(20)], "empty": []}]}
    text = writer.dump(data)
    assert yaml.safe_load(text) == data
    assert "  - id: a\n    purposes: [x, z]\n    hosting:\n      countries: [FI]\n" in text
    assert "    long:\n      - item00\n" in text


def test_edit_block_replaces_one_block_and_keeps_comments():
    text = ("systems:\n  - id: a   # first\n    hosting: {provider: self}\n"
            "    # about b\n  - id: b\n    name: B\n")
    edited = writer.edit_block(text, 2, "hosting", {"provider": "x", "countries": ["FI"]}, 3)
    assert edited == ("systems:\n  - id: a   # first\n    hosting:\n      provider: x\n"
                      "      countries: [FI]\n    # about b\n  - id: b\n    name: B\n")
    added = writer.edit_block(text, 5, "security", {"encryption_at_rest": True}, None)
    assert added.endswith("  - id: b\n    name: B\n    security:\n"
                          "      encryption_at_rest: true\n")
