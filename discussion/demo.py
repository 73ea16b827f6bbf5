"""The demo's discussion (`seed_demo`): the CoE asks for details on an
initiative sent back for changes, its lead answers (and corrects the answer
at once: the thread shows it edited) and attaches a brief."""

from collections.abc import Callable

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from discussion import selectors, services
from initiatives.models import Initiative

TITLE = "Executive voices on LinkedIn"
THREAD = (
    (
        "coe_analyst",
        "@comms_lead Which executives will post, and how often? "
        "A one-page brief would help the review.",
    ),
    (
        "comms_lead",
        "Our CEO and CFO, **twice a month** each, drafted with the comms team. "
        "The brief is attached.",
    ),
    ("cmo", "Fine by me. @coe_analyst, anything else before it goes back to you?"),
)


def _pdf(lines: list[str]) -> bytes:
    """A one-page PDF with the lines as text, with a correct cross-reference table."""
    text = "BT /F1 12 Tf 72 720 Td 16 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return out


BRIEF = _pdf(
    [
        "Executive voices on LinkedIn - brief",
        "Who: the CEO and the CFO.",
        "Cadence: two posts a month each, drafted with Communications.",
        "Review: Legal checks posts on results before publication.",
    ]
)


def seed_discussion(user: Callable[[str], User]) -> None:
    """Once: the thread and the brief on the initiative sent back for changes."""
    initiative = Initiative.objects.filter(title=TITLE).first()
    if initiative is None or selectors.thread(target=initiative).exists():
        return
    question, answer = THREAD[:2]
    services.comment_post(actor=user(question[0]), target=initiative, body=question[1])
    first = services.comment_post(
        actor=user(answer[0]), target=initiative, body=answer[1].replace("twice", "once")
    )
    services.comment_edit(actor=user(answer[0]), comment=first, body=answer[1])
    services.attachment_add(
        actor=user("comms_lead"),
        target=initiative,
        upload=SimpleUploadedFile("Executive voices brief.pdf", BRIEF, "application/pdf"),
    )
    username, body = THREAD[2]
    services.comment_post(actor=user(username), target=initiative, body=body)
