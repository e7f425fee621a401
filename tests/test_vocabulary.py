"""Severities and report formats are defined once (`gdpr_check/vocabulary.py`, issue 10):
the CLI, the configuration, the rule model, the report modules and the scaffold agree with
it, so adding a format or a severity there is the only change of vocabulary needed."""
from __future__ import annotations

import importlib
import typing

import click

from gdpr_check import cli, vocabulary
from gdpr_check.findings import SEVERITY_ORDER
from gdpr_check.model.config import Config, Output
from gdpr_check.model.rule import Rule


def _choices(command, name):
    option = next(p for p in command.params if p.name == name)
    assert isinstance(option.type, click.Choice)
    return tuple(option.type.choices)


def test_the_cli_offers_the_vocabulary():
    assert _choices(cli.check, "formats") == vocabulary.FORMAT_NAMES
    assert _choices(cli.check, "fail_on") == vocabulary.FAIL_ON
    for suffix, fmt in vocabulary.SUFFIXES.items():
        assert cli.plan_outputs([], [f"report{suffix}"])[-1] == (fmt, f"report{suffix}")


def test_the_models_accept_the_vocabulary():
    def literal(model, field, annotation=None):
        """The values of a field's Literal (inside an Optional too)."""
        annotation = annotation or model.model_fields[field].annotation
        if typing.get_origin(annotation) is typing.Literal:
            return typing.get_args(annotation)
        return next(literal(model, field, a) for a in typing.get_args(annotation)
                    if a is not type(None))
    assert literal(Output, "format") == vocabulary.FORMAT_NAMES
    assert literal(Config, "fail_on") == vocabulary.FAIL_ON
    assert literal(Rule, "severity") == vocabulary.SEVERITIES
    assert list(SEVERITY_ORDER) == list(vocabulary.SEVERITIES)
    assert vocabulary.FAIL_ON[:-1] == vocabulary.SEVERITIES


def test_every_format_has_its_report_module_and_every_severity_its_look():
    from gdpr_check.report import FORMATS, markdown, sarif, text
    assert FORMATS == vocabulary.FORMAT_NAMES
    for fmt in vocabulary.FORMAT_NAMES:
        assert hasattr(importlib.import_module(f"gdpr_check.report.{fmt}"), "render")
    for table in (sarif.LEVELS, sarif.SECURITY_SEVERITY, text.COLOURS, markdown.ICONS):
        assert set(table) == set(vocabulary.SEVERITIES)


def test_the_scaffolded_config_lists_the_thresholds():
    from gdpr_check.scaffold import CONFIG
    assert f"# {' | '.join(vocabulary.FAIL_ON)}\n" in CONFIG
