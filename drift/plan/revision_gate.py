"""The last check before a revision is written: its code is only what drift emits.

A revision is code that other people run, and every name in it came from a
database or a model. The renderers quote each one, and this gate proves it on
the result: the text is parsed (``ast``, never run) and accepted only if it is
made of what is listed here, by exact name (a list of what is allowed, not of
what is refused):

* a docstring; the imports of Alembic's templates (``from alembic import op``,
  ``import sqlalchemy as sa``, ``from sqlalchemy.dialects import postgresql``,
  ``typing``'s ``Sequence``/``Union``/``Optional``); the revision identifiers
  (``revision``, ``down_revision``, ``branch_labels``, ``depends_on``) assigned
  literals, annotated with those typing names;
* ``def upgrade()`` / ``def downgrade()`` whose bodies hold docstrings,
  ``pass``, ``op.<operation>(…)`` calls of the operations in ``OPERATIONS`` and
  ``with op.get_context().autocommit_block():`` blocks of such calls;
* where every argument is a literal (strings, numbers, ``None``, booleans,
  lists, tuples, dicts of them), ``op.f('…')``, or a call of ``sa.<name>`` /
  ``postgresql.<name>`` (a SQLAlchemy type or schema construct, ``sa.text``,
  ``sa.literal_column``; no attribute chain such as ``sa.sql.x.y``) whose
  arguments are literals in turn.

Anything else (another import, a name, an attribute chain, a lambda, a
subscript, an f-string, a statement of another kind) is a bug in drift, or a
template or input that tries to smuggle code in: ``RevisionRejected`` says
where, and the revision is not written.
"""

from __future__ import annotations

import ast
from types import ModuleType

import sqlalchemy
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.schema import SchemaItem
from sqlalchemy.sql.type_api import TypeEngine

from drift.errors import DriftError

_FUNCTIONS = frozenset({"upgrade", "downgrade"})
_IDENTIFIERS = frozenset({"revision", "down_revision", "branch_labels", "depends_on"})
_TYPING = frozenset({"Sequence", "Union", "Optional"})
_ANNOTATION_NAMES = _TYPING | {"str", "tuple", "list", "None"}
# (module, name, alias) of every import allowed; name None: ``import module as alias``
_IMPORTS = frozenset({("alembic", "op", None), ("sqlalchemy", None, "sa"),
                      ("sqlalchemy.dialects", "postgresql", None)}
                     | {("typing", name, None) for name in _TYPING}
                     | {("collections.abc", "Sequence", None)})

# the Alembic operations drift's plans are made of
OPERATIONS = frozenset({
    "add_column", "alter_column", "create_check_constraint", "create_exclude_constraint",
    "create_foreign_key", "create_index", "create_primary_key", "create_table",
    "create_table_comment", "create_unique_constraint", "drop_column", "drop_constraint",
    "drop_index", "drop_table", "drop_table_comment", "execute", "rename_table",
})
# types that run Python on the values they load, and containers of arbitrary code
_NEVER = frozenset({"PickleType", "TypeDecorator", "MetaData", "Table"})


def _constructs(module: ModuleType, names: list[str]) -> frozenset[str]:
    """The SQLAlchemy types and schema constructs (Column, constraints, Identity, ...)."""
    return frozenset(n for n in names if n not in _NEVER and isinstance(getattr(module, n), type)
                     and issubclass(getattr(module, n), TypeEngine | SchemaItem))


CONSTRUCTS = {
    "sa": _constructs(sqlalchemy, dir(sqlalchemy)) | {"text", "literal_column"},
    "postgresql": _constructs(postgresql, list(postgresql.__all__)),
}


class RevisionRejected(DriftError):
    """A generated revision holds code drift does not emit (a bug: nothing is written)."""


def check_revision(source: str, where: str) -> None:
    """Raise ``RevisionRejected`` unless ``source`` is only what drift emits."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise RevisionRejected(f"{where}: the generated revision is not valid Python "
                               f"(line {exc.lineno}: {exc.msg}); this is a bug in drift, "
                               "nothing was written") from None
    try:
        for node in tree.body:
            _module_statement(node)
    except _Reject as exc:
        raise RevisionRejected(f"{where}: the generated revision holds code drift does not "
                               f"emit ({exc}); this is a bug in drift, nothing was "
                               "written") from None


def check_body(source: str, where: str) -> None:
    """The same check for a rendered function body (``render_python_code`` output, whose
    lines after the first are indented as the template's ``${upgrades}`` places them)."""
    check_revision("def upgrade():\n    " + source + "\n    pass\n", where)


class _Reject(Exception):
    def __init__(self, node: ast.AST, why: str) -> None:
        super().__init__(f"line {getattr(node, 'lineno', '?')}: {why}")


def _module_statement(node: ast.stmt) -> None:
    if isinstance(node, ast.Import | ast.ImportFrom):
        _import(node)
        return
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
            and isinstance(node.value.value, str):
        return  # the docstring
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) \
            and node.target.id in _IDENTIFIERS and node.value is not None:
        _annotation(node.annotation)
        _constant(node.value)
        return
    if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) and t.id in _IDENTIFIERS
                                            for t in node.targets):
        _constant(node.value)
        return
    if isinstance(node, ast.FunctionDef) and node.name in _FUNCTIONS:
        _function(node)
        return
    raise _Reject(node, f"a module-level {type(node).__name__}")


