"""A Python expression that builds SQL, resolved statically into ``Piece``s.

What is resolved: string literals (implicit concatenation and triple quotes
included, mapped character by character where the source spells the value
as is), names of constants (the enclosing function's straight-line
assignments, the module's, a class's, another scanned module's), ``+``,
f-strings, ``%`` and ``.format`` with constant arguments, ``str.join`` of
constants, and psycopg's ``sql.SQL(...).format(sql.Identifier(...))``.
Whatever is not resolvable becomes a hole, never a guess.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass

from drift.sources.code.modules import Module, Project
from drift.sources.code.pieces import Piece, Position


class NotText(Exception):
    """The expression is certainly not SQL text (an ORM ``select()``, a number)."""


_PREFIX = re.compile(r"^[rRuUbBfF]*")
_PY_PERCENT = re.compile(r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*\d*(?:\.\d+)?(?P<conv>[sdifr%])")
_PY_FORMAT = re.compile(r"\{\{|\}\}|\{(?P<field>[^{}!:]*)(?:![rsa])?(?::[^{}]*)?\}")
_PSYCOPG_SQL = ("psycopg.sql", "psycopg2.sql")
_MAX_DEPTH = 12  # a constant defined in terms of itself through other modules stops here


@dataclass(frozen=True, slots=True)
class Scope:
    module: Module
    project: Project
    function: ast.FunctionDef | ast.AsyncFunctionDef | None
    line: int  # the call's line: a local assignment after it does not count
    bodies: frozenset[int] = frozenset()  # id() of the statement lists that hold the call


def resolve(expr: ast.expr, scope: Scope, depth: int = 0) -> list[Piece]:
    """The pieces of the SQL ``expr`` builds (holes where it cannot be known)."""
    if depth > _MAX_DEPTH:
        return [_hole(expr, scope)]
    m = scope.module
    if isinstance(expr, ast.Constant):
        if isinstance(expr.value, str):
            return _literal(expr, expr.value, m)
        if isinstance(expr.value, int | float) and not isinstance(expr.value, bool):
            return [Piece.at(str(expr.value), m.where(expr), False)]
        raise NotText
    if isinstance(expr, ast.JoinedStr):
        return _fstring(expr, scope, depth)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return resolve(expr.left, scope, depth + 1) + resolve(expr.right, scope, depth + 1)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
        return _percent(expr, scope, depth)
    if isinstance(expr, ast.Name):
        return _name(expr, scope, depth)
    if isinstance(expr, ast.Attribute):
        return _attribute(expr, scope, depth)
    if isinstance(expr, ast.Call):
        return _call(expr, scope, depth)
    if isinstance(expr, ast.List | ast.Tuple | ast.Dict | ast.Set | ast.Lambda | ast.Compare):
        raise NotText
    return [_hole(expr, scope)]


def _hole(expr: ast.AST, scope: Scope) -> Piece:
    return Piece.unresolved(scope.module.segment(expr) or "?", scope.module.where(expr))


def _literal(expr: ast.Constant, value: str, m: Module) -> list[Piece]:
    """A string literal, mapped character by character where each part of it (implicit
    concatenation gives several) spells its value without escapes."""
    start = m.where(expr)
    segment = m.segment(expr)
    parts: list[tuple[str, Position]] = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(segment).readline))
    except (tokenize.TokenError, SyntaxError):
        tokens = []
    for tok in tokens:
        if tok.type != tokenize.STRING:
            continue
        prefix = _PREFIX.match(tok.string)
        quote_at = prefix.end() if prefix else 0
        quote = tok.string[quote_at:quote_at + 3]
        quote = quote if quote in ('"""', "'''") else tok.string[quote_at]
        body = tok.string[quote_at + len(quote):len(tok.string) - len(quote)]
        line = start[0] + tok.start[0] - 1
        column = (start[1] + tok.start[1] if tok.start[0] == 1 else tok.start[1] + 1)
        parts.append((body, (line, column + quote_at + len(quote))))
    if "".join(body for body, _ in parts) == value:
        return [Piece.at(body, where, True) for body, where in parts if body]
    return [Piece.at(value, start, False)]


def _fstring(expr: ast.JoinedStr, scope: Scope, depth: int) -> list[Piece]:
    m = scope.module
    segment = m.segment(expr)
    start = m.where(expr)
    out: list[Piece] = []
    cursor = 0
    for part in expr.values:
        if isinstance(part, ast.Constant) and isinstance(part.value, str):
            found = segment.find(part.value, cursor)
            if found >= 0 and part.value:
                before = segment[:found]
                line = start[0] + before.count("\n")
                column = (start[1] + found if "\n" not in before
                          else found - before.rfind("\n"))
                out.append(Piece.at(part.value, (line, column), True))
                cursor = found + len(part.value)
            else:
                out.append(Piece.at(part.value, start, False))
        elif isinstance(part, ast.FormattedValue):
            if part.format_spec is not None or part.conversion not in (-1, ord("s")):
                out.append(_hole(part.value, scope))
                continue
            try:
                out += resolve(part.value, scope, depth + 1)
            except NotText:
                out.append(_hole(part.value, scope))
    return out


