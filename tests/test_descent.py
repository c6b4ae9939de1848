"""The loop itself: recording, compiled vs eager, seeds, cancel, pause, divergence."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

import solvers.run.descent as descent_module
from solvers.chapters.registry import make_problem
from solvers.run.descent import Descent
from solvers.run.settings import Outcome, RunSettings


def finish(descent: Descent, iterations: int | None = None) -> Descent:
    for _ in descent.run(iterations):
        pass
    return descent


def test_every_iteration_is_recorded_with_params_before_the_update():
    descent = finish(Descent(make_problem("3"), RunSettings(1e-4, 50)))
    rows = descent.history.rows
    assert rows.shape == (50, 10)
    layout = descent.layout
    # params of row i+1 are params of row i minus eta times row i's gradient
    expected = rows[:-1, layout.params] - np.float32(1e-4) * rows[:-1, layout.grads]
    assert np.allclose(rows[1:, layout.params], expected, rtol=1e-6, atol=1e-7)
    # the recorded predictions are w·x + b of the recorded params
    x = np.array([[1.1, 4.6, 8.9], [2.3, 5.7, 10.1]], dtype=np.float32)
    predicted = rows[:, :2] @ x + rows[:, 2:3]
    assert np.allclose(rows[:, layout.predictions], predicted, rtol=1e-5)


def test_compiled_and_eager_loops_give_identical_rows(monkeypatch):
    problem = make_problem("3")
    monkeypatch.setattr(descent_module, "SCRIPT_FROM", 10**9)
    eager = finish(Descent(problem, RunSettings(1e-4, 3000)))
    monkeypatch.setattr(descent_module, "SCRIPT_FROM", 1)
    compiled = finish(Descent(problem, RunSettings(1e-4, 3000)))
    assert compiled.report is not None and compiled.report.compiled
    assert eager.report is not None and not eager.report.compiled
    assert eager.report.why_eager == "a short run"
    assert np.array_equal(eager.history.rows, compiled.history.rows)


def test_the_same_seed_gives_the_same_run_and_another_seed_another():
    problem = make_problem("2")
    a = finish(Descent(problem, RunSettings(0.4, 20, seed=7)))
    b = finish(Descent(problem, RunSettings(0.4, 20, seed=7)))
    c = finish(Descent(problem, RunSettings(0.4, 20, seed=8)))
    assert np.array_equal(a.history.rows, b.history.rows)
    assert not np.array_equal(a.history.rows, c.history.rows)


def test_the_start_draw_is_the_books_normal_draw():
    descent = Descent(make_problem("2"), RunSettings(0.4, 1, seed=11))
    expected = np.random.RandomState(11).normal(0, 0.01, 2)
    assert descent.start == pytest.approx(tuple(expected))


def test_an_unseeded_run_reports_the_seed_that_reproduces_it():
    problem = make_problem("1")
    first = finish(Descent(problem, RunSettings(0.4, 5)))
    again = finish(Descent(problem, RunSettings(0.4, 5, seed=first.seed)))
    assert np.array_equal(first.history.rows, again.history.rows)


def test_cancel_from_another_thread_stops_a_long_run_promptly():
    descent = Descent(make_problem("3"), RunSettings(1e-4, 10_000_000))
    recorded_at_cancel: list[int] = []

    def cancel() -> None:
        recorded_at_cancel.append(descent.history.count)
        descent.control.cancel()

    timer = threading.Timer(0.3, cancel)
    runner = threading.Thread(target=finish, args=(descent,), daemon=True)
    timer.start()
    runner.start()
    runner.join(60)  # the run had an hour of work left: ending at all is the stop
    assert not runner.is_alive(), "the cancelled run did not end"
    assert descent.report is not None and descent.report.outcome is Outcome.STOPPED
    assert 0 < descent.history.count < 10_000_000
    # the loop polls the flag each iteration: at most the chunk then in flight ran on
    assert descent.history.count - recorded_at_cancel[0] <= descent_module.MAX_CHUNK
    assert descent.report.iterations == descent.history.count


def test_pause_holds_the_run_and_resume_continues():
    descent = Descent(make_problem("3"), RunSettings(1e-4, 4000))
    descent.control.pause()
    thread = threading.Thread(target=finish, args=(descent,))
    thread.start()
    time.sleep(0.3)
    assert descent.history.count == 0 and thread.is_alive()
    descent.control.resume()
    thread.join(timeout=30)
    assert descent.history.count == 4000


def test_run_can_be_called_one_step_at_a_time_then_finish_the_rest():
    descent = Descent(make_problem("1"), RunSettings(0.4, 15, start=(0.5,)))
    for _ in range(3):
        finish(descent, 1)
    assert descent.history.count == 3
    xs = descent.history.rows[:, 0]
    assert xs[1] == pytest.approx(0.5 - 0.4 * (0.5 - 2))
    finish(descent)
    assert descent.history.count == 15  # run() with no count does what the settings have left


def test_divergence_stops_at_the_iteration_and_keeps_the_rows_before():
    problem = make_problem("1")
    descent = finish(Descent(problem, RunSettings(3.0, 1000, start=(1.0,))))
    report = descent.report
    assert report is not None and report.outcome is Outcome.DIVERGED
    assert report.divergence is not None
    k = report.divergence.iteration
    assert descent.history.count == k
    assert np.isfinite(descent.history.rows).all()
    # |x - 2| doubles each step from 1: the gap (x-2)²/2 = 4^k / 2 passes 100 × 0.5 at k = 4
    assert k == 4
    assert "η < 2" in report.divergence.message


def test_overflow_to_inf_in_float32_is_caught_where_it_happens():
    problem = make_problem("3")
    descent = finish(Descent(problem, RunSettings(1000.0, 100)))
    assert descent.diverged is not None
    assert np.isfinite(descent.history.rows).all()
    assert descent.history.count == descent.diverged.iteration


def test_a_pause_after_a_cancel_does_not_hold_the_run():
    descent = Descent(make_problem("3"), RunSettings(1e-4, 10_000_000))
    descent.control.cancel()
    descent.control.pause()  # space pressed while the stopped run was ending
    thread = threading.Thread(target=finish, args=(descent,))
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert descent.report is not None and descent.report.outcome is Outcome.STOPPED


def test_a_cancel_releases_a_paused_run():
    descent = Descent(make_problem("3"), RunSettings(1e-4, 10_000_000))
    thread = threading.Thread(target=finish, args=(descent,))
    thread.start()
    time.sleep(0.3)
    descent.control.pause()
    time.sleep(0.2)
    descent.control.cancel()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert descent.report is not None and descent.report.outcome is Outcome.STOPPED


def test_a_run_falls_back_to_the_eager_loop_when_torchscript_fails(monkeypatch):
    def broken(module):
        raise RuntimeError("TorchScript is gone")

    monkeypatch.setattr(descent_module.torch.jit, "script", broken)
    problem = make_problem("3")
    descent = finish(Descent(problem, RunSettings(1e-4, 2500)))
    assert descent.history.count == 2500
    chunk = descent.compile()
    assert not chunk.compiled and "TorchScript is gone" in chunk.why_eager
    assert descent.report is not None and not descent.report.compiled
