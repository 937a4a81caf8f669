"""Input bases shared by every router: the strict body, the language of translated content."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

Lang = Literal["en", "pl"]


class StrictIn(Schema):
    """Request bodies: unknown fields are an error (mass-assignment protection), and a value
    must have its JSON type (``0`` is no boolean, ``"1"`` no integer); dates are ISO text
    (``types.Date``)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class LangIn(Schema):
    lang: Lang = Field("en", description="language of translatable content")
