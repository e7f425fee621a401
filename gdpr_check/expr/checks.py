"""The static checks of rule expressions and `fail_msg` templates, run before compiling.

Rules may come from an untrusted pull request, so whatever a rule writes must end in a clean
input error (exit 2, with the rule's file:line), never in an internal one:

1. **Size, before Jinja parses**: the text's length, its number of tokens and how deeply
   brackets and prefix operators nest. Jinja's parser and compiler recurse, so a
   100-deep `((((...))))` or a 20,000-term chain would otherwise end in a RecursionError.
2. **Depth of the parsed tree** (walked without recursion), for what the token scan cannot
   see nesting (`a.b.c...`, `x | f | f | ...` parse into one deep tree).
3. **What it may use**: names in scope, filters and tests that exist (Jinja only fails on
   an unknown one when the code reaches it), no `_`-prefixed attribute or key, and in
   templates only `{% if %}`, `{% for %}`, `{% set %}`, `{% with %}` and `{% filter %}`:
   no macros, calls, includes, imports, blocks or extends.

The same checks run on every expression of a rule (`loop`, `when`, `vars`, `that`,
`subject`, `at`) and on its `fail_msg`.
"""
from __future__ import annotations

import re

from jinja2 import nodes
from jinja2.exceptions import TemplateSyntaxError

from ..errors import InputError, did_you_mean

MAX_EXPRESSION_LENGTH = 4_000   # characters; the built-in pack's longest is ~300
MAX_TEMPLATE_LENGTH = 20_000    # characters of a `fail_msg`; the longest is ~800
MAX_TOKENS = 2_000              # per expression or template; the pack's most: ~260
MAX_NESTING = 32                # brackets and prefix operators (`not`, `-`) inside each other
MAX_DEPTH = 64                  # levels of the parsed tree; the pack's deepest: 11

_OPENING = frozenset({"lparen", "lbracket", "lbrace"})
_CLOSING = frozenset({"rparen", "rbracket", "rbrace"})
_PREFIX = frozenset({"sub", "add"})  # unary minus and plus, when they start an operand
_OPERAND_ENDS = frozenset({"name", "integer", "float", "string", "rparen", "rbracket",
                           "rbrace"})

# Statements a `fail_msg` may use; anything else (macro, call, include, import, extends,
# block) is refused: a message needs none of them, and macros can recurse.
_STATEMENTS = (nodes.Output, nodes.If, nodes.For, nodes.Assign, nodes.AssignBlock,
               nodes.With, nodes.FilterBlock, nodes.ExprStmt)

# Filters and tests whose string arguments name attributes (`map(attribute='x')`, ...).
_ATTRIBUTE_FILTERS = frozenset({"attr", "map", "selectattr", "rejectattr", "groupby", "sort",
                                "sum", "unique", "min", "max", "dictsort"})


def check_size(env, source: str, loc, template: bool) -> None:
    """Length, tokens and nesting of `source`, from Jinja's lexer (which does not recurse)."""
    what = "fail_msg template" if template else "expression"
    limit = MAX_TEMPLATE_LENGTH if template else MAX_EXPRESSION_LENGTH
    if len(source) > limit:
        raise InputError.at(loc, f"{what} `{source}` is {len(source):,} characters long; "
                                 f"expected at most {limit:,}")
    depth = run = count = 0  # open brackets; prefix operators in a row (`not not -x`)
    previous = None
    try:
        for _, kind, value in env.lexer.tokeniter(source, None,
                                                  state=None if template else "variable"):
            if kind == "whitespace":
                continue
            count += 1
            if count > MAX_TOKENS:
                raise InputError.at(loc, f"{what} `{source}` has more than {MAX_TOKENS:,} "
                                         "tokens; split it into `vars`")
            kind = _OPERATORS.get(value, kind) if kind == "operator" else kind
            if kind in _PREFIX and previous not in _OPERAND_ENDS or \
                    kind == "name" and value == "not":
                run += 1
            else:
                run = 0
                depth += kind in _OPENING
                depth -= depth > 0 and kind in _CLOSING
            if depth + run > MAX_NESTING:
                raise InputError.at(loc, f"{what} `{source}` nests more than {MAX_NESTING} "
                                         "levels deep; split it into `vars`")
            previous = kind
    except TemplateSyntaxError:
        return  # the parser reports it, with its own message


def _operators() -> dict:
    from jinja2.lexer import operators
    return dict(operators)


_OPERATORS = _operators()  # "(" -> "lparen", "-" -> "sub", ...


