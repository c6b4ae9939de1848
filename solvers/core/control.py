"""Stop, pause and single steps for a run: one object, safe from any thread, no torch.

The app creates a run's control on its UI thread, before torch may even have
loaded, and keeps it; the solver's loop consults it between chunks. Cancelling
is the one way to stop a run: it also fires the listeners the solver registered
(the compiled loop polls a flag tensor, which a listener sets), and it always
releases a held run, so nothing waits on a cancelled run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class RunControl:
    """Cancel, hold (pause) and release a run, from any thread."""

    def __init__(self, *, held: bool = False) -> None:
        self._lock = threading.Lock()
        self._cancelled = threading.Event()
        self._go = threading.Event()
        """Set while the run may go on; cleared while it is held."""
        self._allowance: int | None = None
        """Iterations the run may do before it holds again (None: no limit)."""
        self._listeners: list[Callable[[], None]] = []
        if not held:
            self._go.set()

    # ------------------------------------------------------------ UI side
    def cancel(self) -> None:
        """Stop the run before its next iteration; a held run is released to end."""
        with self._lock:
            self._cancelled.set()
            self._go.set()
            listeners = list(self._listeners)
        for listener in listeners:
            listener()

    def pause(self) -> None:
        """Hold the run after its current chunk (a cancelled run is never held)."""
        with self._lock:
            if not self._cancelled.is_set():
                self._allowance = None
                self._go.clear()

    def resume(self) -> None:
        """Let a held run go on without limit."""
        with self._lock:
            self._allowance = None
            self._go.set()

    def release(self, iterations: int = 1) -> None:
        """Let a held (or running) run do ``iterations`` more, then hold again."""
        with self._lock:
            if not self._cancelled.is_set():
                self._allowance = iterations
                self._go.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    @property
    def held(self) -> bool:
        """The run is paused, or will pause at its next chunk."""
        return not self._go.is_set()

    # -------------------------------------------------------- solver side
    def on_cancel(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` when the run is cancelled (at once if it already is)."""
        with self._lock:
            self._listeners.append(listener)
            already = self._cancelled.is_set()
        if already:
            listener()

    def wait_turn(self, on_hold: Callable[[], None] | None = None) -> int | None:
        """Block while held; return how many iterations may run next (None: no limit, 0:
        cancelled). ``on_hold`` is called once, just before blocking, so the caller can
        show everything done so far while the run waits."""
        notified = False
        while True:
            with self._lock:
                if self._cancelled.is_set():
                    return 0
                if self._go.is_set():
                    allowance = self._allowance
                    if allowance is not None:
                        self._allowance = None
                        self._go.clear()  # hold again once this allowance is spent
                    return allowance
            if not notified and on_hold is not None:
                on_hold()
                notified = True
            self._go.wait()
