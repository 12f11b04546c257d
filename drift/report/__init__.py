"""The weekly report: in go a check's result and the reports folder, out a dated report folder.

``weekly.py`` writes ``reports/<date>/`` (HTML, Markdown, JSON, snapshot) and
the index; ``history.py`` reads the saved reports back for week over week and
the trend; ``folders.py`` swaps a folder in whole, under a lock.
"""
