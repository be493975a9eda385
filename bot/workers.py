"""Worker processes that end when the process that started them does.

A ProcessPoolExecutor's idle worker waits on a pipe whose writing end it holds itself, so
it never sees its parent die: a bot killed with SIGKILL would leave its loader behind for
good. Each worker here watches its parent and exits once it is gone.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor

# How often a worker looks whether its parent is still there (seconds).
WATCH_EVERY = 1.0


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of fresh interpreters (spawn: no copy of the parent's threads or sockets)."""
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_watch_parent,
        initargs=(os.getpid(),),
    )


def _watch_parent(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_EVERY)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()
