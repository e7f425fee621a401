"""What cannot depend on the item is evaluated once per rule (engine/compile.py
`item_free`), with the same findings and the same errors as evaluating it per item."""
from __future__ import annotations

from collections import Counter

import pytest

from gdpr_check import check
from gdpr_check.engine.compile import item_free
from gdpr_check.expr.sandbox import Expression

from .rules.harness import write_project

PACK = """\
- id: ZZ001
  name: Every system lists a purpose the notice declares
  area: lawful_basis
  articles: ["Art. 5(1)(b)"]
  severity: medium
  loop: inventory.systems
  when:
    - policy.purposes | length > 0
  vars:
    declared: policy.purposes | map(attribute='id') | list
    mine: item.purposes | select('in', declared) | list
  that:
    - mine
  fail_msg: "{{ item.id }} lists none of {{ declared | join(', ') }}"
"""


@pytest.mark.parametrize("source, dependent, free", [
    ("policy.purposes | length > 0", {"item"}, True),
    ("lookup('system', 'crm')", {"item"}, True),
    ("item.purposes", {"item"}, False),
    ("lookup('system', item.to)", {"item"}, False),
    ("mine | length", {"item", "mine"}, False),       # a var that depends on the item
    ("declared | length", {"item", "mine"}, True),
    ("'item' in policy.notice.title", {"item"}, False),  # a word in a string: per item
    ("policy.item", {"item"}, False),                    # an attribute: per item too
])
def test_item_free(source, dependent, free):
    assert item_free(source, dependent) is free


def _counting(monkeypatch) -> Counter:
    counts = Counter()
    evaluate = Expression.evaluate

    def counted(self, context):
        counts[self.source] += 1
        return evaluate(self, context)
    monkeypatch.setattr(Expression, "evaluate", counted)
    return counts


def _project(tmp_path, systems=6):
    crm = {"id": "crm", "purposes": ["nowhere"]}
    extra = [{**crm, "id": f"crm{i}", "name": f"CRM {i}"} for i in range(systems - 2)]
    return write_project(tmp_path / "p", {"inventory": {"systems": [crm, *extra]}})


def test_constant_parts_are_evaluated_once_and_find_the_same(tmp_path, monkeypatch):
    project = _project(tmp_path)
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text(PACK)
    counts = _counting(monkeypatch)
    report = check(project, rules=[pack], select=["ZZ001"], config=False)
    systems = ["crm", *(f"crm{i}" for i in range(4)), "newsletter_list"]
    assert counts["policy.purposes | length > 0"] == 1
    assert counts["policy.purposes | map(attribute='id') | list"] == 1
    assert counts["item.purposes | select('in', declared) | list"] == len(systems)
    assert sorted(f.subject_id for f in report.findings) == sorted(systems[:-1])
    assert report.findings[0].message == \
        "crm lists none of customer_relationship, newsletter"


def test_an_error_in_a_constant_part_names_the_first_item(tmp_path):
    project = _project(tmp_path)
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text(PACK.replace(
        "policy.purposes | map(attribute='id') | list", "policy.no_such_field | list"))
    from gdpr_check.engine import RuleError
    with pytest.raises(RuleError, match="for system 'crm' .*no field 'no_such_field'"):
        check(project, rules=[pack], select=["ZZ001"], config=False)


def test_of_two_expressions_that_do_not_compile_the_first_written_is_reported():
    """`loop` before `when`: compiling stops at the first error, as the rule reads."""
    from gdpr_check.engine import compile_rule
    from gdpr_check.errors import InputError
    from gdpr_check.model import Rule
    rule = Rule.model_validate({"id": "ACME001", "name": "n", "area": "records",
                                "severity": "low", "articles": ["Art. 30"],
                                "loop": "inventory.systems |", "when": ["item.id ==="],
                                "that": ["true"]})
    with pytest.raises(InputError, match="inventory.systems"):
        compile_rule(rule)
