"""The type of a file is read from its bytes, and must be what its name says."""

import io

import pytest

from discussion import sniffing
from tests.discussion.conftest import DOCX, EXE, PDF, PNG, XLSX, office


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("brief.pdf", PDF, sniffing.PDF),
        ("logo.png", PNG, sniffing.PNG),
        ("photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20, sniffing.JPEG),
        ("brief.docx", DOCX, sniffing.DOCX),
        ("budget.xlsx", XLSX, sniffing.XLSX),
        ("deck.pptx", office("ppt/presentation.xml"), sniffing.PPTX),
        ("budget.csv", "Posten;Betrag €\nAnzeigen;1200\n".encode(), sniffing.CSV),
        ("notes.txt", "Größe: groß, perché\n".encode("cp1252"), sniffing.TXT),
    ],
)
def test_allowed_types_are_recognized_by_content(name: str, content: bytes, expected: str) -> None:
    assert sniffing.checked_type(name=name, file=io.BytesIO(content)) == expected


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("tool.exe", EXE, "extension"),
        ("page.html", b"<script>alert(1)</script>", "extension"),
        ("drawing.svg", b"<svg onload='alert(1)'/>", "extension"),
        ("brief.pdf", EXE, "content"),
        ("logo.png", PDF, "content"),
        ("brief.docx", office("word/document.xml", macros=True), "content"),
        ("brief.docx", XLSX, "content"),
        ("notes.txt", b"text\x00with a NUL", "content"),
        ("budget.xlsx", b"PK\x03\x04not really a zip", "content"),
    ],
)
def test_other_types_and_disguised_files_are_refused(
    name: str, content: bytes, reason: str
) -> None:
    with pytest.raises(sniffing.Refused, match=reason):
        sniffing.checked_type(name=name, file=io.BytesIO(content))


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\me\\Brief Q3.pdf", "Brief Q3.pdf"),
        ('a<b>:"c"|?*.pdf', "a_b_c_.pdf"),
        ("...hidden.pdf", "hidden.pdf"),
        ("line\nbreak\x00.pdf", "line_break_.pdf"),
        ("", "attachment"),
        ("x" * 300 + ".pdf", "x" * 146 + ".pdf"),
    ],
)
def test_file_names_are_sanitized(given: str, safe: str) -> None:
    assert sniffing.safe_name(given) == safe
