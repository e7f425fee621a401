"""Ids must be unique per kind; structural references must resolve (SPEC §3).

Only references *inside* one side are structural. A reference from the inventory to the
notice's vocabulary (purposes, categories, ...) that the notice lacks is a finding, which
the rules report, so it is not checked here.
"""
from __future__ import annotations


from ..errors import InputError, did_you_mean, raise_all
from ..model import Inventory, Policy

FLOW_ENDS = ("data_subject",)
# A suggestion compares the unknown id with every known one (difflib). A pull request that
# breaks one systems file of a large inventory leaves tens of thousands of flows naming
# ids that are gone, and a suggestion for each took many minutes: a check suggests until
# it has compared this many ids in all (about a second), and still reports every
# reference.
MAX_COMPARED = 500_000


class _Errors(list):
    """The errors of one check, and what it has spent on suggestions."""

    def __init__(self):
        super().__init__()
        self.compared = 0

    def hint(self, value, known) -> str:
        """` (did you mean 'x'?)` for `value`, within the check's MAX_COMPARED; else ``."""
        if self.compared + len(known) > MAX_COMPARED:
            return ""
        self.compared += len(known)
        return did_you_mean(value, known)


def check_unique_ids(objects, kind: str, errors: list) -> dict:
    ids = [obj.id for obj in objects]
    by_id = dict(zip(ids, objects))
    if len(by_id) == len(ids):  # no duplicates (the usual case): no loop in Python
        return by_id
    by_id = {}
    for obj in objects:
        first = by_id.get(obj.id)
        if first is not None:
            where = first.location
            errors.append(InputError.at(obj.field_location("id"),
                                        f"duplicate {kind} id '{obj.id}' (first at "
                                        f"{where[0]}:{where[1]})"))
        else:
            by_id[obj.id] = obj
    return by_id


def _check(errors, obj, field, value, known, what, owner=None, label=None):
    """`value` (written in `obj.field`) must be one of `known`. `owner` is the object with
    an id that holds `obj` (a grant's system), `label` how the field is shown."""
    if value not in known:
        hint = errors.hint(value, known)
        holder = owner if owner is not None else obj
        named = f"{holder.KIND} '{holder.id}'" if hasattr(holder, "id") else holder.KIND
        errors.append(InputError.at(obj.field_location(field),
                                    f"{named}: {label or field} '{value}' is not a known "
                                    f"{what}{hint}"))


def _check_list(errors, obj, field, known, what):
    for index, value in enumerate(getattr(obj, field)):
        _check(errors, obj, field, value, known, what, label=f"{field}[{index}]")


def check_policy(policy: Policy) -> None:
    errors = _Errors()
    ids = {kind: check_unique_ids(getattr(policy, kind), kind.rstrip("s"), errors)
           for kind in ("data_subjects", "data_categories", "purposes", "registers", "sources",
                        "recipients")}
    if policy.security:
        check_unique_ids(policy.security.allowed_principals, "allowed principal", errors)
    for register in policy.registers:
        for field in ("data_subjects", "data_categories", "purposes", "sources"):
            _check_list(errors, register, field, ids[field],
                        field.rstrip("s").replace("_", " ") + " of the notice")
    for recipient in policy.recipients:
        for field in ("purposes", "data_categories"):
            _check_list(errors, recipient, field, ids[field],
                        field.rstrip("s").replace("_", " ") + " of the notice")
    for transfer in policy.transfers:
        _check(errors, transfer, "recipient", transfer.recipient, ids["recipients"],
               "recipient of the notice")
    raise_all(errors)


def check_inventory(inventory: Inventory, policy: Policy | None, source_ids=None) -> None:
    """`source_ids`: the notice's source ids, when the notice did not validate (`policy`
    None), so that the inventory is still checked in the same run."""
    errors = _Errors()
    principals = check_unique_ids(inventory.principals, "principal", errors)
    systems = check_unique_ids(inventory.systems, "system", errors)
    processors = check_unique_ids(inventory.processors, "processor", errors)
    check_unique_ids(inventory.flows, "flow", errors)
    for principal in inventory.principals:
        if principal.processor is not None:
            _check(errors, principal, "processor", principal.processor, processors, "processor")
    for system in inventory.systems:
        if system.hosting is not None and system.hosting.provider != "self":
            _check(errors, system.hosting, "provider", system.hosting.provider, processors,
                   "processor (or 'self')", owner=system, label="hosting.provider")
        for index, grant in enumerate(system.access.grants):
            _check(errors, grant, "principal", grant.principal, principals, "principal",
                   owner=system, label=f"access.grants[{index}].principal")
    for processor in inventory.processors:
        _check_list(errors, processor, "sub_processors", processors, "processor")
    # The notice's list form `allowed_principals: [staff, accountant]` names inventory
    # principals: a wrong id there is broken data, like a grant's unknown principal.
    security = policy.security if policy is not None else None
    for index, allowed in enumerate(security.allowed_principals if security else ()):
        if allowed.principal is not None:
            _check(errors, allowed, "principal", allowed.principal, principals,
                   "principal of the inventory", owner=security,
                   label=f"allowed_principals[{index}]")
    ends = set(systems) | set(processors) | set(FLOW_ENDS) | \
        ({s.id for s in policy.sources} if policy is not None else set(source_ids or ()))
    # Only the flows with an unknown end are looked at one by one (the sets are compared
    # first: at 100,000 flows the calls were most of this check).
    unknown = ({f.from_ for f in inventory.flows} | {f.to for f in inventory.flows}) - ends
    for flow in inventory.flows if unknown else ():
        _check(errors, flow, "from", flow.from_, ends, "system, processor, source or "
                                                       "'data_subject'")
        _check(errors, flow, "to", flow.to, ends, "system, processor, source or "
                                                  "'data_subject'")
    raise_all(errors)
