"""Inputs for the fuzz targets: real files, random documents, and mutations of both.

Every case is a function of (seed, target, index) alone - `case_rng` seeds a generator from
that string (hashed with SHA-512 by `random.Random`, so independent of PYTHONHASHSEED) -
so a case the fuzzer reports is replayed from its number, on any machine.
"""
from __future__ import annotations

import random
import re
from functools import lru_cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
BASE = ROOT / "tests" / "fixtures" / "base"

# Byte strings that YAML reads specially, or that the two parsers (or the models) might
# read differently: indicators, chomping, anchors, tags, line ends, controls, NEL/LS/PS,
# BOM, invalid UTF-8, numbers in forms the resolvers disagree on, dates, durations.
TOKENS = [
    b"\n", b" ", b"  ", b"- ", b": ", b":", b"#", b" #", b"'", b'"', b"''", b"[", b"]", b"{",
    b"}", b", ", b"|", b"|+", b"|-", b"|2", b">", b">+", b">-", b"&a ", b"*a", b"&b [x]",
    b"!!str ", b"!!int ", b"!!binary ", b"!x ", b"? ", b"<<: ", b"---\n", b"...\n", b"%YAML 1.2\n",
    b"\t", b"\r", b"\r\n", b"\x00", b"\x07", b"\x1b", b"\x7f", b"\xc2\x85", b"\xe2\x80\xa8",
    b"\xe2\x80\xa9", b"\xef\xbb\xbf", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf0\x9f\x98\x80",
    b"\xc2\xa0", b"\\", b"\\n", b'"\\u2028"', b'"a\\\nb"', b"~", b"null", b"true", b"False",
    b"NO", b"yes", b"0x1F", b"-0x1", b"1_000", b"0o7", b"0O7", b"0b1", b"012", b"1e3", b"1.",
    b".5", b".inf", b"-.INF", b".nan", b"2024-01-01", b"2024-1-1", b"12:30", b"P1M", b"P1M\n",
    b"P", b"FI", b"fi", b"XX", b"consent", b"@", b"`", b"%",
]

# Hand-written documents that reach the corners of both parsers.
SNIPPETS = [
    "a: |+\n  kept\n\n", "a: |+\n  kept", "a: >-\n  folded\n  text\nb: 1\n",
    "a: |2\n   indented\n", "a: \"multi\n  line\"\nb: 'it''s\n  two'\n",
    "a: plain\n  continued\n  more\nb: x\n", "a: [x, {b: [c, d]}, [e]]\n",
    "a: {b: 1, c: [2, 3],\n  d: e}\nf: g\n", "a:\n- - - x\n  - y\n- z\n",
    "? complex\n: value\n", "a: &x {b: 1}\nc: *x\nd:\n  <<: *x\n  e: 2\n",
    "a: !!str 12\nb: !!int '3'\nc: !!float 1\n", "'quoted key': 1\n\"dq\": 2\nk  : 3\n",
    "a: 'x' # c\nb: \"y\" #d\nc: z#w\n", "list:\n- \n- x\n-\n", "a:\n  -\n    b: c\n",
    "empty: []\nalso: {}\nnone:\n", "n: 0x1F\nm: 1_000\no: 0o17\np: 0b11\nq: +12\n",
    "---\na: 1\n", "---\na: 1\n...\n", "a: 1\n---\nb: 2\n", "date: 2024-01-01\nd: P1M\n",
    "purposes: [orders, debt,\n  care]\nnext: 1\n", "a: \"\\u00e9\\x41\\t\"\n",
    "k: v\n" * 20, "x:\n" + "".join("  " * i + f"l{i}:\n" for i in range(1, 30)) + "    end: 1\n",
]


def case_rng(seed: int, target: str, index: int) -> random.Random:
    return random.Random(f"{seed}/{target}/{index}")


@lru_cache(maxsize=None)
def corpus() -> tuple[bytes, ...]:
    """The repository's own YAML (notice, inventory, fixtures, rule packs): real shapes."""
    files = []
    for folder in ("policy", "inventory", "tests/fixtures", "rules"):
        files += sorted((ROOT / folder).rglob("*.yaml"))
    return tuple(p.read_bytes() for p in files if p.stat().st_size < 512 * 1024)


# -- random documents ------------------------------------------------------------------------

ATOMS = ["a", "b c", "k:v", "a #b", "it's", "1", "01", "1.5", "1e3", "true", "no", "NO",
         "null", "~", "", "x-y", "é", "2024-01-01", "multi\nline", "http://x.y/z#w", "a  b",
         "- d", "[x]", "{y}", "a, b", "0x1F", "1_000", ".inf", "'q'", '"dq"', "tab\there",
         "trail\n", " lead", "P1M", "P1M\n", "FI", "x\x85y", "x\u2028y", "\ufeffbom", "kept\n\n"]