def _percent(expr: ast.BinOp, scope: Scope, depth: int) -> list[Piece]:
    """``"..." % args``: Python's own formatting, done where the arguments are known."""
    template = resolve(expr.left, scope, depth + 1)
    right = expr.right
    positional = list(right.elts) if isinstance(right, ast.Tuple) else [right]
    named: dict[str, ast.expr] = {}
    if isinstance(right, ast.Dict):
        named = {k.value: v for k, v in zip(right.keys, right.values, strict=True)
                 if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    return _substitute(template, _PY_PERCENT, scope, depth, positional, named)


def _substitute(template: list[Piece], pattern: re.Pattern[str], scope: Scope, depth: int,
                positional: list[ast.expr], named: dict[str, ast.expr]) -> list[Piece]:
    out: list[Piece] = []
    index = 0
    for piece in template:
        if piece.hole is not None:
            out.append(piece)
            continue
        last = 0
        for hit in pattern.finditer(piece.text):
            out.append(Piece(piece.text[last:hit.start()], piece.positions[last:hit.start()]))
            last = hit.end()
            where = piece.positions[hit.start()]
            token = hit.group(0)
            if token in ("%%", "{{", "}}"):
                out.append(Piece(token[0], (where,)))
                continue
            key = hit.groupdict().get("name") or hit.groupdict().get("field") or ""
            arg: ast.expr | None
            if key and not key.isdigit():
                arg = named.get(key)
            else:
                position = int(key) if key.isdigit() else index
                index += 0 if key.isdigit() else 1
                arg = positional[position] if position < len(positional) else None
            if arg is None or isinstance(arg, ast.Starred):
                out.append(Piece.unresolved(token, where))
                continue
            try:
                out += resolve(arg, scope, depth + 1)
            except NotText:
                out.append(_hole(arg, scope))
        out.append(Piece(piece.text[last:], piece.positions[last:]))
    return [p for p in out if p.text]


def _name(expr: ast.Name, scope: Scope, depth: int) -> list[Piece]:
    local = _local_value(expr.id, scope)
    if local is not None:
        values, params = local
        if params:
            return [_hole(expr, scope)]
        out: list[Piece] = []
        for value in values:
            out += resolve(value, scope, depth + 1)
        return out
    m = scope.module
    if expr.id in m.constants:
        constant = m.constants[expr.id]
        return [_hole(expr, scope)] if constant is None else resolve(
            constant, _at_module(scope), depth + 1)
    bound = m.imported(expr.id)
    if bound is not None and bound[1] is not None:
        other = scope.project.module(bound[0])
        imported = other.constants.get(bound[1]) if other is not None else None
        if other is not None and imported is not None:
            return resolve(imported, Scope(other, scope.project, None, 0), depth + 1)
    return [_hole(expr, scope)]


def _at_module(scope: Scope) -> Scope:
    return Scope(scope.module, scope.project, None, 0)


def _local_value(name: str, scope: Scope) -> tuple[list[ast.expr], bool] | None:
    """The expressions a function-local name is built from before the call (its last
    assignment and the ``+=`` after it), or (…, True) when it cannot be known from the
    source: an argument, or an assignment inside a branch or a loop. None: not local."""
    function = scope.function
    if function is None:
        return None
    args = function.args
    params = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
    params |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    straight: list[ast.stmt] = []
    nested = False
    for node, body in statements_of(function.body):
        if getattr(node, "lineno", 0) >= scope.line or not _assigns(node, name):
            continue
        if body in scope.bodies:  # runs on every path to the call
            straight.append(node)
        else:
            nested = True
    if not straight and not nested:
        return ([], True) if name in params else None
    if nested:
        return [], True
    straight.sort(key=lambda n: n.lineno)
    values: list[ast.expr] = []
    for node in straight:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            values = [node.value]
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add) and values:
            values.append(node.value)
        else:
            return [], True
    return values, False


def statements_of(body: list[ast.stmt]) -> list[tuple[ast.stmt, int]]:
    """Every statement under ``body`` (functions and classes defined there left out), with
    the id() of the statement list that holds it."""
    out: list[tuple[ast.stmt, int]] = []
    for node in body:
        out.append((node, id(body)))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        for inner in child_bodies(node):
            out += statements_of(inner)
    return out


