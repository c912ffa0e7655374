"""Python's cycle collector, run on the GUI thread only.

Python collects reference cycles on whichever thread happens to allocate when a threshold is
crossed. A cycle can hold a Qt object that belongs to the GUI thread (a closed dialog whose
Python wrapper owns it, a timer, a signal relay); collected on a worker thread, Qt would destroy
it there, which Qt forbids and which can crash the app. The app's worker threads allocate a lot
(an import checks and stores thousands of objects), so this is not rare.

`GuiThreadCollector` switches the automatic collector off and collects from a timer on the GUI
thread, generation by generation, when the counts pass the thresholds Python itself would use.
Plain reference counting still frees everything that is not in a cycle at once, on any thread.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Collect cycles on the thread this object lives on (make it on the GUI thread)."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = CHECK_INTERVAL_MS) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Hand collection back to Python (as it was before `start`), after one last check."""
        self._timer.stop()
        self.check()
        if self._was_enabled:
            gc.enable()

    def check(self) -> int:
        """Collect the oldest generation whose count passed its threshold; the generation
        collected, or -1 when none had."""
        counts = gc.get_count()
        generation = -1
        for number, (count, threshold) in enumerate(zip(counts, self._thresholds, strict=False)):
            if threshold and count > threshold:
                generation = number
        if generation >= 0:
            gc.collect(generation)
        return generation


_installed: GuiThreadCollector | None = None


def collect_on_gui_thread(app: QObject) -> GuiThreadCollector:
    """Start the collector once for the application `app` (idempotent)."""
    global _installed
    if _installed is None:
        _installed = GuiThreadCollector(app)
        _installed.start()
    return _installed
