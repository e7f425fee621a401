"""Errors the tool reports to users.

`InputError` is anything the user can fix in their files, rules or flags: it always names
file:line:column and what was expected, and maps to exit code 2 (SPEC §8, §10).

Messages echo what the user wrote (a key, a value, an expression). Input may come from an
untrusted pull request, so every echoed value is capped here, in one place: a quoted value
longer than `MAX_SHOWN` characters is shown shortened with its size, and no line of a
message is longer than `MAX_LINE` characters (a 10 MB key must not make a 10 MB error line).
"""
from __future__ import annotations

from .lazy_pattern import LazyPattern

MAX_SHOWN = 80      # characters of an echoed value kept before `…`
MAX_LINE = 1_000    # characters of one message line, whatever it holds
# A value the message quotes: 'x', "x" or `x`. Every quoted run is matched, short or long,
# from left to right, so that a quote inside one (`item.kind == 'x'`) never pairs with a
# quote after it; a single quote opens and closes only outside a word, so an apostrophe
# (the system's) pairs with nothing. Only the long runs are shortened.
# (Compiled when a long message first needs it: most runs have none.)
_QUOTED = LazyPattern(r"(?<!\w)'[^'\n]*'(?!\w)|\"[^\"\n]*\"|`[^`\n]*`")
_LONG = MAX_SHOWN + 20  # characters inside the quotes from which a run is shortened


def cap_message(message: str) -> str:
    """One line: line breaks (an expression quoted from a block scalar) become spaces; then
    every long quoted value is shortened, and an overlong line cut."""
    if "\n" in message or "\r" in message:
        message = " ".join(message.split())
    if len(message) <= MAX_SHOWN + 20:
        return message
    message = _QUOTED.sub(_shorten_quoted, message)
    if len(message) <= MAX_LINE:
        return message
    return f"{message[:MAX_LINE]}… ({len(message):,} characters)"


def _shorten_quoted(match) -> str:
    text = match.group()
    quote, inner = text[0], text[1:-1]
    if len(inner) < _LONG:
        return text
    return f"{quote}{inner[:MAX_SHOWN]}…{quote} ({len(inner):,} characters)"


class InputError(Exception):
    """A problem in user input, located at path:line:column (1-based)."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None,
                 column: int | None = None):
        message = cap_message(message)
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    @classmethod
    def at(cls, loc, message: str) -> "InputError":
        """Build from a `Loc` tuple (path, line, column), or None when unknown."""
        if loc is None:
            return cls(message)
        return cls(message, *loc)

    def where(self) -> str:
        if self.path is None:
            return ""
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


class InputErrors(InputError):
    """Several independent input errors found in one pass (all are reported)."""

    def __init__(self, errors: list[InputError]):
        errors = sorted(errors, key=lambda e: (e.path or "", e.line or 0, e.column or 0,
                                               e.message))
        super().__init__(errors[0].message, errors[0].path, errors[0].line, errors[0].column)
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def errors_of(exc: InputError) -> list[InputError]:
    """The single errors an `InputError` carries: itself, or those of an `InputErrors`."""
    return list(getattr(exc, "errors", [exc]))


def raise_all(errors: list[InputError]) -> None:
    """Raise the collected errors, if any, as one exception."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputErrors(errors)


def closest(word: str, options) -> str | None:
    """The option closest to a misspelt `word`, or None when none is close."""
    if len(word) > MAX_SHOWN:  # nobody misspells a name that long; difflib would be slow
        return None
    import difflib
    close = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, options) -> str:
    """` (did you mean 'x'?)` for the option closest to a misspelt `word`, or ``."""
    close = closest(word, options)
    return f" (did you mean '{close}'?)" if close else ""