KEYS = ["id", "name", "x y", "k", "a-b", "from", "1", "true", "[k]", "period", "countries"]


def random_node(rng: random.Random, depth: int = 0):
    choice = rng.random()
    if depth > 3 or choice < 0.4:
        return rng.choice([rng.choice(ATOMS), rng.randint(-5, 99), rng.random(),
                           rng.choice([True, False, None])])
    if choice < 0.7:
        return {rng.choice(KEYS) + str(i): random_node(rng, depth + 1)
                for i in range(rng.randint(0, 4))}
    return [random_node(rng, depth + 1) for _ in range(rng.randint(0, 4))]


def random_document(rng: random.Random) -> str:
    """A random mapping dumped by PyYAML in a random style (block, flow, mixed)."""
    doc = {f"top{i}": random_node(rng) for i in range(rng.randint(1, 4))}
    return yaml.safe_dump(doc, default_flow_style=rng.choice([None, False, True]),
                          width=rng.choice([20, 40, 80, 1000]), indent=rng.choice([2, 4]),
                          allow_unicode=rng.random() < 0.8, sort_keys=False)


# -- mutations -------------------------------------------------------------------------------

def mutate_lines(rng: random.Random, text: str, edits: int) -> str:
    """Line edits a person makes: indent, dedent, copy, drop, comment, insert a token."""
    lines = text.split("\n")
    for _ in range(edits):
        i = rng.randrange(len(lines))
        edit = rng.randrange(8)
        if edit == 0:
            lines[i] = " " * rng.choice([1, 2, 4]) + lines[i]
        elif edit == 1:
            lines[i] = lines[i][rng.choice([1, 2]):]
        elif edit == 2:
            lines.insert(i, rng.choice(["  # c: - d", "", "- x", "k: v", "  - [y]"]))
        elif edit == 3:
            lines[i] += rng.choice([" # t", " ", ":", " - ", "  "])
        elif edit == 4 and lines[i]:
            at = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:at] + rng.choice(":-[]{},'\" #|>&*!?") + lines[i][at:]
        elif edit == 5:
            lines.insert(i, lines[i])
        elif edit == 6 and len(lines) > 1:
            del lines[i]
        elif edit == 7 and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
    return "\n".join(lines)


def mutate_bytes(rng: random.Random, data: bytes, edits: int) -> bytes:
    """Byte edits: insert or overwrite with a token, delete a span, truncate, flip a bit."""
    buf = bytearray(data)
    for _ in range(edits):
        at = rng.randrange(len(buf) + 1)
        edit = rng.randrange(6)
        if edit <= 1:
            buf[at:at] = rng.choice(TOKENS)
        elif edit == 2:
            token = rng.choice(TOKENS)
            buf[at:at + len(token)] = token
        elif edit == 3:
            del buf[at:at + rng.randint(1, 8)]
        elif edit == 4 and buf:
            del buf[rng.randrange(len(buf)):]  # often: a last line without its line end
        elif buf:
            pos = rng.randrange(len(buf))
            buf[pos] ^= 1 << rng.randrange(8)
    return bytes(buf)


def window(rng: random.Random, data: bytes, max_lines: int) -> bytes:
    """A run of whole lines from `data`."""
    lines = data.split(b"\n")
    start = rng.randrange(len(lines))
    return b"\n".join(lines[start:start + rng.randint(1, max_lines)]) + b"\n"


def deep_document(rng: random.Random) -> str:
    """Nesting around the limits: the fast path's (48), `MAX_DEPTH` (64), the depth scan's
    columns (128) and yaml-rs's flow limit (256)."""
    depth = rng.choice([10, 47, 48, 49, 63, 64, 65, 100, 127, 128, 129, 200, 257, 300])
    style = rng.randrange(4)
    if style == 0:
        return "".join(" " * i + f"k{i}:\n" for i in range(depth)) + " " * depth + "v: 1\n"
    if style == 1:
        return "a:\n" + "- " * depth + "x\n"
    if style == 2:
        return "a: " + "[" * depth + "x" + "]" * depth + "\n"
    return "a:\n" + "".join(" " * (2 * i) + "-\n" for i in range(depth)) + " " * (2 * depth) + "x\n"


