"""The status line never cuts a number, and says what the run did (issue 21: 5, 10, 13).

Checked on what the status widget actually draws (its rendered lines at the
screen's size), after the run's end reached it: every number drawn is whole (one
of the numbers the status model holds), none ends in "…", and the numbers that
matter (f, and on divergence the lesson's bound) are drawn.
"""

from __future__ import annotations

import re

import pytest
from app_helpers import chapter, first_screen, set_fields, tap, wait_until
from textual.geometry import Region
from textual.widgets import Input, Static

from tui.app.app import GdlabApp
from tui.app.run_controller import Phase
from tui.app.screens.chapter import ChapterScreen
from tui.app.widgets.run_status import RunStatus, fit_status, status_model

NUMBER = re.compile(r"(?<![\w.])[-+]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?")
"""A number as the status writes one: 1,234 · 2.4e-06 · -0.5 · 3."""


def drawn(screen: ChapterScreen) -> str:
    """The status's rendered lines, as the terminal shows them."""
    status = screen.query_one(RunStatus)
    width, height = status.size
    return "\n".join(
        strip.text.rstrip() for strip in status.render_lines(Region(0, 0, width, height))
    )


def model_text(screen: ChapterScreen) -> str:
    """Every form of every field and message the status model holds."""
    model = status_model(screen.controller, False)
    forms = [f.long for f in model.fields] + [f.short for f in model.fields]
    return "\n".join(forms + [form for message in model.messages for form in message])


async def settled(pilot, screen: ChapterScreen, phase: Phase, needle: str) -> str:
    """The drawn status once the run has ended in ``phase`` and the status shows
    ``needle`` with as many rows as it has lines."""
    await wait_until(pilot, lambda: screen.controller.phase is phase, f"the run to be {phase}")
    status = screen.query_one(RunStatus)

    def shown() -> bool:
        text = str(status.render())
        return needle in text and status.size.height == text.count("\n") + 1

    await wait_until(pilot, shown, f"the status to show {needle!r}", 10, drain=True)
    return drawn(screen)


def assert_no_number_cut(text: str, model: str) -> None:
    assert not re.search(r"\d…|…\d", text), text
    whole = set(NUMBER.findall(model))
    for number in NUMBER.findall(text):
        assert number in whole, f"{number!r} is not a whole number of the status: {text!r}"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_divergence_keeps_its_iteration_f_and_the_lesson_whole(size) -> None:
    app = GdlabApp()
    async with app.run_test(size=size) as pilot:
        screen = await first_screen(pilot)
        await set_fields(pilot, screen, eta="3", start="1")
        await tap(pilot, "r")
        text = await settled(pilot, screen, Phase.DIVERGED, "diverged at iteration 4")
        assert_no_number_cut(text, model_text(screen))
        assert "diverged at iteration 4" in text
        assert re.search(r"η < 2(?![\d.])", text), text  # the lesson, whole
        view = screen.controller.view
        assert view is not None
        assert f"f = {float(view.rows[-1, view.layout.objective]):.6g}" in text


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_finished_run_draws_f_and_its_distance_whole(size) -> None:
    app = GdlabApp()
    async with app.run_test(size=size) as pilot:
        screen = await first_screen(pilot)
        await set_fields(pilot, screen, eta="0.4", start="1")
        await tap(pilot, "r")
        text = await settled(pilot, screen, Phase.FINISHED, "f = ")
        assert_no_number_cut(text, model_text(screen))
        view = screen.controller.view
        assert view is not None
        assert f"f = {float(view.rows[-1, view.layout.objective]):.6g}" in text
        if size == (120, 40):  # room for every field
            assert "15 of 15 iterations" in text and "‖θ−θ*‖ = " in text


def test_fitting_drops_lesser_fields_and_wraps_between_words_only() -> None:
    from tui.app.widgets.run_status import Field, StatusModel

    model = StatusModel(
        (
            Field("finished", "finished", 100),
            Field("monotone", "monotone", 10),
            Field("15 of 15 iterations", "15/15", 50),
            Field("f = 2.40039e-06", "f = 2.40039e-06", 90),
            Field("‖θ−θ*‖ = 0.00155", "‖θ−θ*‖ = 0.00155", 30),
        ),
        (("diverged at iteration 4; plain gradient descent is stable here for η < 2",),),
    )
    for width in range(12, 120):
        lines = fit_status(model, width)
        longest = max(len(w) for line in lines for w in line.split(" "))
        assert all(len(line) <= max(width, longest) for line in lines), (width, lines)
        assert "f = 2.40039e-06" in lines[0] or "2.40039e-06" in "\n".join(lines)
        assert "η < 2" in " ".join(lines)  # wrapped, never cut
    assert fit_status(model, 30)[0] == "finished · f = 2.40039e-06"
    assert fit_status(model, 200)[0].startswith("finished · monotone · 15 of 15 iterations")


@pytest.mark.slow
async def test_rosenbrock_ends_without_the_divergent_word_it_started_with() -> None:
    """Issue 21 item 5: "finished · divergent · f = 1.5e-09" with f falling every step."""
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 6)
        screen.query_one("#expr", Input).value = "(1-x0)**2 + 100*(x1-x0**2)**2"
        screen.query_one("#start", Input).value = "-1.5, 2"
        screen.query_one("#eta", Input).value = "0.001"
        screen.query_one("#iterations", Input).value = "300"
        screen.action_leave_field()
        await tap(pilot, "r")
        text = await settled(pilot, screen, Phase.FINISHED, "did not hold")
        assert "divergent near the start" not in text.splitlines()[0]
        assert "did not hold" in text and "f fell every step" in text
        assert_no_number_cut(text, model_text(screen))


async def test_a_start_where_f_is_not_defined_is_refused_and_flagged() -> None:
    """Issue 21 item 13: log(x) at −1 was "diverged at iteration 0"."""
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 6)
        screen.query_one("#expr", Input).value = "log(x)"
        screen.query_one("#start", Input).value = "-1"
        screen.action_leave_field()
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.REFUSED, "refusal")
        flag = screen.query_one("#start-error", Static)
        await wait_until(pilot, lambda: "f is not finite" in str(flag.render()), "flag", 10)
        assert str(flag.render()).startswith("f is not finite at the start (f = nan)")
        assert screen.query_one("#start", Input).has_class("-invalid")
        status = str(screen.query_one(RunStatus).render())
        assert status.startswith("refused") and "start: f is not finite" in status
        assert screen.controller.view is None and app.is_running


@pytest.mark.parametrize(
    ("expr", "start", "phase", "words"),
    [
        ("-x^2", "1", Phase.UNBOUNDED, "f fell without bound at iteration 76"),
        ("cos(x)", "0", Phase.FINISHED, "on a local maximum, not a minimum: ∇f = 0"),
    ],
)
async def test_your_function_falling_or_on_a_maximum_says_so(expr, start, phase, words) -> None:
    """Issue 21 item 12: −x² "finished" at f = −3.3e31; cos(x) from 0 on its maximum."""
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 6)
        screen.query_one("#expr", Input).value = expr
        screen.query_one("#start", Input).value = start
        screen.query_one("#eta", Input).value = "0.1"
        screen.query_one("#iterations", Input).value = "200"
        screen.action_leave_field()
        await tap(pilot, "r")
        text = await settled(pilot, screen, phase, words)
        assert text.lstrip().startswith(phase.value)
        assert "diverged" not in text and "converged" not in text
        assert_no_number_cut(text, model_text(screen))
