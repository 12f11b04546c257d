"""Text from names and reasons made safe to show, for every output format.

A name from a database or a models module may hold ESC sequences, a bell,
``\\r`` or ``\\n``: printed as they are, they restyle or rewrite the user's
terminal, and a newline forges a report line. A bidi override (U+202E) makes
a viewer show the text in another order than it has. Every such character is
shown as its Python escape instead (``\\x1b``, ``\\r``, ``\\u202e``), which is
also how it would be typed back. Free text (a reason, a value) of any length
is cut, with a note, where a person reads it (``cut``); JSON and HTML keep it whole.
"""

from __future__ import annotations

import re

# C0 controls, DEL and the C1 controls (a bare 0x9b is a CSI on some terminals); the
# Unicode line and paragraph separators end a line in some viewers too; the bidi marks,
# embeddings, overrides and isolates reorder what a viewer shows (CVE-2021-42574)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e"
                      "\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# longest free text a terminal line or a pull-request comment shows before the note
TEXT_LIMIT = 2_000


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def printable(text: str) -> str:
    """``text`` with every control character (newlines included) and bidi control escaped."""
    return _CONTROL.sub(_escape, text)


def cut(text: str, limit: int = TEXT_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, with a note saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters cut)"


def shown(value: object, limit: int = TEXT_LIMIT) -> str:
    """A name or free text for a person to read: escaped, then cut."""
    return cut(printable(str(value)), limit)
