"""Reference cycles are collected on the UI thread while a window is open, never on a worker thread."""

import gc
import threading

import pytest

pytestmark = pytest.mark.window


_KEPT: list = []


class _Node:
    freed_on: list = []

    def __del__(self):
        _Node.freed_on.append(threading.get_ident())


def _garbage_from_a_worker(cycles: int) -> None:
    def work():
        for _ in range(cycles):
            node = _Node()
            node.me = node  # a cycle: only the collector frees it
            del node
        # Enough live allocations to cross the young generation's threshold (the interpreter would collect here).
        _KEPT[:] = [[] for _ in range(5_000)]

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()


def test_cycles_made_on_a_worker_are_freed_on_the_ui_thread(qtbot):
    from app.qt_app import ensure_application
    from app.ui.ui_gc import UiThreadCollector

    ensure_application()
    was_enabled = gc.isenabled()
    _Node.freed_on = []
    collector = UiThreadCollector(interval_ms=20)
    try:
        assert not gc.isenabled()
        _garbage_from_a_worker(40)
        assert _Node.freed_on == [], "the worker's allocations must not run the collector on the worker"
        qtbot.waitUntil(lambda: len(_Node.freed_on) == 40, timeout=5000)
        assert set(_Node.freed_on) == {threading.get_ident()}
        assert collector.collections > 0
    finally:
        collector.stop()
    assert gc.isenabled() == was_enabled


def test_without_the_collector_a_worker_frees_the_cycles_itself():
    """The hazard the collector removes (and proof that the test above can fail)."""
    gc.enable()
    gc.collect()
    _Node.freed_on = []
    _garbage_from_a_worker(40)
    assert _Node.freed_on and threading.get_ident() not in _Node.freed_on
