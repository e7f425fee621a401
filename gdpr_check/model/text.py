"""Human-readable text of the notice, in one language or several (issue 11).

A text field of policy/ takes a plain string, written in the notice's `language`, or a
mapping per language:

    name: Asiakasrekisteri
    name: {fi: Asiakasrekisteri, en: Customer register}

Both load as a `LocalizedText`. The str-compatibility decision, made once here: a
`LocalizedText` *is* a `str`, and that string is its text in the notice's language (when a
mapping lacks it, the first language written). So rules, `ropa`, reports and every
`x.name or x.id` keep working unchanged and read the notice as published. Code that
writes the notice in one language asks for that language explicitly, `text.in_lang("en")`,
which is None when the text has no translation into it: never the other language's text.
"""
from __future__ import annotations

from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationInfo
from pydantic_core import core_schema

LANGUAGE_PATTERN = "^[a-z]{2}$"


# ISO 639-1: the two-letter language codes, as pycountry lists them (its 639-3 data, the
# entries with an alpha_2; tests/test_model_import.py compares the two). Written out: the
# standard's two-letter set has stood still for years, and reading them from pycountry's
# 900 kB ISO 639-3 file cost ~12 ms of every run whose notice states a language.
_ISO_639_1 = frozenset((
    "aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs "
    "cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv "
    "ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl "
    "km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt "
    "my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru "
    "rw sa sc sd se sg sh si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl "
    "tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu").split())


def iso_languages() -> frozenset[str]:
    """ISO 639-1 codes (two letters)."""
    return _ISO_639_1


def check_language(value: str) -> str:
    if value not in iso_languages():
        hint = " (codes are lower case)" if value.lower() in iso_languages() else ""
        raise ValueError(f"{value!r} is not an ISO 639-1 language code such as fi, en or "
                         f"sv{hint}")
    return value


class LocalizedText(str):
    """A text of the notice: the text in the notice's language, with its translations.

    `translations` maps language codes to text, in the order written. A plain string
    whose language is unknown (the notice states no `language`) has none: it is taken to
    be in whatever language the notice is written in, as before languages existed."""
    __slots__ = ("translations",)
    translations: dict[str, str]

    def __new__(cls, text: str, translations: dict[str, str] | None = None):
        self = super().__new__(cls, text)
        self.translations = dict(translations or {})
        return self

    def __reduce__(self):  # pickled findings cross the engine's fork (engine/parallel.py)
        return (LocalizedText, (str(self), self.translations))

    def in_lang(self, lang: str) -> str | None:
        """The text in `lang`, or None when it has no translation into `lang`."""
        if not self.translations:
            return str(self)
        return self.translations.get(lang)

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the text is written in (empty: the notice's, unstated)."""
        return tuple(self.translations)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler):
        # One validator for both forms, not a union: a union would report a bad mapping
        # twice (also as "expected a string"), and each error must be one line.
        return core_schema.with_info_plain_validator_function(
            _make, serialization=core_schema.plain_serializer_function_ser_schema(_serialise))

    @classmethod
    def __get_pydantic_json_schema__(cls, schema, handler: GetJsonSchemaHandler):
        return {"anyOf": [
            {"type": "string"},
            {"type": "object", "minProperties": 1,
             "propertyNames": {"pattern": LANGUAGE_PATTERN},
             "additionalProperties": {"type": "string"},
             "description": "The text per language, ISO 639-1 codes: {fi: ..., en: ...}"}]}


_KINDS = {list: "a list", bool: "true or false", int: "a number", float: "a number"}


