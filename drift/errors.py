"""The one error type the CLI turns into a one-line message and exit status 2."""

from __future__ import annotations


class DriftError(Exception):
    """The run could not be done: bad configuration, connection, import or input.

    The message is one line, already free of secrets, and says what to fix.
    """
