"""Saved reports: in go the reports folder, out the reports read back and folders written whole.

``history.py`` reads the saved reports (``drift.json``, ``snapshot.json``) for
week over week and the trend; ``folders.py`` swaps a folder in whole, under a
lock, so that runs writing one folder take turns. The renderer that writes a
dated report folder is ``drift.render.report_folder``.
"""
