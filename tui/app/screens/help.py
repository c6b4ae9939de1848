"""The keys, on a screen of their own (also listed in the footer).

The help is modal: the keys of the screen under it do nothing while it is open, so
it has a footer of its own, over theirs, that shows only what closes it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen

KEYS = """\
# gdlab keys

| key | what it does |
|---|---|
| `1` `2` `3` | show chapter 1, 2 or 3 (a run on another chapter goes on) |
| `4` | chapter 4, a first network: a perceptron (hidden, activation) fitting sin or a CSV |
| `5` | compare: several η and optimizers on one chapter, run together, one curve and row each |
| `6` | your own function: type f in x or x0 … x9, and its start |
| `r` | run with the fields' settings; while paused or stepping: run the rest |
| `s` | stop the run at its next iteration |
| `space` | pause / resume (the footer says which); paused, the table and plots show every row |
| `n` | one step, explained (pauses a run first); `tab` reaches it, ↑ ↓ scroll it |
| `ctrl+r` | reset: stop and clear the rows |
| `m` `o` `y` `d` | plain descent: η monotone, oscillating, cycle, divergent; run |
| (optimizer) | the selector beside η: plain, momentum, adam…; its knobs appear under it |
| (schedule) | the selector under it: constant, step, exponential, cosine, plateau; its knobs too |
| (dtype) | float32 (the book's) or float64 |
| `e` | export CSV and JSON (`gdlab run --from` repeats it): enter shows the folder, enter writes |
| `g` | the autograd graph of one forward pass, values and gradients at the last step |
| `c` | the run's standalone PyTorch script (`w` there writes it to a file) |
| `tab` / `shift+tab` | move between fields, the table and the buttons |
| `escape` | leave a text field, so the letter keys work again |
| `↑ ↓ pgup pgdn home end` | scroll the iteration table |
| `← →` | scroll the table sideways (◀ ▶ in its header mark hidden columns) |
| `f` | (in the table) follow the newest row on/off |
| `ctrl+p` | command palette: chapters, keys, theme |
| `?` | this help |
| `q` | quit (any run stops first) |

The footer shows only the keys that do something now. Inside a text field letters
and digits type; `enter` accepts the field. Press `escape`, `?` or `q` to close
this help.
"""


class HelpScreen(ModalScreen[None]):
    """Every key gdlab knows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close"),
        Binding("question_mark,q", "dismiss", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        from textual.widgets import Markdown  # markdown-it is slow to import: not at start-up

        from tui.app.widgets.steady_footer import SteadyFooter

        with VerticalScroll(id="help"):
            yield Markdown(KEYS)
        yield SteadyFooter(compact=True, show_command_palette=False)
