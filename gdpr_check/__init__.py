"""gdpr-check: an Ansible-style policy-as-code checker for the GDPR.

The library is usable without the CLI::

    import gdpr_check
    report = gdpr_check.check("path/to/project")
    for finding in report.findings: ...
"""
from __future__ import annotations

__version__ = "0.1.0"


def check(path=".", **options):
    """Load the project at `path`, run the rules, return a `Report` (see `api.check`)."""
    from .api import check as _check
    return _check(path, **options)


def validate(path="."):
    """Load and validate the project at `path` without running rules; returns the project."""
    from .api import validate as _validate
    return _validate(path)


__all__ = ["__version__", "check", "validate"]
