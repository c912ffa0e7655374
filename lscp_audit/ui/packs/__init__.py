"""Partnership pack dialogs (import)."""
