"""The validators of the models a load validates, kept between this user's runs.

Pydantic builds a model's validator when it is first used (the models' `defer_build`): it
generates the core schema in Python, then pydantic-core compiles it. For the notice, the
inventory and the rules that is ~35 ms, a tenth of checking a small project, paid by every
run. So a run keeps each validator it built in the user's cache (`user_cache.py`: signed,
so that only this user's own runs on this machine are read back), and later runs rebuild
it from there in a millisecond or two.

A validator is kept as what pydantic-core builds it from, pickled: its core schema (which
names the models' own classes and validator functions) and its configuration. It is read
back through an unpickler that can name nothing else (`_ModelsOnly`): the classes and
functions defined in the model modules, and their attributes that are such classes and
functions (the models' class methods) or pydantic's two schema hooks. No builtin, no other
module, nothing called but those: even a file that did verify can only make a validator
of the models' own parts.

A kept validator is used only if it was built from this very code: the file holds the
SHA-256 of the model modules' source, this module's and the vocabulary's, with the
versions of Python, pydantic and pydantic-core (`_salt`). After an edit to any of them,
another pydantic, or with a missing, stale or unreadable file, the validator is built as
before: slower, never different. None is used or kept while pydantic has plugins (their
validator wraps pydantic-core's, and they expect to see every validation), nor with
`GDPR_CHECK_CACHE_DIR=off`.
"""
from __future__ import annotations

import hashlib
import io
import marshal
import pickle
import sys
import types
from pathlib import Path

from pydantic import BaseModel
from pydantic_core import SchemaValidator

from ..user_cache import cache_dir, read_signed, signing_key, write_signed

_FORMAT = 1
# The modules whose classes and functions a kept validator may name: those that define
# models and their validators (not field_docs, which writes files at build time).
MODEL_MODULES = frozenset(f"gdpr_check.model.{name}" for name in
                          ("base", "config", "inventory", "policy", "rule", "text", "types"))


def validator(model: type[BaseModel]):
    """What validates `model`: the validator an earlier run kept, if there is one for this
    code; else pydantic's own (built now if need be, and kept for the next runs)."""
    store = _store() if model.__module__ in MODEL_MODULES else None
    if store is None or _plugins_in_use():
        return model.__pydantic_validator__
    kept = store.get(model)
    if kept is not None:
        return kept
    model.model_rebuild()  # the deferred build, if not done yet
    built = model.__pydantic_validator__
    store.put(model, built)
    return built


class _Store:
    """The kept validators' file: {model's qualified name: its pickled (schema, config)},
    read once per process, each validator made from it once."""

    def __init__(self, path: Path, key: bytes, salt: str):
        self.path, self.key, self.salt = path, key, salt
        self.entries = _read(path, key, salt)
        self.loaded: dict[type, SchemaValidator | None] = {}  # each read back once

    def get(self, model) -> SchemaValidator | None:
        if model not in self.loaded:
            self.loaded[model] = self._load(self.entries.get(_name(model)))
        return self.loaded[model]

    @staticmethod
    def _load(data: bytes | None) -> SchemaValidator | None:
        if data is None:
            return None
        try:
            schema, config = _ModelsOnly(io.BytesIO(data)).load()
            return SchemaValidator(schema, config)
        except Exception:  # noqa: BLE001 - refused or broken: built as without it
            return None

    def put(self, model, built) -> None:
        made = built.__reduce__() if type(built) is SchemaValidator else None
        if made is None or made[0] is not SchemaValidator or len(made[1]) != 2:
            return  # a plugin's, not built, or of a pydantic-core that makes it otherwise
        self.loaded[model] = built
        schema, config = made[1]
        try:
            self.entries[_name(model)] = pickle.dumps((schema, config),
                                                      protocol=pickle.HIGHEST_PROTOCOL)
            write_signed(self.path, self.key, marshal.dumps((_FORMAT, self.salt, self.entries)),
                         ".validators-")
        except (OSError, pickle.PicklingError, TypeError, ValueError):
            pass  # not kept: the next run builds it again


