"""The last check before a revision is written: its code is only what drift emits.

A revision is code that other people run, and every name in it came from a
database or a model. The renderers quote each one, and this gate proves it on
the result: the text is parsed (``ast``, never run) and accepted only if it is

* a docstring, imports, and module-level assignments of literals (the
  template's ``revision: str = '…'``, ``down_revision``, ...);
* ``def upgrade()`` / ``def downgrade()`` whose bodies hold docstrings,
  ``pass``, ``op.<operation>(…)`` calls and ``with
  op.get_context().autocommit_block():`` blocks of such calls;
* where every argument is a literal (strings, numbers, ``None``, booleans,
  lists, tuples, dicts of them), ``op.f('…')``, or a call of ``sa.*`` /
  ``postgresql.*`` (a type, a column, ``sa.text('…')``) whose arguments are
  literals in turn.

Anything else (a name, an attribute of anything but ``op``/``sa``/``postgresql``,
a lambda, a subscript, an f-string, a statement of another kind) is a bug in
drift: ``RevisionRejected`` says where, and the revision is not written.
"""

from __future__ import annotations

import ast

from drift.errors import DriftError

_MODULES = frozenset({"sa", "postgresql"})  # roots of the calls allowed inside arguments
_FUNCTIONS = frozenset({"upgrade", "downgrade"})


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
        return
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
            and isinstance(node.value.value, str):
        return  # the docstring
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) \
            and node.value is not None:
        _annotation(node.annotation)
        _literal(node.value)
        return
    if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
        _literal(node.value)
        return
    if isinstance(node, ast.FunctionDef) and node.name in _FUNCTIONS:
        _function(node)
        return
    raise _Reject(node, f"a module-level {type(node).__name__}")


def _annotation(node: ast.expr) -> None:
    for sub in ast.walk(node):
        if not isinstance(sub, ast.Name | ast.Attribute | ast.Subscript | ast.Tuple | ast.Load
                          | ast.BinOp | ast.BitOr | ast.Constant):
            raise _Reject(node, f"an annotation holding {type(sub).__name__}")
        if isinstance(sub, ast.Constant) and sub.value is not None:
            raise _Reject(node, "an annotation holding a constant")


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
    root: ast.expr = func
    while isinstance(root, ast.Attribute):
        root = root.value
    if not (isinstance(func, ast.Attribute) and isinstance(root, ast.Name)
            and root.id in _MODULES):
        raise _Reject(call, "a call of something else than sa.* or postgresql.*")
    _arguments(call)
