"""The validators of the models a load validates, kept between this user's runs.

Pydantic builds a model's validator when it is first used (the models' `defer_build`): it
generates the core schema in Python, then pydantic-core compiles it. For the notice, the
inventory and the rules that is ~35 ms, a tenth of checking a small project, paid by every
run. So a run keeps the core schema of each validator it built in the user's cache
(`user_cache.py`: signed, so that only this user's own runs on this machine are read
back), and later runs make the validator from it in a millisecond or two.

A core schema is plain data except where it names the models' own classes and validator
functions. Those are written as references (kind, module, qualified name) at recorded
paths, and the whole is JSON: a parser that is safe on any input, and a format with no
shared or cyclic nodes, so a file's size bounds what is built from it (marshal and pickle
are neither: a few signed bytes of either crashed the interpreter, built cyclic schemas
that crashed pydantic-core, or shared nodes that made it build 2^40 of them). Each
reference is then looked up among what the models themselves name (`_Allowed`): the
model classes and custom types of the model modules, the functions of their validators,
default factories and annotations, and their validator and JSON Schema class methods;
nothing is imported or called while reading, and a reference to anything else refuses
the whole file.

What the signature vouches for is that this user's runs wrote the file, as for the
expression cache's code: a file forged by someone who had this user's key could still
describe other validators, e.g. change a default, or make validation fail or slow
(docs/security.md says what it can and cannot do).

A kept schema is used only if it was built from this very code: the file's name and
contents carry the SHA-256 of the model modules' source as it was when this process
imported them (`_SOURCES`), of this module's and the vocabulary's, of the modules pydantic
reads annotations with, and the versions of Python, pydantic and pydantic-core. A process
whose model source changed on disk after it imported them keeps nothing. (The
configuration's model is imported only by a project that has settings, so maybe after
the salt was taken: its kept validator is used only if the sources still give the salt
when it is first asked for, `_as_salted`.) After an edit to
any of them, another pydantic, or with a missing, stale or unreadable file, the validator
is built as before: slower, never different. None is used or kept while pydantic has
plugins (their validator wraps pydantic-core's, and they expect to see every validation),
nor with `GDPR_CHECK_CACHE_DIR=off`.
"""
from __future__ import annotations

import hashlib
import json
import sys
import types
import typing
from pathlib import Path

from pydantic import BaseModel
from pydantic_core import SchemaValidator, ValidationError

from ..user_cache import cache_dir, read_signed, signing_key, write_signed

_FORMAT = 3  # 3: JSON (2 was marshal, 1 pickle)
# The modules that define models and their validators (not field_docs: no model there).
MODEL_MODULES = frozenset(f"gdpr_check.model.{name}" for name in
                          ("base", "config", "inventory", "policy", "rule", "text", "types"))


def validate_python(model: type[BaseModel], tree, context: dict | None = None):
    """`model.model_validate(tree, context=context)`, with the kept validator when there
    is one. What only a forged file could make it do (return anything but a `model`, or
    fail otherwise than by pydantic's `ValidationError`) leaves the tree to pydantic's
    own validator, and the kept one unused from then on."""
    chosen = validator(model)
    if chosen is model.__pydantic_validator__:
        return chosen.validate_python(tree, context=context)
    try:
        result = chosen.validate_python(tree, context=context)
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - not a validator pydantic would have built
        result = None
    if type(result) is model:
        return result
    model.model_rebuild()
    _STORE[0].loaded[model] = own = model.__pydantic_validator__  # from now on
    return own.validate_python(tree, context=context)


def validator(model: type[BaseModel]):
    """What validates `model`: a validator made from the schema an earlier run kept, if
    there is one for this code; else pydantic's own (built now if need be, and kept)."""
    store = _store() if model.__module__ in MODEL_MODULES else None
    if store is None or _plugins_in_use() or not _as_salted(model.__module__):
        return model.__pydantic_validator__
    kept = store.get(model)
    if kept is not None:
        return kept
    model.model_rebuild()  # the deferred build, if not done yet
    built = model.__pydantic_validator__
    store.put(model, built)
    return built


