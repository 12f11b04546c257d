"""Text bound for a terminal or a one-line message: control characters made visible.

A name from a database or a models module may hold ESC sequences, a bell,
``\\r`` or ``\\n``: printed as they are, they restyle or rewrite the user's
terminal, and a newline forges a report line. Every such character is shown as
its Python escape instead (``\\x1b``, ``\\r``), which is also how it would be
typed back.
"""

from __future__ import annotations

import re

# C0 controls, DEL and the C1 controls (a bare 0x9b is a CSI on some terminals); the
# Unicode line and paragraph separators end a line in some viewers too
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def printable(text: str) -> str:
    """``text`` with every control character (newlines included) escaped."""
    return _CONTROL.sub(_escape, text)
