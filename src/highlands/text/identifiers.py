"""Polish registry numbers of organisations: NIP (tax), REGON (statistics), KRS (court register).

Pure.  Each ``clean_*`` takes what a person typed ("PL 712-290-45-32", "712 290 45 32"),
keeps the digits and returns them, or raises ``ValueError`` saying what is wrong.  NIP and
REGON carry a check digit (weighted sum mod 11); KRS numbers have none, so a KRS is checked
only for its ten digits.
"""

from __future__ import annotations

import re

NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
REGON9_WEIGHTS = (8, 9, 2, 3, 4, 5, 6, 7)
REGON14_WEIGHTS = (2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8)

_SEPARATORS = re.compile(r"[\s\-./]+")


def _digits(value: str, *, prefix: str = "") -> str:
    text = _SEPARATORS.sub("", value or "").upper()
    if prefix and text.startswith(prefix):
        text = text[len(prefix) :]
    if not text.isascii() or not text.isdigit():
        raise ValueError("only digits")
    return text


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False))


def clean_nip(value: str) -> str:
    """Ten digits whose weighted sum mod 11 is the last digit (a sum of 10 is never valid)."""
    digits = _digits(value, prefix="PL")
    if len(digits) != 10:
        raise ValueError("10 digits")
    check = _weighted(digits, NIP_WEIGHTS) % 11
    if check == 10 or check != int(digits[9]):
        raise ValueError("check digit")
    return digits


def clean_regon(value: str) -> str:
    """Nine or fourteen digits with their check digit (mod 11; 10 counts as 0).  A 14-digit
    REGON (a local unit) also carries the 9-digit one of its organisation, checked too."""
    digits = _digits(value)
    if len(digits) not in (9, 14):
        raise ValueError("9 or 14 digits")
    if len(digits) == 14:
        if (_weighted(digits, REGON14_WEIGHTS) % 11) % 10 != int(digits[13]):
            raise ValueError("check digit")
        digits9 = digits[:9]
    else:
        digits9 = digits
    if (_weighted(digits9, REGON9_WEIGHTS) % 11) % 10 != int(digits9[8]):
        raise ValueError("check digit")
    return digits


def clean_krs(value: str) -> str:
    """Ten digits (leading zeros may be left out: "12345" is 0000012345); no check digit."""
    digits = _digits(value)
    if not 1 <= len(digits) <= 10 or int(digits) == 0:
        raise ValueError("10 digits")
    return digits.zfill(10)
