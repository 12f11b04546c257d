"""Classification: in go the comparator's mismatches and the expectations file, out findings.

``expectations.py`` reads (and, for ``drift expect``, writes) the expectations
file; ``classifier.py`` marks each mismatch expected or unexpected by the first
entry that matches it and reports stale and expired entries; ``causes.py``
gives each finding its cause when models, migrations and a live database are
all known; ``renames.py`` holds the renames a user confirms.
"""
