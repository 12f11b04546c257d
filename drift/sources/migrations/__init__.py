"""An Alembic history: in go a migrations folder and a scratch database, out a ``Snapshot``.

``env_runner.py`` is the one place that runs a project's ``env.py`` (offline to
write revisions, online only on a scratch database); ``scratch_guard.py``
refuses any other connection while project code runs and checks afterwards
that only the scratch database moved; ``history_check.py`` runs the history to
its heads (and its downgrades), reads the schema it built and caches it.
"""