def _make(value, info: ValidationInfo) -> LocalizedText:
    """A string, or a mapping of language codes to strings. The loader passes the notice's
    language as the validation context (`language`)."""
    if isinstance(value, LocalizedText):
        return value
    language = (info.context or {}).get("language") if info.context else None
    if isinstance(value, str):
        return LocalizedText(value, {language: value} if language else None)
    if not isinstance(value, dict):
        found = _KINDS.get(type(value), "nothing" if value is None else type(value).__name__)
        raise ValueError(f"expected a text: a string, or one per language ({{fi: ..., "
                         f"en: ...}}); found {found}")
    if not value:
        raise ValueError("expected the text in at least one language ({fi: ..., en: ...}); "
                         "found an empty mapping")
    for code, text in value.items():
        check_language(str(code))
        if not isinstance(text, str):
            raise ValueError(f"the text in '{code}' must be a string, found "
                             f"{_KINDS.get(type(text), type(text).__name__)}")
    texts = {str(code): str(text) for code, text in value.items()}
    primary = texts.get(language) if language else None
    if primary is None:
        primary = next(iter(texts.values()))
    return LocalizedText(primary, texts)


def _serialise(value: LocalizedText):
    translations = value.translations
    return dict(translations) if len(translations) > 1 else str(value)


def text_in(value, lang: str) -> str | None:
    """`value` in `lang`: a LocalizedText's translation, any other string as it is."""
    if value is None:
        return None
    if isinstance(value, LocalizedText):
        return value.in_lang(lang)
    return value


# -- a whole model in one language ------------------------------------------------------

def untranslated(model, lang: str) -> list[tuple[Any, str, str]]:
    """(object, field, path) of every text in `model` (a policy or any part of it) that
    has no translation into `lang`, in field order. A list item's field is `name[index]`;
    `path` names the text from the top, by ids where items have them
    (`purposes.newsletter.name`, `rights.access.how`, `security.measures[1]`)."""
    out: list[tuple[Any, str, str]] = []
    _walk(model, lang, out, "")
    return out


def _walk(obj, lang, out, path) -> None:
    from .base import Located
    for name in type(obj).model_fields:
        value = obj.__dict__[name]
        here = f"{path}.{name}" if path else name
        if isinstance(value, LocalizedText):
            if value.in_lang(lang) is None:
                out.append((obj, name, here))
        elif isinstance(value, Located):
            _walk(value, lang, out, here)
        elif isinstance(value, list):
            for index, element in enumerate(value):
                if isinstance(element, LocalizedText):
                    if element.in_lang(lang) is None:
                        out.append((obj, f"{name}[{index}]", f"{here}[{index}]"))
                elif isinstance(element, Located):
                    ident = getattr(element, "id", None)
                    _walk(element, lang, out, f"{here}.{ident}" if ident else f"{here}[{index}]")


def in_language(model, lang: str, missing):
    """A copy of `model` with every text in `lang` only (a `LocalizedText` of that one
    language). A text without a translation becomes `missing(obj, field)` (a placeholder
    saying where it is missing), so what reads the copy cannot mix in another language.
    Positions are kept: findings and the notice diff still point into the YAML."""
    from .base import Located, _set_key_locs, _set_loc
    if isinstance(model, list):
        return [in_language(v, lang, missing) for v in model]
    if not isinstance(model, Located):
        return model
    values = {}
    for name in type(model).model_fields:
        value = model.__dict__[name]
        if isinstance(value, LocalizedText):
            value = _one(value, lang, lambda: missing(model, name))
        elif isinstance(value, list) and value and isinstance(value[0], LocalizedText):
            value = [_one(v, lang, lambda i=i: missing(model, f"{name}[{i}]"))
                     for i, v in enumerate(value)]
        elif isinstance(value, (list, Located)):
            value = in_language(value, lang, missing)
        values[name] = value
    copy = type(model).model_construct(_fields_set=model.model_fields_set, **values)
    _set_loc(copy, model.location)
    _set_key_locs(copy, getattr(model, "_key_locs", None))
    return copy


def _one(value: LocalizedText, lang: str, missing) -> LocalizedText:
    text = value.in_lang(lang)
    if text is None:
        text = missing()
    return LocalizedText(text, {lang: text})
