"""Find the SQL a project's Python runs, statically (``ast``): the project is never imported.

Call sites: ``cursor.execute``/``executemany``/``mogrify``, psycopg2's
``execute_values``/``execute_batch``, SQLAlchemy's ``text()`` and
``exec_driver_sql``, pandas' ``read_sql``/``read_sql_query``, asyncpg's
``fetch``/``fetchrow``/``fetchval``/``execute``/``executemany``/``prepare``, and
the project's own wrappers (``[tool.drift] sql_calls``: a function name, its
first argument the SQL, its second the parameters).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from drift.sources.code.modules import Module, Project, python_files
from drift.sources.code.pieces import Text
from drift.sources.code.placeholders import Style, Unchecked, rewrite
from drift.sources.code.resolve import NotText, Scope, child_bodies, resolve
from drift.sources.code.statements import Kind, Statement, statements_of

_CURSOR_METHODS = ("execute", "executemany", "mogrify")
_ASYNCPG_METHODS = ("fetch", "fetchrow", "fetchval", "execute", "executemany", "prepare",
                    "cursor")
_ASYNCPG_ONLY = ("fetch", "fetchrow", "fetchval")
_PARAM_KEYWORDS = ("vars", "params", "parameters", "args", "vars_list", "argslist")
_SQL_KEYWORDS = ("sql", "query", "operation", "statement")
_CURSORISH = re.compile(r"(^|_)(cur|curs|cursor|c|conn|connection|db)$|cur$|cursor$", re.I)


@dataclass(frozen=True, slots=True)
class Site:
    """One call found in the source, whether or not its SQL could be resolved."""

    file: str
    line: int
    column: int
    call: str


@dataclass(frozen=True, slots=True)
class Extraction:
    sites: tuple[Site, ...]
    statements: tuple[Statement, ...]
    files: int

    @property
    def checked(self) -> tuple[Statement, ...]:
        return tuple(s for s in self.statements if s.kind is not Kind.UNCHECKED)

    @property
    def unchecked(self) -> tuple[Statement, ...]:
        return tuple(s for s in self.statements if s.kind is Kind.UNCHECKED)


def extract(roots: tuple[Path, ...], sql_calls: tuple[str, ...] = (),
            base: Path | None = None) -> Extraction:
    """Every statement the Python files under ``roots`` run (paths shown relative to
    ``base``, the working directory by default, or to a root's folder outside it)."""
    base = (base or Path.cwd()).resolve()
    modules = [Module.read(p, _shown(p, root, base)) for root, p in python_files(roots)]
    project = Project(modules)
    sites: list[Site] = []
    statements: list[Statement] = []
    for module in modules:
        for site, statement_list in _module_sites(module, project, sql_calls):
            sites.append(site)
            statements += statement_list
    return Extraction(tuple(sites), tuple(statements), len(modules))


def _shown(path: Path, root: Path, base: Path) -> str:
    resolved = path.resolve()
    if resolved.is_relative_to(base):
        return resolved.relative_to(base).as_posix()
    # a root elsewhere (the demo's, run from anywhere): its own name and below
    return resolved.relative_to(root.resolve().parent).as_posix()


@dataclass(frozen=True, slots=True)
class _Found:
    call: str
    sql: ast.expr
    style: Style
    awaited: bool = False
    values: ast.Call | None = None  # execute_values: its call (for template=)


def _module_sites(module: Module, project: Project, sql_calls: tuple[str, ...]
                  ) -> Iterator[tuple[Site, list[Statement]]]:
    for call, function, bodies, awaited in _calls(module.tree.body, None, frozenset()):
        found = _classify(call, module, sql_calls, awaited)
        if found is None:
            continue
        scope = Scope(module, project, function, call.lineno, bodies)
        line, column = module.where(call)
        site = Site(module.shown, line, column, found.call)
        try:
            pieces = resolve(found.sql, scope)
        except NotText:
            continue
        text = Text.join(pieces)
        whole_hole = len(pieces) == 1 and pieces[0].hole is not None
        if whole_hole and (not _counts_when_unknown(call, found) or _wrapper_argument(
                function, found.sql, sql_calls)):
            continue
        yield site, _statements(module, site, text, found, scope, whole_hole)


def _statements(module: Module, site: Site, text: Text, found: _Found, scope: Scope,
                whole_hole: bool) -> list[Statement]:
    def unchecked(reason: str) -> list[Statement]:
        return [Statement(site.file, site.line, site.column, site.call, text.text,
                          text.positions, Kind.UNCHECKED, reason)]

    if whole_hole:
        return unchecked(f"the SQL is `{text.holes[0]}`, which drift cannot resolve from the "
                         "source")
    row = None
    if found.values is not None:
        row = _values_row(found.values, text, scope)
        if row is None:
            return unchecked("execute_values: the row's width is neither in a column list "
                             "nor in a template")
    try:
        rewritten = rewrite(text, found.style, row)
    except Unchecked as exc:
        return unchecked(str(exc))
    client_side = found.style is Style.PYFORMAT and _binds(module, "psycopg2") and not _binds(
        module, "psycopg")
    return statements_of(site.file, site.line, site.column, site.call, rewritten, client_side)


def _binds(m: Module, package: str) -> bool:
    return any(module.split(".")[0] == package for module, _ in m.imports.values())


def _calls(body: list[ast.stmt], function: ast.FunctionDef | ast.AsyncFunctionDef | None,
           bodies: frozenset[int]
           ) -> Iterator[tuple[ast.Call, ast.FunctionDef | ast.AsyncFunctionDef | None,
                               frozenset[int], bool]]:
    """Every call, with its function and the statement lists on the way to it."""
    inside = bodies | {id(body)}
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for default in (*node.args.defaults, *node.decorator_list):
                yield from _expression_calls(default, function, inside)
            yield from _calls(node.body, node, frozenset())
            continue
        if isinstance(node, ast.ClassDef):
            yield from _calls(node.body, function, inside)
            continue
        for name, value in ast.iter_fields(node):
            if name in ("body", "orelse", "finalbody", "handlers", "cases"):
                continue
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, ast.expr | ast.withitem | ast.keyword):
                    yield from _expression_calls(item, function, inside)
        for inner in child_bodies(node):
            yield from _calls(inner, function, inside)


