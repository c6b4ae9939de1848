"""Issue 21, item 9: every text field in every screen and dialog keeps every key.

A terminal hands the app a fast burst of keys in one read, and the driver posts them
all at once; the test does the same (``pilot.press`` waits for an idle process between
two keys, so it never makes a burst, and while a run streams the process is never
idle). The burst mixes characters and Backspaces, while a chapter-3 run streams rows
(the load under which the export dialog lost characters), into each field in turn:
the chapter's fields and the knobs an optimizer and a schedule show, your function's
expression and start, the compare's fields, the export dialog's folder and the
command palette's field. No screen may hold a plain Input (one that is not an
OrderedInput), shown or not.

A key posted last, which nothing binds, bubbles back to the app after every key
before it has been handled, Backspaces included (each hop is first in, first out):
its arrival is when the field's value is final.
"""

from __future__ import annotations

import pytest
from app_helpers import HeldSolverApp, chapter, first_screen, tap, wait_until
from textual import events
from textual.screen import Screen
from textual.widgets import Input, Select

from tui.app.app import GdlabApp
from tui.app.run_controller import Phase
from tui.app.screens.chapter import ChapterScreen
from tui.app.screens.export import ExportScreen
from tui.app.widgets.ordered_input import OrderedCommandPalette, OrderedInput

LONG = "10000000"
TYPED = "/tmp/x1\b\b2.05abc\b\bde\b9-7\b\b\b3.14159\b\b26 q\brs"
"""What each field gets after it is emptied; ``\\b`` is a Backspace."""
NAMES = {"/": "slash", ".": "full_stop", "-": "minus", " ": "space", "\b": "backspace"}
SENTINEL = "f24"


def typed_value(text: str) -> str:
    """What a field holds after ``text`` is typed at its end: a Backspace deletes the
    character before it."""
    value: list[str] = []
    for character in text:
        if character == "\b":
            if value:
                value.pop()
        else:
            value.append(character)
    return "".join(value)


class KeyCountingApp(GdlabApp):
    """Counts the sentinel key each time it bubbles back to the app."""

    CSS_PATH = HeldSolverApp.CSS_PATH

    def __init__(self, start_chapter: str = "1") -> None:
        super().__init__(start_chapter)
        self.sentinels = 0

    def on_key(self, event: events.Key) -> None:
        if event.key == SENTINEL:
            self.sentinels += 1


def burst(field: Input) -> list[events.Key]:
    """End, enough Backspaces to empty ``field``, then TYPED, then the sentinel."""
    keys = [events.Key("end", None)]
    keys += [events.Key("backspace", None) for _ in range(len(field.value) + 2)]
    keys += [events.Key(NAMES.get(c, c), None if c == "\b" else c) for c in TYPED]
    return [*keys, events.Key(SENTINEL, None)]


async def type_burst(pilot, field: Input) -> str:  # type: ignore[no-untyped-def]
    """Focus ``field``, post the burst at once, and return the value once it is final."""
    app = pilot.app
    assert isinstance(app, KeyCountingApp)
    field.focus()
    await wait_until(pilot, lambda: app.focused is field, f"focus on #{field.id}", 10)
    seen = app.sentinels
    for key in burst(field):
        app.post_message(key)
    await wait_until(pilot, lambda: app.sentinels > seen, f"the burst in #{field.id}", 30)
    return field.value


def dialog_open(app: GdlabApp) -> bool:
    """The export dialog is on top, its field mounted."""
    return isinstance(app.screen, ExportScreen) and bool(app.screen.query("#folder"))


def plain_inputs(screen: Screen[object]) -> list[str]:
    """The screen's text fields, shown or hidden, that are not OrderedInputs."""
    return [
        f"{screen.id}: {field!r}"
        for field in screen.query(Input)
        if not isinstance(field, OrderedInput)
    ]


def text_fields(screen: Screen[object]) -> list[Input]:
    """The screen's text fields that are shown now."""
    return [field for field in screen.query(Input) if field.display and field.parent.display]


