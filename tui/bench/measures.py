"""The figures of ``gdlab bench``, each measured side by side on this machine.

Timings on a shared machine drift from run to run, so ratios come from
alternating the two sides (book, gdlab, book, gdlab, ...) in one process and
taking the median of the pairs' ratios.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.bench.pty_session import PtySession

CH3_ITERATIONS = 30_000
_CH3: Any = None


@dataclass
class Figure:
    """One benchmark line: the measured value, its target, and how it was measured."""

    key: str
    name: str
    value: float
    unit: str
    target: str
    met: bool
    detail: str = ""
    samples: list[float] = field(default_factory=list)


def book_loop(iterations: int = CH3_ITERATIONS) -> float:
    """The book's chapter-3 loop without its prints; returns seconds."""
    return book_loop_ending(iterations)[0]


def book_loop_ending(iterations: int) -> tuple[float, tuple[float, ...]]:
    """:func:`book_loop`'s seconds, and where it left the parameters (w0, w1, b)."""
    import torch

    x = torch.tensor([[1.1, 4.6, 8.9], [2.3, 5.7, 10.1]], dtype=torch.float32)
    y_target = torch.tensor([13.5700, 38.7000, 70.5100], dtype=torch.float32)
    w = torch.tensor([0.001, 0.003], dtype=torch.float32).unsqueeze(dim=0)
    w.requires_grad_(True)
    b = torch.tensor([0.005], dtype=torch.float32)
    b.requires_grad_(True)
    eta = 0.0001
    started = time.perf_counter()
    for _ in range(iterations):
        y = torch.mm(w, x) + b
        loss = (y - y_target) ** 2 / 2
        sum_err = torch.sum(loss)
        sum_err.backward()  # type: ignore[no-untyped-call]
        w.data -= eta * w.grad  # type: ignore[operator]
        b.data -= eta * b.grad  # type: ignore[operator]
        w.grad.data.zero_()  # type: ignore[union-attr]
        b.grad.data.zero_()  # type: ignore[union-attr]
    seconds = time.perf_counter() - started
    return seconds, tuple(float(v) for v in [*w.detach().reshape(-1), *b.detach()])


def solver_run(iterations: int = CH3_ITERATIONS) -> float:
    """gdlab's solver on chapter 3, recording every iteration's full state; seconds.

    Like the app, it reuses one problem, so TorchScript compiles once (in the warm-up).
    """
    return solver_run_ending(iterations)[0]


def solver_run_ending(iterations: int) -> tuple[float, tuple[float, ...]]:
    """:func:`solver_run`'s seconds, and where it left the parameters (w0, w1, b)."""
    from solvers.descent import Descent
    from solvers.problems import make_problem
    from solvers.runs import RunSettings

    global _CH3
    if _CH3 is None:
        _CH3 = make_problem("3")
    descent = Descent(_CH3, RunSettings(1e-4, iterations))
    started = time.perf_counter()
    for _ in descent.run():
        pass
    elapsed = time.perf_counter() - started
    assert descent.history.count == iterations
    return elapsed, descent.current_values()


def app_run(iterations: int = CH3_ITERATIONS) -> float:
    """The app headless at 120x40 running chapter 3 to the end; seconds from r to done."""
    from tui.app import GdlabApp
    from tui.bench.headless import ready_screen, run_to_end, set_iterations

    async def measure() -> float:
        app = GdlabApp(start_chapter="3")
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await ready_screen(app, pilot)
            await set_iterations(pilot, screen, iterations)
            elapsed = await run_to_end(pilot, screen)
            assert screen.controller.count == iterations
            return elapsed

    return asyncio.run(measure())


def paired_ratio(gdlab: Callable[[], float], pairs: int) -> tuple[float, list[float], list[float]]:
    """Median of gdlab/book ratios over ``pairs`` alternating runs (book first)."""
    books: list[float] = []
    ours: list[float] = []
    for _ in range(pairs):
        books.append(book_loop())
        ours.append(gdlab())
    ratios = [o / b for o, b in zip(ours, books, strict=True)]
    return statistics.median(ratios), books, ours


