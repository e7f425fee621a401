"""The models' validators are kept between runs (load/validators.py, issue 10 "Start-up"):
the same verdicts and errors as pydantic's own, only from a file this user's runs signed,
nothing run while reading it, and never anything but the models' own parts out of it."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import gdpr_check
from gdpr_check.errors import InputError
from gdpr_check.load import parser, validators
from gdpr_check.load.validate import validate
from gdpr_check.model import Inventory, Policy, Rule, Waiver
from gdpr_check.model.config import Config
from gdpr_check.report import render
from gdpr_check.user_cache import signing_key, write_signed

validate_module = sys.modules["gdpr_check.load.validate"]  # (the package exports the function)
ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
MODELS = (Policy, Inventory, Rule, Waiver, Config)


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    """A cache and a state folder of this test's own, and a process that has read none."""
    monkeypatch.setenv("GDPR_CHECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr(validators, "_STORE", [])
    return tmp_path / "cache" / (f"validators-{sys.implementation.cache_tag}-"
                                 f"{validators._SOURCES[:16]}.json")


def _own_cache_env(tmp_path) -> dict:
    """The environment of a child process with a cache and a state folder of its own."""
    return {**os.environ, "GDPR_CHECK_CACHE_DIR": str(tmp_path / "cache"),
            "XDG_STATE_HOME": str(tmp_path / "state")}


def _next_run(monkeypatch):
    """What a later process sees: the file, none of this one's validators."""
    monkeypatch.setattr(validators, "_STORE", [])


def _pydantic_builds(monkeypatch) -> list[str]:
    """The models pydantic builds a validator for from now on, recorded."""
    from pydantic._internal import _model_construction
    built, complete = [], _model_construction.complete_model_class

    def recording(cls, *args, **kwargs):
        built.append(cls.__name__)
        return complete(cls, *args, **kwargs)
    monkeypatch.setattr(_model_construction, "complete_model_class", recording)
    return built


def _keep_all():
    for model in MODELS:
        validators.validator(model)


def test_a_later_run_reads_every_validated_model_back_without_building_it(cache,
                                                                          monkeypatch):
    _keep_all()
    assert cache.exists()
    _next_run(monkeypatch)
    built = _pydantic_builds(monkeypatch)
    for model in MODELS:
        kept = validators.validator(model)
        assert kept is not model.__pydantic_validator__, model  # from the file
        assert validators.validator(model) is kept  # made once per process
    assert built == []


@pytest.mark.parametrize("company", ["base", "clinic", "club", "saas", "shop"])
def test_a_company_checked_with_kept_validators_gets_the_same_report(company, cache,
                                                                     monkeypatch):
    own = _render(FIXTURES / company, monkeypatch, kept=False)
    _keep_all()
    _next_run(monkeypatch)
    assert _render(FIXTURES / company, monkeypatch, kept=True) == own


def _pydantic_s_own(model, tree, context=None):
    return model.__pydantic_validator__.validate_python(tree, context=context)


def _render(project: Path, monkeypatch, kept: bool) -> str:
    """The project's JSON report, its models validated by pydantic's own validators or,
    with `kept`, by kept ones (asserted: each of the notice, inventory and rules)."""
    used = set()

    def kept_only(model, tree, context=None):
        chosen = validators.validator(model)
        if chosen is not model.__pydantic_validator__:
            used.add(model)
        return validators.validate_python(model, tree, context)
    monkeypatch.setattr(validate_module, "validate_python", kept_only if kept else _pydantic_s_own)
    # the run's date and "today" pinned: two runs a minute apart must still compare equal
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")  # 2026-12-01T00:00Z
    report = gdpr_check.check(project, dated=True)
    assert not kept or {Policy, Inventory, Rule} <= used
    return render(report, "json", root=project)


BROKEN = """\
systems:
  - id: crm
    name: 12
    countries: [Finland]
    hosting: {provider: x, region: eu, unknown_key: 1}
processors:
  - id: p
    name: P
    dpa: {signed: maybe}
flows:
  - {id: f, from: crm, to: nowhere, data: [email], lawful_basis: whim}
"""


def test_a_broken_inventory_gets_the_same_errors_from_a_kept_validator(cache, monkeypatch):
    tree = parser.parse_bytes(BROKEN.encode(), "inventory/x.yaml")
    monkeypatch.setattr(validate_module, "validate_python", _pydantic_s_own)
    own = _errors(tree)
    monkeypatch.setattr(validate_module, "validate_python", validators.validate_python)
    _keep_all()
    _next_run(monkeypatch)
    assert validators.validator(Inventory) is not Inventory.__pydantic_validator__  # kept
    assert _errors(tree) == own and len(own) >= 4


def _errors(tree) -> list[str]:
    with pytest.raises(InputError) as caught:
        validate(Inventory, tree, "inventory")
    return [str(e) for e in getattr(caught.value, "errors", [caught.value])]


def test_a_file_restored_from_elsewhere_is_not_read(cache, monkeypatch, tmp_path):
    _keep_all()
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "another-state"))  # another key
    _next_run(monkeypatch)
    assert validators._store().entries == {}
    for model in MODELS:
        assert validators.validator(model) is model.__pydantic_validator__  # pydantic's own


