"""The one error type the CLI turns into a one-line message and exit status 2."""

from __future__ import annotations


class DriftError(Exception):
    """The run could not be done: bad configuration, connection, import or input.

    The message is one line, already free of secrets, and says what to fix.
    """


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (a DBAPI error's driver message), for a
    one-line DriftError; the exception's type name when it has no message."""
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0]