def child_bodies(node: ast.stmt) -> list[list[ast.stmt]]:
    """The statement lists directly inside a statement (branches, loop bodies, handlers)."""
    out = [value for field in ("body", "orelse", "finalbody")
           if isinstance(value := getattr(node, field, None), list)]
    out += [h.body for h in getattr(node, "handlers", [])]
    out += [c.body for c in getattr(node, "cases", [])]
    return [b for b in out if b and isinstance(b[0], ast.stmt)]


def _assigns(node: ast.stmt, name: str) -> bool:
    if isinstance(node, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
    if isinstance(node, ast.AugAssign | ast.AnnAssign):
        return isinstance(node.target, ast.Name) and node.target.id == name
    if isinstance(node, ast.For):
        return any(isinstance(t, ast.Name) and t.id == name for t in ast.walk(node.target))
    if isinstance(node, ast.With):
        return any(isinstance(t, ast.Name) and t.id == name
                   for item in node.items if item.optional_vars is not None
                   for t in ast.walk(item.optional_vars))
    return False


def _attribute(expr: ast.Attribute, scope: Scope, depth: int) -> list[Piece]:
    """``Tables.ODDS`` (a class constant of this module) or ``tables.ODDS`` (an imported
    scanned module's constant)."""
    m = scope.module
    if isinstance(expr.value, ast.Name):
        owner = expr.value.id
        members = m.classes.get(owner)
        if members is not None and members.get(expr.attr) is not None:
            value = members[expr.attr]
            assert value is not None
            return resolve(value, _at_module(scope), depth + 1)
        bound = m.imported(owner)
        if bound is not None:
            name = f"{bound[0]}.{bound[1]}" if bound[1] else bound[0]
            other = scope.project.module(name)
            if other is not None and other.constants.get(expr.attr) is not None:
                value = other.constants[expr.attr]
                assert value is not None
                return resolve(value, Scope(other, scope.project, None, 0), depth + 1)
    return [_hole(expr, scope)]


def _call(expr: ast.Call, scope: Scope, depth: int) -> list[Piece]:
    func = expr.func
    m = scope.module
    # "sep".join([...constants])
    if isinstance(func, ast.Attribute) and func.attr == "join" and len(expr.args) == 1 and (
            isinstance(expr.args[0], ast.List | ast.Tuple)):
        sep = resolve(func.value, scope, depth + 1)
        out: list[Piece] = []
        for i, item in enumerate(expr.args[0].elts):
            out += (sep if i else []) + resolve(item, scope, depth + 1)
        return out
    if isinstance(func, ast.Attribute) and func.attr == "format":
        template = resolve(func.value, scope, depth + 1)
        named = {k.arg: k.value for k in expr.keywords if k.arg}
        return _substitute(template, _PY_FORMAT, scope, depth, list(expr.args), named)
    kind = psycopg_sql_kind(func, m)
    if kind == "SQL" and expr.args:
        return resolve(expr.args[0], scope, depth + 1)
    if kind == "Identifier" and expr.args:
        names = []
        for arg in expr.args:
            pieces = resolve(arg, scope, depth + 1)
            if any(p.hole is not None for p in pieces):
                return [_hole(expr, scope)]
            names.append('"' + "".join(p.text for p in pieces).replace('"', '""') + '"')
        return [Piece.at(".".join(names), m.where(expr), False)]
    if kind == "Placeholder":
        name = expr.args[0] if expr.args else None
        text = "%s"
        if isinstance(name, ast.Constant) and isinstance(name.value, str):
            text = f"%({name.value})s"
        return [Piece.at(text, m.where(expr), False)]
    if kind == "Literal":
        return [Piece.unresolved(m.segment(expr), m.where(expr))]
    if isinstance(func, ast.Name) and func.id == "str" and len(expr.args) == 1:
        return resolve(expr.args[0], scope, depth + 1)
    return [_hole(expr, scope)]


def psycopg_sql_kind(func: ast.expr, m: Module) -> str | None:
    """"SQL", "Identifier", "Literal", "Placeholder" for psycopg's ``sql`` composables."""
    names = ("SQL", "Identifier", "Literal", "Placeholder")
    if isinstance(func, ast.Name) and func.id in names:
        bound = m.imported(func.id)
        if bound is not None and bound[0] in _PSYCOPG_SQL:
            return func.id
    if isinstance(func, ast.Attribute) and func.attr in names and isinstance(
            func.value, ast.Name) and m.binds(func.value.id, *_PSYCOPG_SQL):
        return func.attr
    if isinstance(func, ast.Attribute) and func.attr in names and isinstance(
            func.value, ast.Attribute) and func.value.attr == "sql" and isinstance(
            func.value.value, ast.Name) and m.binds(func.value.value.id, "psycopg", "psycopg2"):
        return func.attr
    return None
