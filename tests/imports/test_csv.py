"""`gdpr-check import csv`: a spreadsheet record of processing, a mapping file, a dry run."""
from __future__ import annotations

import shutil

import pytest

from gdpr_check.cli import main
from gdpr_check.load import load_project

from .conftest import IMPORTS, snapshot

CSV = IMPORTS / "csv" / "ropa.csv"
MAPPING = IMPORTS / "csv" / "mapping.yaml"


def run(project, *extra, csv=CSV, mapping=MAPPING):
    return main(["import", "csv", str(csv), "--mapping", str(mapping),
                 "--project", str(project), *extra])


def test_dry_run_shows_what_would_be_written_and_writes_nothing(base_project, capsys):
    before = snapshot(base_project)
    assert run(base_project, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "--- would write" in out and "inventory/ropa.yaml" in out
    assert "  - id: signup_sheet\n" in out and "purposes: [customer_relationship, newsletter]" \
        in out
    assert "not mapped: column 'Notes'" in out
    assert snapshot(base_project) == before


def test_import_writes_systems_that_load_and_is_idempotent(base_project, capsys):
    assert run(base_project) == 0
    systems = {s.id: s for s in load_project(base_project).inventory.systems}
    sheet = systems["signup_sheet"]
    assert sheet.hosting.provider == "cloudhost" and sheet.hosting.countries == ["FI", "SE"]
    assert sheet.retention.period == "P1Y" and sheet.owner == "Marketing"
    first = snapshot(base_project)
    assert run(base_project) == 0
    assert snapshot(base_project) == first


@pytest.mark.parametrize("row, expected", [
    ("bad id!,X,,,,,,FI,,", "ropa.csv:3:1: "),
    ("x2,X,,,,,,ZZ,,", "ropa.csv:3:8: "),
    ("x3,X,,,,,,FI,,,extra", "ropa.csv:3:1: expected 10 cells"),
    ("crm_export,X,,,,,,FI,,", "ropa.csv:3:1: duplicate id 'crm_export' (first on line 2)"),
])
def test_bad_rows_are_exit_2_at_the_row_and_write_nothing(base_project, tmp_path, capsys,
                                                          row, expected):
    csv = tmp_path / "ropa.csv"
    csv.write_text(CSV.read_text().splitlines()[0] + "\n" + CSV.read_text().splitlines()[1]
                   + "\n" + row + "\n")
    before = snapshot(base_project)
    assert run(base_project, csv=csv) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert snapshot(base_project) == before


def test_bad_mapping_is_exit_2_at_its_line(base_project, tmp_path, capsys):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(MAPPING.read_text().replace("owner: Owner", "owner: Responsible"))
    assert run(base_project, mapping=mapping) == 2
    assert "mapping.yaml:5:3: columns.owner: column 'Responsible' is not in the header" in \
        capsys.readouterr().err
    mapping.write_text(MAPPING.read_text().replace("owner: Owner", "ownr: Owner"))
    assert run(base_project, mapping=mapping) == 2
    assert "mapping.yaml:5:3: columns: 'ownr' is not a system field" in capsys.readouterr().err


def test_hand_edited_import_is_not_overwritten(base_project, capsys):
    assert run(base_project) == 0
    target = base_project / "inventory" / "ropa.yaml"
    target.write_text(target.read_text().replace("P2Y", "P3Y"))
    assert run(base_project) == 2
    assert "P3Y" in target.read_text()
    assert run(base_project, "--force") == 0
    assert "P2Y" in target.read_text()


def test_an_import_never_writes_outside_the_project(base_project, capsys):
    before = snapshot(base_project.parent)
    assert run(base_project, "--to", "../escaped.yaml") == 2
    assert "writes only inside the project" in capsys.readouterr().err
    assert snapshot(base_project.parent) == before
