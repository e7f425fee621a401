"""The project configuration: `.gdpr-check.yaml` or `[tool.gdpr-check]` in pyproject.toml.

Every key is optional; command-line flags (and keyword arguments of `api.check`) win over
it. Paths are relative to the folder holding the configuration file.
"""

from typing import Annotated, ClassVar, Literal

from pydantic import BeforeValidator, Field

from .base import Located
from ..vocabulary import FAIL_ON, FORMAT_NAMES
from .rule import Severity
from .types import Bool, new_dict, new_list

FailOn = Literal[FAIL_ON]
OutputFormat = Literal[FORMAT_NAMES]


def _as_list(value):
    """`select: TR001` means `select: [TR001]`."""
    return [value] if isinstance(value, str) else value


Names = Annotated[list[Annotated[str, Field(min_length=1)]],
                 BeforeValidator(_as_list, json_schema_input_type=str | list[str])]
PathText = Annotated[str, Field(min_length=1)]


class Output(Located):
    KIND: ClassVar[str] = "output"
    format: OutputFormat
    path: PathText | None = Field(
        default=None, description="File to write (atomically); omitted or `-`: standard output.")

    @property
    def to_stdout(self) -> bool:
        return self.path is None or self.path == "-"


class RuleSetting(Located):
    """Settings of one rule, changed without copying it into a pack (like yamllint's
    per-rule `level`, ansible-lint's `warn_list`)."""
    KIND: ClassVar[str] = "rule setting"
    severity: Severity | None = Field(
        default=None, description="The severity its findings get (info ... critical).")
    enabled: Bool | None = Field(default=None, description="false: the rule does not run.")
    vars: dict[str, Annotated[str, Field(min_length=1)]] = Field(
        default_factory=new_dict,
        description="Replace named expressions of the rule's `vars` (its options, e.g. a "
                    "threshold): each must be one the rule defines.")


class Config(Located):
    KIND: ClassVar[str] = "config"
    fail_on: FailOn | None = Field(
        default=None, description="Exit 1 when a finding is at or above this severity.")
    fail_on_unrecorded: Bool | None = Field(
        default=None, description="Let unrecorded facts (`kind: unrecorded`) fail the run "
                                  "too, by the same fail_on threshold (default: false).")
    select: Names = Field(default_factory=new_list, description="Run only these rules (id, area, tag).")
    ignore: Names = Field(default_factory=new_list, description="Skip these rules (id, area, tag).")
    rules: Names = Field(default_factory=new_list,
                         description="Extra rule packs (folders or files).")
    waivers: PathText | None = Field(default=None, description="The waivers file.")
    baseline: PathText | None = Field(
        default=None, description="A previous JSON report: fail only on new findings.")
    outputs: list[Output] = Field(default_factory=new_list,
                                  description="Reports to write: [{format, path}].")
    rule_settings: dict[str, RuleSetting] = Field(
        default_factory=new_dict,
        description="Per-rule settings by rule id: {AC004: {severity: low}, TR003: "
                    "{enabled: false}}.")
    published_notice: PathText | None = Field(
        default=None,
        description="The privacy notice as published (text, Markdown or HTML of the web "
                    "page): `check` compares it with policy/ fact by fact and reports each "
                    "fact changed (ND001), missing (ND002) or added (ND003).")
    published_notice_lang: Literal["fi", "en"] | None = Field(
        default=None, description="The published notice's language (default: the notice's "
                                  "`language`, else en).")
    sources: Names = Field(
        default_factory=new_list,
        description="Infrastructure to compare the inventory with (drift findings): "
                    "`terraform show -json` plans, .tf files or folders of them.")

