"""Repositories over the vault tables. Each returns core dataclasses, never ``*Row`` objects.

Writes run on the vault's single `WriteWorker` (style R6); reads use a short session on the
calling thread (WAL lets them run beside the writer).
"""
