"""SARIF 2.1.0: one result per unexpected mismatch, located on the model's line where known."""

from __future__ import annotations

import json
import textwrap
import uuid
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from render_factory import sample_result

from drift.mismatch import Status
from drift.render import FORMATS
from drift.render.sarif import locate, render_sarif
from drift.schema import Schema, Snapshot

MODELS = textwrap.dedent(
    '''
    from sqlalchemy import Index, Numeric
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


    class Base(DeclarativeBase):
        pass


    class StampMixin:
        created_at: Mapped[str] = mapped_column()


    class Odds(StampMixin, Base):
        """Odds of a match."""

        __tablename__ = "odds"
        __table_args__ = (Index("ix_odds_match", "match_id"),)

        id: Mapped[int] = mapped_column(primary_key=True)
        match_id: Mapped[int] = mapped_column()
        price = mapped_column(Numeric(10, 2))
    '''
)


@pytest.fixture
def models_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A models package of its own per test (imported modules and located classes are cached)."""
    package = tmp_path / f"sarif_models_{uuid.uuid4().hex[:8]}"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "odds.py").write_text(MODELS)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return package / "odds.py"


def _ref(module: Path) -> str:
    return f"{module.parent.name}.odds:Odds"


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_locate_column_mixin_index_and_class(models_module: Path) -> None:
    ref = _ref(models_module)
    assert locate(ref, "price").line == _line_of(models_module, "price = mapped_column")  # type: ignore[union-attr]
    assert locate(ref, "match_id").line == _line_of(models_module, "match_id: Mapped")  # type: ignore[union-attr]
    assert locate(ref, "created_at").line == _line_of(models_module, "created_at:")  # type: ignore[union-attr]
    assert locate(ref, "ix_odds_match").line == _line_of(models_module, "__table_args__")  # type: ignore[union-attr]
    assert locate(ref, None).line == _line_of(models_module, "class Odds")  # type: ignore[union-attr]
    assert locate(ref, "no_such_column").line == _line_of(models_module, "class Odds")  # type: ignore[union-attr]
    assert locate(f"{models_module.parent.name}.missing:Nope", "x") is None


def test_results_rules_and_locations(models_module: Path) -> None:
    result = sample_result()
    # the sample's odds table is declared by the class in the module written above
    public = result.models.schemas[0]
    odds = replace(public.table("odds"), declared_by=_ref(models_module))  # type: ignore[arg-type]
    tables = tuple(odds if t.name == "odds" else t for t in public.tables)
    models = Snapshot("models", (replace(public, tables=tables), *result.models.schemas[1:]))
    doc = json.loads(render_sarif(replace(result, models=models)))
    assert FORMATS["sarif"] is render_sarif
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    run = doc["runs"][0]
    assert run["tool"]["driver"]["name"] == "drift"
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [
        "column/differs",
        "index/only_in_database",
    ]
    results = run["results"]
    assert len(results) == 3  # the unexpected mismatches only
    by_path = {r["properties"]["path"]: r for r in results}
    price = by_path["public.odds.price"]
    assert price["ruleId"] == "column/differs" and price["level"] == "error"
    assert run["tool"]["driver"]["rules"][price["ruleIndex"]]["id"] == price["ruleId"]
    location = price["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == f"{models_module.parent.name}/odds.py"
    assert location["region"]["startLine"] == _line_of(models_module, "price = mapped_column")
    assert "models: numeric(10,2); database: numeric" in price["message"]["text"]
    assert price["partialFingerprints"]["driftMismatchId/v1"] == price["properties"]["id"]
    assert price["locations"][0]["logicalLocations"] == [
        {"name": "price", "fullyQualifiedName": "public.odds.price", "kind": "member"},
        {"fullyQualifiedName": f"{models_module.parent.name}.odds.Odds", "kind": "type"},
    ]


EXPECTATIONS = """\
expected:
  - path: public.legacy_*
    reason: Legacy bet tracking, dropped after the export
