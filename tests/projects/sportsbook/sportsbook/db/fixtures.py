from sqlalchemy import text

from sportsbook.models import Team

TEAM_PAGE = text("SELECT * FROM teams WHERE id = :team_id")


def team_page(session, team_id):
    return session.execute(TEAM_PAGE, {"team_id": team_id}).mappings().one()


def finished_matches(session, since):
    rows = session.execute(
        text("SELECT m.id, m.kickoff_at FROM matches m "
             "WHERE m.status LIKE 'fin%' AND m.kickoff_at >= CAST(:since AS timestamptz)"),
        {"since": since},
    )
    return rows.all()


def team_names(session):
    return [t.name for t in session.query(Team).order_by(Team.name)]
