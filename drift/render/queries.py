"""``drift queries``: every call site found under ``--code`` and what drift does with each
of its statements (prepared, run and rolled back, needs no schema, unchecked and why),
with the Python expressions it could not resolve and sends as parameters (the holes).

Static: the listing needs no database (the verdicts are ``drift check --code``'s).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import groupby
from typing import Any

from drift.render.terminal import printable
from drift.sources.code.extract import Extraction
from drift.sources.code.statements import Kind, Statement

# what drift does with a statement of each kind, as the listing says it
HOW = {
    Kind.QUERY: "prepared on each schema state",
    Kind.EXECUTE: "run on each schema state, rolled back",
    Kind.NO_SCHEMA: "needs no schema",
    Kind.UNCHECKED: "unchecked",
}


def summary(found: Extraction) -> str:
    return (f"{len(found.sites)} call site(s) in {found.files} file(s), "
            f"{len(found.statements)} statement(s): {len(found.checked)} checked, "
            f"{len(found.unchecked)} unchecked, "
            f"{sum(1 for s in found.statements if s.holes)} with holes")


def render_queries(found: Extraction, fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps(queries_dict(found), indent=2, ensure_ascii=False) + "\n"
    return "\n".join(_text(found)) + "\n"


def queries_dict(found: Extraction) -> dict[str, Any]:
    return {
        "files": found.files,
        "call_sites": len(found.sites),
        "statements": len(found.statements),
        "checked": len(found.checked),
        "unchecked": len(found.unchecked),
        "sites": [{"file": site.file, "line": site.line, "column": site.column,
                   "call": site.call,
                   "statements": [_statement(s) for s in _of(found, site)]}
                  for site in found.sites],
    }


def _statement(s: Statement) -> dict[str, Any]:
    return {"sql": s.sql, "kind": s.kind.value, "reason": s.reason,
            "holes": [{"parameter": n or None, "expression": e} for n, e in s.holes],
            "parameters": s.params, "fingerprint": s.fingerprint}


def _of(found: Extraction, site: Any) -> list[Statement]:
    return [s for s in found.statements
            if (s.file, s.line, s.column, s.call) == (site.file, site.line, site.column,
                                                      site.call)]


def _text(found: Extraction) -> Iterator[str]:
    yield f"queries: {summary(found)}"
    for file, sites in groupby(found.sites, key=lambda s: s.file):
        yield ""
        yield printable(file)
        for site in sites:
            yield f"  {site.line}:{site.column}  {printable(site.call)}"
            for s in _of(found, site):
                how = HOW[s.kind] + (f": {s.reason}" if s.reason else "")
                yield f"    {printable(how)}"
                for line in s.sql.strip().splitlines():
                    yield f"      | {printable(line.strip())}"
                if s.holes:
                    holes = ", ".join(f"${n} = `{e}`" if n else f"`{e}` in a string literal"
                                      for n, e in s.holes)
                    yield f"      holes: {printable(holes)}"