def test_a_file_of_other_models_source_or_pydantic_is_not_used(cache, monkeypatch):
    _keep_all()
    _next_run(monkeypatch)
    data = json.loads(validators.read_signed(cache, signing_key()))
    data["salt"] = "another salt"
    write_signed(cache, signing_key(), json.dumps(data).encode(), ".t-")
    assert validators.validator(Policy) is Policy.__pydantic_validator__


def test_the_salt_covers_every_model_module_and_what_they_import():
    """The salt hashes the model modules and the vocabulary: the models must read nothing
    else of the tool, or an edit there would go unnoticed by a kept validator."""
    import ast
    model_dir = ROOT / "gdpr_check" / "model"
    names = {f"gdpr_check.model.{p.stem}" for p in model_dir.glob("*.py")} - {
        "gdpr_check.model.__init__", "gdpr_check.model.field_docs"}
    assert names == validators.MODEL_MODULES
    for module in names:
        tree = ast.parse((model_dir / f"{module.rsplit('.', 1)[1]}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                target = node.module or ""
                assert node.level == 1 or target == "vocabulary", (module, target)


def _signed_entry(cache: Path, name: str, entry) -> None:
    """A file signed with this user's key (as if this user's runs wrote it) holding `entry`
    as the entry of `name`: what the reading alone must refuse."""
    _signed_payload(cache, json.dumps({"format": validators._FORMAT,
                                       "salt": validators._SOURCES, "entries": {name: entry}}))


def _signed_payload(cache: Path, payload) -> None:
    write_signed(cache, signing_key(), payload.encode() if isinstance(payload, str)
                 else payload, ".t-")


REF = validators._REF


def _schema_naming(*ref) -> list:
    """Policy's kept schema with one reference changed to `ref`."""
    Policy.model_rebuild()
    made, paths = validators._Allowed.get().encode(
        list(Policy.__pydantic_validator__.__reduce__()[1]))

    def swap(value):
        if type(value) is dict:
            return {k: swap(v) for k, v in value.items()}
        if type(value) in (list, tuple):
            if value and value[0] == REF and value[1] == "function":
                return [REF, *ref]
            return type(value)(swap(v) for v in value)
        return value
    return [swap(made), paths]


@pytest.mark.parametrize("ref", [
    ("function", "posix", "system"),
    ("function", "builtins", "eval"),
    ("class", "gdpr_check.model.base", "_Documented"),  # the models' metaclass
    ("function", "gdpr_check.model.field_docs", "build"),  # writes a file
    ("function", "gdpr_check.model.types", "pycountry_codes"),  # reads one: no validator
    ("bound", "gdpr_check.model.policy", "Policy", "model_rebuild"),  # pydantic's method
    ("bound", "gdpr_check.model.policy", "Policy", "__init_subclass__"),
    ("class", "gdpr_check.user_cache", "Path"),
], ids=lambda ref: ".".join(ref[1:]))
def test_a_signed_file_naming_anything_but_the_models_parts_is_refused(ref, cache,
                                                                        monkeypatch):
    _signed_entry(cache, "gdpr_check.model.policy.Policy", _schema_naming(*ref))
    assert validators.validator(Policy) is Policy.__pydantic_validator__  # pydantic's own


@pytest.mark.parametrize("entry", [
    "a pickle or marshal payload is not an entry",
    [[{"type": "any"}, {}], [[0, "type"]]],  # a path to no reference
    [[{"type": "any"}, {}], [[0, "type", 5, "x"]]],  # a path through a string
    [[{"type": "any"}, {}], [[0, "type", [1]]]],  # a step no mapping or list takes
    [[[REF, "function", "posix", "system"], {}], [[0]]],  # a reference as the schema
], ids=["text", "a path to data", "a path through data", "a strange step",
        "os.system as the schema"])
def test_a_signed_entry_that_is_not_a_kept_schema_is_refused(entry, cache):
    _signed_entry(cache, "gdpr_check.model.policy.Policy", entry)
    assert validators.validator(Policy) is Policy.__pydantic_validator__


# What a signed marshal payload did before the file was JSON (review): marshal.loads itself
# crashed the interpreter on 15 bytes; pydantic-core did on a cyclic or very deep schema,
# and built 2**40 nodes of a union whose choices were one shared dict.
HOSTILE = {
    "marshal's crash": b"\xa8\x01\x00\x00\x00{r\x00\x00\x00\x00N0",
    "nesting past any limit": b"[" * 200_000,
    "deep entry": None,  # made below: a schema nested as deep as JSON reads
}


def test_a_kept_validator_that_gives_no_model_is_dropped_for_pydantic_s_own(cache):
    """What only a forged file could hold: a schema that accepts anything as it is."""
    _signed_entry(cache, "gdpr_check.model.policy.Policy", [[{"type": "any"}, {}], []])
    tree = parser.parse_bytes((FIXTURES / "shop" / "policy" / "notice.yaml").read_bytes()
                              if (FIXTURES / "shop" / "policy" / "notice.yaml").exists()
                              else b"{}", "policy/notice.yaml")
    assert validators.validator(Policy) is not Policy.__pydantic_validator__
    try:
        result = validators.validate_python(Policy, tree)
    except Exception as exc:  # noqa: BLE001 - pydantic's own verdict on the tree
        assert type(exc).__name__ == "ValidationError"
    else:
        assert type(result) is Policy
    assert validators.validator(Policy) is Policy.__pydantic_validator__  # not used again


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_signed_file_neither_crashes_nor_hangs_a_run(name, tmp_path):
    payload = HOSTILE[name]
    if payload is None:
        schema: dict = {"type": "any"}
        for _ in range(400):
            schema = {"type": "nullable", "schema": schema}
        payload = json.dumps({"format": validators._FORMAT, "salt": validators._SOURCES,
                              "entries": {"gdpr_check.model.policy.Policy":
                                          [[schema, {}], []]}}).encode()
    env = _own_cache_env(tmp_path)
    script = ("import sys\n"
              "from gdpr_check.load import validators\n"
              "from gdpr_check.user_cache import signing_key, write_signed\n"
              "store = validators._open()\n"
              "write_signed(store.path, signing_key(), sys.stdin.buffer.read(), '.t-')\n"
              "from gdpr_check.cli import main\n"
              "sys.exit(main(['check', sys.argv[1]]))\n")
    done = subprocess.run([sys.executable, "-c", script, str(FIXTURES / "shop")],
                          input=payload, env=env, capture_output=True, timeout=120)
    assert done.returncode in (0, 1, 2), done.stderr[-2000:]
    assert b"internal error" not in done.stderr


def _all_models() -> list[type]:
    from pydantic import BaseModel
    found, todo = set(), [BaseModel]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__ in validators.MODEL_MODULES:
                found.add(sub)
    return sorted(found, key=validators._name)


def test_every_model_s_schema_is_kept_whole():
    """Each model's schema, references and all, comes back as pydantic built it: a new
    validator function or custom type that `_Allowed` cannot name fails here (and, at
    run time, would only mean building the validator every run)."""
    allowed = validators._Allowed.get()
    models = _all_models()
    assert len(models) >= 40
    for model in models:
        model.model_rebuild()
        made = list(model.__pydantic_validator__.__reduce__()[1])
        assert allowed.decode(*json.loads(json.dumps(allowed.encode(made)))) == made, model


def test_nothing_is_kept_once_the_models_source_changed_on_disk(cache, monkeypatch):
    """A process that imported the models before an edit (a long-running caller, a `git
    pull`) keeps no schema of the old code under the new source's salt."""
    monkeypatch.setattr(validators, "_salt", lambda: "the source after an edit")
    validators.validator(Waiver)
    assert not cache.exists()


def test_installs_of_other_code_keep_files_apart(cache, monkeypatch):
    """Two installs (another pydantic, another checkout) do not take turns rewriting one
    file: its name carries the salt's start."""
    _keep_all()
    monkeypatch.setattr(validators, "_SOURCES", "f" * 64)
    _next_run(monkeypatch)
    assert validators._store().path.name.endswith("-ffffffffffffffff.json")
    assert validators._store().entries == {} and cache.exists()


def test_nothing_is_kept_or_read_while_pydantic_has_plugins(cache, monkeypatch):
    monkeypatch.setattr(validators, "_plugins_in_use", lambda: True)
    assert validators.validator(Policy) is Policy.__pydantic_validator__
    assert not cache.exists()


def test_nothing_is_kept_with_the_cache_off(cache, monkeypatch):
    monkeypatch.setenv("GDPR_CHECK_CACHE_DIR", "off")
    assert validators.validator(Policy) is Policy.__pydantic_validator__
    assert not cache.parent.exists()


def test_an_unwritable_cache_folder_only_means_building_again(cache, monkeypatch, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a folder")
    monkeypatch.setenv("GDPR_CHECK_CACHE_DIR", str(blocked))
    report = gdpr_check.check(ROOT)
    assert report.findings and not report.errors


def test_the_cli_s_second_run_builds_no_model_validator(tmp_path):
    """Two processes, as a user runs them: the second reads the validators the first kept."""
    env = _own_cache_env(tmp_path)
    probe = ("import sys\n"
             "from pydantic._internal import _model_construction as m\n"
             "built, complete = [], m.complete_model_class\n"
             "m.complete_model_class = lambda c, *a, **k: built.append(c.__name__) or "
             "complete(c, *a, **k)\n"
             "from gdpr_check import cli\n"
             "code = cli.main(['check', sys.argv[1]])\n"
             "print(' '.join(sorted(built)), file=sys.stderr)\n")
    runs = [subprocess.run([sys.executable, "-c", probe, str(ROOT)], env=env,
                           capture_output=True, text=True, cwd=tmp_path) for _ in range(2)]
    first, second = (run.stderr.splitlines()[-1].split() for run in runs)
    assert {"Inventory", "Policy", "Rule"} <= set(first) and second == [], runs
    assert runs[0].stdout == runs[1].stdout


def test_a_model_module_imported_after_the_salt_is_kept_only_while_its_source_is_the_same(
        cache, monkeypatch):
    """The configuration's model is imported only by a project that has settings, after the
    salt was taken: its kept validator is used only if the source has not changed since."""
    _keep_all()
    later = validators._SALTED_IMPORTED - {"gdpr_check.model.config"}
    monkeypatch.setattr(validators, "_SALTED_IMPORTED", later)
    monkeypatch.setattr(validators, "_LATER", {})
    _next_run(monkeypatch)
    assert validators.validator(Config) is not Config.__pydantic_validator__  # the kept one
    monkeypatch.setattr(validators, "_LATER", {})
    monkeypatch.setattr(validators, "_salt", lambda: "the source after an edit")
    _next_run(monkeypatch)
    assert validators.validator(Config) is Config.__pydantic_validator__
    assert validators.validator(Policy) is not Policy.__pydantic_validator__  # salted with


def test_a_project_with_settings_reads_its_kept_configuration_validator(tmp_path):
    """Without settings, a run does not import the configuration's model at all; with
    them, the second run validates them with the validator the first kept."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "base", project)
    env = _own_cache_env(tmp_path)
    probe = ("import sys\n"
             "from gdpr_check import cli\n"
             "from gdpr_check.load import validators\n"
             "code = cli.main(['check', sys.argv[1]])\n"
             "config = sys.modules.get('gdpr_check.model.config')\n"
             "kept = config and validators._STORE[0].loaded.get(config.Config)\n"
             "print(config is not None, kept is not None and kept is not "
             "config.Config.__pydantic_validator__, file=sys.stderr)\n")

    def run():
        done = subprocess.run([sys.executable, "-c", probe, str(project)], env=env,
                              capture_output=True, text=True, cwd=tmp_path)
        return done.stderr.splitlines()[-1]
    assert run() == "False False"
    (project / ".gdpr-check.yaml").write_text("fail_on: high\n")
    assert [run(), run()] == ["True False", "True True"]  # built, then read back
