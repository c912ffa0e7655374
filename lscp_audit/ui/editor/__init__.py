"""The audit editor: section navigator, question widgets, guidance, autosave, completion."""