class _Store:
    """The kept schemas' file: {model's qualified name: [what its validator is built from
    (schema, config, ...), where their references are]}, read once per process, each
    validator made from it once."""

    def __init__(self, path: Path, key: bytes, salt: str):
        self.path, self.key, self.salt = path, key, salt
        self.entries = _read(path, key, salt)
        self.loaded: dict[type, SchemaValidator | None] = {}

    def get(self, model) -> SchemaValidator | None:
        if model not in self.loaded:
            self.loaded[model] = _made(self.entries.get(_name(model)))
        return self.loaded[model]

    def put(self, model, built) -> None:
        made = built.__reduce__() if type(built) is SchemaValidator else None
        if made is None or made[0] is not SchemaValidator or not _arguments(list(made[1])):
            return  # a plugin's, not built, or of a pydantic-core that makes it otherwise
        self.loaded[model] = built
        if _salt() != self.salt:
            return  # the models' source changed since this process imported them
        try:
            # [schema, config(, flag)] as data, with where the references are (`encode`)
            self.entries[_name(model)] = list(_Allowed.get().encode(list(made[1])))
            payload = {"format": _FORMAT, "salt": self.salt, "entries": self.entries}
            write_signed(self.path, self.key, json.dumps(payload, allow_nan=False).encode(),
                         ".validators-", kind=f"validators-{sys.implementation.cache_tag}-*.json")
        except Exception:  # noqa: BLE001 - not kept (a part no reference names, a full
            pass           # disk, ...): the next run builds it again, as without the cache


def _made(entry) -> SchemaValidator | None:
    """The validator of a kept entry, or None when it is not one (see the module's doc)."""
    try:
        made, paths = entry
        if type(made) is not list or type(paths) is not list:
            return None
        arguments = _Allowed.get().decode(made, paths)
        return SchemaValidator(*arguments) if _arguments(arguments) else None
    except Exception:  # noqa: BLE001 - refused or broken: built as without it
        return None


def _arguments(arguments: list) -> bool:
    """Whether `arguments` are what pydantic-core builds a validator from: a schema, a
    configuration, and (pydantic-core 2.42 and later) whether to reuse nested models'
    validators, a flag."""
    return 2 <= len(arguments) <= 3 and type(arguments[0]) is dict \
        and type(arguments[1]) in (dict, type(None)) \
        and all(type(flag) is bool for flag in arguments[2:])


def _name(model) -> str:
    return f"{model.__module__}.{model.__qualname__}"


def _read(path: Path, key: bytes, salt: str) -> dict:
    payload = read_signed(path, key)
    if payload is None:
        return {}  # missing, or not written by this user's runs: never read
    try:
        data = json.loads(payload)
    except (ValueError, RecursionError):  # (UnicodeDecodeError is a ValueError)
        return {}
    valid = type(data) is dict and data.get("format") == _FORMAT \
        and data.get("salt") == salt and type(data.get("entries")) is dict
    return data["entries"] if valid else {}


# -- references ------------------------------------------------------------------------------

_REF = "\0gdpr-check reference"  # a list's first item that no core schema holds
_DATA = (str, int, float, bool, type(None))  # what JSON gives back as it was


class NotAllowed(Exception):
    """A schema part that no reference may name: the file, or the schema, is not kept."""