def b1_solver(pairs: int = 3) -> Figure:
    solver_run(2000)  # warm up TorchScript once, as any long run has
    ratio, books, ours = paired_ratio(solver_run, pairs)
    return Figure(
        "B1",
        "solver vs book loop (ch3, 30k, every state recorded)",
        ratio,
        "x",
        "≤ 0.7",
        ratio <= 0.7,
        f"book {statistics.median(books) / CH3_ITERATIONS * 1e6:.0f} µs/it, "
        f"gdlab {statistics.median(ours) / CH3_ITERATIONS * 1e6:.0f} µs/it",
    )


def b2_live(pairs: int = 2) -> Figure:
    ratio, books, ours = paired_ratio(app_run, pairs)
    return Figure(
        "B2",
        "live app vs book loop (headless 120x40, ch3 30k)",
        ratio,
        "x",
        "≤ 1.0",
        ratio <= 1.0,
        f"book {statistics.median(books):.2f} s, app {statistics.median(ours):.2f} s",
    )


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
    from tui.cli import SSH_FPS

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
    ("paused", "running") on the screen, during a run that is going."""
    latencies = []
    for i in range(presses):
        word = b"paused" if i % 2 == 0 else b"running"
        pressed = session.send(" ")
        shown = session.wait_for(word, pressed, timeout=5)
        latencies.append((shown - pressed) if shown is not None else 5.0)
        time.sleep(0.2)
    return latencies


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


def b5_memory(iterations: int = 1_000_000) -> Figure:
    """Peak RSS growth of the headless app over its idle self during a long ch3 run."""
    done = subprocess.run(
        [sys.executable, "-c", f"from tui.bench.memory_child import main; main({iterations})"],
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"memory run failed: {done.stderr.strip()[-400:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    growth = (data["peak_kib"] - data["idle_kib"]) / 1024
    return Figure(
        "B5",
        f"peak RSS growth, {iterations:,}-iteration ch3 run",
        growth,
        "MB",
        "≤ 64",
        growth <= 64,
        f"idle {data['idle_kib'] / 1024:.0f} MB, peak {data['peak_kib'] / 1024:.0f} MB, "
        f"{data['rows']:,} rows kept, {data['seconds']:.0f} s",
    )


def b10_classroom(together: int = 30) -> Figure:
    """A class on one `gdlab serve`: first frames of tabs opened together, memory per tab."""
    import os

    from tui.bench.classroom import measure_class

    load = os.getloadavg()[0]
    # the server has been up a while when the class arrives: its spares are forked
    forked = measure_class(together, fork=True, settle=15.0)
    # today's textual-serve way, a process per tab, with a few tabs only (it is slow)
    spawned = measure_class(3, fork=False)
    frames = forked.first_frames
    last = frames[-1] if len(frames) == together else float("inf")

    def rank(n: int) -> str:
        return f"{frames[n - 1]:.2f} s" if len(frames) >= n else "none"

    met = last <= 3.0 and forked.per_extra_mib <= 100
    return Figure(
        "B10",
        f"serve: {together} tabs opened together, last first frame",
        last,
        "s",
        "≤ 3, ≤ 100 MB",
        met,
        f"first frames: 1st {rank(1)}, 20th {rank(20)}, {together}th {rank(together)}"
        f"{f' ({forked.missing} never drew)' if forked.missing else ''}; "
        f"{forked.per_extra_mib:.0f} MiB PSS per extra tab ({forked.one_session_mib:.0f} MiB "
        f"with one tab, {forked.total_mib:.0f} MiB with {together + 1}); a process per tab "
        f"(GDLAB_SERVE_FORK=0): {spawned.per_extra_mib:.0f} MiB per tab, 3 tabs' last first "
        f"frame {spawned.first_frames[-1] if spawned.first_frames else float('nan'):.2f} s; "
        f"load average {load:.1f} before",
        frames,
    )


B8_ETAS = {
    "plain": 1e-4,
    "momentum": 1e-4,
    "nesterov": 1e-4,
    "adagrad": 1e-2,
    "rmsprop": 1e-2,
    "adam": 1e-2,
    "adamw": 1e-2,
}
"""η of each optimizer in B8: stable on chapter 3 for 30,000 iterations. plain is the
book's update against torch.optim.SGD without momentum; armijo has no torch.optim twin."""


