"""`security.allowed_principals` in its list form (SPEC §4): `[staff, accountant]` names
inventory principals by id. An id the inventory does not know is broken data: a load
error at the id's own file:line:column, with a did-you-mean, exit 2 and nothing written."""
from __future__ import annotations

import json

import shutil
from pathlib import Path

from gdpr_check import check
from gdpr_check.cli import main

BASE = Path(__file__).parent / "fixtures" / "base"
MAPPING = "  allowed_principals:\n    - {id: staff, name: Named employees, kind: employee_group, scope: full}\n"


def project(tmp_path, allowed: str) -> Path:
    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    notice = root / "policy" / "notice.yaml"
    text = notice.read_text()
    assert MAPPING in text
    notice.write_text(text.replace(MAPPING, allowed))
    return root


def position(root: Path, word: str) -> tuple[int, int]:
    """1-based line and column of `word` in the base project's notice."""
    for number, text in enumerate((root / "policy/notice.yaml").read_text().splitlines(), 1):
        if word in text:
            return number, text.index(word) + 1
    raise AssertionError(word)


def test_unknown_principal_id_is_a_load_error(tmp_path, capsys):
    root = project(tmp_path, "  allowed_principals: [staff, stafff]\n")
    line, column = position(root, "stafff")
    report = tmp_path / "report.json"
    code = main(["check", str(root), "--format", "json", "--output", str(report)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"policy/notice.yaml:{line}:{column}:" in err
    assert "allowed_principals[1] 'stafff' is not a known principal" in err
    assert "did you mean 'staff'" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    [error] = json.loads(report.read_text())["errors"]  # the report says why (issue 10)
    assert (error["location"]["line"], error["location"]["column"]) == (line, column)


def test_block_style_ids_point_at_the_id(tmp_path, capsys):
    root = project(tmp_path, "  allowed_principals:\n    - staff\n    - acountants\n")
    line, column = position(root, "acountants")
    assert main(["validate", str(root)]) == 2
    assert f"policy/notice.yaml:{line}:{column}:" in capsys.readouterr().err


def test_a_mapping_needs_a_kind_or_a_principal(tmp_path, capsys):
    root = project(tmp_path, "  allowed_principals:\n    - {id: staff, scope: full}\n")
    assert main(["validate", str(root)]) == 2
    err = capsys.readouterr().err
    assert "policy/notice.yaml:" in err and "kind" in err and "Traceback" not in err


def test_list_form_is_read_like_the_mapping_form(tmp_path):
    """The base project's principals, named by id instead of by kind, give the same report."""
    named = check(project(tmp_path, "  allowed_principals: [staff, admins]\n"))
    by_kind = check(BASE)
    assert [(f.rule, f.subject_id) for f in named.findings] == \
        [(f.rule, f.subject_id) for f in by_kind.findings]


def test_the_rendered_notice_states_no_scope_for_a_named_principal(tmp_path):
    from gdpr_check.load import load_project
    from gdpr_check.notice import render
    root = project(tmp_path, "  allowed_principals:\n    - staff\n"
                             "    - {id: auditors, name: Auditors, kind: external, scope: read}\n")
    text = render(load_project(root).policy)
    assert "### Who has access\n\n- staff\n- Auditors\\\n  *Access:* read only\n" in text