class _Allowed:
    """What a kept schema may name, found from the models of this process: by reference
    (kind, module, qualified name[, attribute]) and back."""

    _found: "_Allowed | None" = None

    @classmethod
    def get(cls) -> "_Allowed":
        """For the model modules imported now: the configuration's is imported only by a
        project that has settings, maybe after the others were used."""
        imported = frozenset(name for name in MODEL_MODULES if name in sys.modules)
        if cls._found is None or cls._found.modules != imported:
            cls._found = cls(imported)
        return cls._found

    def __init__(self, modules: frozenset):
        self.modules = modules
        self.by_ref: dict[tuple, object] = {}
        classes = [value for name in sorted(modules)
                   for value in vars(sys.modules[name]).values()
                   if isinstance(value, type) and value.__module__ == name
                   and not issubclass(value, type)]  # not the models' metaclass
        for owner in classes:
            if issubclass(owner, BaseModel):
                self._model(owner)
            elif "__get_pydantic_core_schema__" in vars(owner):
                self._custom_type(owner)

    def _add(self, ref: tuple, value) -> None:
        self.by_ref[ref] = value

    def _function(self, value) -> None:
        function = getattr(value, "__func__", value)
        if isinstance(function, types.FunctionType) and function.__module__ in MODEL_MODULES:
            self._add(("function", function.__module__, function.__qualname__), function)

    def _model(self, model) -> None:
        self._add(("class", model.__module__, model.__qualname__), model)
        self._bound(model, "__get_pydantic_json_schema__")
        decorators = model.__pydantic_decorators__
        for kind in decorators.__slots__:  # validators, field_validators, model_validators, ...
            for name, decorator in getattr(decorators, kind).items():
                self._function(decorator.func)
                self._bound(model, name)
        for info in model.__pydantic_fields__.values():
            self._function(info.default_factory)
            for marker in (*info.metadata, *_annotated_metadata(info.annotation)):
                self._function(getattr(marker, "func", None))

    def _custom_type(self, owner) -> None:
        """A type of the model modules with a core schema of its own (`LocalizedText`):
        the functions that schema names (it takes no handler)."""
        self._add(("class", owner.__module__, owner.__qualname__), owner)
        self._bound(owner, "__get_pydantic_json_schema__")
        try:
            schema = owner.__get_pydantic_core_schema__(owner, None)
        except Exception:  # noqa: BLE001 - a schema that needs pydantic's handler: none
            return
        for value in _parts(schema):
            self._function(value)

    def _bound(self, owner, name: str) -> None:
        value = getattr(owner, name, None)
        if isinstance(value, types.MethodType):  # a class method, bound to `owner`
            self._add(("bound", owner.__module__, owner.__qualname__, name), value)

    # -- the two directions

    def encode(self, value) -> tuple:
        """(`value` as JSON's data, where its references are): each part this process's
        models name is written as a reference [`_REF`, kind, module, qualified name,
        (attribute)]; the paths say where, so reading walks only those. What JSON would
        not give back as it was (a tuple, bytes, a key that is not a string) is refused."""
        paths: list = []
        return self._encode(value, [], paths), paths

    def _encode(self, value, path: list, paths: list):
        kind = type(value)
        if kind in _DATA:
            return value
        if kind is dict:
            if any(type(key) is not str for key in value):
                raise NotAllowed("a key that is not a string")
            return {key: self._encode(item, [*path, key], paths) for key, item in value.items()}
        if kind is list:
            if value and value[0] == _REF:
                raise NotAllowed("a list that reads as a reference")
            return [self._encode(item, [*path, index], paths) for index, item in enumerate(value)]
        ref = self._ref_of(value)
        if ref is None:
            raise NotAllowed(f"{value!r} is not one of the models' parts")
        paths.append(path)
        return [_REF, *ref]

    def _ref_of(self, value) -> tuple | None:
        if isinstance(value, types.MethodType):
            owner = value.__self__
            ref = ("bound", getattr(owner, "__module__", ""), getattr(owner, "__qualname__", ""),
                   value.__name__)
        elif isinstance(value, type):
            ref = ("class", value.__module__, value.__qualname__)
        elif isinstance(value, types.FunctionType):
            ref = ("function", value.__module__, value.__qualname__)
        else:
            return None
        return ref if self.by_ref.get(ref) == value else None

    def decode(self, data, paths):
        """What `encode` made, back: the reference at each path replaced by this process's
        models' part it names. A path that leads to no reference, or a reference to
        anything else, refuses the whole; everything else is left as the data it is."""
        for path in paths:
            parent = data
            for step in path[:-1]:
                parent = _child(parent, step)
            ref = _child(parent, path[-1])
            found = self.by_ref.get(tuple(ref[1:]), self) \
                if type(ref) is list and ref and ref[0] == _REF else self
            if found is self:
                raise NotAllowed(f"no part of the models at {path!r}")
            parent[path[-1]] = found
        return data