@pytest.mark.slow
async def test_every_text_field_keeps_a_fast_burst_with_backspaces_while_a_run_streams():
    app = KeyCountingApp(start_chapter="3")
    wanted = typed_value(TYPED)
    values: dict[str, str] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        three = await first_screen(pilot)
        three.query_one("#iterations", Input).value = LONG
        await tap(pilot, "r")
        await wait_until(pilot, lambda: three.controller.count > 0, "the long run's rows")

        # chapter 3's own fields, and the knobs momentum and a step schedule show
        three.query_one("#optimizer", Select).value = "momentum"
        three.query_one("#schedule", Select).value = "step"
        knobs = {"knob-momentum", "knob-step-size"}
        await wait_until(
            pilot, lambda: knobs <= {f.id for f in text_fields(three)}, "the knobs", 10
        )
        for field in text_fields(three):
            values[f"chapter 3 #{field.id}"] = await type_burst(pilot, field)
        plain = plain_inputs(three)
        await tap(pilot, "escape")
        await wait_until(pilot, lambda: not isinstance(app.focused, Input), "escape", 10)

        # the export dialog, on chapter 1 once its run has finished
        one = await chapter(pilot, 1)
        await tap(pilot, "r")
        await wait_until(pilot, lambda: one.controller.phase is Phase.FINISHED, "chapter 1's run")
        await tap(pilot, "e")
        await wait_until(pilot, lambda: dialog_open(app), "the dialog", 10)
        folder = app.screen.query_one("#folder", Input)
        values["export #folder"] = await type_burst(pilot, folder)
        plain += plain_inputs(app.screen)
        await tap(pilot, "escape")
        await wait_until(pilot, lambda: app.screen is one, "the dialog to close", 10)

        # your function (key 6): the expression and its start
        app.set_focus(None)
        four = await chapter(pilot, 6)
        for field in text_fields(four):
            values[f"your function #{field.id}"] = await type_burst(pilot, field)
        plain += plain_inputs(one) + plain_inputs(four)
        await tap(pilot, "escape")
        await wait_until(pilot, lambda: not isinstance(app.focused, Input), "escape", 10)

        # chapter 4 (a network): its hidden widths and activation among its fields
        app.set_focus(None)
        net = await chapter(pilot, 4)
        for field in text_fields(net):
            values[f"chapter 4 #{field.id}"] = await type_burst(pilot, field)
        plain += plain_inputs(net)
        await tap(pilot, "escape")
        await wait_until(pilot, lambda: not isinstance(app.focused, Input), "escape", 10)

        # the compare screen's fields
        await tap(pilot, "5")
        await wait_until(pilot, lambda: app.current_mode == "compare", "the compare", 30)
        compare = app.screen
        await wait_until(pilot, lambda: bool(text_fields(compare)), "its fields", 10)
        for field in text_fields(compare):
            values[f"compare #{field.id}"] = await type_burst(pilot, field)
        plain += plain_inputs(compare)

        # the command palette (ctrl+p)
        await tap(pilot, "ctrl+p")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, OrderedCommandPalette) and bool(app.screen.query(Input)),
            "the palette",
            10,
        )
        values["palette"] = await type_burst(pilot, app.screen.query_one(Input))
        plain += plain_inputs(app.screen)

        assert three.controller.phase is Phase.RUNNING, "the load ended before the last field"
    assert isinstance(three, ChapterScreen)
    expected = {
        "chapter 3 #eta", "chapter 3 #knob-momentum", "chapter 3 #iterations",
        "chapter 3 #start", "chapter 3 #knob-step-size", "chapter 3 #data",
        "chapter 3 #batch-size", "chapter 3 #seed", "export #folder",
        "your function #expr", "your function #start", "chapter 4 #hidden",
        "chapter 4 #activation",
        "compare #compare-etas", "compare #compare-iterations", "compare #compare-batches",
        "palette",
    }  # fmt: skip
    assert expected <= set(values), f"fields not reached: {expected - set(values)}"
    assert plain == [], "text fields that are not OrderedInputs"
    lost = {name: value for name, value in values.items() if value != wanted}
    assert lost == {}, f"fields that did not end as {wanted!r}: {lost}"


@pytest.mark.slow
async def test_export_writes_only_into_the_folder_it_showed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Enter shows the folder the field names (absolute); only a second enter, the field
    unchanged, writes there. An edit in between, or a folder that is not there,
    writes nothing."""
    chosen, other = tmp_path / "chosen", tmp_path / "other"
    chosen.mkdir()
    other.mkdir()
    app = KeyCountingApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.FINISHED, "the run")
        await tap(pilot, "e")
        await wait_until(pilot, lambda: dialog_open(app), "the dialog", 10)
        dialog = app.screen
        field = dialog.query_one("#folder", Input)

        def said() -> str:
            return str(dialog.query_one("#export-result").render())

        field.value = f"{other}/../other"
        await pilot.press("enter")
        assert f"into\n{other}\n" in said(), said()  # absolute, resolved
        field.value = str(tmp_path / "missing")
        await pilot.press("enter")
        assert f"{tmp_path / 'missing'} does not exist" in said()
        field.value = str(chosen)  # changed after the check: the next enter checks again
        await pilot.press("enter")
        assert f"into\n{chosen}\n" in said(), said()
        assert list(tmp_path.rglob("*.csv")) == []
        await pilot.press("enter")
        await wait_until(pilot, lambda: "written" in said(), "the files", 10)
        assert sorted(p.suffix for p in chosen.iterdir()) == [".csv", ".json"]
        assert list(other.iterdir()) == []


@pytest.mark.slow
async def test_enter_at_the_end_of_a_burst_shows_the_folder_typed_and_writes_there(tmp_path):  # type: ignore[no-untyped-def]
    """A path typed fast with Backspaces and enter in one burst: enter shows the folder
    the field holds, and an Input.Changed still in flight from a key before it does not
    take that back; the next enter writes there."""
    chosen = tmp_path / "runs"
    chosen.mkdir()
    text = f"{chosen}x\b"
    app = KeyCountingApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.FINISHED, "the run")
        await tap(pilot, "e")
        await wait_until(pilot, lambda: dialog_open(app), "the dialog", 10)
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        field = dialog.query_one("#folder", Input)
        await wait_until(pilot, lambda: app.focused is field, "the field's focus", 10)
        keys = [events.Key("end", None)]
        keys += [events.Key("backspace", None) for _ in range(len(field.value))]
        keys += [events.Key(NAMES.get(c, c), None if c == "\b" else c) for c in text]
        keys += [events.Key("enter", None), events.Key(SENTINEL, None)]
        seen = app.sentinels
        for key in keys:
            app.post_message(key)
        await wait_until(pilot, lambda: app.sentinels > seen, "the burst", 30)
        await pilot.pause()  # the field's Changed messages, after the keys
        said = str(dialog.query_one("#export-result").render())
        assert field.value == str(chosen)
        assert f"into\n{chosen}\n" in said, said
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(list(chosen.iterdir())) == 2, "the two files", 10)
