"""The whole-file checks of the fast parser give the same answers by byte table on an ASCII
text as the character classes they replace (load/parser.py `_unprintable_in`,
`_maybe_deep`): a wrong "no" would let yaml-rs read a file it must not (a control
character PyYAML refuses, a nesting that overflows yaml-rs's stack)."""
from __future__ import annotations

import random

import pytest

from gdpr_check.load import parser
from gdpr_check.load.parser import _DEEP_INDENT, _DEEP_INDICATORS, _UNPRINTABLE


def by_pattern_unprintable(text: str) -> bool:
    return _UNPRINTABLE.search(text) is not None


def by_pattern_deep(text: str) -> bool:
    return _DEEP_INDENT in text or text.startswith(_DEEP_INDENT[1:]) \
        or _DEEP_INDICATORS.search(text) is not None


EDGES = [
    "a: b\n",
    "-" * 127 + "\n",                  # one short of a run
    "-" * 128 + "\n",                  # a run
    " " * 127 + "-\n",                 # spaces first: a run needs an indicator first
    "x " + " " * 127 + "\n",
    "?" + " " * 127 + "\n",            # an indicator, then 127 spaces
    (": " * 64) + "\n",
    ("- " * 63) + "-\n",               # 127 characters
    ("- " * 64) + "\n",
    "key: " + "-?:" * 50 + "\n",
    " " * 128 + "x\n",                 # indented 128 columns at the very start
    "a:\n" + " " * 128 + "b\n",
    "ok: \x01\n", "ok: \x7f\n", "ok: \x1f\n", "ok: \x0b\n", "ok: \x00\n", "ok: ~\n",
    "ok: \x20\n",
]


@pytest.mark.parametrize("text", EDGES)
def test_edges_give_the_patterns_answers(text):
    raw = text.encode("ascii")
    assert parser._unprintable_in(text, raw) is by_pattern_unprintable(text)
    assert parser._maybe_deep(text, raw) is by_pattern_deep(text)


def test_random_ascii_texts_give_the_patterns_answers():
    chance = random.Random(20261202)
    alphabet = "-?: " * 6 + "ab\n\x01\x7f\x0b"
    for _ in range(3000):
        text = "".join(chance.choice(alphabet) for _ in range(chance.randrange(1, 400)))
        if chance.random() < 0.3:  # long runs of indicators, around the length that counts
            at = chance.randrange(len(text) + 1)
            run = "".join(chance.choice("-?: ") for _ in range(chance.randrange(120, 136)))
            text = text[:at] + run + text[at:]
        raw = text.encode("ascii")
        assert parser._unprintable_in(text, raw) is by_pattern_unprintable(text), repr(text)
        assert parser._maybe_deep(text, raw) is by_pattern_deep(text), repr(text)


def test_a_non_ascii_text_is_searched_by_the_patterns():
    text = "name: Yhteydenotot ja asiointi – ä\n" + "-" * 130 + "\n"
    assert parser._maybe_deep(text, None) is True
    assert parser._unprintable_in("a: ä\x01\n", None) is True
    assert parser._unprintable_in("a: ä\n", None) is False