def _child(parent, step):
    """`parent[step]`, for the mappings and lists of a kept schema only."""
    if (type(parent) is dict and type(step) is str) or (type(parent) is list
                                                        and type(step) is int):
        return parent[step]
    raise NotAllowed("a path through something else")


def _annotated_metadata(annotation) -> list:
    """The metadata of every `Annotated[...]` inside `annotation` (`list[Annotated[...]]`)."""
    found, todo = [], [annotation]
    while todo:
        current = todo.pop()
        found.extend(getattr(current, "__metadata__", ()))
        todo.extend(typing.get_args(current))
    return found


def _parts(schema):
    """Every value inside a core schema that is not a dict, list or tuple."""
    todo = [schema]
    while todo:
        current = todo.pop()
        if isinstance(current, dict):
            todo.extend(current.values())
        elif isinstance(current, (list, tuple)):
            todo.extend(current)
        else:
            yield current


def _plugins_in_use() -> bool:
    """Whether pydantic wraps its validators for plugins (the CLI's process looks for none:
    `runtime.skip_pydantic_plugins`). Unknown means yes."""
    try:
        from pydantic.plugin._loader import get_plugins
        return bool(get_plugins())
    except Exception:  # noqa: BLE001 - another pydantic: keep nothing
        return True


# -- the file and its salt ----------------------------------------------------------------

_STORE: list = []  # [the store, or None when there is no cache]: opened on first use


def _store() -> _Store | None:
    if not _STORE:
        _STORE.append(_open())
    return _STORE[0]


def _open() -> _Store | None:
    folder = cache_dir()
    key = signing_key() if folder is not None else None
    salt = _SOURCES
    if key is None or salt is None:
        return None
    tag = f"{sys.implementation.cache_tag}-{salt[:16]}"  # installs apart do not take turns
    return _Store(folder / f"validators-{tag}.json", key, salt)


def _salt() -> str | None:
    """The SHA-256 of what makes the models' validators: the model modules' source, this
    module's and the vocabulary's (the models read nothing else of the tool), the modules
    pydantic inspects annotations with, and the versions of Python, pydantic and
    pydantic-core; None when a source cannot be read."""
    import annotated_types
    import pydantic
    import pydantic_core
    import typing_extensions
    import typing_inspection.introspection
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"{_FORMAT}\0{sys.version}\0{pydantic.VERSION}\0"
                            f"{pydantic_core.__version__}\0".encode())
    sources = [package / "model" / f"{name.rsplit('.', 1)[1]}.py" for name in
               sorted(MODEL_MODULES)]
    sources += [Path(__file__), package / "vocabulary.py", Path(typing_extensions.__file__),
                Path(annotated_types.__file__),
                Path(typing_inspection.introspection.__file__)]
    try:
        for source in sources:
            digest.update(source.read_bytes() + b"\0")
    except OSError:
        return None
    return digest.hexdigest()


# The models' source as this process imported them: what a kept schema is valid for. `put`
# keeps nothing once it changed. `load` imports the model modules before this one, except
# the configuration's: only a project that has settings imports it (~2 ms), and its kept
# validator is used only if the source is still the same when it is first asked for.
_SOURCES = _salt()
_SALTED_IMPORTED = frozenset(name for name in MODEL_MODULES if name in sys.modules)
_LATER: dict[str, bool] = {}  # a model module imported after the salt: still the same?


def _as_salted(module: str) -> bool:
    if module in _SALTED_IMPORTED:
        return True
    if module not in _LATER:
        _LATER[module] = _salt() == _SOURCES
    return _LATER[module]
