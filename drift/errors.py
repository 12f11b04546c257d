"""The one error type the CLI turns into a one-line message and exit status 2."""

from __future__ import annotations

import re


class DriftError(Exception):
    """The run could not be done: bad configuration, connection, import or input.

    The message is one line, already free of secrets, and says what to fix.
    """


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (a DBAPI error's driver message), for a
    one-line DriftError; the exception's type name when it has no message."""
    orig = getattr(exc, "orig", None) or exc
    return redact_secrets((str(orig).strip().splitlines() or [type(orig).__name__])[0])


# user:password@ in any URL, and password=... as libpq DSNs, URL queries and configs write it
_URL_PASSWORD = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*:)[^@\s]*@")
_KEY_PASSWORD = re.compile(
    r"(\b[a-z_]*(?:password|passwd|pwd)\s*[=:]\s*)(?:'[^']*'|\"[^\"]*\"|[^\s&;,'\"]+)",
    re.IGNORECASE,
)


def redact_secrets(text: str) -> str:
    """``text`` (an exception's message, say) with the passwords it may carry hidden, as
    ``redact_url`` hides a URL's: drift cannot know what else a third-party message holds."""
    text = _URL_PASSWORD.sub(r"\1***@", text)
    return _KEY_PASSWORD.sub(r"\1***", text)
