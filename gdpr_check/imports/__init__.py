"""Keep `inventory/` true: import it from Fides manifests, Terraform and spreadsheets, and
compare it with the infrastructure that runs (issue 12; docs/imports.md).

- `fides.py`      fideslang manifests <-> inventory/ and a policy skeleton
- `terraform.py`  `terraform show -json` plans and `.tf` files -> `Resource` records
- `drift.py`      resources x inventory -> `Finding`s where they disagree
- `csv.py`        a record of processing kept as a spreadsheet -> inventory/
- `writer.py`     the one way imports write: block-style YAML, atomically, never over hand edits

Optional dependencies (fideslang, python-hcl2: the `import` extra) are imported inside the
functions that need them, so `gdpr-check check` does not pay for them.
"""
