"""The tree of a SQL expression: a small Pratt parser with PostgreSQL's precedences.

It rewrites as it parses, so that two spellings of one expression give one tree
(see the package docstring for the rules).
"""

from __future__ import annotations

from drift.normalize.sqlexpr.canonical_literals import (
    canonical_number,
    canonical_string,
    is_number,
    negated_number,
)
from drift.normalize.sqlexpr.grammar import (
    BINARY_WORDS,
    MULTIWORD_TYPES,
    NOT_BINARY_WORDS,
    NUMERIC_TYPES,
    P_AND,
    P_AT,
    P_IN,
    P_IS,
    P_NOT,
    P_OR,
    P_UNARY,
    SQL_VALUE_FUNCTIONS,
    Node,
    precedence,
)
from drift.normalize.sqlexpr.rewrites import NOW_SPELLINGS, flat_operands, in_list, negate, now_call
from drift.normalize.sqlexpr.tokens import ParseError, Token, tokenize


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.toks = tokens
        self.i = 0

    def peek(self, offset: int = 0) -> Token | None:
        j = self.i + offset
        return self.toks[j] if j < len(self.toks) else None

    def at(self, kind: str, text: str | None = None, offset: int = 0) -> bool:
        t = self.peek(offset)
        return t is not None and t.kind == kind and (text is None or t.text == text)

    def take(self) -> Token:
        t = self.peek()
        if t is None:
            raise ParseError("unexpected end")
        self.i += 1
        return t

    def expect(self, kind: str, text: str | None = None) -> Token:
        if not self.at(kind, text):
            raise ParseError(f"expected {text or kind}")
        return self.take()

    def parse(self) -> Node:
        node = self.expr(0)
        if self.peek() is not None:
            raise ParseError(f"unexpected {self.peek()}")
        return node

    def expr(self, min_bp: int) -> Node:
        left = self.prefix()
        while True:
            nxt = self.infix(left, min_bp)
            if nxt is None:
                return left
            left = nxt

    def prefix(self) -> Node:
        t = self.take()
        if t.kind == "word" and t.text == "not":
            return negate(self.expr(P_NOT))
        if t.kind == "op" and t.text in ("-", "+"):
            operand = self.expr(P_UNARY)
            if t.text == "-" and operand[0] == "num":
                return ("num", negated_number(operand[1]))
            return operand if t.text == "+" else ("neg", operand)
        if t.kind == "punct" and t.text == "(":
            inner = self.expr(0)
            if self.at("punct", ","):  # a row constructor (a, b)
                items = [inner]
                while self.at("punct", ","):
                    self.take()
                    items.append(self.expr(0))
                self.expect("punct", ")")
                return ("row", tuple(items))
            self.expect("punct", ")")
            return inner
        if t.kind == "str":
            return ("str", canonical_string(t.text))
        if t.kind == "num":
            return ("num", canonical_number(t.text))
        if t.kind == "qident":
            return self.name_or_call(t.text[1:-1].replace('""', '"'))
        if t.kind == "word":
            return self.word(t.text)
        raise ParseError(f"unexpected {t.text!r}")

    def word(self, w: str) -> Node:
        if w in ("true", "false", "null"):
            return ("kw", w)
        if w == "array" and self.at("punct", "["):
            self.take()
            return ("array", tuple(self.list_until("]")))
        if w == "case":
            return self.case()
        if w == "cast" and self.at("punct", "("):
            self.take()
            inner = self.expr(0)
            self.expect("word", "as")
            type_name = self.type_name()
            self.expect("punct", ")")
            return self.cast(inner, type_name)
        if w in ("interval", "date", "timestamp", "time", "numeric") and self.at("str"):
            # a typed literal: the type is dropped like a cast (an interval's is kept)
            return self.cast(("str", self.take().text), w)
        if w in SQL_VALUE_FUNCTIONS and not self.at("punct", "("):
            return now_call() if w in NOW_SPELLINGS else ("call", w, ())
        return self.name_or_call(w)

    def name_or_call(self, first: str) -> Node:
        parts = [first]
        while self.at("punct", ".") and (self.at("word", offset=1) or self.at("qident", offset=1)):
            self.take()
            t = self.take()
            parts.append(t.text if t.kind == "word" else t.text[1:-1].replace('""', '"'))
        if self.at("punct", "("):
            self.take()
            # Functions are compared by name: the reader prints them schema-qualified
            # (public.uuid_generate_v4()), the models rarely do, and extensions live
            # wherever the installation put them.
            name = parts[-1]
            special = self.special_call(name)
            if special is not None:
                return special
            if self.at("punct", ")"):
                self.take()
                args: list[Node] = []
            else:
                distinct = self.at("word", "distinct")
                if distinct:
                    raise ParseError("aggregate")
                args = self.list_until(")")
            if name in NOW_SPELLINGS and not args:
                return now_call()
            return ("call", name, tuple(args))
        return ("name", tuple(parts))

    def special_call(self, name: str) -> Node | None:
        """The SQL-standard calls with keywords between their arguments, as PostgreSQL
        deparses them (EXTRACT, POSITION, SUBSTRING, TRIM), turned into plain calls."""
        if name == "extract":
            field = self.take()
            if field.kind not in ("word", "str"):
                raise ParseError("EXTRACT field")
            self.expect("word", "from")
            source = self.expr(0)
            self.expect("punct", ")")
            return (
                "call",
                "date_part",
                (("str", f"'{field.text.strip(chr(39)).lower()}'"), source),
            )
        if name == "position":
            needle = self.expr(P_IN)
            if not self.at("word", "in"):
                return ("call", name, (needle, *self.rest_of_args()))
            self.take()
            haystack = self.expr(0)
            self.expect("punct", ")")
            return ("call", "position", (needle, haystack))
        if name == "substring":
            source = self.expr(0)
            if self.at("word", "from") or self.at("word", "for"):
                start: Node = ("num", "1")
                if self.at("word", "from"):
                    self.take()
                    start = self.expr(0)
                args: tuple[Node, ...] = (source, start)
                if self.at("word", "for"):
                    self.take()
                    args += (self.expr(0),)
                self.expect("punct", ")")
                return ("call", "substring", args)
            return ("call", name, (source, *self.rest_of_args()))
        if name == "trim":
            mode = "both"
            if self.at("word") and self.peek().text in ("both", "leading", "trailing"):  # type: ignore[union-attr]
                mode = self.take().text
            chars = None
            if not self.at("word", "from"):
                chars = self.expr(0)
            if self.at("word", "from"):
                self.take()
                source = self.expr(0)
            else:
                assert chars is not None
                source, chars = chars, None
            self.expect("punct", ")")
            fn = {"both": "btrim", "leading": "ltrim", "trailing": "rtrim"}[mode]
            return ("call", fn, (source,) if chars is None else (source, chars))
        return None

    def rest_of_args(self) -> list[Node]:
        """After a first argument: the rest of an ordinary argument list."""
        if self.at("punct", ","):
            self.take()
            return self.list_until(")")
        self.expect("punct", ")")
        return []

    def list_until(self, close: str) -> list[Node]:
        items: list[Node] = []
        if self.at("punct", close):
            self.take()
            return items
        while True:
            items.append(self.expr(0))
            if self.at("punct", ","):
                self.take()
                continue
            self.expect("punct", close)
            return items

    def case(self) -> Node:
        subject = None if self.at("word", "when") else self.expr(0)
        whens: list[tuple[Node, Node]] = []
        while self.at("word", "when"):
            self.take()
            cond = self.expr(0)
            self.expect("word", "then")
            whens.append((cond, self.expr(0)))
        other = None
        if self.at("word", "else"):
            self.take()
            other = self.expr(0)
        self.expect("word", "end")
        return ("case", subject, tuple(whens), other)

    def cast(self, node: Node, type_name: str) -> Node:
        """Casts are dropped (see the module docstring); a numeric string becomes the number."""
        if node[0] == "str" and type_name in NUMERIC_TYPES and is_number(node[1][1:-1]):
            return ("num", canonical_number(node[1][1:-1]))
        if node[0] == "str" and type_name == "interval" and not node[1].endswith("::interval"):
            # kept: without it, now() - '1 day' reads the literal as a timestamp and fails
            return ("str", f"{node[1]}::interval")
        return node

    def infix(self, left: Node, min_bp: int) -> Node | None:
        t = self.peek()
        if t is None:
            return None
        if t.kind == "op" and t.text == "::":
            self.take()
            return self.cast(left, self.type_name())
        if t.kind == "punct" and t.text == "[":
            self.take()
            index = self.expr(0)
            if self.at("punct", ":"):
                raise ParseError("slice")
            self.expect("punct", "]")
            return ("subscript", left, index)
        if t.kind == "word":
            return self.word_infix(left, min_bp, t.text)
        if t.kind != "op":
            return None
        op = "<>" if t.text == "!=" else t.text
        bp = precedence(("bin", op))
        if bp <= min_bp:
            return None
        self.take()
        if self.at("word", "any") or self.at("word", "all") or self.at("word", "some"):
            quant = "all" if self.take().text == "all" else "any"
            self.expect("punct", "(")
            inner = self.expr(0)
            self.expect("punct", ")")
            if inner[0] == "array" and (op, quant) in (("=", "any"), ("<>", "all")):
                return in_list(left, inner[1], quant == "all")
            return ("quant", op, quant, left, inner)
        right = self.expr(bp)
        return ("bin", op, left, right)

    def word_infix(self, left: Node, min_bp: int, w: str) -> Node | None:
        if w in ("and", "or"):
            bp = P_AND if w == "and" else P_OR
            if bp <= min_bp:
                return None
            self.take()
            right = self.expr(bp)
            # AND/OR chains are flat: (a AND b) AND c is a AND (b AND c)
            return (w, flat_operands(w, left) + flat_operands(w, right))
        if w == "is":
            if min_bp >= P_IS:
                return None
            self.take()
            negated = self.at("word", "not")
            if negated:
                self.take()
            if self.at("word", "distinct"):
                self.take()
                self.expect("word", "from")
                right = self.expr(P_IS)
                op = "IS NOT DISTINCT FROM" if negated else "IS DISTINCT FROM"
                return ("bin", op, left, right)
            what = self.take()
            if what.kind != "word" or what.text not in ("null", "true", "false", "unknown"):
                raise ParseError("IS ...")
            return ("is", left, what.text, negated)
        if w in ("isnull", "notnull"):
            self.take()
            return ("is", left, "null", w == "notnull")
        negated = w == "not"
        word = self.peek(1).text if negated and self.peek(1) is not None else w  # type: ignore[union-attr]
        if word in ("in", "like", "ilike", "between"):
            if min_bp >= P_IN:
                return None
            self.take()
            if negated:
                self.take()
            if word == "in":
                self.expect("punct", "(")
                return in_list(left, tuple(self.list_until(")")), negated)
            if word == "between":
                low = self.expr(P_IN)
                self.expect("word", "and")
                high = self.expr(P_IN)
                # as PostgreSQL's parser rewrites them
                if negated:
                    return ("or", (("bin", "<", left, low), ("bin", ">", left, high)))
                return ("and", (("bin", ">=", left, low), ("bin", "<=", left, high)))
            op = (NOT_BINARY_WORDS if negated else BINARY_WORDS)[word]
            return ("bin", op, left, self.expr(P_IN))
        if word == "similar" and self.at("word", "to", 2 if negated else 1):
            # PostgreSQL turns SIMILAR TO into a regular expression match
            if min_bp >= P_IN:
                return None
            self.i += 3 if negated else 2
            pattern = ("call", "similar_to_escape", (self.expr(P_IN),))
            return ("bin", "!~" if negated else "~", left, pattern)
        if w == "at" and self.at("word", "time", 1) and self.at("word", "zone", 2):
            if min_bp >= P_AT:
                return None
            self.i += 3
            return ("bin", "AT TIME ZONE", left, self.expr(P_AT))
        return None

    def type_name(self) -> str:
        t = self.take()
        if t.kind not in ("word", "qident"):
            raise ParseError("type name")
        words = [t.text]
        follow = MULTIWORD_TYPES.get(t.text, ())
        while self.peek() is not None and self.at("word") and self.peek().text in follow:  # type: ignore[union-attr]
            words.append(self.take().text)
        while self.at("punct", ".") and (self.at("word", offset=1) or self.at("qident", offset=1)):
            self.take()
            words = [self.take().text]
        if self.at("punct", "("):
            self.take()
            self.list_until(")")
        while self.at("punct", "[") and self.at("punct", "]", 1):
            self.i += 2
            words.append("[]")
        return " ".join(words)


def parse(text: str) -> Node:
    return _Parser(tokenize(text)).parse()