def _expression_calls(node: ast.AST, function: ast.FunctionDef | ast.AsyncFunctionDef | None,
                      bodies: frozenset[int]
                      ) -> Iterator[tuple[ast.Call, ast.FunctionDef | ast.AsyncFunctionDef | None,
                                          frozenset[int], bool]]:
    awaited = {id(n.value) for n in ast.walk(node) if isinstance(n, ast.Await)}
    for n in ast.walk(node):
        if isinstance(n, ast.Call):
            yield n, function, bodies, id(n) in awaited


def _classify(call: ast.Call, m: Module, sql_calls: tuple[str, ...], awaited: bool
              ) -> _Found | None:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else (
        func.id if isinstance(func, ast.Name) else "")
    dotted = _dotted(func)
    args = call.args
    keywords = {k.arg: k.value for k in call.keywords if k.arg}

    def sql_arg(index: int = 0) -> ast.expr | None:
        if len(args) > index:
            return args[index]
        return next((keywords[k] for k in _SQL_KEYWORDS if k in keywords), None)

    def has_params(index: int = 1) -> bool:
        return len(args) > index or any(k in keywords for k in _PARAM_KEYWORDS)

    if name == "text" and (_is_sqlalchemy_text(func, m)) and sql_arg() is not None:
        return _Found("text()", sql_arg(), Style.NAMED)  # type: ignore[arg-type]
    if name in ("execute_values", "execute_batch") and sql_arg(1) is not None:
        return _Found(name, sql_arg(1), Style.PYFORMAT,  # type: ignore[arg-type]
                      values=call if name == "execute_values" else None)
    sql = sql_arg()
    if sql is None or _is_text_call(sql, m):
        return None  # a text() argument is a call site of its own
    for wrapper in sql_calls:
        if dotted == wrapper or dotted.endswith("." + wrapper) or name == wrapper:
            # the SQL is the first argument spelled as text (a wrapper may take the
            # connection first); the parameters, any argument after it
            at = next((i for i, a in enumerate(args) if _spelled(a, m)), 0)
            wrapped = args[at] if args else sql
            return _Found(wrapper, wrapped, Style.PYFORMAT if has_params(at + 1)
                          else Style.VERBATIM)
    if name == "exec_driver_sql":
        return _Found("exec_driver_sql", sql, Style.PYFORMAT if has_params() else Style.VERBATIM)
    if name in ("read_sql", "read_sql_query") and _binds_pandas(func, m):
        return _Found(f"pandas.{name}", sql,
                      Style.PYFORMAT if "params" in keywords or len(args) > 2 else Style.VERBATIM)
    uses_asyncpg = any(module == "asyncpg" or module.startswith("asyncpg.")
                       for module, _ in m.imports.values())
    if name in _ASYNCPG_METHODS and uses_asyncpg and (
            awaited or name in ("prepare", "cursor")) and (
            name in _ASYNCPG_ONLY or not _uses_pyformat(m)):
        return _Found(f"asyncpg {name}", sql, Style.DOLLAR, awaited)
    if name in _CURSOR_METHODS and isinstance(func, ast.Attribute):
        many = name == "executemany"
        return _Found(f"{_receiver(func)}.{name}", sql,
                      Style.PYFORMAT if many or has_params() else Style.VERBATIM)
    return None


