"""One Python source file as the extractor needs it: parsed, never imported.

``Module`` knows its dotted name, its module-level constants, the class-level
constants of its classes, what its imports bind, and converts the byte offsets
of ``ast`` into character columns. ``Project`` finds the module behind an
import among the files being scanned (for a table name kept in another module).
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from drift.errors import DriftError

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def dotted_name(path: Path) -> str:
    """The module's import name: its folders up to the first without ``__init__.py``."""
    parts = [path.stem] if path.stem != "__init__" else []
    folder = path.parent
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts)


@dataclass
class Module:
    path: Path
    shown: str  # the path as reports show it (relative to the working directory)
    source: str
    tree: ast.Module
    name: str
    lines: list[bytes] = field(default_factory=list)
    constants: dict[str, ast.expr | None] = field(default_factory=dict)  # None: set twice
    classes: dict[str, dict[str, ast.expr | None]] = field(default_factory=dict)
    # local name -> (module, attribute or None): `from m import a as b` -> b: (m, a)
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path, shown: str) -> Module:
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DriftError(f"cannot read {shown}: {exc}") from None
        try:
            with warnings.catch_warnings():  # the project's invalid escapes are its business
                warnings.simplefilter("ignore")
                tree = ast.parse(source, filename=shown)
        except SyntaxError as exc:
            raise DriftError(f"{shown}:{exc.lineno}: not valid Python: {exc.msg}") from None
        # lines as ast counts them (\n, \r\n, \r), kept encoded: its columns count bytes
        lines = [line.encode("utf-8") for line in _LINES.findall(source)]
        module = cls(path, shown, source, tree, dotted_name(path), lines)
        module._index()
        return module

    def _index(self) -> None:
        for node in self.tree.body:
            _constants_of(node, self.constants)
            if isinstance(node, ast.ClassDef):
                members: dict[str, ast.expr | None] = {}
                for item in node.body:
                    _constants_of(item, members)
                self.classes[node.name] = members
        package = self.name if self.path.stem == "__init__" else self.name.rpartition(".")[0]
        for imp in ast.walk(self.tree):
            if isinstance(imp, ast.Import):
                for alias in imp.names:
                    if alias.asname:
                        self.imports[alias.asname] = (alias.name, None)
                    else:
                        top = alias.name.split(".")[0]
                        self.imports[top] = (top, None)
            elif isinstance(imp, ast.ImportFrom):
                base = imp.module or ""
                if imp.level:
                    anchor = package.split(".") if package else []
                    anchor = anchor[:len(anchor) - (imp.level - 1)] if imp.level > 1 else anchor
                    base = ".".join([*anchor, *([base] if base else [])])
                for alias in imp.names:
                    self.imports[alias.asname or alias.name] = (base, alias.name)

    def position(self, line: int, byte_column: int) -> tuple[int, int]:
        """(line, 1-based character column) of an ``ast`` position (a UTF-8 byte offset)."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else b""
        return line, len(text[:byte_column].decode("utf-8", "replace")) + 1

    def where(self, node: ast.AST) -> tuple[int, int]:
        return self.position(getattr(node, "lineno", 1), getattr(node, "col_offset", 0))

    def segment(self, node: ast.AST) -> str:
        """The node's source text (``ast.get_source_segment`` splits the whole file anew
        on each call: 2,000 statements took seconds)."""
        first, last = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        start, end = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if first is None or last is None or start is None or end is None:
            return ""
        if first == last:
            return str(self.lines[first - 1][start:end].decode("utf-8", "replace"))
        text = self.lines[first - 1][start:] + b"".join(self.lines[first:last - 1]) + (
            self.lines[last - 1][:end])
        return str(text.decode("utf-8", "replace"))

    def imported(self, local: str) -> tuple[str, str | None] | None:
        return self.imports.get(local)

    def binds(self, local: str, *targets: str) -> bool:
        """Does the local name stand for one of ``targets`` ("module" or "module.attr")?"""
        bound = self.imports.get(local)
        if bound is None:
            return False
        module, attr = bound
        return (f"{module}.{attr}" if attr else module) in targets


def _constants_of(node: ast.stmt, into: dict[str, ast.expr | None]) -> None:
    targets: list[ast.expr] = []
    value: ast.expr | None = None
    if isinstance(node, ast.Assign):
        targets, value = node.targets, node.value
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        targets, value = [node.target], node.value
    for target in targets:
        if isinstance(target, ast.Name):
            # assigned twice: which value a call sees depends on when it runs
            into[target.id] = None if target.id in into else value


class Project:
    """The modules being scanned, by file and by import name."""

    def __init__(self, modules: list[Module]) -> None:
        self.modules = modules
        self.by_name = {m.name: m for m in modules}

    def module(self, name: str) -> Module | None:
        return self.by_name.get(name)


def python_files(roots: tuple[Path, ...]) -> Iterator[tuple[Path, Path]]:
    """(root, file) for every ``.py`` file under the roots (a root may be a file), sorted,
    without the folders no project's own code lives in."""
    skip = {".venv", "venv", ".git", "__pycache__", "node_modules", ".tox", ".nox",
            "site-packages", ".drift_cache", ".mypy_cache", ".ruff_cache"}
    seen: set[Path] = set()
    for root in roots:
        if not root.exists():
            raise DriftError(f"--code {root}: no such file or folder")
        files = [root] if root.is_file() else sorted(
            p for p in root.rglob("*.py") if not skip & set(p.relative_to(root).parts[:-1]))
        for path in files:
            resolved = path.resolve()
            if resolved not in seen:
                seen.add(resolved)
                yield root, path
