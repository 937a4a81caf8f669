"""Checks on an uploaded evidence file before anything is stored (pure Python, no Django).

The type is read from the file's first bytes and must agree with its name's extension; the
name a person's scanner gave it is kept only as a sanitised label (no path, no control or
shell characters, at most ``NAME_MAX`` characters). The stored name is random
(``models.evidence_path``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_BYTES = 5 * 1024 * 1024  # per file
MAX_FILES = 10  # per application, or per fact of an organisation
NAME_MAX = 120

# extension → (the bytes the file starts with, the content type it is served as)
TYPES: dict[str, tuple[bytes, str]] = {
    "pdf": (b"%PDF-", "application/pdf"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    "jpg": (b"\xff\xd8\xff", "image/jpeg"),
    "jpeg": (b"\xff\xd8\xff", "image/jpeg"),
}

TOO_LARGE = "The file '{name}' is {size:.1f} MB; at most {limit} MB per file."
EMPTY = "The file '{name}' is empty."
WRONG_TYPE = "The file '{name}' is not a PDF, PNG or JPEG document (by its name)."
MISMATCH = "The file '{name}' does not contain a {kind} document, as its name says."
TOO_MANY = "At most {limit} evidence files for one {target}."


class UploadError(ValueError):
    """A file that is refused; ``name`` is its sanitised name."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


@dataclass(frozen=True)
class CheckedFile:
    name: str  # sanitised
    extension: str
    content_type: str


def sanitize_name(raw: str) -> str:
    """A safe label for a scanned file's name: the last path part, Unicode normalised,
    anything but letters, digits, space, dot, dash and underscore replaced by ``_``."""
    base = re.split(r"[\\/]", raw or "")[-1]
    base = unicodedata.normalize("NFKC", base)
    base = "".join("_" if unicodedata.category(ch).startswith("C") else ch for ch in base)
    base = re.sub(r"[^\w .\-]", "_", base)
    base = re.sub(r"\s+", " ", base).strip(" .") or "file"
    if len(base) > NAME_MAX:
        stem, dot, ext = base.rpartition(".")
        keep = NAME_MAX - len(ext) - 1 if dot and len(ext) <= 5 else NAME_MAX
        base = f"{stem[:keep]}.{ext}" if dot and len(ext) <= 5 else base[:NAME_MAX]
    return base


def check(raw_name: str, size: int, head: bytes) -> CheckedFile:
    """The file's sanitised name and type, or ``UploadError`` saying what is wrong."""
    name = sanitize_name(raw_name)
    if size <= 0:
        raise UploadError(name, EMPTY.format(name=name))
    if size > MAX_BYTES:
        raise UploadError(
            name, TOO_LARGE.format(name=name, size=size / 1024 / 1024, limit=MAX_BYTES // 2**20)
        )
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in TYPES:
        raise UploadError(name, WRONG_TYPE.format(name=name))
    magic, content_type = TYPES[extension]
    if not head.startswith(magic):
        raise UploadError(name, MISMATCH.format(name=name, kind=extension.upper()))
    return CheckedFile(name, extension, content_type)
