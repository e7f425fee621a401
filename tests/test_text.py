"""Texts of policy/ in one language or several (issue 11, model/text.py): a plain string
is in the notice's `language`, a mapping gives each language its own; a render in one
language never shows another's text."""
from __future__ import annotations

import pickle

import pytest

from gdpr_check.cli import main
from gdpr_check.load import load_project
from gdpr_check.model.text import LocalizedText, in_language, untranslated
from gdpr_check.notice import build, render

from .rules.harness import write_project


def run(capsys, *argv):
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def two_languages(tmp_path, **notice):
    return write_project(tmp_path, {"policy": {
        "notice": {"language": "en", **notice},
        "purposes": [{"id": "newsletter",
                      "name": {"en": "Sending the newsletter", "fi": "Uutiskirjeen lähetys"}}],
    }})


def test_a_plain_string_is_in_the_notice_language_and_a_mapping_in_each(tmp_path):
    policy = load_project(two_languages(tmp_path)).policy
    purposes = {p.id: p for p in policy.purposes}
    plain = purposes["customer_relationship"].name          # a plain string, language en
    assert isinstance(plain, LocalizedText) and plain.translations == {"en": plain}
    assert plain.in_lang("en") == "Managing orders and invoicing"
    assert plain.in_lang("fi") is None                      # never the English text
    mapping = purposes["newsletter"].name
    # as a string it is the notice's language: rules, findings and ropa read that
    assert mapping == "Sending the newsletter" and mapping.in_lang("fi") == "Uutiskirjeen lähetys"
    assert mapping.languages == ("en", "fi")


def test_the_string_of_a_mapping_is_the_notice_language_whatever_the_order(tmp_path):
    project = write_project(tmp_path, {"policy": {
        "notice": {"language": "fi"},
        "purposes": [{"id": "newsletter", "name": {"en": "Newsletter", "fi": "Uutiskirje"}}]}})
    purpose = next(p for p in load_project(project).policy.purposes if p.id == "newsletter")
    assert purpose.name == "Uutiskirje"


def test_texts_survive_pickling_for_the_parallel_engine():
    text = LocalizedText("Uutiskirje", {"fi": "Uutiskirje", "en": "Newsletter"})
    copy = pickle.loads(pickle.dumps(text))
    assert copy == "Uutiskirje" and copy.in_lang("en") == "Newsletter"


def test_the_policy_in_one_language_keeps_positions_and_marks_gaps(tmp_path):
    policy = load_project(two_languages(tmp_path)).policy
    gaps = []
    finnish = in_language(policy, "fi", lambda obj, name: gaps.append(name) or "[?]")
    newsletter = next(p for p in finnish.purposes if p.id == "newsletter")
    assert newsletter.name == "Uutiskirjeen lähetys"
    assert newsletter.field_location("name") == next(
        p for p in policy.purposes if p.id == "newsletter").field_location("name")
    other = next(p for p in finnish.purposes if p.id == "customer_relationship")
    assert other.name == "[?]" and "name" in gaps
    assert ("purposes.newsletter.name" not in
            [path for _, _, path in untranslated(policy, "fi")])
    assert "purposes.customer_relationship.name" in [p for _, _, p in untranslated(policy, "fi")]


def test_a_render_shows_where_a_translation_is_missing_and_warns(tmp_path, capsys):
    project = two_languages(tmp_path)
    code, out, err = run(capsys, "notice", "render", project, "--lang", "fi")
    assert code == 0
    assert "Uutiskirjeen lähetys" in out
    assert "Managing orders and invoicing" not in out and "Sending the newsletter" not in out
    assert "[teksti puuttuu suomeksi: policy/notice.yaml:" in out
    assert err.startswith("gdpr-check: warning: ") and "have no 'fi' translation" in err
    assert "policy/notice.yaml:" in err
    document = build(load_project(project).policy, "fi")
    assert document.missing and all(m.startswith("policy/notice.yaml:") for m in document.missing)
    # in English every text is there
    code, out, err = run(capsys, "notice", "render", project, "--lang", "en")
    assert (code, err) == (0, "") and "Sending the newsletter" in out and "puuttuu" not in out


@pytest.mark.parametrize("value, message", [
    ({"fi": "Uutiskirje", "xx": "?"}, "'xx' is not an ISO 639-1 language code"),
    ({"FI": "Uutiskirje"}, "'FI' is not an ISO 639-1 language code such as fi, en or sv "
                           "(codes are lower case)"),
    ({}, "name"),
    (["Uutiskirje"], "name"),
])
def test_a_bad_text_is_an_input_error_at_its_line(tmp_path, capsys, value, message):
    project = write_project(tmp_path, {"policy": {"purposes": [
        {"id": "newsletter", "name": value}]}})
    code, out, err = run(capsys, "validate", project)
    assert code == 2 and out == ""
    assert err.startswith("gdpr-check: error: policy/notice.yaml:") and message in err, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err


def test_an_unknown_notice_language_is_an_input_error(tmp_path, capsys):
    project = write_project(tmp_path, {"policy": {"notice": {"language": "finnish"}}})
    code, _, err = run(capsys, "validate", project)
    assert code == 2
    assert "notice.language: 'finnish' is not an ISO 639-1 language code" in err


def test_the_schema_accepts_both_forms():
    """Editors validate with the JSON Schema: a text is a string or a mapping whose keys
    are language codes."""
    import jsonschema

    from gdpr_check.schemas import json_schema
    schema = json_schema("policy")
    ok = {"purposes": [{"id": "a", "name": "Uutiskirje"},
                       {"id": "b", "name": {"fi": "Uutiskirje", "en": "Newsletter"}}]}
    jsonschema.validate(ok, schema)
    for bad in ({"FI": "Uutiskirje"}, {}, {"fi": 3}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({"purposes": [{"id": "a", "name": bad}]}, schema)


def test_render_without_translations_is_unchanged_for_a_one_language_policy(tmp_path):
    """Plain strings with `language: en` render in English exactly as before."""
    project = write_project(tmp_path, None)
    policy = load_project(project).policy
    assert build(policy, "en").missing == []
    assert "Managing orders and invoicing" in render(policy, "en")


def test_rules_read_a_text_in_a_language_with_translation(tmp_path):
    """A rule sees a text as the notice's language; `translation(text, lang)` gives
    another language's version, or none."""
    from gdpr_check import check
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "lang.yaml").write_text("""
- id: XL001
  name: Every purpose has a Finnish name
  description: A test rule reading texts per language.
  area: notice
  articles: ["Art. 12(1)"]
  severity: low
  loop: policy.purposes
  that:
    - translation(item.name, 'fi')
  fail_msg: "'{{ item.name }}' / {{ translation(item.name, 'en') }} has no Finnish name"
""", encoding="utf-8")
    project = two_languages(tmp_path / "p")
    findings = check(project, rules=[pack], select=["XL001"]).findings
    assert [(f.subject_id, f.message) for f in findings] == [
        ("customer_relationship", "'Managing orders and invoicing' / Managing orders and "
                                  "invoicing has no Finnish name")]
