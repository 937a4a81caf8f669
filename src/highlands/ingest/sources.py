"""Reading source files safely: size limit, binary detection, strict decoding, format sniffing."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from ..errors import SourceImportError

# Each check's message is a constant so tests and callers can rely on its wording.
EMPTY_FILE = "{name}: the file is empty"
TOO_LARGE = "{name}: the file is {size:.1f} MB; the import limit is {limit:.1f} MB"
BINARY_FILE = "{name}: this is a binary file ({what}), not text"
NOT_UTF8 = (
    "{name}: line {line}: not valid UTF-8 (byte 0x{byte:02x}){hint}; "
    "convert the file to UTF-8 or pass --encoding"
)
NOT_FOUND = "{name}: no such file"
UNKNOWN_FORMAT = "{name}: cannot tell the file's format (expected profile text, CSV, XLSX or JSON)"
UNPACKS_TOO_LARGE = (
    "{name}: the workbook unpacks to {size:.1f} MB; the import limit is {limit:.1f} MB "
    "(setting HIGHLANDS_IMPORT_MAX_UNPACKED_BYTES)"
)
COMPRESSED_TOO_FAR = (
    "{name}: member '{member}' unpacks {ratio:.0f} times its packed size ({size:.1f} MB); "
    "the import limit is {limit:.0f} times (setting HIGHLANDS_IMPORT_MAX_COMPRESSION_RATIO)"
)
# Small parts (styles, relationships) of an ordinary workbook compress far; only a part that
# unpacks to more than this is held to the compression ratio.
RATIO_CHECKED_ABOVE = 1024 * 1024

_MAGIC = [
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x7fELF", "executable"),
    (b"\xd0\xcf\x11\xe0", "legacy Office document"),
]


@dataclass(frozen=True)
class SourceFile:
    name: str
    data: bytes
    sha256: str
    kind: str  # profile_text | csv | xlsx | json


def read_source(path: str | Path, *, max_bytes: int | None = None) -> SourceFile:
    """Read a file for import, refusing what cannot be a source before parsing anything."""
    path = Path(path)
    name = path.name
    limit = max_bytes if max_bytes is not None else settings.HIGHLANDS_IMPORT_MAX_BYTES
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise SourceImportError(NOT_FOUND.format(name=path), code="not_found") from exc
    if size > limit:
        raise SourceImportError(
            TOO_LARGE.format(name=name, size=size / 1e6, limit=limit / 1e6), code="too_large"
        )
    data = path.read_bytes()
    if not data.strip():
        raise SourceImportError(EMPTY_FILE.format(name=name), code="empty")
    kind = sniff_kind(name, data)
    return SourceFile(name=name, data=data, sha256=hashlib.sha256(data).hexdigest(), kind=kind)


def sniff_kind(name: str, data: bytes) -> str:
    """Tell the format by content first (an .xlsx is a zip), then by extension."""
    suffix = Path(name).suffix.lower()
    if data[:4] == b"PK\x03\x04":
        if suffix in {".xlsx", ".xlsm", ""} or b"xl/" in data[:2000]:
            return "xlsx"
        raise SourceImportError(BINARY_FILE.format(name=name, what="zip archive"), code="binary")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise SourceImportError(BINARY_FILE.format(name=name, what=what), code="binary")
    if b"\x00" in data[:65536]:
        raise SourceImportError(
            BINARY_FILE.format(name=name, what="contains NUL bytes"), code="binary"
        )
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if suffix == ".json" or head in {b"{", b"["}:
        return "json"
    if suffix in {".csv", ".tsv"}:
        return "csv"
    if suffix in {".txt", ".md", ".text", ""}:
        return "profile_text"
    raise SourceImportError(UNKNOWN_FORMAT.format(name=name), code="unknown_format")


def decode_text(source: SourceFile, encoding: str | None = None) -> str:
    """Decode strictly; a wrong encoding is an error naming the line, never mojibake."""
    data = source.data
    if encoding:
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except (UnicodeDecodeError, LookupError) as exc:
            raise SourceImportError(
                f"{source.name}: cannot decode as {encoding}: {exc}", code="encoding"
            ) from exc
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        hint = ""
        try:
            data.decode("cp1250")
            hint = " — it looks like Windows-1250 (cp1250)"
        except UnicodeDecodeError:
            pass
        raise SourceImportError(
            NOT_UTF8.format(name=source.name, line=line, byte=data[exc.start], hint=hint),
            code="encoding",
        ) from exc


def check_workbook(source: SourceFile) -> None:
    """Refuse a zip bomb before any XML is parsed: total unpacked size and per-member ratio.

    The sizes come from the zip's directory, which costs nothing to read.  They cannot lie
    to the parser: Python's ``zipfile`` (which openpyxl reads through) stops at a member's
    declared size and fails its checksum if the data goes on.  A file that is not a zip at
    all is left for the workbook parser to name.
    """
    try:
        members = zipfile.ZipFile(io.BytesIO(source.data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    limit = settings.HIGHLANDS_IMPORT_MAX_UNPACKED_BYTES
    max_ratio = settings.HIGHLANDS_IMPORT_MAX_COMPRESSION_RATIO
    total = 0
    for member in members:
        total += member.file_size
        if total > limit:
            raise SourceImportError(
                UNPACKS_TOO_LARGE.format(
                    name=source.name,
                    size=sum(m.file_size for m in members) / 1e6,
                    limit=limit / 1e6,
                ),
                code="too_large",
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECKED_ABOVE and ratio > max_ratio:
            raise SourceImportError(
                COMPRESSED_TOO_FAR.format(
                    name=source.name,
                    member=member.filename,
                    ratio=ratio,
                    size=member.file_size / 1e6,
                    limit=max_ratio,
                ),
                code="too_large",
            )
