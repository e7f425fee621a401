"""The base of every model: strict (unknown keys are errors), immutable, and located.

Each model instance remembers the file:line:column it was loaded from, so findings can
point at it (SPEC §7). The position travels from the parsed tree (`load.tree.LocDict`)
into the model through a wrap validator, without being a field users could set.
"""

import sys
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, model_validator

from . import field_docs


class _Documented(type(BaseModel)):
    """Pydantic's model metaclass, with the string under each field as its description (in
    the JSON Schemas and docs/reference.md: the field reference is written once).

    Pydantic's own `use_attribute_docstrings` does the same, but finds each class's source
    by walking frames and tokenising the file again for every class: a third of the cost of
    importing the models, paid by every run. Here each module's strings are read once (as
    the build extracted them, `field_docs`), and the descriptions are set where pydantic
    sets them, after the fields are collected and before any schema is built (the models'
    building is deferred to their first use).
    """

    def __new__(mcs, name, bases, namespace, **kwargs):
        cls = super().__new__(mcs, name, bases, namespace, **kwargs)
        fields = cls.__pydantic_fields__
        if any(info.description is None for info in fields.values()):  # (not `Located`)
            docs = _attribute_docs(namespace.get("__module__"), name)
            for field, info in fields.items():
                if info.description is None and field in docs:
                    info.description = docs[field]
        return cls


_DOCS: dict[str, dict[str, dict[str, str]]] = {}


def _attribute_docs(module: str | None, class_name: str) -> dict[str, str]:
    """{field: the string literal written right under its annotation} of a top-level class."""
    if module not in _DOCS:
        source_file = getattr(sys.modules.get(module), "__file__", None)
        _DOCS[module] = field_docs.of_module(module, source_file)
    return _DOCS[module].get(class_name, {})


class Located(BaseModel, metaclass=_Documented):
    # defer_build: a model's validator is built when first used, so a run builds only the
    # models it reads (and after `_Documented` has given their fields descriptions).
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True,
                              validate_default=False, defer_build=True)

    KIND: ClassVar[str] = "object"
    # Slots, not pydantic private attributes: those cost a default lookup per instance,
    # which was most of the validation time of a 100,000-flow inventory.
    __slots__ = ("_loc", "_key_locs")

    @model_validator(mode="wrap")
    @classmethod
    def _keep_position(cls, data, handler):
        obj = handler(data)
        # A located tree's mapping (load.tree.LocDict); anything else has no position. A
        # mapping whose positions are found when first asked for (`lazy`, a `load.tree.Lazy`)
        # hands the model that handle for both, unread: most models are never asked.
        loc = key_locs = getattr(data, "lazy", None)
        if loc is None:
            try:
                loc, key_locs = data.loc, data.key_locs
            except AttributeError:
                loc = key_locs = None
        _set_loc(obj, loc)  # the slots' own setters: object.__setattr__ looks them up
        _set_key_locs(obj, key_locs)
        return obj

    def __getitem__(self, name: str):
        """Let expressions read fields by their YAML name too (`item['from']`, `item.from`)."""
        field = _ALIASES.get((type(self), name), name)
        if field in _fields(type(self)):
            return getattr(self, field)
        raise KeyError(name)

    @property
    def location(self) -> tuple | None:
        loc = getattr(self, "_loc", None)
        if loc is None or type(loc) is tuple:
            return loc
        return self._settle().location

    def field_location(self, name: str) -> tuple | None:
        """Where field `name` is written, or the object's own position if not written."""
        info = _fields(type(self)).get(name)
        key = info.alias if info is not None and info.alias else name
        key_locs = getattr(self, "_key_locs", None)
        if key_locs is not None and not isinstance(key_locs, dict):
            key_locs = self._settle()._key_locs
        if key_locs and key in key_locs:
            return key_locs[key]
        return self.location

    def _settle(self):
        """Trade the lazy handle (see _keep_position) for the positions it finds, once:
        a finding's object is asked for them again and again."""
        lazy = self._loc if isinstance(self._key_locs, dict) else self._key_locs
        node = lazy.node()
        _set_loc(self, node.loc)
        _set_key_locs(self, node.key_locs)
        return self


_set_loc = Located.__dict__["_loc"].__set__
_set_key_locs = Located.__dict__["_key_locs"].__set__
_ALIASES: dict = {}
_FIELDS: dict = {}


def _fields(cls) -> dict:
    """`cls.model_fields`, looked up once per class (pydantic's class property that gives
    it costs a microsecond a call, and findings ask for it tens of thousands of times)."""
    try:
        return _FIELDS[cls]
    except KeyError:
        _FIELDS[cls] = fields = cls.model_fields
        return fields


def register_aliases(*models: type[Located]) -> None:
    """Record YAML names that differ from Python field names (e.g. `from` -> `from_`)."""
    for model in models:
        for field, info in model.model_fields.items():
            if info.alias:
                _ALIASES[(model, info.alias)] = field
