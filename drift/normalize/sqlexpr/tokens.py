"""Tokens of a SQL expression: PostgreSQL's lexical rules, as far as expressions need them."""

from __future__ import annotations

import re

from drift.schema import record


class ParseError(ValueError):
    pass


@record  # a frozen dataclass, slotted where Python has slots (the probe runs 3.9 too)
class Token:
    kind: str  # "str" | "num" | "word" | "qident" | "op" | "punct"
    text: str


_TOKEN_RE = re.compile(
    r"""\s+
    |(?P<str>[eE]?'(?:[^']|'')*')
    |(?P<qident>"(?:[^"]|"")*")
    |(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    |(?P<word>[A-Za-z_\x80-\uffff][A-Za-z0-9_$\x80-\uffff]*)
    |(?P<cast>::)
    |(?P<punct>[(),\[\].;])
    |(?P<op>[+\-*/<>=~!@\#%^&|`?]+)
    """,
    re.VERBOSE,
)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if m is None:
            raise ParseError(f"unexpected character {text[pos]!r}")
        pos = m.end()
        kind = m.lastgroup
        if kind is None:
            continue
        value = m.group(kind)
        if kind == "word":
            tokens.append(Token("word", value.lower()))
        elif kind == "cast":
            tokens.append(Token("op", "::"))
        elif kind == "op":
            tokens.extend(Token("op", o) for o in _split_operator(value))
        else:
            tokens.append(Token(kind, value))
    return tokens


def _split_operator(run: str) -> list[str]:
    """PostgreSQL's lexer rule: a multi-char operator may not end in + or -
    unless it contains one of ~!@#%^&|`? (so ``=-1`` is ``=`` then ``-``)."""
    out: list[str] = []
    while run:
        op = run
        while len(op) > 1 and op[-1] in "+-" and not any(c in "~!@#%^&|`?" for c in op):
            op = op[:-1]
        out.append(op)
        run = run[len(op) :]
    return out
