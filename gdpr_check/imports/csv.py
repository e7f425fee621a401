"""A record of processing kept as a spreadsheet (CSV, one system per row) -> inventory/.

DPOs keep the Art. 30 record in spreadsheets with their own column names, so a mapping
file says which column holds which field (docs/imports.md):

    columns:                       # field of a system: column header in the CSV
      id: System ID
      name: System
      purposes: Purposes
      hosting.countries: Hosted in
    separator: ";"                 # splits list fields (purposes, countries, ...)
    values:                        # optional: spreadsheet wording -> ids, per field
      purposes: {Customer service: customer_service}

Every row is validated by the same model as a hand-written system, with errors pointing at
the CSV's line; columns the mapping does not name are listed, not dropped silently.
"""
from __future__ import annotations

import csv as _csv
import io
from pathlib import Path

from ..errors import InputError
from ..load.files import display_path, read_tree
from ..load.parser import check_size, decode
from ..load.tree import LocDict, LocList
from ..load.validate import validate
from . import writer

# field -> is a list. Dotted fields go into the nested block of the same name.
FIELDS = {
    "id": False, "name": False, "description": False, "owner": False, "register": False,
    "purposes": True, "data_subjects": True, "data_categories": True,
    "hosting.provider": False, "hosting.countries": True,
    "retention.period": False, "retention.trigger": False,
    "security.encryption_at_rest": False, "security.encryption_in_transit": False,
}
MAPPING_KEYS = ("columns", "separator", "values")


def read_mapping(path: Path, root: Path) -> dict:
    tree, shown = read_tree(path, root)
    if not isinstance(tree, LocDict):
        raise InputError("expected a column mapping: {columns: {field: column}, separator, "
                         "values}", shown, 1, 1)
    for key in tree:
        if key not in MAPPING_KEYS:
            raise InputError(f"'{key}' is not a mapping key; expected one of "
                             f"{', '.join(MAPPING_KEYS)}", *tree.key_locs[key])
    columns = tree.get("columns")
    if not isinstance(columns, LocDict) or "id" not in columns:
        raise InputError("columns: expected a mapping of fields to column headers, with at "
                         "least `id`", *(tree.key_locs.get("columns") or (shown, 1, 1)))
    for field, column in columns.items():
        if field not in FIELDS:
            raise InputError(f"columns: '{field}' is not a system field this import writes; "
                             f"expected one of {', '.join(FIELDS)}", *columns.key_locs[field])
        if not isinstance(column, str) or not column:
            raise InputError(f"columns.{field}: expected a column header (text)",
                             *columns.key_locs[field])
    separator = tree.get("separator", ";")
    if not isinstance(separator, str) or len(separator) != 1:
        raise InputError("separator: expected one character", *tree.key_locs["separator"])
    values = tree.get("values") or {}
    if not isinstance(values, dict) or any(not isinstance(v, dict) for v in values.values()):
        raise InputError("values: expected {field: {spreadsheet text: value}}",
                         *tree.key_locs.get("values", (shown, 1, 1)))
    return {"columns": dict(columns), "separator": separator, "values": values,
            "shown": shown, "locs": columns.key_locs}


def plan_import(csv_path: Path, mapping_path: Path, root: Path,
                target: str | None = None) -> writer.Plan:
    from ..model import System
    mapping = read_mapping(mapping_path, root)
    shown = display_path(csv_path, root)
    try:
        check_size(csv_path.stat().st_size, shown)
        text = decode(csv_path.read_bytes(), shown)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", shown) from None
    reader = _csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("empty CSV file, expected a header row", shown, 1, 1) from None
    except _csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", shown, 1) from None
    positions = {name.strip(): index for index, name in enumerate(header)}
    for field, column in mapping["columns"].items():
        if column not in positions:
            raise InputError(f"columns.{field}: column '{column}' is not in the header of "
                             f"{shown} ({', '.join(positions)})", *mapping["locs"][field])
    plan = writer.Plan()
    used = set(mapping["columns"].values())
    for name in positions:
        if name not in used:
            plan.unmapped.append(f"column '{name}' of {shown}: not in the mapping; not "
                                 "imported")
    systems, seen = [], {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise InputError(f"expected {len(header)} cells as in the header, found "
                                 f"{len(row)}", shown, line, 1)
            system = _system(row, positions, mapping, shown, line)
            validate(System, system, "systems")  # the row's mistakes, at the row's line
            if system["id"] in seen:
                raise InputError(f"duplicate id '{system['id']}' (first on line "
                                 f"{seen[system['id']]})", shown, line, 1)
            seen[system["id"]] = line
            systems.append(_plain(system))
    except _csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", shown, reader.line_num) from None
    if not systems:
        raise InputError("no rows below the header: nothing to import", shown, 1, 1)
    target = target or f"inventory/{csv_path.stem.lower().replace(' ', '_')}.yaml"
    source = f"csv {shown}"
    plan.add(root / target, writer.generated(source, writer.dump({"systems": systems})),
             source)
    return plan


def _system(row, positions, mapping, shown, line) -> LocDict:
    system = LocDict(loc=(shown, line, 1))
    for field in FIELDS:  # the model's order, whatever the spreadsheet's
        if field not in mapping["columns"]:
            continue
        index = positions[mapping["columns"][field]]
        cell = row[index].strip()
        if not cell:
            continue
        where = (shown, line, index + 1)
        translate = mapping["values"].get(field, {})
        if FIELDS[field]:
            value = LocList([translate.get(p.strip(), p.strip())
                             for p in cell.split(mapping["separator"]) if p.strip()],
                            loc=where)
            value.item_locs.extend([where] * len(value))
        else:
            value = _scalar(translate.get(cell, cell))
        block, _, key = field.rpartition(".")
        target = system
        if block:
            target = system.setdefault(block, LocDict(loc=where))
            system.key_locs.setdefault(block, where)
        target[key] = value
        target.key_locs[key] = where
    return system


def _scalar(value):
    if isinstance(value, str) and value.lower() in ("true", "yes", "false", "no"):
        return value.lower() in ("true", "yes")
    return value


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
