"""Delimited text tables read into rows of cells — the registry's table import and funding's
call import both read CSV this way; what the cells mean is each importer's business.

Every line of the file is a row, so a row's number is its line's: Excel's ``sep=;`` first
line names the delimiter and stays as an empty row; otherwise the delimiter is the one of
semicolon, comma and tab that splits the first lines best.
"""

from __future__ import annotations

import csv
import io
import re

SNIFF_LINES = 10  # the first lines the delimiter is judged on (a header sits among them)


def sniff_delimiter(text: str) -> str:
    """Semicolon, comma or tab: the one that splits the most of the first lines consistently."""
    lines = [line for line in text.splitlines()[:SNIFF_LINES] if line.strip()]
    best, best_score = ",", -1
    for delimiter in (";", ",", "\t"):
        counts = [len(next(csv.reader([line], delimiter=delimiter))) - 1 for line in lines]
        # The header row has the most columns; reward a delimiter many lines agree on.
        score = max(counts, default=0) * 10 + sum(1 for c in counts if c > 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def csv_grid(text: str) -> list[list[str]]:
    """The rows of delimited ``text`` (a leading byte-order mark dropped), one per line."""
    text = text.removeprefix("\ufeff")
    stated = re.match(r"sep=(.)\r?\n", text)
    if stated:
        rest = text[stated.end() :]
        return [[], *csv.reader(io.StringIO(rest, newline=""), delimiter=stated[1])]
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)))
