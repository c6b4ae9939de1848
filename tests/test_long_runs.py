"""Long runs: memory stays bounded, and a 10,000,000-iteration run can be watched and stopped.

The soak test runs 1,000,000 chapter-3 iterations in the headless app (about two
to four minutes here) and checks the performance issue's bound: peak RSS growth
over the idle app ≤ 64 MB with the whole history kept.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from app_helpers import RUN_TIMEOUT, wait_for, wait_until
from textual.widgets import Input

from tui.app.app import GdlabApp
from tui.app.run_controller import Phase
from tui.bench.headless import ready_screen

ROOT = Path(__file__).parents[1]


def test_history_memory_is_paid_per_row_written_not_per_row_reserved():
    from solvers.run.history import History, Layout

    def rss_kib() -> int:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS")

    before = rss_kib()
    history = History(Layout(("w0", "w1", "b"), ("y0", "y1", "y2")), 10_000_000)  # 400 MB reserved
    assert rss_kib() - before < 20_000
    block = history.reserve(100_000)
    block[:] = 1.0
    history.commit(100_000)
    assert history.count == 100_000
    assert rss_kib() - before < 40_000


@pytest.mark.slow
async def test_a_ten_million_iteration_run_can_be_watched_and_stopped():
    app = GdlabApp(start_chapter="3")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready_screen(app, pilot)
        screen.query_one("#iterations", Input).value = "10000000"
        await pilot.press("r")
        counts = [0]

        def more() -> int:
            """The count, once it is past the last one seen (0: not yet)."""
            now = screen.controller.count
            return now if now > counts[-1] else 0

        for _ in range(3):  # it is running: the count grows, and grows again
            counts.append(await wait_for(pilot, more, f"more than {counts[-1]} rows", RUN_TIMEOUT))
        assert counts[1] < counts[2] < counts[3] < 10_000_000
        assert screen.controller.view is not None
        live = screen.live
        assert live is not None
        # and watched: the table follows the rows
        await wait_until(pilot, lambda: live.table.row_count >= counts[2], "the table's rows")
        await pilot.press("s")
        await wait_until(pilot, lambda: not screen.controller.phase.live, "the stop", 10)
        assert screen.controller.phase is Phase.STOPPED
        assert screen.live.table.row_count == screen.controller.count


@pytest.mark.slow
def test_soak_one_million_iterations_stay_under_64_mb_of_growth():
    done = subprocess.run(
        [sys.executable, "-c", "from tui.bench.memory_child import main; main(1_000_000)"],
        capture_output=True,
        text=True,
        timeout=1800,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    data = json.loads(done.stdout.strip().splitlines()[-1])
    assert data["rows"] == 1_000_000
    growth_mb = (data["peak_kib"] - data["idle_kib"]) / 1024
    assert growth_mb <= 64, data
