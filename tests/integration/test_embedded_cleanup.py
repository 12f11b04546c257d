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


def _dead_pid() -> int:
    """The PID of a process that has exited (and been reaped)."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    return gone.pid


def test_a_stale_postmaster_pid_naming_another_process_leaves_it_alive() -> None:
    """The owner was killed and its server is gone; since, the PID its postmaster.pid
    names was given to an unrelated program of the same user: the clean-up must not
    signal it, and still removes the folder."""
    tmp = Path(tempfile.mkdtemp(prefix="drift-cleanup-test-"))
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        folder = tmp / "drift-pg-killed-run"
        (folder / "pgdata").mkdir(parents=True)
        (folder / "drift-owner.pid").write_text(f"{_dead_pid()}\n")
        (folder / "pgdata" / "postmaster.pid").write_text(
            f"{bystander.pid}\n{folder / 'pgdata'}\n1700000000\n5432\n")
        env = dict(os.environ, TMPDIR=str(tmp))
        subprocess.run([sys.executable, "-c", START_AND_STOP], env=env, check=True,
                       timeout=300)
        assert bystander.poll() is None, "the unrelated process was signalled"
        assert not folder.exists()
    finally:
        bystander.kill()
        bystander.wait()
        shutil.rmtree(tmp, ignore_errors=True)


STAGE_AND_WAIT = """
import sys, time
from drift.files import owned_folder
from drift.plan.revision_writer import STAGING_PREFIX
with owned_folder(STAGING_PREFIX) as folder:
    (folder / "0001_half_written.py").write_text("revision = '0001'\\n")
    print(folder, flush=True)
    time.sleep(600)
"""


def test_a_killed_plan_s_staging_folder_is_gone_after_the_next_plan(database_url: str,
                                                                    tmp_path: Path) -> None:
    from tests.integration.test_scratch_only import Shape, build_project

    tmp = Path(tempfile.mkdtemp(prefix="drift-cleanup-test-"))
    try:
        env = dict(os.environ, TMPDIR=str(tmp))
        killed = subprocess.Popen([sys.executable, "-c", STAGE_AND_WAIT], env=env,
                                  stdout=subprocess.PIPE, text=True)
        assert killed.stdout is not None
        staging = Path(killed.stdout.readline().strip())
        killed.send_signal(signal.SIGKILL)
        killed.wait()
        assert staging.is_dir() and staging.parent == tmp  # what a kill -9 leaves

        project = build_project(tmp_path, Shape(), database_url, database_url)
        run = subprocess.run(
            [sys.executable, "-m", "drift", "plan", "--snapshot", str(_snapshot(database_url,
                                                                               tmp_path)),
             "--models", "models:Base", "--migrations", "migrations"],
            cwd=project.root, env={**project.env, "TMPDIR": str(tmp)},
            capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        assert not staging.exists()
        assert list(tmp.glob("drift-revisions-*")) == []  # its own is gone too
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _snapshot(database_url: str, tmp_path: Path) -> Path:
    from drift.sources.database.reflect import reflect_snapshot

    path = tmp_path / "snapshot.json"
    path.write_text(reflect_snapshot(database_url, ("public",)).to_json(), encoding="utf-8")
    return path