def parse_guarded(parse, source: str, loc, what: str):
    """Run Jinja's parser, turning its syntax errors into input errors."""
    try:
        return parse()
    except TemplateSyntaxError as exc:
        raise InputError.at(loc, f"{what} `{source}` does not parse: {exc.message}") from None
    except RecursionError:  # the size checks keep far below this; a last line of defence
        raise InputError.at(loc, f"{what} `{source}` nests too deeply to parse") from None


def check_tree(env, tree, source: str, loc, allowed, hidden, template: bool) -> None:
    """Depth, statements, filters, tests, private names and names in scope of a parsed
    expression or template. `hidden`: names in scope not worth listing in a hint."""
    what = "fail_msg template" if template else "expression"
    all_nodes = _walk(tree, source, loc, what)
    for node in all_nodes:
        if template and isinstance(node, nodes.Stmt) and not isinstance(node, _STATEMENTS):
            tag = type(node).__name__.lower()
            raise InputError.at(loc, f"{what} `{source}` uses `{{% {tag} %}}`; a message may "
                                     "only use {% if %}, {% for %}, {% set %}, {% with %} "
                                     "and {% filter %}")
        if isinstance(node, (nodes.Filter, nodes.FilterBlock)) or \
                isinstance(node, nodes.Test):
            name = node.filter.name if isinstance(node, nodes.FilterBlock) else node.name
            known = env.tests if isinstance(node, nodes.Test) else env.filters
            if name not in known:
                kind = "test" if isinstance(node, nodes.Test) else "filter"
                public = [n for n in known if n.isidentifier()]
                hint = did_you_mean(name, public)
                raise InputError.at(loc, f"{what} `{source}`: no {kind} named "
                                         f"'{name}'{hint}")
    refuse_private(all_nodes, source, loc)
    free = _free_names(tree, all_nodes, template)
    unknown = sorted(free - allowed)
    if unknown:
        raise InputError.at(loc, f"{what} `{source}` uses unknown name "
                                 f"{unknown_name(unknown[0], allowed, hidden)}")


def _walk(tree, source, loc, what) -> list:
    """Every node of `tree`, breadth first, without recursion; refuses a tree deeper than
    MAX_DEPTH before anything else (Jinja's own walks and its compiler recurse)."""
    found, level, depth = [tree], [tree], 1
    while level:
        level = [child for node in level for child in node.iter_child_nodes()]
        depth += 1
        if level and depth > MAX_DEPTH:
            raise InputError.at(loc, f"{what} `{source}` nests more than {MAX_DEPTH} levels "
                                     "deep; split it into `vars`")
        found.extend(level)
    return found


def _free_names(tree, all_nodes, template: bool) -> set:
    if template:
        from jinja2.meta import find_undeclared_variables
        return set(find_undeclared_variables(tree))
    # An expression binds no names, so every loaded Name is free.
    return {n.name for n in all_nodes if isinstance(n, nodes.Name) and n.ctx == "load"}


def _private_names(all_nodes):
    """Every name an expression (or template) spells out as an attribute, key or name."""
    for node in all_nodes:
        if isinstance(node, nodes.Getattr):
            yield node.attr
            # `'{0.__class__}'.format(x)`: a replacement field walking into a `_` name
            if node.attr in ("format", "format_map") and isinstance(node.node, nodes.Const) \
                    and isinstance(node.node.value, str):
                for field in re.findall(r"\{([^{}]*)\}", node.node.value):
                    for part in re.split(r"[.\[\]!:]", field):
                        if part.strip().startswith("_"):
                            yield part.strip()
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            if isinstance(node.arg.value, str):
                yield node.arg.value
        elif isinstance(node, nodes.Name):
            yield node.name
        elif isinstance(node, nodes.Keyword):  # `f(_types_namespace=...)`: a private parameter
            yield node.key
        elif isinstance(node, (nodes.Filter, nodes.Test)) and node.name in _ATTRIBUTE_FILTERS:
            args = [*node.args, *(kw.value for kw in node.kwargs)]
            for arg in args:
                if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
                    yield from (part for part in arg.value.split(".") if part)


def refuse_private(all_nodes, source, loc) -> None:
    private = [n for n in _private_names(all_nodes) if isinstance(n, str) and n.startswith("_")]
    if private:
        name = min(private, key=lambda n: (source.find(n) % (len(source) + 1), n))  # leftmost
        raise InputError.at(loc, f"expression `{source}` reaches for '{name}': names "
                                 "starting with '_' are not allowed in the sandbox")


def unknown_name(name: str, allowed, hidden=frozenset()) -> str:
    """`'itme' (did you mean 'item'?)`, or the names in scope when none is close."""
    names = sorted(allowed - hidden)
    return f"'{name}'" + (did_you_mean(name, names) or f"; names in scope: {', '.join(names)}")
