"""Identifiers the source systems really carry: NHS numbers (modulus 11), UPNs (check letter), and sequential refs."""
from __future__ import annotations

import random

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: I, O, S are never used
STOCKPORT_LA = "356"


def nhs_check_digit(first9: str) -> int | None:
    """The modulus-11 check digit of a 9-digit stem, or None when the stem can never be valid (remainder 10)."""
    total = sum(int(ch) * w for ch, w in zip(first9, range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def nhs_number_valid(value: str) -> bool:
    digits = value.replace(" ", "")
    if len(digits) != 10 or not digits.isdigit():
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])


def upn_check_letter(last12: str) -> str:
    """DfE UPN check letter: digits weighted 2..13, modulus 23."""
    total = sum(int(ch) * w for ch, w in zip(last12, range(2, 14)))
    return UPN_LETTERS[total % 23]


class Counter:
    """Sequential ids with random gaps, so ids are unique without remembering them and not simply 1, 2, 3."""

    def __init__(self, rng: random.Random, fmt: str, start: int, max_gap: int = 3):
        self.rng, self.fmt, self.value, self.max_gap = rng, fmt, start, max_gap

    def next(self) -> str:
        self.value += self.rng.randint(1, self.max_gap)
        return self.fmt.format(self.value)


class NhsNumbers:
    """Unique valid NHS numbers: a rising 9-digit stem (England's 4xx-6xx range) plus its check digit."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.stem = 400_000_000 + rng.randint(0, 50_000_000)

    def next(self) -> str:
        while True:
            self.stem += self.rng.randint(1, 40)
            stem = f"{self.stem:09d}"
            check = nhs_check_digit(stem)
            if check is not None:
                return stem + str(check)


class Upns:
    """UPNs: check letter + LA code + school DfE number + year of allocation + serial within that school/year."""

    def __init__(self):
        self.serials: dict[tuple[str, int], int] = {}

    def next(self, dfe: str, year: int) -> str:
        key = (dfe, year % 100)
        serial = self.serials.get(key, 0) + 1
        while serial > 999:  # a very large school-year: borrow the next year's block
            key = (dfe, (key[1] + 1) % 100)
            serial = self.serials.get(key, 0) + 1
        self.serials[key] = serial
        digits = f"{STOCKPORT_LA}{dfe}{key[1]:02d}{serial:03d}"
        return upn_check_letter(digits) + digits
