"""The figures measured on a real terminal: ``python -m tui`` on a pty, as a user's
terminal would run it. B4 (start to first frame, against a one-widget Textual
app), B6 (bytes written during a run) and B3 (key press to screen update)."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from tui.bench.measures import Figure
from tui.bench.pty_session import PtySession


def _start_app(
    columns: int = 120, rows: int = 40, env: dict[str, str] | None = None
) -> tuple[PtySession, float]:
    session = PtySession(columns, rows, env=env)
    painted = session.wait_for(b"Chapter 1", session.started, timeout=20)
    if painted is None:
        session.close()
        raise RuntimeError("the app drew no first frame within 20 s")
    # wait until torch has loaded: the facts show the computed bound
    session.wait_for(b"stable for \xce\xb7 < 2", session.started, timeout=60)
    return session, painted - session.started


HELLO_TEXTUAL = (
    "from textual.app import App\n"
    "from textual.widgets import Static\n"
    "class Hello(App):\n"
    "    def compose(self):\n"
    "        yield Static('Chapter 1')\n"
    "Hello().run()\n"
)
"""The floor of B4: the smallest Textual app, started the same way on the same pty."""


def _hello_first_paint() -> float:
    session = PtySession(command=[sys.executable, "-c", HELLO_TEXTUAL])
    try:
        painted = session.wait_for(b"Chapter 1", session.started, timeout=20)
        if painted is None:
            raise RuntimeError("the bare Textual app drew no frame within 20 s")
        return painted - session.started
    finally:
        session.process.kill()
        session.close()


def compile_bytecode() -> bool:
    """Compile gdlab's own modules to bytecode, as ``pip install`` does; whether all
    compiled. Textual's were compiled when it was installed: a checkout run with
    PYTHONDONTWRITEBYTECODE (this development machine sets it) would otherwise
    compile gdlab's ~40 modules at every start (about 0.1 s here) and B4 would
    measure that rather than the app."""
    import compileall

    import solvers

    done = True
    for package in (Path(__file__).parents[1], Path(solvers.__file__).parent):
        done = bool(compileall.compile_dir(package, quiet=2)) and done
    return done


def b4_first_paint(samples: int = 11) -> Figure:
    """gdlab's first frame against the floor: a one-widget Textual app on the same pty.

    Alternating (floor, gdlab, floor, gdlab, ...) in one bench run; the figure is the
    median of the pairs' differences, so what the machine adds to both cancels out.
    """
    compiled = compile_bytecode()
    times = []
    floors = []
    for _ in range(samples):
        floors.append(_hello_first_paint())
        session, first = _start_app()
        session.close()
        times.append(first)
    excess = statistics.median(t - f for t, f in zip(times, floors, strict=True))
    return Figure(
        "B4",
        "gdlab start to first frame, over a one-widget app's",
        excess,
        "s",
        "≤ +0.1",
        excess <= 0.1,
        f"gdlab {statistics.median(times):.2f} s (samples {', '.join(f'{t:.2f}' for t in times)}); "
        f"a one-widget Textual app on the same pty {statistics.median(floors):.2f} s "
        f"(samples {', '.join(f'{f:.2f}' for f in floors)}); gdlab's modules "
        + (
            "compiled to bytecode first, as pip install does"
            if compiled
            else "NOT compiled to bytecode (read-only install?)"
        ),
        [t - f for t, f in zip(times, floors, strict=True)],
    )


def _ch3_run_bytes(session: PtySession) -> tuple[int, float]:
    """Bytes written to the pty during a whole ch3 run, and the run's seconds."""
    session.send("3")
    time.sleep(0.5)
    begin = session.send("r")
    done = session.wait_for(b"finished", begin, timeout=600)
    if done is None:
        raise RuntimeError("the chapter 3 run did not finish in the pty")
    return session.bytes_between(begin, done), done - begin


def b3_b6_pty() -> tuple[Figure, Figure]:
    """B6: bytes to the pty during a full ch3 run, at Textual's 60 fps and at the SSH
    default (`gdlab --fps`); B3: key to screen update during another run."""
    from tui.app.fps import SSH_FPS

    slow, _ = _start_app(env={"TEXTUAL_FPS": str(SSH_FPS)})
    try:
        slow_sent, slow_seconds = _ch3_run_bytes(slow)
    finally:
        slow.close()
    slow_rate = slow_sent / 1024 / slow_seconds
    session, _ = _start_app(env={"TEXTUAL_FPS": "60"})
    try:
        sent, seconds = _ch3_run_bytes(session)
        rate = sent / 1024 / seconds
        b6 = Figure(
            "B6",
            "bytes to the terminal during the ch3 run",
            rate,
            "KiB/s",
            "≤ 32",
            rate <= 32,
            f"{sent / 1024:.0f} KiB in {seconds:.1f} s at 60 fps (Textual's default); "
            f"at --fps {SSH_FPS} (the default over SSH): {slow_rate:.1f} KiB/s, "
            f"{slow_sent / 1024:.0f} KiB in {slow_seconds:.1f} s",
        )
        session.send("\x12")  # ctrl+r: reset
        time.sleep(0.3)
        begin = session.send("r")
        session.wait_for(b"running", begin, timeout=30)
        time.sleep(1.0)
        latencies = pause_latencies(session)
        session.send("s")
        b3 = latency_figure("key press to screen update during a run (p95)", latencies)
        return b3, b6
    finally:
        session.close()


def pause_latencies(session: PtySession, presses: int = 20) -> list[float]:
    """Seconds from each press of space (pause, resume, …) to the word it brings
    ("paused", "running") on the screen, during a run that is going. A fast machine
    ends a run in less time than the presses take: a press that finds the run ended
    is not counted, and r starts another run before the next one."""
    latencies: list[float] = []
    began = time.perf_counter()
    paused = False
    while len(latencies) < presses:
        if not paused and session.wait_for(b"finished", began, timeout=0.01) is not None:
            began = _run_again(session)
        pressed = session.send(" ")
        shown = session.wait_for(b"running" if paused else b"paused", pressed, timeout=5)
        if shown is None and session.wait_for(b"finished", began, timeout=0.01) is not None:
            began, paused = _run_again(session), False  # it ended before the press
            continue
        latencies.append((shown - pressed) if shown is not None else 5.0)
        paused = not paused
        time.sleep(0.2)
    return latencies


def _run_again(session: PtySession) -> float:
    """Start another run (r) once the last has finished; when it began."""
    began = session.send("r")
    session.wait_for(b"running", began, timeout=30)
    time.sleep(0.5)
    return began


def latency_figure(name: str, latencies: list[float]) -> Figure:
    """B3's figure from key-to-screen latencies: their p95 against 50 ms."""
    p95 = statistics.quantiles(latencies, n=20)[-1]
    return Figure(
        "B3",
        name,
        p95 * 1000,
        "ms",
        "≤ 50",
        p95 <= 0.05,
        f"median {statistics.median(latencies) * 1000:.0f} ms over {len(latencies)} "
        "presses of space (pause/resume)",
        [v * 1000 for v in latencies],
    )
