"""The project configuration: `.gdpr-check.yaml` or `[tool.gdpr-check]` in pyproject.toml.

Every key is optional; command-line flags (and keyword arguments of `api.check`) win over
it. Paths are relative to the folder holding the configuration file.
"""

from typing import Annotated, ClassVar, Literal

from pydantic import BeforeValidator, Field

from .base import Located

FailOn = Literal["info", "low", "medium", "high", "critical", "never"]
OutputFormat = Literal["text", "json", "sarif", "junit", "markdown", "html"]


def _as_list(value):
    """`select: TR001` means `select: [TR001]`."""
    return [value] if isinstance(value, str) else value


Names = Annotated[list[Annotated[str, Field(min_length=1)]], BeforeValidator(_as_list)]
PathText = Annotated[str, Field(min_length=1)]


class Output(Located):
    KIND: ClassVar[str] = "output"
    format: OutputFormat
    path: PathText | None = Field(
        default=None, description="File to write (atomically); omitted or `-`: standard output.")

    @property
    def to_stdout(self) -> bool:
        return self.path is None or self.path == "-"


class Config(Located):
    KIND: ClassVar[str] = "config"
    fail_on: FailOn | None = Field(
        default=None, description="Exit 1 when a finding is at or above this severity.")
    select: Names = Field(default_factory=list, description="Run only these rules (id, area, tag).")
    ignore: Names = Field(default_factory=list, description="Skip these rules (id, area, tag).")
    rules: Names = Field(default_factory=list,
                         description="Extra rule packs (folders or files).")
    waivers: PathText | None = Field(default=None, description="The waivers file.")
    baseline: PathText | None = Field(
        default=None, description="A previous JSON report: fail only on new findings.")
    outputs: list[Output] = Field(default_factory=list,
                                  description="Reports to write: [{format, path}].")
    sources: Names = Field(
        default_factory=list,
        description="Infrastructure to compare the inventory with (drift findings): "
                    "`terraform show -json` plans, .tf files or folders of them.")