def torch_optim_loop(name: str, iterations: int = CH3_ITERATIONS) -> float:
    """A bare torch.optim loop on chapter 3 (zero_grad, forward, backward, step), no
    recording; seconds."""
    import torch

    from solvers.optimizers import OptimizerChoice

    choice = OptimizerChoice(name)
    classes = {
        "plain": torch.optim.SGD,
        "momentum": torch.optim.SGD,
        "nesterov": torch.optim.SGD,
        "adagrad": torch.optim.Adagrad,
        "rmsprop": torch.optim.RMSprop,
        "adam": torch.optim.Adam,
        "adamw": torch.optim.AdamW,
    }
    x = torch.tensor([[1.1, 4.6, 8.9], [2.3, 5.7, 10.1]], dtype=torch.float32)
    y_target = torch.tensor([13.5700, 38.7000, 70.5100], dtype=torch.float32)
    w = torch.tensor([[0.001, 0.003]], dtype=torch.float32, requires_grad=True)
    b = torch.tensor([0.005], dtype=torch.float32, requires_grad=True)
    optimizer = classes[name]([w, b], lr=B8_ETAS[name], **choice.torch_kwargs)
    started = time.perf_counter()
    for _ in range(iterations):
        optimizer.zero_grad()
        y = torch.mm(w, x) + b
        loss = torch.sum((y - y_target) ** 2 / 2)
        loss.backward()  # type: ignore[no-untyped-call]
        optimizer.step()
    return time.perf_counter() - started


def optimizer_run(name: str, iterations: int = CH3_ITERATIONS) -> float:
    """gdlab's solver on chapter 3 under optimizer ``name``, every row recorded; seconds."""
    from solvers.descent import Descent
    from solvers.optimizers import OptimizerChoice
    from solvers.problems import make_problem
    from solvers.runs import RunSettings

    global _CH3
    if _CH3 is None:
        _CH3 = make_problem("3")
    settings = RunSettings(B8_ETAS[name], iterations, "cpu", optimizer=OptimizerChoice(name))
    descent = Descent(_CH3, settings)
    started = time.perf_counter()
    for _ in descent.run():
        pass
    elapsed = time.perf_counter() - started
    assert descent.history.count == iterations, descent.report
    return elapsed


def b8_optimizers(pairs: int = 3, names: tuple[str, ...] = tuple(B8_ETAS)) -> list[Figure]:
    """Each optimizer on ch3, 30,000 iterations recorded, against a bare torch.optim loop
    with the same optimizer (alternating, median ratio): one figure per optimizer."""
    figures = []
    for name in names:
        optimizer_run(name, 2000)  # compile once, as any long run has
        theirs: list[float] = []
        ours: list[float] = []
        for _ in range(pairs):
            theirs.append(torch_optim_loop(name))
            ours.append(optimizer_run(name))
        ratio = statistics.median(o / t for o, t in zip(ours, theirs, strict=True))
        figures.append(
            Figure(
                "B8",
                f"{name}: solver vs bare torch.optim loop (ch3, 30k)",
                ratio,
                "x",
                "≤ 0.5",
                ratio <= 0.5,
                f"torch.optim {statistics.median(theirs) / CH3_ITERATIONS * 1e6:.0f} µs/it, "
                f"gdlab {statistics.median(ours) / CH3_ITERATIONS * 1e6:.0f} µs/it",
                [o / t for o, t in zip(ours, theirs, strict=True)],
            )
        )
    return figures
