"""The launched app keeps full garbage collections short (tui/app/collector.py).

``settle`` itself runs in a child Python: frozen objects are never collected, and
this test process builds thousands of apps. The app's calls to it are counted with
``settle`` replaced.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_helpers import wait_until
from test_import_hygiene import fresh_python
from textual.pilot import Pilot

import tui.app.app
from tui.app.app import GdlabApp
from tui.app.collector import THRESHOLDS
from tui.app.solver_state import SolverStatus

SETTLE_IN_A_CHILD = """
import gc, weakref
from tui.app.collector import settle

class Node:
    pass

kept = [Node() for _ in range(100)]          # lives on: must leave the collector's walk
dead = Node(); dead.me = dead                 # a cycle nobody holds: must be collected
gone = weakref.ref(dead)
del dead
gc.disable()  # as tui.app.launch leaves it: no collection but settle's
frozen_before = gc.get_freeze_count()
settle()
walked = {id(o) for o in gc.get_objects()}
print(gone() is None, gc.get_freeze_count() > frozen_before + 100,
      id(kept) in walked, any(id(n) in walked for n in kept))
"""


def test_settle_collects_garbage_then_takes_what_lives_out_of_later_walks() -> None:
    printed = fresh_python(SETTLE_IN_A_CHILD)
    collected, froze, list_walked, nodes_walked = printed.split()
    assert collected == "True", "a cycle nobody held was frozen instead of collected"
    assert froze == "True"
    assert (list_walked, nodes_walked) == ("False", "False"), "live objects still walked"


class Counted:
    """Stands in for tui.app.collector.settle: counts calls, says on which thread."""

    def __init__(self) -> None:
        self.threads: list[str] = []

    def __call__(self) -> None:
        self.threads.append(threading.current_thread().name)


@pytest.fixture
def settles(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counted]:
    """settle counted; the collector's thresholds and state put back after."""
    counted = Counted()
    monkeypatch.setattr(tui.app.app, "settle", counted)
    thresholds = gc.get_threshold()
    try:
        yield counted
    finally:
        gc.set_threshold(*thresholds)
        gc.enable()


async def _loaded(pilot: Pilot[None], app: GdlabApp) -> None:
    await wait_until(pilot, lambda: app.solver.status is SolverStatus.READY, "torch to load", 60)


async def _show(pilot: Pilot[None], app: GdlabApp, key: str, mode: str) -> None:
    await pilot.press(key)
    await wait_until(pilot, lambda: app.current_mode == mode, f"mode {mode}")
    await pilot.pause()
    await pilot.pause()


async def test_the_launched_app_settles_once_torch_is_loaded_and_once_per_new_screen(
    settles: Counted,
) -> None:
    gc.disable()  # tui.app.launch pauses the collector for the start
    gc.set_threshold(700, 10, 10)
    try:
        app = GdlabApp(manage_collector=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await _loaded(pilot, app)
            assert gc.isenabled(), "the collector stayed off after torch loaded"
            assert gc.get_threshold() == THRESHOLDS
            assert len(settles.threads) == 1
            assert settles.threads[0] != threading.main_thread().name  # the loader's
            await _show(pilot, app, "3", "chapter3")
            assert len(settles.threads) == 2
            assert settles.threads[1] == threading.main_thread().name
            await _show(pilot, app, "1", "chapter1")  # the first screen: settled with torch
            await _show(pilot, app, "3", "chapter3")  # shown before
            assert len(settles.threads) == 2
            await _show(pilot, app, "5", "compare")
            assert len(settles.threads) == 3
    finally:
        gc.enable()


class SlowTorch(GdlabApp):
    """torch takes until the test says so to load."""

    CSS_PATH = str(Path(tui.app.app.__file__).with_name("app.tcss"))
    release = threading.Event()

    def _make_solver(self) -> None:
        assert self.release.wait(60)
        super()._make_solver()


async def test_a_screen_first_shown_while_torch_loads_is_settled_by_the_loader(
    settles: Counted,
) -> None:
    gc.disable()
    SlowTorch.release.clear()
    try:
        app = SlowTorch(manage_collector=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: app.first_frame_shown, "the first frame")
            await _show(pilot, app, "2", "chapter2")
            assert settles.threads == []
            assert not gc.isenabled(), "the collector came on while torch was loading"
            SlowTorch.release.set()
            await _loaded(pilot, app)
            assert len(settles.threads) == 1
            assert gc.isenabled()
    finally:
        SlowTorch.release.set()
        gc.enable()


async def test_an_app_not_launched_for_a_user_never_settles(settles: Counted) -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot, app)
        await _show(pilot, app, "2", "chapter2")
        await _show(pilot, app, "5", "compare")
    assert settles.threads == []
