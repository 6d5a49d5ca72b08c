"""The full load's preparation in a thread of its own, with a helper process on the other core, handing over each
list the moment it is final.

Preparing a million-person town was about two and a half minutes of single-threaded Python before the first write,
with the other core idle. Here `prepare_in_order` (graph_loader/prepare.py) runs in a thread while a helper process
works out the people's rows, the address ids and the link reasons (prepare.prepare_in_order says which and why), and
the loader meanwhile claims the database. The writer (graph_loader/csv_load.py) can wait for each list separately,
so Neo4j could start on the people while the rest is prepared (FC_LOAD_OVERLAP=1, graph_loader/load.py); by
default it starts once all is prepared, because Neo4j's writes use both cores and, measured at a million people,
overlapping slowed them by more than it saved (docs/load_speed.md). The lists are exactly those
`prepare` returns; nothing readers see changes either way: the generation is published only once it is complete.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path

from graph_loader.helper_process import start_helper
from graph_loader.prepare import LoadReport, Prepared, prepare_in_order
from linkage.sources_config import SourcesConfig


class PreparationStopped(RuntimeError):
    """The preparation was stopped (the load failed elsewhere) before the list asked for was ready."""


class PrepareAhead:
    """`prepare` in a background thread; `rows(name)` waits until that list is final, `result()` until all are.

    An error while preparing is raised by the next `rows` or `result` call, in the caller's thread. `close()` stops
    the preparation at its next list (it is called on every way out of a load)."""

    def __init__(self, extracts: Path, linked: Path, cfg: SourcesConfig, run_id: str) -> None:
        self.prepared = Prepared(report=LoadReport(run_id=run_id, kind="full"))
        self.started = time.perf_counter()
        self.seconds: float | None = None  # how long the preparation took, once it is over
        self._ready: set[str] = set()
        self._error: BaseException | None = None
        self._over = False
        self._complete = False
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._helper = start_helper("load")
        self._thread = threading.Thread(target=self._run, args=(extracts, linked, cfg), name="load-prepare",
                                        daemon=True)
        self._thread.start()

    def _run(self, extracts: Path, linked: Path, cfg: SourcesConfig) -> None:
        try:
            for name in prepare_in_order(extracts, linked, cfg, self.prepared, self._helper):
                # When each list was ready (seconds after the start): shows how far preparing ran ahead of writing.
                self.prepared.report.timings[f"ready_{name}"] = round(time.perf_counter() - self.started, 2)
                with self._changed:
                    self._ready.add(name)
                    self._changed.notify_all()
                if self._stop.is_set():
                    return
            self._complete = True
        except BaseException as exc:  # handed to the thread waiting for rows
            with self._changed:
                self._error = exc
        finally:
            self._helper.shutdown(wait=False, cancel_futures=True)
            with self._changed:
                self.seconds = round(time.perf_counter() - self.started, 2)
                self._over = True
                self._changed.notify_all()

    def rows(self, name: str) -> list[dict]:
        """The Prepared list `name`, once final."""
        with self._changed:
            while name not in self._ready:
                if self._stop.is_set():
                    raise PreparationStopped(f"the preparation was stopped before {name} was ready")
                self._raise_if_over(name)
                self._changed.wait()
        return getattr(self.prepared, name)

    def result(self) -> Prepared:
        """The whole preparation, once over."""
        with self._changed:
            while not self._over:
                self._changed.wait()
            if not self._complete:
                self._raise_if_over("everything")
        return self.prepared

    def _raise_if_over(self, name: str) -> None:
        """The preparation's error, or PreparationStopped, if it is over without `name` (called holding the lock)."""
        if self._error is not None:
            raise self._error
        if self._over:
            raise PreparationStopped(f"the preparation stopped before {name} was ready")

    def close(self) -> None:
        """Stop preparing (after the list in hand) and let the helper process go; does not wait for either. Whoever
        waits for rows stops waiting (PreparationStopped)."""
        with self._changed:
            self._stop.set()
            self._changed.notify_all()
        self._helper.shutdown(wait=False, cancel_futures=True)


def prepare_with_helper(extracts: Path, linked: Path, cfg: SourcesConfig, run_id: str) -> Prepared:
    """`prepare`'s lists, with the helper process on the other core, for the paths that need every list before
    they write (the bulk import's files, UNWIND batches to a remote Neo4j)."""
    ahead = PrepareAhead(extracts, linked, cfg, run_id)
    try:
        return ahead.result()
    finally:
        ahead.close()
