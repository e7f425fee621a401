"""`gdpr-check init [DIR]`: start a project (SPEC §8).

Writes a small, commented starter that validates — a privacy notice in `policy/`, what
runs in `inventory/`, a `.gdpr-check.yaml`, an empty `waivers.yaml` with an example, and a
`.pre-commit-config.yaml` — and never overwrites anything: a file that exists (or a
`policy/` or `inventory/` folder that already holds YAML) is skipped and reported.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .outputs import create_new
from .meta import CI_DOC_URL, REFERENCE_DOC_URL, REPOSITORY_URL, tag
from .vocabulary import FAIL_ON

REPO_URL = REPOSITORY_URL

NOTICE = """\
# The privacy notice, as structured data: the single source of truth for what the company
# promises (GDPR Art. 13/14). Record what your published notice *says*, not what it should
# say: `gdpr-check check` compares it with inventory/ and reports the gaps.
# Every key (type, allowed values, the article it serves): REFERENCE
# Ids are lower-case [a-z0-9_.-].
# Editors: `gdpr-check schema policy` prints a JSON Schema for yaml-language-server.
notice:
  title: Privacy notice of Example Ltd
  language: en
  published: 2025-01-01
  updated: 2025-01-01
  url: https://example.com/privacy

controller:
  name: Example Ltd
  address: 1 Example Street, 00100 Helsinki
  country: FI                      # ISO 3166-1 alpha-2
  contact: {name: Privacy team, email: privacy@example.com}

supervisory_authority:
  name: Office of the Data Protection Ombudsman
  country: FI
  url: https://tietosuoja.fi/en

# Whose data, which data, and why (each purpose with its Art. 6(1) lawful basis).
data_subjects:
  - {id: customers, name: Customers and their contact persons}
data_categories:
  - {id: contact_details, name: "Name, e-mail address, phone number"}
  - {id: order_history, name: Orders and invoices}
sources:
  - {id: data_subject, name: The data subject, kind: data_subject}
purposes:
  - id: customer_relationship
    name: Delivering orders and invoicing
    lawful_basis: contract           # consent | contract | legal_obligation | vital_interests
                                     # | public_task | legitimate_interests
    provision: contractual
    consequences: Without contact details we cannot deliver or invoice orders.

# A register groups what is kept together, with its retention.
registers:
  - id: customers
    name: Customer register
    data_subjects: [customers]
    data_categories: [contact_details, order_history]
    purposes: [customer_relationship]
    sources: [data_subject]
    retention: {period: P6Y, trigger: end of the customer relationship,
                description: Accounting records are kept for six years.}

# Who receives the data (processors, third parties) and transfers outside the EEA:
recipients: []
transfers: []

security:
  measures: [access control, encryption in transit, encryption at rest, backups]
  authentication: [password, mfa]
  allowed_principals:
    - {id: staff, name: Named employees, kind: employee_group, scope: full}

# The rights the notice states, and how to exercise them.
rights:
  access: {how: E-mail privacy@example.com}
  rectification: {how: E-mail privacy@example.com}
  erasure: {how: E-mail privacy@example.com}
  restriction: {how: E-mail privacy@example.com}
  portability: {how: E-mail privacy@example.com}
  objection: {how: E-mail privacy@example.com}
  complaint: {how: "Office of the Data Protection Ombudsman, tietosuoja.fi"}
  request_channel: privacy@example.com
  identity_verification: true
  response_time: P1M
""".replace("REFERENCE", REFERENCE_DOC_URL)  # a plain string: the YAML has braces

INVENTORY = """\
# What the company actually runs: systems, processors (vendors), data flows and who has
# access. Ids here refer to the notice's vocabulary (purposes, data categories, ...): one
# the notice does not declare is a finding. Every key: REFERENCE
# A folder of files is merged, like an Ansible inventory; `defaults` apply to every item.
defaults:
  systems:
    access: {authentication: [password, mfa]}

principals:
  - {id: staff, name: Sales and support staff, kind: employee_group, organisation: Example Ltd}

