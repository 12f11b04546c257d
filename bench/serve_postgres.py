"""Start an embedded PostgreSQL (pgserver) by hand and keep it up until Ctrl-C or SIGTERM.

Prints the server's admin URL on stdout (and into ``--url-file`` if given), so
the suite or a mutation run can share one server instead of starting one per
session::

    python bench/serve_postgres.py --url-file /tmp/pg.url &
    DRIFT_TEST_DATABASE_URL=$(cat /tmp/pg.url) python -m pytest -q
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from drift.sources.scratch import embedded_postgres


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url-file", type=Path, help="also write the URL to this file")
    args = parser.parse_args()
    stop = threading.Event()
    with embedded_postgres() as server:
        # embedded_postgres turns SIGTERM into KeyboardInterrupt; waiting on an Event keeps
        # the main thread interruptible
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        url = server.url()
        if args.url_file is not None:
            args.url_file.write_text(url + "\n", encoding="utf-8")
        print(url, flush=True)
        while not stop.wait(3600):
            pass
        if args.url_file is not None:
            args.url_file.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