def yaml_case(rng: random.Random) -> bytes:
    """One input for the parsers: a base document, then zero to a few mutations."""
    pick = rng.random()
    if pick < 0.03:
        data = deep_document(rng).encode()
    elif pick < 0.4:
        data = random_document(rng).encode()
    elif pick < 0.8:
        data = window(rng, rng.choice(corpus()), 80)
    else:
        data = rng.choice(SNIPPETS).encode()
    if rng.random() < 0.15:  # splice two documents together
        data += window(rng, rng.choice(corpus()), 20)
    if rng.random() < 0.2:
        data = mutate_lines(rng, data.decode("utf-8", "replace"), rng.randint(1, 3)).encode()
    if rng.random() < 0.55:
        data = mutate_bytes(rng, data, rng.choice([1, 1, 1, 2, 3, 5]))
    return data


# -- rule packs and projects -----------------------------------------------------------------

# Expression fragments that rules are built of, and some that try to leave the sandbox.
EXPR_TOKENS = [
    "item", "item.id", "item.countries", "policy", "inventory", "ref", "RIGHTS", " | ",
    "outside_eea", "length", "join(', ')", "select('in', [])", "map(attribute='id')",
    " and ", " or ", " not ", " in ", " == ", " != ", "(", ")", "[", "]", "{{", "}}",
    "'x'", "1", "none", "true", "lookup('system', 'crm')", "flows_from(item.id)",
    "downstream(item.id)", "item.__class__", "item['_x']", "range(100000)", "lipsum()",
    "cycler", "self", "namespace()", "x.mro()", "'%s' % item", "item.name ~ 'x' * 99",
]


def rule_pack_case(rng: random.Random) -> bytes:
    """Some rules of a built-in pack with a few expression and YAML mutations."""
    packs = sorted((ROOT / "rules").glob("*.yaml"))
    text = rng.choice(packs).read_text(encoding="utf-8")
    rules = ["- id:" + part for part in text.split("\n- id:")[1:]]
    chosen = rng.sample(rules, min(len(rules), rng.randint(1, 3)))
    lines = "\n".join(chosen).split("\n")
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(lines))
        if ":" in lines[i] and rng.random() < 0.6:  # an expression or field value edited
            key, _, value = lines[i].partition(":")
            words = value.split(" ")
            at = rng.randrange(len(words) + 1)
            words[at:at + rng.randint(0, 1)] = [rng.choice(EXPR_TOKENS)]
            lines[i] = key + ":" + " ".join(words)
        else:
            lines = mutate_lines(rng, "\n".join(lines), 1).split("\n")
    data = ("\n".join(lines) + "\n").encode()
    return mutate_bytes(rng, data, 1) if rng.random() < 0.2 else data


# Values put in place of a field's value in a project: each is valid somewhere, and some
# are valid but for a line break or a space (which the models must refuse, not the rules).
VALUES = ["P1M", "P13M", "P0D", "PT1H", "P1M ", "FI", "US", "fi", "XX", "IN", "true",
          "false", "yes", "null", "[]", "{}", "[FI, US]", "2024-01-01", "2099-12-31",
          "2024-13-01", "consent", "contract", "legitimate_interests", "none", "scc", "dpf",
          "self", "crm", "mailer", "cloudhost", "staff", "full", "partial", "read", "mfa",
          "sso", "'crm '", '"crm\\n"', '"P1M\\n"', '"FI\\n"', '"2024-01-01\\n"',
          "x" * 300, "not_applicable", "0", "-1", "1.5"]
# ... and in block lines only: block scalars, whose value ends with a line break.
BLOCK_VALUES = ["|\n      P1M", "|\n      FI", ">\n      consent", "|\n      crm"]
# A scalar value after `key: `, in a block line or inside a flow mapping.
_FIELD = re.compile(r"(?<=: )[^,{}\[\]\n#]+")


def project_case(rng: random.Random) -> dict[str, bytes]:
    """The compliant base project with a few of its values (sometimes lines) changed."""
    files = {}
    for rel in ("policy/notice.yaml", "inventory/inventory.yaml"):
        lines = (BASE / rel).read_text(encoding="utf-8").split("\n")
        for _ in range(rng.randint(0, 2)):
            i = rng.randrange(len(lines))
            spans = [m.span() for m in _FIELD.finditer(lines[i])]
            if spans and rng.random() < 0.9:
                start, end = rng.choice(spans)
                flow = "{" in lines[i] or "[" in lines[i]
                value = rng.choice(VALUES if flow else VALUES + BLOCK_VALUES)
                lines[i] = lines[i][:start] + value + lines[i][end:]
            else:
                lines = mutate_lines(rng, "\n".join(lines), 1).split("\n")
        files[rel] = "\n".join(lines).encode()
    if rng.random() < 0.05:
        rel = rng.choice(sorted(files))
        files[rel] = mutate_bytes(rng, files[rel], 1)
    return files
