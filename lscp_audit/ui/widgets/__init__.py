"""Reusable widgets shared by several screens (date input)."""
