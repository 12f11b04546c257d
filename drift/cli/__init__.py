"""The command line: in go argv and ``[tool.drift]``, out a report on stdout and an exit status.

``commands.py`` holds the click commands (``drift check``, ``report``,
``plan``, ...); ``options.py`` the options they share; ``param_types.py`` the
parameter types; ``progress.py`` the one-line progress on a terminal's stderr.
Exit status: 0 no unexpected drift, 1 unexpected drift, 2 the run could not be done.
"""
