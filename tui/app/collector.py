"""Keeping CPython's full garbage collections short while runs stream.

A full collection walks every container object the process holds, and holds the
GIL while it does: every thread waits, the UI's included, and a key pressed
during one waits as long. Once Textual, torch and a couple of screens are up that
is hundreds of thousands of objects, and during a run Textual's redraws (each
drawn line caches itself) bring one every few seconds.

What the app builds to last (Textual's and torch's modules and tables, the
problems, each screen once shown) is therefore moved out of the collector's walk
with ``gc.freeze()`` once built, after a collection, so nothing dead is kept.
A full collection during a run then walks only what the run made.

And fewer of them come: the lines Textual draws live a few frames, long enough,
at CPython's default thresholds (700, 10, 10), to outlive two young collections
and reach the oldest generation, where only a full collection finds them. With
:data:`THRESHOLDS` the middle generation is collected every 60,000 allocations
instead of 7,000, and they die there (no collection over 5 ms in the bench's
twenty presses of space during a run, against one of 30-45 ms in most).

Only the launched app does this (``GdlabApp(manage_collector=True)``): a test
process builds thousands of apps, and frozen objects are never collected.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Collect what is garbage now, then take everything left out of later walks."""
    gc.collect()
    gc.freeze()
    # CPython holds the next full collection back until a quarter as many objects as
    # the last one kept have reached the oldest generation: after the collection
    # above, a quarter of the whole heap, so the first one during a run would walk
    # ~60,000 objects at once. This one, of an empty heap, makes that quarter zero.
    gc.collect()


THRESHOLDS = (3000, 20, 10)
"""gc.set_threshold's: allocations between young collections, young collections
between middle ones, middle ones between full ones."""


def resume() -> None:
    """Turn the collector on again (tui.app.launch paused it), at :data:`THRESHOLDS`."""
    gc.set_threshold(*THRESHOLDS)
    gc.enable()