def _import(node: ast.Import | ast.ImportFrom) -> None:
    found: set[tuple[str, str | None, str | None]]
    if isinstance(node, ast.Import):
        found = {(a.name, None, a.asname) for a in node.names}
    else:
        found = {(node.module or "", a.name, a.asname) for a in node.names}
        if node.level:
            raise _Reject(node, "a relative import")
    refused = sorted(f"{m}{'.' + n if n else ''}" for m, n, _ in found - _IMPORTS)
    if refused:
        raise _Reject(node, f"an import of {', '.join(refused)}")


def _annotation(node: ast.expr) -> None:
    for sub in ast.walk(node):
        if not isinstance(sub, ast.Name | ast.Subscript | ast.Tuple | ast.Load | ast.BinOp
                          | ast.BitOr | ast.Constant):
            raise _Reject(node, f"an annotation holding {type(sub).__name__}")
        if isinstance(sub, ast.Constant) and sub.value is not None:
            raise _Reject(node, "an annotation holding a constant")
        if isinstance(sub, ast.Name) and sub.id not in _ANNOTATION_NAMES:
            raise _Reject(node, f"an annotation naming {sub.id}")


def _constant(node: ast.expr) -> None:
    """A revision identifier's value: a string, None, or a tuple or list of strings."""
    items = node.elts if isinstance(node, ast.Tuple | ast.List) else [node]
    for item in items:
        if not (isinstance(item, ast.Constant) and isinstance(item.value, str | None)):
            raise _Reject(node, f"a revision identifier assigned a {type(item).__name__}")


def _function(node: ast.FunctionDef) -> None:
    args = node.args
    if node.decorator_list or args.args or args.posonlyargs or args.kwonlyargs \
            or args.vararg or args.kwarg:
        raise _Reject(node, f"{node.name}() with arguments or decorators")
    if node.returns is not None:
        _annotation(node.returns)
    for stmt in node.body:
        _body_statement(stmt, in_block=False)


def _body_statement(node: ast.stmt, in_block: bool) -> None:
    if isinstance(node, ast.Pass):
        return
    if isinstance(node, ast.Expr):
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return  # a docstring
        if isinstance(node.value, ast.Call):
            _operation(node.value)
            return
    if isinstance(node, ast.With) and not in_block and len(node.items) == 1 \
            and node.items[0].optional_vars is None and _is_autocommit(node.items[0].context_expr):
        for stmt in node.body:
            _body_statement(stmt, in_block=True)
        return
    raise _Reject(node, f"a {type(node).__name__} statement in a migration function")


def _is_autocommit(node: ast.expr) -> bool:
    """``op.get_context().autocommit_block()``, exactly."""
    return (isinstance(node, ast.Call) and not node.args and not node.keywords
            and isinstance(node.func, ast.Attribute) and node.func.attr == "autocommit_block"
            and isinstance(node.func.value, ast.Call) and not node.func.value.args
            and not node.func.value.keywords
            and isinstance(node.func.value.func, ast.Attribute)
            and node.func.value.func.attr == "get_context"
            and isinstance(node.func.value.func.value, ast.Name)
            and node.func.value.func.value.id == "op")


def _operation(call: ast.Call) -> None:
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
            and func.value.id == "op"):
        raise _Reject(call, "a call that is not an op.<operation>(...)")
    if func.attr not in OPERATIONS:
        raise _Reject(call, f"op.{func.attr}(), which drift does not emit")
    _arguments(call)


def _arguments(call: ast.Call) -> None:
    for arg in call.args:
        if isinstance(arg, ast.Starred):
            _literal(arg.value)  # Alembic's *[...] for tables of more than 255 columns
        else:
            _literal(arg)
    for kw in call.keywords:
        if kw.arg is None:
            raise _Reject(call, "a **keyword argument")
        _literal(kw.value)


def _literal(node: ast.expr) -> None:
    if isinstance(node, ast.Constant):
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd) \
            and isinstance(node.operand, ast.Constant):
        return
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        for item in node.elts:
            _literal(item)
        return
    if isinstance(node, ast.Dict):
        for key in node.keys:
            if key is None:
                raise _Reject(node, "a ** in a dict")
            _literal(key)
        for value in node.values:
            _literal(value)
        return
    if isinstance(node, ast.Call):
        _library_call(node)
        return
    raise _Reject(node, f"a {type(node).__name__} where a literal belongs")


def _library_call(call: ast.Call) -> None:
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
            and func.value.id == "op" and func.attr == "f":
        if len(call.args) == 1 and not call.keywords and isinstance(call.args[0], ast.Constant) \
                and isinstance(call.args[0].value, str):
            return
        raise _Reject(call, "op.f() of something else than one string")
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
            and func.attr in CONSTRUCTS.get(func.value.id, ())):
        shown = ast.unparse(func)[:80]
        raise _Reject(call, f"a call of {shown}, not a SQLAlchemy type or construct "
                            "(sa.<name> or postgresql.<name>)")
    _arguments(call)
