"""Canonical forms shared by the sources: in go a type, default or expression, out canonical text.

``canonical.py`` spells types, defaults and names as PostgreSQL does;
``sqlexpr/`` parses SQL expressions (defaults, CHECKs, index expressions, view
bodies) and prints them back in one canonical form, so that two spellings of
the same expression compare equal.
"""