systems:
  - id: crm
    name: Customer database
    owner: Sales
    register: customers
    purposes: [customer_relationship]
    data_subjects: [customers]
    data_categories: [contact_details, order_history]
    hosting: {provider: self, countries: [FI]}   # or a processor id from `processors`
    access:
      grants:
        - {principal: staff, scope: full}
    rights:                                      # how this system fulfils each right
      access: {supported: true, method: export from the CRM}
      rectification: {supported: true, method: edit the record}
      erasure: {supported: true, method: delete the record}
      restriction: {supported: true, method: restriction flag}
      portability: {supported: true, method: CSV export}
      objection: {supported: true, method: marketing opt-out flag}
      complaint: {supported: not_applicable, reason: Complaints go to the authority}
    retention: {period: P6Y, trigger: end of the customer relationship, enforced: automatic}
    security:
      encryption_at_rest: true
      encryption_in_transit: true
      audit_log: true
      backups: {countries: [FI], retention: P30D}

# Vendors that process personal data for you, with their DPA and transfer safeguard:
#   - id: mailer
#     name: Mailer Inc.
#     countries: [US]
#     recipient: newsletter_service          # the recipient in policy/ that discloses it
#     dpa: {signed: 2024-05-01, breach_notification_hours: 48}
#     transfer: {mechanism: dpf, dpf_certified: true}
processors: []

# Where personal data moves: from/to a system, a processor or a policy source.
flows: []

breach:
  procedure: Breach response procedure in the security handbook
  contact: Privacy team, privacy@example.com
  log: Breach register kept by the privacy team
""".replace("REFERENCE", REFERENCE_DOC_URL)

CONFIG = f"""\
# gdpr-check settings; command-line flags win over them. Paths are relative to this file.
# Every key: {CI_DOC_URL}
fail_on: low                # {" | ".join(FAIL_ON)}
# select: [transfers]       # rule ids, areas or tags to run (default: all)
# ignore: []                # rule ids, areas or tags to skip
# rules: [rules/]           # your own rule packs (rules/ at the root is always loaded)
waivers: waivers.yaml
# baseline: gdpr-check-baseline.json   # fail only on findings not in this JSON report
# outputs:
#   - {{format: sarif, path: gdpr-check.sarif}}
"""

WAIVERS = """\
# Accepted risks. Each waiver needs a reason, who approved it and when it expires; a waived
# finding is still reported but does not fail the run, until the waiver expires.
# Replace `[]` with entries such as:
#
# - rule: AC004
#   subject: crm                 # a subject id; omit it for every subject of the rule
#   reason: MFA rollout scheduled with the vendor, ticket SEC-112
#   approved_by: DPO
#   expires: 2027-03-31
[]
"""

PRE_COMMIT_ENTRY = f"""\
  - repo: {REPO_URL}
    rev: {tag()}
    hooks:
      - id: gdpr-check
"""

PRE_COMMIT = f"""\
# See https://pre-commit.com; install the hook with `pre-commit install`.
repos:
{PRE_COMMIT_ENTRY}"""

FILES = (
    ("policy/notice.yaml", NOTICE),
    ("inventory/inventory.yaml", INVENTORY),
    (".gdpr-check.yaml", CONFIG),
    ("waivers.yaml", WAIVERS),
    (".pre-commit-config.yaml", PRE_COMMIT),
)


@dataclass
class Outcome:
    created: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why)
    pre_commit_hint: str | None = None  # the entry to add to an existing pre-commit config


def init(directory: Path | str = ".") -> Outcome:
    """Write the starter files into `directory` (created if needed), skipping what exists."""
    root = Path(directory)
    if root.exists() and not root.is_dir():
        raise InputError(f"{root} is a file; expected a folder to create the project in")
    outcome = Outcome()
    for name, text in FILES:
        reason = _why_skip(root, name)
        if reason:
            outcome.skipped.append((name, reason))
            continue
        # complete or absent, never over an existing file, never outside `directory`
        if not create_new(root, name, text):
            outcome.skipped.append((name, "already exists"))
            continue
        outcome.created.append(name)
    existing = root / ".pre-commit-config.yaml"
    if ".pre-commit-config.yaml" not in outcome.created and existing.is_file():
        if "gdpr-check" not in existing.read_text(encoding="utf-8", errors="replace"):
            outcome.pre_commit_hint = PRE_COMMIT_ENTRY
    return outcome


def _why_skip(root: Path, name: str) -> str | None:
    path = root / name
    if path.exists() or path.is_symlink():
        return "already exists"
    folder = name.split("/")[0] if "/" in name else None
    if folder and (root / folder).is_dir():
        from .load.files import yaml_files
        if yaml_files(root / folder):
            return f"{folder}/ already holds YAML files"
    return None
