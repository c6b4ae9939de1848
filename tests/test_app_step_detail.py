"""The explained step (``n``) on screen: all of it in sight, and the update its formula gives.

The explanation sits below the fields; after ``n`` the controls must scroll so that
every line of it is on screen, at each later ``n`` too (its height follows its text).
Checked by reading the screen as drawn, once the explanation is in the widget.
"""

from __future__ import annotations

import pytest
import torch
from app_helpers import chapter, first_screen, settled, tap, wait_until
from textual.geometry import Region
from textual.widgets import Select

from tui.app.app import GdlabApp
from tui.app.screens.chapter import ChapterScreen
from tui.app.widgets.step_detail import StepDetail

SIZES = [(120, 40), (80, 24)]


def number(value: float) -> str:
    """A number to the six significant digits the explanation shows."""
    return f"{value:.6g}"


def screen_rows(app: GdlabApp) -> list[str]:
    """The screen's rows as last drawn (what a terminal shows)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def own_lines(detail: StepDetail) -> list[str]:
    """The lines the explanation draws at its width."""
    width, height = detail.size
    return [strip.text.rstrip() for strip in detail.render_lines(Region(0, 0, width, height))]


def lines_on_screen(app: GdlabApp, lines: list[str], x: int, width: int) -> bool:
    """``lines`` stand on screen one under the other, from column ``x``."""
    rows = [row[x : x + width].rstrip() for row in screen_rows(app)]
    return any(rows[i : i + len(lines)] == lines for i in range(len(rows) - len(lines) + 1))


def shown_whole(app: GdlabApp, detail: StepDetail) -> bool:
    """Every line of the explanation is on screen."""
    lines = own_lines(detail)
    if not detail.text or len(lines) < detail.text.count("\n") + 1:
        return False  # not laid out at its text's height yet
    return lines_on_screen(app, lines, detail.content_region.x, detail.size.width)


async def step_and_wait(pilot, screen: ChapterScreen, label: str) -> StepDetail:
    """Press n; wait for the explanation whose first line has ``label`` to be in the widget."""
    detail = screen.query_one(StepDetail)
    await tap(pilot, "n")
    await wait_until(pilot, lambda: label in detail.text.split("\n")[0], label, 30)
    return detail


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_plain_step_is_whole_on_screen_and_its_update_is_minus_eta_g(size) -> None:
    """Chapter 3 at the book's settings: three steps, each explained in full sight."""
    app = GdlabApp()
    async with app.run_test(size=size) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 3)
        for k in range(3):
            detail = await step_and_wait(pilot, screen, f"step {k}:")
            await wait_until(
                pilot, lambda d=detail: shown_whole(app, d), f"step {k}'s lines on screen", 10
            )
            view, after = screen.controller.view, screen.controller.step_after
            assert view is not None and after is not None
            eta = view.settings.eta
            row = view.rows[k].astype(float)
            grads, before = row[view.layout.grads], row[view.layout.params]
            update = [number(-eta * g) for g in grads]
            moved = [number(a - b) for a, b in zip(after, before, strict=True)]
            line = next(x for x in detail.text.splitlines() if "update  −η∇f" in x)
            assert line.startswith(f" update  −η∇f  = [{', '.join(update)}]"), line
            if moved != update:  # float32 rounded θ: the move said too, and why
                assert f"; θ moved [{', '.join(moved)}] (float32 rounding)" in line, line
            else:
                assert "θ moved" not in line, line
            assert f"η             = {number(eta)}" in detail.text


def adam_first_step(theta: float, grad: float, eta: float) -> float:
    """θ's change in torch.optim.Adam's first step, in float64."""
    param = torch.tensor([theta], dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([param], lr=eta)
    param.grad = torch.tensor([grad], dtype=torch.float64)
    with torch.no_grad():
        optimizer.step()
    return float(param.detach()[0]) - theta


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_adam_step_is_in_sight_and_is_adams_own_update(size) -> None:
    app = GdlabApp()
    async with app.run_test(size=size) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 3)
        screen.query_one("#optimizer", Select).value = "adam"
        await wait_until(pilot, lambda: bool(screen.query("#knob-betas")), "adam's knobs", 10)
        screen.action_leave_field()
        detail = await step_and_wait(pilot, screen, "adam(")
        if size == (120, 40):
            await wait_until(pilot, lambda: shown_whole(app, detail), "adam's lines on screen", 10)
        else:  # taller than the column: its first lines in sight, the rest a scroll away
            lines = own_lines(detail)
            x, width = detail.content_region.x, detail.size.width
            await wait_until(
                pilot,
                lambda: lines_on_screen(app, lines[:10], x, width),
                "the explanation's top in sight",
                10,
            )
            for _ in range(60):  # nothing needs a mouse: tab to the explanation, then end
                if app.focused is detail:
                    break
                await pilot.press("tab")  # waits for the focus to move
            assert app.focused is detail, app.focused
            column = screen.query_one("#controls")
            await settled(pilot, lambda: column.scroll_y, "the column's scroll to the focus")
            await pilot.press("end")
            await wait_until(  # its lines as laid out now (a scrollbar may come or go)
                pilot,
                lambda: lines_on_screen(
                    app, own_lines(detail)[-10:], detail.content_region.x, detail.size.width
                ),
                "the explanation's end in sight after end, with the keyboard",
                10,
            )
        view, after = screen.controller.view, screen.controller.step_after
        assert view is not None and after is not None
        columns = view.layout.columns
        eta = view.settings.eta
        for j, name in enumerate(view.spec.param_names):
            theta = float(view.rows[0, columns.index(name)])
            grad = float(view.rows[0, columns.index(f"grad_{name}")])
            line = next(x for x in detail.text.splitlines() if x.startswith(f"  {name}: θ = "))
            reference = number(adam_first_step(theta, grad, eta))
            assert f", step = {reference}" in line, (line, reference)
            actual = number(after[j] - theta)
            if actual != reference:
                assert f"step = {reference}; θ moved {actual} (float32 rounding)" in line, line
        assert "[m]" in detail.text  # the recorded columns' names, not taken as markup
