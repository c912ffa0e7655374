"""Which files in a watched folder are ready to import (Qt-free; the UI layer watches the folder).

A return dropped into a synced folder (OneDrive, SharePoint, a network share) appears while it
is still being written, sometimes under its final name. A file is **settled** when its size and
modification time have not changed for `settle_seconds` (and it is not empty): only then is it
handed over. Each file is handed over once per version (name, size, modification time): a file
that was imported, or refused, is not looked at again until it changes. Names that are not
``*.pdf`` or ``*.lscpmod``, hidden files and office lock files (``~$…``) are ignored. Nothing here deletes,
moves or writes anything in the folder.

After importing, `finished` is told what the file looked like when it was handed over: if it has
changed since (it was still being written), its outcome is not to be reported and the file is
watched again until it settles.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lscp_audit.reports.moderation_record import FILE_SUFFIX as MODERATION_SUFFIX


@dataclass(frozen=True)
class FileVersion:
    """What a file looked like: size in bytes and modification time in nanoseconds."""

    size: int
    mtime_ns: int


def version_of(path: Path) -> FileVersion | None:
    """The file's current version, or None when it is gone or unreadable."""
    try:
        info = path.stat()
    except OSError:
        return None
    return FileVersion(info.st_size, info.st_mtime_ns)


#: What the QA inbox imports: signed returns, and moderation record files (imported after the
#: returns of the same batch).
WATCHED_SUFFIXES = (".pdf", MODERATION_SUFFIX)


def is_candidate(name: str) -> bool:
    """A name worth looking at: a signed return or a moderation record, not hidden, not an
    office lock file."""
    return name.lower().endswith(WATCHED_SUFFIXES) and not name.startswith((".", "~$"))


class SettleTracker:
    """Follows the files of one folder between scans (see the module notes)."""

    def __init__(self, folder: Path, *, settle_seconds: float = 2.0, clock: Callable[[], float] = time.monotonic):
        self.folder = folder
        self.settle_seconds = settle_seconds
        self._clock = clock
        self._seen: dict[str, tuple[FileVersion, float]] = {}  # name -> (version, when first seen so)
        self._handled: dict[str, FileVersion] = {}  # name -> version handed over

    def scan(self) -> list[tuple[Path, FileVersion]]:
        """Look at the folder now: the settled files not handed over yet (in name order), each
        with the version handed over. Marks them handed over."""
        now = self._clock()
        ready: list[tuple[Path, FileVersion]] = []
        present: set[str] = set()
        try:
            entries = sorted(os.scandir(self.folder), key=lambda e: e.name)
        except OSError:
            return []  # the folder is gone or unreachable (a share offline): try again later
        for entry in entries:
            if not is_candidate(entry.name):
                continue
            try:
                if not entry.is_file():
                    continue
                info = entry.stat()
            except OSError:
                continue
            present.add(entry.name)
            version = FileVersion(info.st_size, info.st_mtime_ns)
            if self._handled.get(entry.name) == version:
                continue
            earlier = self._seen.get(entry.name)
            if earlier is None or earlier[0] != version:
                self._seen[entry.name] = (version, now)  # new, or still changing: the clock starts again
                continue
            if version.size > 0 and now - earlier[1] >= self.settle_seconds:
                ready.append((Path(entry.path), version))
                self._handled[entry.name] = version
                del self._seen[entry.name]
        for name in set(self._seen) - present:  # removed before it settled
            del self._seen[name]
        return ready

    def waiting(self) -> bool:
        """True while some file has been seen but has not settled (scan again soon)."""
        return bool(self._seen)

    def finished(self, path: Path, handed_over: FileVersion) -> bool:
        """After importing `path`: True when its outcome stands; False when the file changed
        since it was handed over (it is watched again and its outcome should not be shown)."""
        if version_of(path) == handed_over:
            return True
        self._handled.pop(path.name, None)
        return False
