"""NIP, REGON and KRS: digits kept, check digits verified, what is wrong said."""

from __future__ import annotations

import pytest

from highlands.text.identifiers import clean_krs, clean_nip, clean_regon


@pytest.mark.parametrize(
    "typed", ["5260250274", "526-025-02-74", "PL 526 025 02 74", "pl5260250274"]
)
def test_nip_is_kept_as_its_ten_digits(typed: str) -> None:
    assert clean_nip(typed) == "5260250274"


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("5260250275", "check digit"),  # one digit off
        ("526025027", "10 digits"),
        ("52602502741", "10 digits"),
        ("52602502a4", "only digits"),
        ("５２６０２５０２７４", "only digits"),  # full-width digits are not ASCII
        ("1234567890", "check digit"),
    ],
)
def test_a_wrong_nip_is_refused_with_the_reason(typed: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        clean_nip(typed)


def test_a_nip_whose_sum_leaves_ten_is_never_valid() -> None:
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    stem = next(
        f"{n:09d}"
        for n in range(1, 10_000)
        if sum(int(d) * w for d, w in zip(f"{n:09d}", weights, strict=True)) % 11 == 10
    )
    for last in "0123456789":
        with pytest.raises(ValueError, match="check digit"):
            clean_nip(stem + last)


def test_regon_of_nine_and_fourteen_digits() -> None:
    assert clean_regon("123456785") == "123456785"
    assert clean_regon("123-456-785") == "123456785"
    with pytest.raises(ValueError, match="check digit"):
        clean_regon("123456786")
    with pytest.raises(ValueError, match="9 or 14 digits"):
        clean_regon("12345678")
    local = "12345678500000"
    weights = (2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8)
    check = (sum(int(d) * w for d, w in zip(local, weights, strict=False)) % 11) % 10
    valid = local[:13] + str(check)
    assert clean_regon(valid) == valid
    with pytest.raises(ValueError, match="check digit"):
        clean_regon(local[:13] + str((check + 1) % 10))
    # The organisation's own 9 digits inside a 14-digit REGON are checked too.
    bad9 = "12345678600000"
    check = (sum(int(d) * w for d, w in zip(bad9, weights, strict=False)) % 11) % 10
    with pytest.raises(ValueError, match="check digit"):
        clean_regon(bad9[:13] + str(check))


def test_krs_is_ten_digits_with_leading_zeros() -> None:
    assert clean_krs("0000012345") == "0000012345"
    assert clean_krs("12345") == "0000012345"
    for wrong in ("", "0", "12345678901", "KRS12"):
        with pytest.raises(ValueError, match="digits"):
            clean_krs(wrong)
