"""Bounded types for every parameter and body field: no value reaches a selector, a service
or the search engine that the database or the engine cannot hold.

Integers are bounded to what their column holds (``Id``: a 64-bit key; ``Count``: a counter
an integer column holds) or to what the domain allows (``Year``, ``Limit``); a bound of its
own is ``Annotated[int, Field(ge=..., le=...), WholeNumber]`` (the validator after the
``Field``, or the bounds vanish from the OpenAPI document). Strings have a maximum length and
never carry a NUL byte (PostgreSQL refuses it in text).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BeforeValidator, Field, StringConstraints

NO_NUL = r"^[^\x00]*$"
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
MAX_BIGINT = 2**63 - 1  # a primary key (BigAutoField), on SQLite and PostgreSQL
MAX_COUNT = 1_000_000_000  # fits every integer column (PostgreSQL integer: 2**31 - 1)


def _whole_number(value: object) -> object:
    # JSON Schema counts 2.0 as an integer; StrictIn's strict types would refuse it. Text
    # ("2") and booleans stay refused in bodies; a query parameter is text and parsed as usual.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WholeNumber = BeforeValidator(_whole_number)

# A date in a JSON body is ISO 8601 text, also under ``StrictIn``'s strict types.
Date = Annotated[date, Field(strict=False)]
DateTime = Annotated[datetime, Field(strict=False)]  # ISO 8601; a time without a zone is Warsaw's
Id = Annotated[int, Field(ge=1, le=MAX_BIGINT), WholeNumber]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT), WholeNumber]
Year = Annotated[int, Field(ge=0, le=9999), WholeNumber]
Limit = Annotated[int, Field(ge=1, le=50), WholeNumber]
Text = Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)]
Slug = Annotated[str, StringConstraints(max_length=160, pattern=SLUG_PATTERN)]
