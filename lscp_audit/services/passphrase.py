"""Passphrase rules and a simple strength estimate for the first-run wizard (Qt-free).

`passphrase_problems` lists what makes a passphrase unacceptable (empty list = acceptable);
`passphrase_strength` gives a 0-4 score and a short British-English hint for the UI meter. The
estimate is deliberately simple (length and character variety, common-word penalty); the real
protection is Argon2id with a high cost.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass

MIN_LENGTH = 12
_COMMON = ("password", "passw0rd", "qwerty", "123456", "letmein", "welcome", "safeguard", "lscp", "admin")


@dataclass(frozen=True)
class Strength:
    score: int  # 0 (very weak) .. 4 (strong)
    label: str
    hint: str


_LABELS = ("Very weak", "Weak", "Fair", "Good", "Strong")


def _pool_size(text: str) -> int:
    pool = 0
    if any(c in string.ascii_lowercase for c in text):
        pool += 26
    if any(c in string.ascii_uppercase for c in text):
        pool += 26
    if any(c in string.digits for c in text):
        pool += 10
    if any(c in string.punctuation or c == " " for c in text):
        pool += 33
    if any(ord(c) > 127 for c in text):
        pool += 100
    return max(pool, 1)


def estimated_bits(text: str) -> float:
    unique = len(set(text))
    effective_len = min(len(text), unique * 3)  # repeated characters add little
    bits = effective_len * math.log2(_pool_size(text))
    lowered = text.lower()
    if any(word in lowered for word in _COMMON):
        bits *= 0.5
    return bits


def passphrase_strength(text: str) -> Strength:
    bits = estimated_bits(text)
    score = 0 if bits < 28 else 1 if bits < 45 else 2 if bits < 60 else 3 if bits < 80 else 4
    if len(text) < MIN_LENGTH:
        score = min(score, 1)
    hints = {
        0: f"Use at least {MIN_LENGTH} characters; several unrelated words work well.",
        1: "Add more words or characters.",
        2: "Acceptable; a longer passphrase would be stronger.",
        3: "",
        4: "",
    }
    return Strength(score=score, label=_LABELS[score], hint=hints[score])


def passphrase_problems(text: str) -> list[str]:
    problems = []
    if len(text) < MIN_LENGTH:
        problems.append(f"The passphrase must be at least {MIN_LENGTH} characters long.")
    elif passphrase_strength(text).score < 2:
        problems.append("The passphrase is too easy to guess; add more words or characters.")
    if text != text.strip():
        problems.append("The passphrase must not start or end with a space.")
    return problems
