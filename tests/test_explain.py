"""`gdpr-check explain RULE`: why, articles, what it checks, the fix, and examples."""
from __future__ import annotations

from pathlib import Path

from gdpr_check import explain
from gdpr_check.api import load_rules
from gdpr_check.cli import main
from gdpr_check.load.rules import builtin_rules_dir

from .packs import INDIA_PACK
from .rules.harness import write_project

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_explain_shows_the_rule_and_its_fixtures(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, err = run(capsys, "explain", "ac004")  # any case
    assert (code, err) == (0, "")
    (rule,) = [r for r in load_rules(ROOT) if r.id == "AC004"]
    assert out.startswith(f"AC004  {rule.name}\n")
    assert f"articles: {', '.join(rule.articles)}" in out
    assert "Art. 32(1)(b) requires measures" in out                # the description
    assert "  for each: inventory.systems | personal\n" in out
    assert "  assert:   'mfa' in item.access.authentication\n" in out
    assert "How to fix:\n  Enforce a second factor" in out
    assert "Fails: privileged administrators sign in with a password only\n" in out
    assert "  reported: crm\n" in out
    assert "\nPasses: " in out


def test_every_builtin_rule_has_both_examples():
    folder = explain.cases_folder(builtin_rules_dir())
    assert folder is not None  # a source checkout
    for rule in load_rules(ROOT):
        failing, passing = explain.examples(rule.id, folder)
        assert failing and passing is not None, rule.id
        text = explain.render(rule, failing, passing)
        assert "Fails: " in text and "Passes: " in text


def test_an_unknown_rule_is_exit_2_with_a_did_you_mean(capsys):
    code, out, err = run(capsys, "explain", "AC0004", str(ROOT))
    assert (code, out) == (2, "")
    assert err == ("gdpr-check: error: explain: no rule 'AC0004' (did you mean 'AC004'?); "
                   "`gdpr-check rules` lists them\n")


def test_a_pack_rule_is_explained_without_the_builtin_fixtures(tmp_path, capsys):
    project = write_project(tmp_path / "p", None)
    (project / "rules").mkdir()
    (project / "rules" / "own.yaml").write_text(INDIA_PACK)
    code, out, _ = run(capsys, "explain", "XT001", str(project))
    assert code == 0 and "Processors keep personal data out of India" in out
    assert "Fails:" not in out and "tests/rules/cases/XT001.yaml" in out
