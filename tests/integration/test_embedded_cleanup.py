"""A drift killed with its embedded server running: the next start removes what it left."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

START = """
import sys, time
from drift.sources.scratch import EmbeddedPostgres
server = EmbeddedPostgres()
print(server.directory, flush=True)
time.sleep(600)
"""

START_AND_STOP = """
from drift.sources.scratch import EmbeddedPostgres
EmbeddedPostgres().stop()
"""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0): look at its state
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text().split()[2] != "Z"


def test_a_killed_owner_s_server_is_stopped_and_removed() -> None:
    # a TMPDIR of its own, outside pytest's (which it locks to 0700 for other users)
    tmp = Path(tempfile.mkdtemp(prefix="drift-cleanup-test-"))
    env = dict(os.environ, TMPDIR=str(tmp))
    try:
        live_owner = tmp / "drift-pg-someone-alive"
        live_owner.mkdir()
        (live_owner / "drift-owner.pid").write_text(f"{os.getpid()}\n")
        not_ours = tmp / "drift-pg-no-owner-file"
        not_ours.mkdir()
        run = subprocess.Popen([sys.executable, "-c", START], env=env, stdout=subprocess.PIPE,
                               text=True)
        assert run.stdout is not None
        folder = Path(run.stdout.readline().strip())
        postmaster = int((folder / "pgdata" / "postmaster.pid").read_text().split()[0])
        run.send_signal(signal.SIGKILL)
        run.wait()
        assert folder.is_dir() and _pid_alive(postmaster)  # what a kill -9 leaves

        subprocess.run([sys.executable, "-c", START_AND_STOP], env=env, check=True, timeout=300)

        assert not folder.exists()
        assert not _pid_alive(postmaster)
        assert live_owner.is_dir() and not_ours.is_dir()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
