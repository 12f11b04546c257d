"""The scratch connection handed to ``env.py``, on the driver the environment configures.

A revision may need its driver: asyncpg's ``copy_records_to_table`` through
``connection.dbapi_connection.run_async``, say. So the connection in
``config.attributes["connection"]`` is opened with the driver of the URL drift
gives ``env.py`` (asyncpg for an async environment), not always with psycopg2.

An asyncpg connection used synchronously (the ``Connection`` that Alembic's
``do_run_migrations`` takes) needs SQLAlchemy's greenlet bridge: each driver
call hands its coroutine to a greenlet running in an event loop. SQLAlchemy's
own bridge (``run_sync``) runs inside ``asyncio.run``, and then an ``env.py``
that calls ``asyncio.run`` itself (Alembic's async template) fails, because a
loop is already running. So drift runs ``env.py`` in the main thread with no
loop running, as the ``alembic`` command does, and the coroutines of the handed
connection run on a loop of their own, in a thread of their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from drift.sources.database.connection import make_engine

_T = TypeVar("_T")


class Handover:
    """An engine on the scratch database with the driver of ``url``; ``run(fn)`` calls
    ``fn`` where that driver can work (for a sync driver: plainly)."""

    def __init__(self, url: str, scratch_url: str) -> None:
        parsed = sa.engine.make_url(url)
        dialect = parsed.get_dialect()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        if getattr(dialect, "is_async", False) and parsed.get_driver_name() == "asyncpg":
            from sqlalchemy.ext.asyncio import create_async_engine

            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(target=self._loop.run_forever,
                                            name="drift-scratch-driver", daemon=True)
            self._thread.start()
            self.engine: Engine = create_async_engine(
                parsed, poolclass=sa.pool.NullPool).sync_engine
        elif parsed.get_driver_name() == "psycopg" and _importable(dialect):
            self.engine = sa.create_engine(parsed, poolclass=sa.pool.NullPool)
        else:
            self.engine = make_engine(scratch_url)

    def run(self, fn: Callable[..., _T], *args: Any) -> _T:
        if self._loop is None:
            return fn(*args)
        return _bridged(self._loop, fn, *args)

    @contextlib.contextmanager
    def connect(self) -> Iterator[Connection]:
        conn = self.run(self.engine.connect)
        try:
            yield conn
        finally:
            self.run(conn.close)

    def close(self) -> None:
        try:
            self.run(self.engine.dispose)
        finally:
            if self._loop is not None and self._thread is not None:
                self._loop.call_soon_threadsafe(self._loop.stop)
                self._thread.join(timeout=10)
                self._loop.close()


def _importable(dialect: Any) -> bool:
    try:
        dialect.import_dbapi()
    except ImportError:
        return False
    return True


def _bridged(loop: asyncio.AbstractEventLoop, fn: Callable[..., _T], *args: Any) -> _T:
    """``fn(*args)`` in a greenlet SQLAlchemy's ``await_`` accepts; each awaitable it hands
    over is awaited on ``loop`` (another thread), so this thread runs no loop."""
    import greenlet  # type: ignore[import-untyped]  # SQLAlchemy's own dependency

    class _Provider(greenlet.greenlet):  # type: ignore[misc]
        __sqlalchemy_greenlet_provider__ = True

    async def awaited(awaitable: Awaitable[Any]) -> Any:
        return await awaitable

    task = _Provider(fn, greenlet.getcurrent())
    task.gr_context = greenlet.getcurrent().gr_context
    result = task.switch(*args)
    while not task.dead:
        try:
            value = asyncio.run_coroutine_threadsafe(awaited(result), loop).result()
        except BaseException:  # raised where the driver call was made, as SQLAlchemy does
            result = task.throw(*sys.exc_info())
        else:
            result = task.switch(value)
    return result  # type: ignore[no-any-return]
