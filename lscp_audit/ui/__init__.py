"""Everything PySide6: the desktop app. Depends on services; nothing depends on it."""
