"""Every template filter, in one place (the templates only format).

HTML escaping is Jinja's autoescape (``text``, ``cut`` and ``lines`` escape controls and bidi
controls before it, as the text formats show them); the other filters handle the contexts it does
not know about: Markdown table cells and inline text, Mermaid identifiers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from drift.render.terminal import cut, printable, shown

# Characters that start Markdown syntax or HTML inline, and what makes each literal; one
# translate() pass, since reports of thousands of tables call this for every cell.
_MD_ESCAPES = str.maketrans(
    {c: "\\" + c for c in "\\`*_[]~|"} | {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
)
# ( ) ! only act after [ ] (escaped); # - + = and "1." only at the start of a line.
_MD_ORDERED = re.compile(r"^(\d+)([.)])")


# A code host links @user (a notification) and #123 (a cross-reference) in text, not in
# code spans; a zero-width space after the sign breaks the link and shows the same
# (Renovate writes its release notes so)
_MD_LINKS = re.compile(r"(?<![\w`])([@#])(?=[\w-])")


def _md_text(value: Any) -> str:
    """One line of text: controls and bidi overrides visibly escaped, runs of spaces one."""
    return " ".join(printable(str("" if value is None else value)).split())


def md_inline(value: Any) -> str:
    """Text for a Markdown paragraph, heading or list item: no markup, no HTML, one line, no
    mention or reference, long text cut with a note."""
    text = _MD_LINKS.sub(r"\1&#8203;", cut(_md_text(value)).translate(_MD_ESCAPES))
    if text[:1] in ("#", "-", "+", "="):
        return "\\" + text
    if text[:1].isdigit():
        return _MD_ORDERED.sub(r"\1\\\2", text)
    return text


def md_cell(value: Any, width: int | None = None) -> str:
    """Text for a Markdown table cell: like ``md_inline`` (pipes escaped, so the row keeps its
    cells), cut to ``width`` characters of the original text where given."""
    text = _md_text(value)
    if width is not None and len(text) > width:
        text = text[: width - 1] + "…"
    return md_inline(text) or " "


def md_code(value: Any) -> str:
    """A code span that holds any text: the fence is longer than any backtick run inside."""
    text = cut(_md_text(value))
    if not text:
        return ""
    # a pipe ends a table cell even inside a code span (GFM), so it gets an entity
    text = text.replace("|", "\\|")
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def one_line(value: Any) -> str:
    """A statement on one line (a table cell): its whitespace runs made single spaces, so a
    multi-line SQL string reads as SQL, not as escaped line breaks."""
    return " ".join(str(value).split())


_MERMAID_BAD = re.compile(r"[^A-Za-z0-9_]")


def mermaid_id(value: Any) -> str:
    """An identifier Mermaid accepts: letters, digits and underscores, not starting with a digit."""
    ident = _MERMAID_BAD.sub("_", str(value))
    return ident if ident[:1].isalpha() else f"x_{ident}"


def mermaid_type(value: Any) -> str:
    """A column type as Mermaid's erDiagram grammar takes it: one word of letters, digits,
    ``_ - ( ) [ ]``, so ``numeric(10,2)`` keeps its brackets (``numeric(10-2)``) and
    ``timestamp with time zone`` its words (``timestamp-with-time-zone``)."""
    word = re.sub(r"\s+", "-", str(value).strip())
    word = re.sub(r"[^A-Za-z0-9_\-()\[\]]", "-", word)
    word = re.sub(r"-{2,}", "-", word).strip("-")
    return word if word[:1].isalpha() else f"t-{word}" if word else "unknown"


_MERMAID_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def mermaid_entity(value: Any) -> str:
    """A table's name as a Mermaid entity: as it is where it is a plain word, else in double
    quotes (which take any character but ``"``, ``%``, a backslash and line breaks)."""
    text = _md_text(value)
    if _MERMAID_WORD.fullmatch(text):
        return text
    # < > and backticks are allowed there, but left out: renderers that are not Mermaid
    # show the block as text, and it stays inert
    return '"' + re.sub(r'["%\\<>`]', "'", text) + '"'


def mermaid_attribute(name: str, type_: str, keys: str, comment: str) -> str:
    """One attribute line of an erDiagram entity: ``type name [PK, FK] ["comment"]``; where
    Mermaid cannot spell the name or the type as they are, the comment says them exactly."""
    word = _MERMAID_BAD.sub("_", name)
    word = word if word[:1].isalpha() or word[:1] == "_" else f"x_{word}"
    kind = mermaid_type(type_)
    notes = []
    if word != name or kind != re.sub(r"\s+", "-", type_.strip()):
        notes.append(f"{name} {type_}")
    if comment:
        notes.append(comment)
    line = f"{kind} {word}"
    if keys:
        line += " " + keys.replace(" ", ", ")
    if notes:
        line += f' "{mermaid_text(": ".join(notes))}"'
    return line


def mermaid_text(value: Any) -> str:
    """Text inside a Mermaid double-quoted string: no quotes, no fences, one line."""
    text = _md_text(value)
    return re.sub(r"[\"`<>{}|\[\]]", "'", text)


def md_url(value: Any) -> str:
    """A link target: a URL with the characters that would end or break it percent-encoded."""
    text = "".join(str(value).split())
    return re.sub(r"[()<>\[\]`\"' |]", lambda m: f"%{ord(m.group()):02X}", text)


def code_block(value: Any) -> str:
    """Text inside a fenced code block: a line of backticks could close the fence early."""
    return re.sub(r"^(\s*)```", r"\1` ``", str(value), flags=re.MULTILINE)


def fmt_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def plural(count: int, singular: str, many: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


def dash(value: Any) -> str:
    """Absent values shown as an em dash."""
    return "—" if value is None or value == "" else str(value)


def html_text(value: Any) -> str:
    """A name or free text for the HTML report, whole: controls, line breaks and bidi controls
    visibly escaped as the text formats show them (autoescape then makes it safe markup)."""
    return printable(str("" if value is None else value))


def html_lines(value: Any) -> str:
    """Like ``html_text`` for a block of several lines (code in a ``<pre>``): its own line
    breaks kept, every other control escaped."""
    return "\n".join(printable(line) for line in str("" if value is None else value).split("\n"))


def html_cut(value: Any) -> str:
    """Like ``html_text``, long free text cut with a note (a row of a table)."""
    return shown(str("" if value is None else value))


FILTERS: dict[str, Callable[..., Any]] = {
    "text": html_text,
    "cut": html_cut,
    "lines": html_lines,
    "md": md_inline,
    "md_cell": md_cell,
    "md_code": md_code,
    "one_line": one_line,
    "mermaid_id": mermaid_id,
    "mermaid_type": mermaid_type,
    "mermaid_entity": mermaid_entity,
    "mermaid_attribute": mermaid_attribute,
    "mermaid_text": mermaid_text,
    "date": fmt_date,
    "code_block": code_block,
    "md_url": md_url,
    "plural": plural,
    "dash": dash,
}
