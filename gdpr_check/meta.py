"""The project's names and addresses, defined once.

The documents (README.md, docs/*.md), `gdpr-check init`'s output, the SARIF report and
the CLI's messages take them from here; `tests/test_meta.py` fails when a document names
another package, repository or tag.

Why the distribution is not called `gdpr-check`: that name on PyPI belongs to an
unrelated project (an IP-address EEA lookup, 2018) with the same import name
`gdpr_check`; `pip install gdpr-check` would install it instead of this tool (a
supply-chain trap). The command stays `gdpr-check` and the package `gdpr_check`.
See docs/decisions.md ("Names") for the check of the name on PyPI.
"""
from __future__ import annotations

from . import __version__

COMMAND = "gdpr-check"                 # the console script, and the pre-commit hook ids
DISTRIBUTION = "gdpr-policy-check"     # the name to pip-install (free on PyPI, 2026-12-01)
SQUATTED_NAME = "gdpr-check"           # the unrelated PyPI project: never install it
REPOSITORY_URL = "https://github.com/gdpr-check/gdpr-check"
ISSUES_URL = f"{REPOSITORY_URL}/issues"
DOCS_URL = f"{REPOSITORY_URL}/blob/main/docs"
RULES_DOC_URL = f"{DOCS_URL}/rules.md"
REFERENCE_DOC_URL = f"{DOCS_URL}/reference.md"
CI_DOC_URL = f"{DOCS_URL}/ci.md"


def tag(version: str = __version__) -> str:
    """The git tag of a release (CONTRIBUTING.md, "Releasing"): `v` and the version."""
    return f"v{version}"


def requirement(extras: str = "", version: str = __version__) -> str:
    """What to pip-install for `version`: the repository at its tag, until a release is
    published on PyPI (there is none yet; see CHANGELOG.md)."""
    extra = f"[{extras}]" if extras else ""
    return f"{DISTRIBUTION}{extra} @ git+{REPOSITORY_URL}@{tag(version)}"


def install_command(extras: str = "", version: str = __version__) -> str:
    return f"pip install '{requirement(extras, version)}'"
