"""The ER diagram's geometry: edges routed around the boxes, foreign keys only the models
declare drawn dashed, a table's own diagram holding exactly it and its neighbours, and the
same drawing from run to run."""

from __future__ import annotations

import subprocess
import sys

import pytest
from diagram_schemas import generated

from drift.render.diagram import Diagram
from drift.render.reference import build_reference
from drift.schema import Column, ForeignKey, PrimaryKey, Schema, Snapshot, Table

PK = PrimaryKey("pk", ("id",))


def _enters(a: tuple[float, float], b: tuple[float, float],
            box: tuple[float, float, float, float]) -> bool:
    """Whether the horizontal or vertical segment a-b passes inside the box."""
    x0, y0, x1, y1 = box[0] + 0.5, box[1] + 0.5, box[0] + box[2] - 0.5, box[1] + box[3] - 0.5
    if a[1] == b[1]:
        return y0 < a[1] < y1 and min(a[0], b[0]) < x1 and max(a[0], b[0]) > x0
    return x0 < a[0] < x1 and min(a[1], b[1]) < y1 and max(a[1], b[1]) > y0


def _check_routes(d: Diagram) -> None:
    boxes = {b.anchor: b for b in d.boxes}
    for e in d.edges:
        assert e.d.startswith(f"M{e.points[0][0]:.1f},{e.points[0][1]:.1f}")
        for a, b in zip(e.points, e.points[1:], strict=False):
            assert a[0] == b[0] or a[1] == b[1], (e.source, a, b)  # orthogonal
            for box in d.boxes:
                if box.anchor in (e.child, e.parent):
                    continue
                assert not _enters(a, b, (box.x, box.y, box.width, box.height)), (
                    e.source, e.target, box.key)
        child = boxes[e.child]
        assert e.points[0][0] in (child.x, round(child.x + child.width, 1))
    placed = list(d.boxes)
    for i, a in enumerate(placed):
        for b in placed[i + 1:]:
            apart = a.x + a.width <= b.x or b.x + b.width <= a.x
            assert apart or a.y + a.height <= b.y or b.y + b.height <= a.y, (a.key, b.key)


@pytest.mark.parametrize(("tables", "fks", "seed"), [(60, 114, 1), (35, 60, 2), (12, 20, 3)])
def test_no_edge_passes_through_a_box_it_does_not_join(tables: int, fks: int, seed: int) -> None:
    ref = build_reference(generated(tables, fks, seed), Snapshot("models"))
    (schema,) = ref.schemas
    drawn = [*schema.diagrams, *schema.panels.values()]
    assert sum(len(d.edges) for d in schema.diagrams) == fks
    for d in drawn:
        _check_routes(d)


def test_a_foreign_key_only_the_models_declare_is_drawn_dashed() -> None:
    teams = Table("teams", (Column("id", "integer", False),), PK)
    plain = Table("matches", (Column("id", "integer", False), Column("team_id", "integer")), PK)
    fk = ForeignKey("fk_matches_team", ("team_id",), "public", "teams", ("id",))
    database = Snapshot("database", (Schema("public", tables=(teams, plain)),))
    models = Snapshot("models", (Schema("public", tables=(
        teams, Table("matches", plain.columns, PK, (fk,)))),))
    (schema,) = build_reference(database, models).schemas
    (diagram,) = schema.diagrams
    (edge,) = diagram.edges
    assert (edge.source, edge.target, edge.models) == (
        "public.matches.team_id", "public.teams.id", True)
    # a key both sides have is drawn solid
    both = Snapshot("database", (Schema("public", tables=(
        teams, Table("matches", plain.columns, PK, (fk,)))),))
    (edge,) = build_reference(both, models).schemas[0].diagrams[0].edges
    assert edge.models is False
    # the page: the edge's class makes it dashed (the style sheet dashes ``path.rel.models``)
    from drift.render.environment import environment

    macro = environment().get_template("_findings.html.j2").module.erd_svg  # type: ignore[attr-defined]
    html = str(macro(diagram))
    assert 'class="rel optional models"' in html  # team_id is nullable: zero or one
    css = environment().loader.get_source(environment(), "_style.css.j2")[0]  # type: ignore[union-attr]
    assert ".erd path.rel.models { stroke-dasharray: 6 4; }" in css


def test_a_tables_own_diagram_holds_exactly_it_and_its_neighbours() -> None:
    def table(name: str, *refs: str) -> Table:
        cols = (Column("id", "integer", False), *(Column(f"{r}_id", "integer") for r in refs))
        return Table(name, cols, PK, tuple(
            ForeignKey(None, (f"{r}_id",), "public", r, ("id",)) for r in refs))

    tables = (table("leagues"), table("teams", "leagues"), table("players", "teams"),
              table("matches", "teams", "leagues"), table("venues"), table("seats", "venues"),
              table("coaches", "teams", "venues"))
    database = Snapshot("database", (Schema("public", tables=tables),))
    (schema,) = build_reference(database, Snapshot("models")).schemas
    by_name = {t.name: t.anchor for t in schema.tables}
    teams = schema.panels[by_name["teams"]]
    assert sorted(b.key for b in teams.boxes) == [
        "public.coaches", "public.leagues", "public.matches", "public.players", "public.teams"]
    # only the foreign keys of the table: not matches -> leagues, not coaches -> venues
    assert sorted((e.source, e.target) for e in teams.edges) == [
        ("public.coaches.teams_id", "public.teams.id"),
        ("public.matches.teams_id", "public.teams.id"),
        ("public.players.teams_id", "public.teams.id"),
        ("public.teams.leagues_id", "public.leagues.id"),
    ]
    venues = schema.panels[by_name["venues"]]
    assert sorted(b.key for b in venues.boxes) == [
        "public.coaches", "public.seats", "public.venues"]
    _check_routes(teams)


def test_the_same_schema_gives_the_same_drawing_in_every_process() -> None:
    """The report is compared byte for byte between runs: no layout step may depend on the
    order of a set of objects."""
    code = (
        "from diagram_schemas import generated\n"
        "from drift.render.reference import build_reference\n"
        "from drift.schema import Snapshot\n"
        "(s,) = build_reference(generated(40, 70, 5), Snapshot('models')).schemas\n"
        "print([(b.key, b.x, b.y) for d in s.diagrams for b in d.boxes])\n"
        "print([e.d for d in s.diagrams for e in d.edges])\n"
    )
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, env={"PYTHONHASHSEED": str(seed), "PYTHONPATH": "tests:."}
                           ).stdout for seed in (1, 2, 3)}
    assert len(runs) == 1
