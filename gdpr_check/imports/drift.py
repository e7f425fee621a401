"""Drift: where `inventory/` and the infrastructure that runs disagree (issue 12).

A plain function from the loaded project and the `Resource`s of `terraform.py` to
`Finding`s, merged into the report by `api.check` when infrastructure `sources` are given.
Each finding points at the inventory (its file:line is the finding's location) and names the
resource's address and file:line (or plan position and JSON pointer) in its message.

Only facts both sides state are compared: a resource whose region, encryption or public
access is unknown, or a system that records nothing, gives no finding (noise is the second
worst bug). The findings use ids of the `records` area (RC9xx): an inventory that does not
match what runs is first a wrong record of processing (Art. 30(1), Art. 5(2)), whatever the
disagreement then hides.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..findings import Finding

REGION, PUBLIC, ENCRYPTION, UNCOVERED = "RC901", "RC902", "RC903", "RC904"

# id -> (name, severity, articles, remediation). Documented in docs/imports.md.
DRIFT_RULES = {
    REGION: ("Storage runs only in the countries its system records", "high",
             ["Art. 30(1)(e)", "Art. 44"],
             "Record the resource's country in the system's `hosting.countries` (the "
             "transfer rules then check it), or move the resource to a recorded region."),
    PUBLIC: ("A system recorded as not public has no public storage", "high",
             ["Art. 32(1)", "Art. 5(1)(f)", "Art. 25(2)"],
             "Block public access to the resource, or record `access.public: true` so the "
             "access-control rules judge it."),
    ENCRYPTION: ("Storage is encrypted at rest where the inventory says so", "high",
                 ["Art. 32(1)(a)", "Art. 5(2)"],
                 "Turn on encryption at rest for the resource, or record "
                 "`security.encryption_at_rest: false`."),
    UNCOVERED: ("Every resource holding personal data belongs to a recorded system", "medium",
                ["Art. 30(1)", "Art. 5(2)"],
                "Tag the resource `gdpr-system: <system id>` with the system of inventory/ "
                "that covers it, or add that system."),
}
AREA = "records"
TAGS = ("drift",)


@dataclass(frozen=True)
class DriftCheck:
    """A drift check as `selection.select_rules` sees a rule: an id, an area and tags, so
    `--select`/`--ignore` choose drift checks the way they choose the pack's rules."""
    id: str
    area: str = AREA
    tags: tuple = TAGS
    enabled: bool = True


CHECKS = tuple(DriftCheck(rule_id) for rule_id in DRIFT_RULES)


def drift_findings(project, resources) -> list[Finding]:
    """The disagreements between `project.inventory` and `resources`, sorted."""
    systems = {s.id: s for s in project.inventory.systems}
    inventory_at = _first_inventory_file(project)
    findings = []
    for resource in resources:
        system = systems.get(resource.system) if resource.system else None
        if system is None:
            if resource.personal or resource.system:
                findings.append(_uncovered(resource, inventory_at))
            continue
        findings.extend(_compare(system, resource))
    return sorted(findings, key=Finding.sort_key)


def _compare(system, resource):
    hosting = system.hosting
    if resource.country and hosting is not None and hosting.countries \
            and resource.country not in hosting.countries:
        yield _finding(REGION, system, resource, hosting.field_location("countries"),
                       f"{system.name or system.id} records its data in "
                       f"{', '.join(hosting.countries)}, but {resource.shown} stores it in "
                       f"{resource.region} ({resource.country}), outside the transfer checks")
    if resource.public and system.access.public is False:
        yield _finding(PUBLIC, system, resource,
                       _field(system.access, "public") or system.field_location("access"),
                       f"{system.name or system.id} is recorded as not public, but "
                       f"{resource.shown} is publicly accessible")
    if resource.encrypted is False and system.security.encryption_at_rest is True:
        yield _finding(ENCRYPTION, system, resource,
                       _field(system.security, "encryption_at_rest")
                       or system.field_location("security"),
                       f"{system.name or system.id} is recorded as encrypted at rest, but "
                       f"{resource.shown} is not encrypted")


def _field(model, name):
    key_locs = getattr(model, "_key_locs", None)
    return key_locs.get(name) if key_locs else None


def _uncovered(resource, inventory_at):
    why = (f"is tagged `gdpr-system: {resource.system}`, which no system of inventory/ has"
           if resource.system else "is tagged as holding personal data, but no system of "
           "inventory/ covers it (no `gdpr-system` tag)")
    name, severity, articles, remediation = DRIFT_RULES[UNCOVERED]
    path, line, column = inventory_at
    return Finding(rule=UNCOVERED, name=name, area=AREA, severity=severity,
                   articles=list(articles), subject_kind="resource",
                   subject_id=resource.address, message=f"{resource.shown} {why}",
                   remediation=remediation, path=path, line=line, column=column,
                   key=resource.address, tags=list(TAGS))


def _finding(rule, system, resource, loc, message):
    name, severity, articles, remediation = DRIFT_RULES[rule]
    path, line, column = loc or system.location or (None, None, None)
    return Finding(rule=rule, name=name, area=AREA, severity=severity, articles=list(articles),
                   subject_kind="system", subject_id=system.id, message=message,
                   remediation=remediation, path=path, line=line, column=column,
                   key=resource.address, tags=list(TAGS))


def _first_inventory_file(project):
    """Where an uncovered resource's finding points in inventory/: the systems list."""
    systems = project.inventory.systems
    if systems and systems[0].location:
        path, line, column = systems[0].location
        return path, line, column
    inventory = [f for f in project.files if f.startswith("inventory/")]
    return (inventory[0] if inventory else "inventory/", 1, 1)