"""


def _anchored(result_location: dict) -> tuple[str, int, list[str]]:
    physical = result_location["physicalLocation"]
    names = [logical["fullyQualifiedName"] for logical in result_location["logicalLocations"]]
    return physical["artifactLocation"]["uri"], physical["region"]["startLine"], names


def test_objects_no_class_declares_are_anchored_at_the_expectations_file(
    models_module: Path,
) -> None:
    (models_module.parent.parent / "expectations.yaml").write_text(EXPECTATIONS)
    result = sample_result()  # its expectations file is expectations.yaml, in the cwd
    bare = replace(
        result,
        config=replace(result.config, models=(f"{models_module.parent.name}.odds:Base",)),
        models=Snapshot("models", (Schema("public"),)),
    )
    results = json.loads(render_sarif(bare))["runs"][0]["results"]
    assert [_anchored(r["locations"][0]) for r in results] == [
        # an index only in the database: the file that would accept it
        ("expectations.yaml", 1, ["public.matches.ix_matches_played_at"]),
        # drift that an expired entry (line 20) accepted until it expired: that entry's line
        ("expectations.yaml", 20, ["public.matches.played_at"]),
        ("expectations.yaml", 1, ["public.odds.price"]),
    ]


def test_without_an_expectations_file_the_models_module_is_the_anchor(
    models_module: Path,
) -> None:
    result = sample_result()
    bare = replace(
        result,
        config=replace(
            result.config,
            models=(f"{models_module.parent.name}.odds:Base",),
            expectations=None,
        ),
        models=Snapshot("models", (Schema("public"),)),
    )
    results = json.loads(render_sarif(bare))["runs"][0]["results"]
    module = f"{models_module.parent.name}/odds.py"
    assert [_anchored(r["locations"][0]) for r in results] == [
        (module, 1, ["public.matches.ix_matches_played_at"]),
        (module, 1, ["public.matches.played_at"]),
        (module, 1, ["public.odds.price"]),
    ]
    kinds = [r["locations"][0]["logicalLocations"][0]["kind"] for r in results]
    assert kinds == ["resource", "member", "member"]


DATA = Path(__file__).resolve().parents[1] / "data"


def test_valid_against_the_sarif_2_1_0_schema(models_module: Path) -> None:
    # the OASIS SARIF 2.1.0 schema (its final, rtm.5 draft, as schemastore publishes it)
    schema = json.loads((DATA / "sarif-schema-2.1.0-rtm.5.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    (models_module.parent.parent / "expectations.yaml").write_text(EXPECTATIONS)
    for hostile in (False, True):
        result = sample_result(hostile=hostile)
        # a table only in the database, an enum only in the models: no class declares either
        findings = tuple(
            replace(f, status=Status.UNEXPECTED, expectation=None)
            for f in result.classification.findings
        )
        result = replace(result, classification=replace(result.classification,
                                                        findings=findings))
        doc = json.loads(render_sarif(result))
        errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(doc)]
        assert errors == []
        results = doc["runs"][0]["results"]
        assert len(results) == 6
        for r in results:
            (location,) = r["locations"]
            # the repository's own models/ declares dna_profile; the rest has no class here
            uri = location["physicalLocation"]["artifactLocation"]["uri"]
            assert uri == "expectations.yaml" or uri.endswith("/models/quantum.py")
            assert location["logicalLocations"][0]["fullyQualifiedName"] == r["properties"]["path"]


def test_every_rule_has_help_and_a_help_uri() -> None:
    rules = json.loads(render_sarif(sample_result()))["runs"][0]["tool"]["driver"]["rules"]
    assert rules
    for rule in rules:
        assert rule["helpUri"].startswith("https://www.postgresql.org/docs/current/")
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert "drift plan" in rule["help"]["text"] and "expectations" in rule["help"]["text"]
    by_id = {r["id"]: r for r in rules}
    assert by_id["index/only_in_database"]["helpUri"].endswith("/sql-createindex.html")
    assert "the models do not declare" in by_id["index/only_in_database"]["help"]["text"]