def _spelled(expr: ast.expr, m: Module) -> bool:
    """Text in the source: a string literal, an f-string, a concatenation, a constant."""
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, str)
    if isinstance(expr, ast.JoinedStr):
        return True
    if isinstance(expr, ast.BinOp):
        return _spelled(expr.left, m) or _spelled(expr.right, m)
    if isinstance(expr, ast.Name):
        return m.constants.get(expr.id) is not None or (
            (bound := m.imported(expr.id)) is not None and bound[1] is not None)
    return False


def _uses_pyformat(m: Module) -> bool:
    return any(module.split(".")[0] in ("psycopg2", "psycopg") for module, _ in m.imports.values())


def _dotted(func: ast.expr) -> str:
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.insert(0, func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.insert(0, func.id)
    return ".".join(parts)


def _receiver(func: ast.Attribute) -> str:
    value = func.value
    if isinstance(value, ast.Name):
        return value.id
    if isinstance(value, ast.Attribute):
        return value.attr
    if isinstance(value, ast.Call):
        return _dotted(value.func).rsplit(".", 1)[-1] + "()"
    return "cursor"


def _is_sqlalchemy_text(func: ast.expr, m: Module) -> bool:
    targets = ("sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text",
               "sqlalchemy.sql.elements.text")
    if isinstance(func, ast.Name):
        return m.binds(func.id, *targets)
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return m.binds(func.value.id, "sqlalchemy", "sqlalchemy.sql",
                       "sqlalchemy.sql.expression")
    return False


def _is_text_call(expr: ast.expr, m: Module) -> bool:
    return isinstance(expr, ast.Call) and _is_sqlalchemy_text(expr.func, m)


def _binds_pandas(func: ast.expr, m: Module) -> bool:
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return m.binds(func.value.id, "pandas")
    if isinstance(func, ast.Name):
        return m.binds(func.id, "pandas.read_sql", "pandas.read_sql_query")
    return False


def _counts_when_unknown(call: ast.Call, found: _Found) -> bool:
    """An SQL argument drift cannot resolve is a hole in the coverage only where the call
    surely runs SQL text (not ``session.execute(select(...))`` built elsewhere)."""
    if not found.call.endswith(_CURSOR_METHODS) or found.call.startswith("asyncpg"):
        return True
    func = call.func
    return isinstance(func, ast.Attribute) and bool(_CURSORISH.search(_receiver(func)))


def _wrapper_argument(function: ast.FunctionDef | ast.AsyncFunctionDef | None,
                      sql: ast.expr, sql_calls: tuple[str, ...]) -> bool:
    """The SQL is an argument of one of the project's named wrappers: checked where the
    wrapper is called, not inside it."""
    if function is None or not isinstance(sql, ast.Name):
        return False
    names = {a.arg for a in (*function.args.posonlyargs, *function.args.args,
                             *function.args.kwonlyargs)}
    return sql.id in names and any(function.name == w.rsplit(".", 1)[-1] for w in sql_calls)


def _values_row(call: ast.Call, text: Text, scope: Scope) -> int | None:
    """execute_values: how many values a row has, from ``template=`` or the column list."""
    template = next((k.value for k in call.keywords if k.arg == "template"), None)
    if template is None and len(call.args) > 3:
        template = call.args[3]
    if template is not None:
        try:
            pieces = resolve(template, scope)
        except NotText:
            return None
        spelled = "".join(p.text for p in pieces if p.hole is None)
        if any(p.hole is not None for p in pieces):
            return None
        return len(re.findall(r"%(?:\([^)]*\))?s", spelled)) or None
    hit = re.search(r"\(([^()]*)\)\s*VALUES\s+%s", text.text, re.IGNORECASE) or re.search(
        r"VALUES\s+%s\s*\)\s*(?:AS\s+)?\w+\s*\(([^()]*)\)", text.text, re.IGNORECASE)
    if hit is None:
        return None
    return len([c for c in hit.group(1).split(",") if c.strip()])
