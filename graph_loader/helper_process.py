"""One helper process on the other core, for the full load's preparation and for a one-source refresh.

Both hand it pure-Python work (link reasons, address ids, people's rows) that would otherwise run on the loader's
only thread while the second core sits idle.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor


def start_helper(purpose: str) -> ProcessPoolExecutor:
    """A one-process pool started with `spawn` (a fork would copy the loader's gigabytes and its driver's sockets)."""
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_helper_start, initargs=(os.getpid(), purpose))


def _helper_start(parent: int, purpose: str) -> None:
    """In the helper process: no cycle collector (it only builds strings), and exit when the process that started it
    is gone (a load or refresh killed with SIGKILL would otherwise leave it waiting for work for ever)."""
    gc.disable()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name=f"{purpose}-helper-watch", daemon=True).start()
