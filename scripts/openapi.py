"""Write the committed OpenAPI document: `python scripts/openapi.py` (`--check`: only compare).

`tests/api/test_openapi.py` fails while `docs/openapi.json` differs from what the API serves,
so every change to the API shows in review as a diff of that file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highlands.config.settings.base")
    import django

    django.setup()
    from highlands.apikit.openapi import DOCUMENT, openapi_text
    from highlands.config.api import api

    path, text = ROOT / DOCUMENT, openapi_text(api)
    if "--check" in argv:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            print(f"{DOCUMENT} is out of date: run python scripts/openapi.py", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {DOCUMENT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
