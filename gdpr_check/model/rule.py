"""A rule: one Ansible-style `assert` task over the policy or the inventory (SPEC §6)."""

from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, Field, PrivateAttr

from ..vocabulary import SEVERITIES
from .base import Located
from .types import Bool, new_dict, new_list

# The areas rules belong to, with the titles reports and docs give them (one source).
AREA_TITLES = {
    "lawful_basis": "Lawful basis", "transfers": "Transfer safeguards",
    "access_control": "Access control", "rights": "Rights handling",
    "notice": "Notice completeness", "processors": "Processors", "retention": "Retention",
    "security": "Security", "records": "Records of processing", "dpia": "DPIA",
    "breach": "Breach readiness",
}
AREAS = tuple(AREA_TITLES)
# What a finding says (issue 7): a `violation` means the recorded facts break the law; an
# `unrecorded` fact means only that the inventory or notice does not say (a DPA's breach
# clause, where a SaaS keeps backups). Unrecorded facts are a to-do list, not a verdict:
# they do not fail the default gate and reports list them apart (docs/decisions.md).
KINDS = ("violation", "unrecorded")
Area = Literal[AREAS]
Severity = Literal[SEVERITIES]
Kind = Literal[KINDS]
ARTICLE_PATTERN = r"^Art\. [1-9][0-9]*(\([1-9][0-9]*\)(\([a-z]\))?)?$"
RULE_ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]*$"


def _as_list(value):
    if isinstance(value, bool):  # `that: false` in YAML is a boolean, and a Jinja literal
        value = "true" if value else "false"
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        shown = "a mapping" if isinstance(value, dict) else "nothing (null)" \
            if value is None else repr(value)
        raise ValueError(f"expected an expression (a string) or a list of them, found {shown}")
    return value


# A single expression or a list of them; the JSON Schema (`gdpr-check schema rules`) says so.
Expressions = Annotated[list[str], BeforeValidator(_as_list,
                                                   json_schema_input_type=str | bool | list[str])]


class Rule(Located):
    KIND: ClassVar[str] = "rule"
    id: str = Field(pattern=RULE_ID_PATTERN)
    name: str
    area: Area
    severity: Severity
    kind: Kind = Field(
        default="violation",
        description="`violation`: the recorded facts break the law; `unrecorded`: the record "
                    "does not say (a to-do item that fails a run only on request).")
    articles: list[Annotated[str, Field(pattern=ARTICLE_PATTERN)]] = Field(min_length=1)
    description: str | None = Field(
        default=None, description="What the rule checks and why (the article, summarised).")
    loop: str | None = Field(
        default=None, description="Expression giving the items to check; none: the policy.")
    when: Expressions = Field(default_factory=new_list,
                              description="Items for which any of these is false are skipped.")
    vars: dict[str, str] = Field(
        default_factory=new_dict,
        description="Named expressions evaluated per item, in order, before `that`.")
    that: Expressions = Field(default_factory=new_list,
                              description="Every expression must be true, or the item fails.")
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    subject: str | None = Field(
        default=None, description="Expression naming the subject id (default: item.id).")
    at: str | None = Field(
        default=None,
        description="Where a finding points: an expression giving an object of the policy or "
                    "inventory, or a field name of the item (default: the item itself).")
    fail_msg: str | None = None
    remediation: str | None = None
    tags: list[str] = Field(default_factory=new_list)
    enabled: Bool = True
    # Positions of each expression ("that", 0) / ("vars", name) / "loop", set by the loader.
    _expr_locs: dict = PrivateAttr(default_factory=dict)
    # The file a rule came from, absolute (for docs and SARIF), set by the loader.
    _pack: str | None = PrivateAttr(default=None)

    def expr_loc(self, *key):
        key = key[0] if len(key) == 1 else key
        # Where pydantic keeps private attributes: reading `self._expr_locs` takes its
        # `__getattr__`, ~2 us for each of the ~600 expressions a run compiles.
        locs = self.__pydantic_private__["_expr_locs"]
        return locs.get(key) or self.field_location(key[0] if isinstance(key, tuple) else key)

    @property
    def kind_of_subject(self) -> str:
        """`inventory.systems` -> `system`; rules without a loop are about the notice."""
        if not self.loop:
            return "notice"
        return _LOOP_KINDS.get(self.loop.strip(), "item")


_LOOP_KINDS = {
    "inventory.systems": "system", "inventory.processors": "processor",
    "inventory.flows": "flow", "inventory.principals": "principal",
    "policy.purposes": "purpose", "policy.registers": "register",
    "policy.recipients": "recipient", "policy.transfers": "transfer",
    "policy.data_categories": "data_category", "policy.data_subjects": "data_subject",
    "policy.sources": "source",
}


class Waiver(Located):
    KIND: ClassVar[str] = "waiver"
    rule: str
    subject: str | None = None
    reason: str = Field(min_length=1)
    approved_by: str = Field(min_length=1)
    expires: date
