"""JSON report (SPEC §7): deterministic, in a fixed key order, no timestamps; the input of
--baseline.

Written as it is made (issue 10): the head (tool, summary, errors), then the findings a
thousand at a time, then the notices and fixed findings, each piece encoded by orjson
(`encode`), so a run with 100,000 findings never holds them all as one document. The bytes
are those `json.dumps(report.to_dict(), indent=2, ensure_ascii=False)` gives
(tests/report/test_json.py compares them).
"""
from __future__ import annotations

import json
from collections.abc import Iterator

BATCH = 1_000   # findings per piece: few enough writes, small enough pieces

try:
    import orjson
except ImportError:  # a platform without its wheel: the standard library, same bytes
    orjson = None


def encode(value) -> str:
    """`value` as `json.dumps(value, indent=2, ensure_ascii=False)` writes it, by orjson
    (about ten times faster); what orjson refuses (a lone surrogate, an integer beyond 64
    bits) goes through `json` as before."""
    if orjson is not None:
        try:
            return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")
        except (TypeError, orjson.JSONEncodeError):
            pass
    return json.dumps(value, indent=2, ensure_ascii=False)


def nested(value, depth: int) -> str:
    """`value` encoded as it stands `depth` levels deep in an indented document (its inner
    lines shifted; encoded JSON holds no line break but those of the indentation)."""
    return encode(value).replace("\n", "\n" + "  " * depth)


def chunks(report, **_options) -> Iterator[str]:
    text = encode(report.head())
    yield text[:-2] + ',\n  "findings": ['  # the head without its closing "\n}"
    batch: list[str] = []
    count = 0
    for finding in report.finding_dicts():
        batch.append(("," if count else "") + "\n    " + nested(finding, 2))
        count += 1
        if len(batch) == BATCH:
            yield "".join(batch)
            batch = []
    yield "".join(batch) + ("\n  ]" if count else "]")
    yield (f',\n  "notices": {nested([n.to_dict() for n in report.notices], 1)}'
           f',\n  "fixed": {nested(list(report.fixed), 1)}\n}}\n')


def render(report, **options) -> str:
    return "".join(chunks(report, **options))
