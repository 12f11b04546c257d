"""SARIF 2.1.0 for code hosts: one result per unexpected mismatch, on the model's line.

The location is the models snapshot's (``Table.locations``, found while the
models were imported, so a warm run points at the same lines): the line of the
column's attribute or the name's (searched through the class and its mixins, in
MRO order), else the line of the class statement. Objects no model class
declares (tables only in the database, enums, sequences) are anchored where a
person would act on them: the expectations file (at the expired entry's line,
if one matched), else the models' module; an object only in the models the
other way round. Every location also names the object itself
(``logicalLocations``), so a code host that shows one location per file still
says which table or index it is. A broken query is anchored at its Python line.
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drift.mismatch import Change, Finding, Mismatch, ObjectType, Severity
from drift.render.describe import side_value
from drift.render.terminal import shown
from drift.schema import Table
from drift.sources.models.source_lines import SourceLine, locate

if TYPE_CHECKING:
    from drift.result import CheckResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _module_file(reference: str) -> Path | None:
    """The source file of the module of "module:attribute", found without running it where its
    package is already imported (a module that cannot be found has no file to point at)."""
    module = reference.partition(":")[0]
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    origin = spec.origin if spec is not None else None
    return Path(origin) if origin and origin.endswith(".py") else None


@dataclass(frozen=True, slots=True)
class Anchors:
    """Where a result with no declaring class is anchored: the expectations file, the models'
    module (the first of --models whose file can be found)."""

    expectations: Path | None
    models: Path | None

    @classmethod
    def of(cls, result: CheckResult) -> Anchors:
        expectations = result.config.expectations
        if expectations is not None and not expectations.is_file():
            expectations = None
        references = (*result.config.models, result.models.source or "")
        modules = (_module_file(r) for r in references if r)
        return cls(expectations, next((m for m in modules if m is not None), None))

    def for_finding(self, f: Finding) -> SourceLine | None:
        entry = _entry_line(f)
        in_expectations = (
            SourceLine(self.expectations, entry or 1) if self.expectations is not None else None
        )
        in_models = SourceLine(self.models, 1) if self.models is not None else None
        # an object only in the models is fixed in the models; anything else is accepted (or
        # not) in the expectations file
        if f.mismatch.change is Change.ONLY_IN_MODELS:
            return in_models or in_expectations
        return in_expectations or in_models


def _entry_line(f: Finding) -> int | None:
    """The line of the (expired) expectation that matched the finding, from its "file:line"."""
    if f.expectation is None:
        return None
    line = f.expectation.source.rpartition(":")[2]
    return int(line) if line.isdigit() and int(line) > 0 else None


_LOGICAL_KINDS = {ObjectType.SCHEMA: "namespace", ObjectType.TABLE: "type",
                  ObjectType.COLUMN: "member"}


def _object_location(m: Mismatch) -> dict[str, Any]:
    """The database object itself, as SARIF names a thing that is not a place in a file."""
    return {
        "name": m.name or m.table or m.schema,
        "fullyQualifiedName": m.path,
        "kind": _LOGICAL_KINDS.get(m.object_type, "resource"),
    }


def _uri(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_uri()


def _result(
    f: Finding,
    rule_index: int,
    declared: dict[tuple[str, str], Table],
    anchors: Anchors,
    root: Path,
) -> dict[str, Any]:
    m = f.mismatch
    what = m.change.value.replace("_", " ") + (f" ({m.attribute})" if m.attribute else "")
    models, database = side_value(f, "models"), side_value(f, "database")
    text = f"{m.object_type.value} {m.path}: {what}; models: {models}; database: {database}"
    if f.expired and f.expectation is not None:
        text += f" (its expectation expired on {f.expectation.expires})"
    if m.cause:
        text += f". Cause: {m.cause.value}"
    if m.hint:
        text += f". Hint: {m.hint}"
    out: dict[str, Any] = {
        "ruleId": _rule_id(m),
        "ruleIndex": rule_index,
        "level": LEVELS[m.severity],
        "message": {"text": shown(text)},  # shown in code scanning: escaped, cut
        "partialFingerprints": {"driftMismatchId/v1": m.id},
        "properties": {
            "id": m.id,
            "path": m.path,
            "object_type": m.object_type.value,
            "change": m.change.value,
            "attribute": m.attribute,
            "severity": m.severity.value,
        },
    }
    logical = [_object_location(m)]
    if m.query is not None:  # application SQL: anchored at the Python line it breaks on
        out["locations"] = [{"physicalLocation": {
            "artifactLocation": {"uri": _uri(Path(m.query.file), root)},
            "region": {"startLine": m.query.line, "startColumn": m.query.column},
        }, "logicalLocations": logical}]
        return out
    table = declared.get((m.schema, m.table)) if m.table is not None else None
    where = None
    if table is not None and table.declared_by:
        where = locate(table, m.name if m.object_type is not ObjectType.TABLE else None)
        logical.append({"fullyQualifiedName": table.declared_by.replace(":", "."),
                        "kind": "type"})
    if where is None:
        where = anchors.for_finding(f)
    if where is not None:
        out["locations"] = [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(where.file, root)},
                    "region": {"startLine": where.line},
                },
                "logicalLocations": logical,
            }
        ]
    else:  # neither a file of the models nor an expectations file: the object, by name
        out["locations"] = [{"logicalLocations": logical}]
    return out


def _rule_id(m: Mismatch) -> str:
    return f"{m.object_type.value}/{m.change.value}"


# The PostgreSQL documentation of each kind of object: what the rule is about.
_DOCS = "https://www.postgresql.org/docs/current/"
_HELP_PAGES = {
    "schema": "ddl-schemas.html",
    "table": "sql-createtable.html",
    "column": "sql-altertable.html",
    "primary_key": "ddl-constraints.html#DDL-CONSTRAINTS-PRIMARY-KEYS",
    "foreign_key": "ddl-constraints.html#DDL-CONSTRAINTS-FK",
    "unique_constraint": "ddl-constraints.html#DDL-CONSTRAINTS-UNIQUE-CONSTRAINTS",
    "check_constraint": "ddl-constraints.html#DDL-CONSTRAINTS-CHECK-CONSTRAINTS",
    "index": "sql-createindex.html",
    "enum": "datatype-enum.html",
    "sequence": "sql-createsequence.html",
    "view": "sql-createview.html",
}
_WHAT = {
    "only_in_models": "The models declare this {kind}; the database does not have it.",
    "only_in_database": "The database has this {kind}; the models do not declare it.",
    "differs": "This {kind} differs between the models and the database (the result names "
    "the attribute and both values).",
}
_FIX = {
    "only_in_models": "To fix the database, run `drift plan`: its revision creates it.",
    "only_in_database": "Declare it in the models, or drop it with the revision `drift plan "
    "--allow-destructive` writes.",
    "differs": "Change the models, or run `drift plan`: its revision alters the database to "
    "match the models.",
}
_ACCEPT = (
    "If the drift is planned, accept it in the expectations file (a path, a reason and a "
    "phase; `drift explain ID` prints the entry), and it stops failing the check."
)


def _rule(rid: str) -> dict[str, Any]:
    kind, change = rid.split("/", 1)
    what = _WHAT.get(change, "{kind}: " + change).format(kind=kind.replace("_", " "))
    fix = _FIX.get(change, "Run `drift plan` to see the operation that would resolve it.")
    return {
        "id": rid,
        "name": "".join(w.capitalize() for w in re.split(r"[/_]", rid)),
        "shortDescription": {"text": rid.replace("/", " ").replace("_", " ")},
        "help": {
            "text": f"{what} {fix} {_ACCEPT}",
            "markdown": f"{what}\n\n{fix}\n\n{_ACCEPT}",
        },
        "helpUri": _DOCS + _HELP_PAGES.get(kind, "ddl.html"),
    }


HISTORY_RULE: dict[str, Any] = {
    "id": "migrations/history",
    "name": "MigrationsHistory",
    "shortDescription": {"text": "migration history"},
    "help": {"text": "The Alembic history itself is broken: several heads (merge them with "
             "`alembic merge heads`), or a revision whose downgrade fails or does not give "
             "the schema back (`drift check --migrations DIR --downgrades`)."},
    "helpUri": "https://alembic.sqlalchemy.org/en/latest/branches.html",
}


def _history_results(result: CheckResult, rule_index: int, root: Path
                     ) -> list[dict[str, Any]]:
    """The history's own problems, each at its revision's file where it has one."""
    out: list[dict[str, Any]] = []
    for name, message, path in result.history.items if result.history is not None else ():
        item: dict[str, Any] = {
            "ruleId": HISTORY_RULE["id"],
            "ruleIndex": rule_index,
            "level": "error",
            "message": {"text": f"migration history: {message}"},
            "partialFingerprints": {"driftMigrationsProblem/v1": name},
        }
        if path:
            item["locations"] = [{"physicalLocation": {
                "artifactLocation": {"uri": _uri(Path(path), root)},
                "region": {"startLine": 1}}}]
        out.append(item)
    return out


def render_sarif(result: CheckResult, *, root: Path | None = None) -> str:
    """SARIF 2.1.0; file paths relative to ``root`` (default: the cwd) where inside it."""
    root = root or Path.cwd()
    unexpected = sorted(result.classification.unexpected, key=lambda f: f.mismatch.sort_key)
    rule_ids = sorted({_rule_id(f.mismatch) for f in unexpected})
    rules = [_rule(rid) for rid in rule_ids]
    if result.history is not None and result.history.items:
        rules.append(HISTORY_RULE)
    index = {rid: i for i, rid in enumerate(rule_ids)}
    # one lookup table, not a scan of the models' tables per result (thousands at 10k tables)
    declared = {
        (schema.name, t.name): t
        for schema in result.models.schemas
        for t in schema.tables
        if t.declared_by
    }
    anchors = Anchors.of(result)
    import drift

    tool_version = drift.__version__  # the distribution is named sqlalchemy-drift
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "drift", "version": tool_version, "rules": rules}},
                "results": [
                    _result(f, index[_rule_id(f.mismatch)], declared, anchors, root)
                    for f in unexpected
                ] + _history_results(result, len(rules), root),
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
