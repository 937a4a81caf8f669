"""Plain text from what people type: every tag stripped (nh3); registry text is never markup."""

from __future__ import annotations

import html

import nh3


def clean_plain_text(value: str) -> str:
    """Strip every HTML tag (nh3) and keep the text; registry text is plain, never markup."""
    return html.unescape(nh3.clean(value, tags=set())).strip()
