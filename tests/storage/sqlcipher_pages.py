"""Decrypt a SQLCipher 4 vault file page by page, free pages included, to check that deleted
content is really gone (``secure_delete`` zeroes freed pages before they are encrypted).

SQLCipher 4 with a raw key: the 32-byte key is the AES-256 key itself; each 4096-byte page ends
with 80 reserved bytes (16-byte IV, 64-byte HMAC); page 1 starts with the 16-byte salt. This is a
test reader only (AES-CBC from `cryptography`), checked against live rows by its own tests.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE_SIZE = 4096
RESERVE = 80
SALT = 16


def decrypted_pages(path: Path, key_hex: str) -> list[bytes]:
    key = bytes.fromhex(key_hex)
    data = path.read_bytes()
    pages = []
    for offset in range(0, len(data) - PAGE_SIZE + 1, PAGE_SIZE):
        page = data[offset : offset + PAGE_SIZE]
        start = SALT if offset == 0 else 0
        iv = page[PAGE_SIZE - RESERVE : PAGE_SIZE - RESERVE + 16]
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        pages.append(decryptor.update(page[start : PAGE_SIZE - RESERVE]) + decryptor.finalize())
    return pages


def plaintext_contains(path: Path, key_hex: str, needle: bytes) -> bool:
    return any(needle in page for page in decrypted_pages(path, key_hex))