def _name(model) -> str:
    return f"{model.__module__}.{model.__qualname__}"


def _read(path: Path, key: bytes, salt: str) -> dict:
    payload = read_signed(path, key)
    if payload is None:
        return {}  # missing, or not written by this user's runs: never read
    try:
        version, file_salt, entries = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return {}
    if version != _FORMAT or file_salt != salt or not isinstance(entries, dict):
        return {}
    return {name: data for name, data in entries.items()
            if isinstance(name, str) and isinstance(data, bytes)}


class _ModelsOnly(pickle.Unpickler):
    """An unpickler that resolves only the parts of a models' validator (see above)."""

    def find_class(self, module: str, name: str):
        if (module, name) == ("builtins", "getattr"):
            return _model_attribute
        if module in MODEL_MODULES and module in sys.modules:
            found = sys.modules[module]
            for part in name.split("."):
                found = _model_attribute(found, part)
            return found
        raise pickle.UnpicklingError(f"a kept validator may not name {module}.{name}")


# What pydantic keeps in a schema's metadata for the JSON Schema: class methods of every
# model and custom type (pydantic's own, or ours), named on our classes.
_SCHEMA_HOOKS = frozenset(("__get_pydantic_json_schema__", "__get_pydantic_core_schema__"))


def _model_attribute(owner, name: str):
    """`getattr(owner, name)` where `owner` is a model module or one of its classes and what
    it gives is a class or a function (a class method's, too) of a model module, or one of
    pydantic's schema hooks of such a class; no other dunder."""
    owner_ok = (isinstance(owner, types.ModuleType) and owner.__name__ in MODEL_MODULES) \
        or _of_models(owner)
    hook = name in _SCHEMA_HOOKS and _of_models(owner)
    if not owner_ok or not isinstance(name, str) or (name.startswith("__") and not hook):
        raise pickle.UnpicklingError(f"a kept validator may not read {name!r} of {owner!r}")
    found = getattr(owner, name)
    function = getattr(found, "__func__", found)  # a class method: its function
    if hook or _of_models(found) or (isinstance(function, types.FunctionType)
                                     and function.__module__ in MODEL_MODULES):
        return found
    raise pickle.UnpicklingError(f"a kept validator may not name {name!r} of {owner!r}")


def _of_models(value) -> bool:
    """Whether `value` is a class defined in a model module."""
    return isinstance(value, type) and value.__module__ in MODEL_MODULES


def _plugins_in_use() -> bool:
    """Whether pydantic wraps its validators for plugins (the CLI's process looks for none:
    `runtime.skip_pydantic_plugins`). Unknown means yes."""
    try:
        from pydantic.plugin._loader import get_plugins
        return bool(get_plugins())
    except Exception:  # noqa: BLE001 - another pydantic: keep nothing
        return True


_STORE: list = []  # [the store, or None when there is no cache]: opened on first use


def _store() -> _Store | None:
    if not _STORE:
        _STORE.append(_open())
    return _STORE[0]


def _open() -> _Store | None:
    folder = cache_dir()
    key = signing_key() if folder is not None else None
    if key is None:
        return None
    try:
        salt = _salt()
    except OSError:
        return None  # the models' source cannot be read: nothing to vouch for a file
    return _Store(folder / f"validators-{sys.implementation.cache_tag}.marshal", key, salt)


def _salt() -> str:
    """The SHA-256 of what makes the models' validators: the model modules' source, this
    module's and the vocabulary's (the models read nothing else of the tool), and the
    versions of Python, pydantic and pydantic-core."""
    import pydantic
    import pydantic_core
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"{_FORMAT}\0{sys.version}\0{pydantic.VERSION}\0"
                            f"{pydantic_core.__version__}\0".encode())
    sources = [package / "model" / f"{name.rsplit('.', 1)[1]}.py" for name in sorted(MODEL_MODULES)]
    for source in (*sources, Path(__file__), package / "vocabulary.py"):
        digest.update(source.read_bytes() + b"\0")
    return digest.hexdigest()
