"""SQL text assembled from the parts of a Python expression, each part knowing where it is.

A ``Piece`` is a run of SQL text that came from one place in a Python file (a
string literal, or the constant a name refers to), or a *hole*: a part drift
could not resolve (a function's argument, a variable set in a branch). ``Text``
keeps, for every character of the SQL it spells, the Python line and column it
came from, so that a position PostgreSQL reports in the statement leads back to
the source.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Position = tuple[int, int]  # (line, column), both 1-based, column in characters

HOLE = "\ue000"  # stands for a hole in assembled text: no SQL holds a private-use character


@dataclass(frozen=True, slots=True)
class Piece:
    text: str
    positions: tuple[Position, ...]  # one per character of ``text``
    hole: str | None = None  # the Python expression of an unresolved part

    @classmethod
    def at(cls, text: str, start: Position, exact: bool) -> Piece:
        """``text`` written in the source from ``start`` on (``exact``: character by
        character, newlines included), else every character at ``start``."""
        if not exact:
            return cls(text, (start,) * len(text))
        line, column = start
        out = []
        for ch in text:
            out.append((line, column))
            if ch == "\n":
                line, column = line + 1, 1
            else:
                column += 1
        return cls(text, tuple(out))

    @classmethod
    def unresolved(cls, expression: str, where: Position) -> Piece:
        return cls(HOLE, (where,), hole=expression)


@dataclass(frozen=True, slots=True)
class Text:
    """Assembled SQL: the characters, where each came from, and the holes' expressions."""

    text: str
    positions: tuple[Position, ...]
    holes: tuple[str, ...] = ()  # in the order their HOLE characters appear

    @classmethod
    def join(cls, pieces: Iterable[Piece]) -> Text:
        text: list[str] = []
        positions: list[Position] = []
        holes: list[str] = []
        for p in pieces:
            text.append(p.text)
            positions.extend(p.positions)
            if p.hole is not None:
                holes.append(p.hole)
        return cls("".join(text), tuple(positions), tuple(holes))

    def slice(self, start: int, end: int) -> Text:
        holes_before = self.text[:start].count(HOLE)
        inside = self.text[start:end].count(HOLE)
        return Text(self.text[start:end], self.positions[start:end],
                    self.holes[holes_before:holes_before + inside])


class Builder:
    """Builds a new ``Text`` from an old one, a replacement at a time (each replacement
    takes the position of the first character it replaces)."""

    def __init__(self) -> None:
        self._text: list[str] = []
        self._positions: list[Position] = []

    def copy(self, source: Text, start: int, end: int) -> None:
        self._text.append(source.text[start:end])
        self._positions.extend(source.positions[start:end])

    def put(self, text: str, where: Position) -> None:
        self._text.append(text)
        self._positions.extend([where] * len(text))

    def build(self, holes: Sequence[str] = ()) -> Text:
        return Text("".join(self._text), tuple(self._positions), tuple(holes))
