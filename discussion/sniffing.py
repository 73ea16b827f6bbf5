"""What an uploaded file is, read from its bytes, and a safe name for it.

Only the allow-listed types are accepted, and the content must be what the
file name's extension says: a PDF renamed .png, an executable renamed .pdf or a
macro-enabled Word file renamed .docx is refused. Detection needs no native
library: the formats on the list have fixed signatures (PDF, PNG, JPEG), are
ZIP packages with a known main part (the Office formats), or are text."""

import codecs
import re
import unicodedata
import zipfile
from pathlib import PurePosixPath
from typing import IO

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
CSV = "text/csv"
TXT = "text/plain"

# The allow-list: extension -> the type its content must have.
ALLOWED: dict[str, str] = {
    ".pdf": PDF,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".pptx": PPTX,
    ".csv": CSV,
    ".txt": TXT,
}

_SIGNATURES = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
# The part every package of that type has.
_OFFICE_PARTS = (
    ("word/document.xml", DOCX),
    ("xl/workbook.xml", XLSX),
    ("ppt/presentation.xml", PPTX),
)
# Control characters other than tab, newlines and form feed mean "not text".
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CHUNK = 64 * 1024


class Refused(ValueError):
    """The file is not of an allowed type, or not what its name says."""


def _office_type(file: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(file) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names or any(n.endswith("vbaProject.bin") for n in names):
        # Not an Office package, or one with macros (a .docm renamed .docx).
        return None
    for part, media_type in _OFFICE_PARTS:
        if part in names:
            return media_type
    return None


def _is_text(file: IO[bytes]) -> bool:
    """UTF-8 (with or without a BOM) or, as spreadsheets export it, Windows-1252
    text without control characters."""
    for encoding in ("utf-8-sig", "cp1252"):
        file.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := file.read(_CHUNK):
                if _CONTROL.search(chunk):
                    return False
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return True
    return False


def sniff(file: IO[bytes]) -> str | None:
    """The allowed type the content has, or None."""
    file.seek(0)
    head = file.read(16)
    try:
        for signature, media_type in _SIGNATURES:
            if head.startswith(signature):
                return media_type
        if head.startswith(b"PK\x03\x04"):
            file.seek(0)
            return _office_type(file)
        return TXT if head and _is_text(file) else None
    finally:
        file.seek(0)


def checked_type(*, name: str, file: IO[bytes]) -> str:
    """The file's type if it is allowed and its content matches its extension;
    raises Refused otherwise. CSV is text whose name says CSV."""
    expected = ALLOWED.get(PurePosixPath(name.lower()).suffix)
    if expected is None:
        raise Refused("extension")
    found = sniff(file)
    if found == TXT and expected == CSV:
        found = CSV
    if found != expected:
        raise Refused("content")
    return found


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_MAX_NAME = 150


def safe_name(name: str) -> str:
    """The uploader's file name without a path, control or reserved characters,
    leading dots or runs of spaces, at most 150 characters with its extension."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name)
    name = " ".join(name.split()).lstrip(". ")
    path = PurePosixPath(name or "attachment")
    suffix = path.suffix[:10] if len(path.suffix) <= 10 else ""
    stem = (path.stem if suffix else path.name)[: _MAX_NAME - len(suffix)].rstrip(". ")
    return f"{stem or 'attachment'}{suffix}"
