"""Child process of the B5 memory figure: the headless app running one long ch3 run.

Run in its own process so that the peak RSS it reports belongs to this run alone.
"""

from __future__ import annotations

import asyncio
import gc
import json
from pathlib import Path


def _status_kib(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{key} not in /proc/self/status")


def main(iterations: int) -> None:
    """Print JSON: idle RSS, peak RSS during the run, rows kept, seconds."""
    from tui.app.app import GdlabApp
    from tui.bench.headless import ready_screen, run_to_end, set_iterations

    async def measure() -> dict[str, float]:
        app = GdlabApp(start_chapter="3")
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await ready_screen(app, pilot)
            await set_iterations(pilot, screen, iterations)
            gc.collect()
            idle = _status_kib("VmRSS")
            Path("/proc/self/clear_refs").write_text("5")  # restart the peak (VmHWM) here
            seconds = await run_to_end(pilot, screen, poll=0.1)
            return {
                "idle_kib": idle,
                "peak_kib": _status_kib("VmHWM"),
                "rows": screen.controller.count,
                "seconds": seconds,
            }

    print(json.dumps(asyncio.run(measure())))
