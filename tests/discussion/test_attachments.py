"""Attachments: type read from the content and on the allow-list, size within
the limit, refusals shown on the page (not a 500, not a JSON page) and as 400
naming the field in the API, downloads only for those who see the object,
removal by the uploader or the CoE, every upload and removal audited."""

from typing import Any

import pytest
from django.urls import reverse

from discussion import services
from discussion.models import Attachment, attachment_storage
from governance.models import AuditEvent
from initiatives.models import Initiative
from tests.conftest import Org, api_client, bring_to, signed_in
from tests.discussion.conftest import DOCX, EXE, PDF, PNG, upload


@pytest.fixture
def initiative(org: Org) -> Initiative:
    return bring_to(org, "draft")


def page_url(initiative: Initiative) -> str:
    return reverse("discussion:attachments", args=["initiatives", initiative.pk])


def api_url(initiative: Initiative) -> str:
    return f"/api/initiatives/{initiative.pk}/attachments/"


def attach(org: Org, initiative: Initiative, by: str = "marketing_member") -> Attachment:
    return services.attachment_add(
        actor=org.people[by], target=initiative, upload=upload("brief.pdf", PDF)
    )


def test_member_attaches_a_brief_from_the_page(org: Org, initiative: Initiative) -> None:
    client = signed_in(org.people["marketing_member"])
    response = client.post(page_url(initiative), {"file": upload("Q3 brief.pdf", PDF)})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/initiatives/{initiative.pk}/#attachments")
    attachment = Attachment.objects.get()
    assert attachment.name == "Q3 brief.pdf"
    assert attachment.media_type == "application/pdf"
    assert attachment.size == len(PDF)
    # Stored under a generated name, never the uploader's.
    assert "brief" not in attachment.file.name
    assert attachment_storage().open(attachment.file.name).read() == PDF
    page = client.get(response["Location"]).content.decode()
    assert "Q3 brief.pdf" in page
    assert "is attached" in page
    event = AuditEvent.objects.get(event="attachment.uploaded")
    assert event.object_id == str(initiative.pk)
    assert event.new["name"] == "Q3 brief.pdf"
    assert len(event.new["sha256"]) == 64


@pytest.mark.parametrize(
    ("name", "content"),
    [("tool.exe", EXE), ("brief.pdf", EXE), ("logo.png", PDF), ("page.html", b"<html>")],
)
def test_forbidden_type_is_refused_on_the_page_and_in_the_api(
    org: Org, initiative: Initiative, name: str, content: bytes
) -> None:
    client = signed_in(org.people["marketing_member"])
    response = client.post(page_url(initiative), {"file": upload(name, content)})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "The file was not attached." in html
    assert "Allowed are PDF, PNG, JPEG" in html
    answer = api_client(org.people["marketing_member"]).post(
        api_url(initiative), {"file": upload(name, content)}, format="multipart"
    )
    assert answer.status_code == 400
    assert "file" in answer.json()
    assert not Attachment.objects.exists()
    assert not AuditEvent.objects.filter(event="attachment.uploaded").exists()


def test_oversized_file_is_refused_on_the_page_and_in_the_api(
    org: Org, initiative: Initiative, settings: Any
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = PDF + b"0" * (1024 * 1024)
    client = signed_in(org.people["marketing_member"])
    response = client.post(page_url(initiative), {"file": upload("big.pdf", big)})
    assert response.status_code == 400
    assert "The file is larger than 1 MB." in response.content.decode()
    answer = api_client(org.people["marketing_member"]).post(
        api_url(initiative), {"file": upload("big.pdf", big)}, format="multipart"
    )
    assert answer.status_code == 400
    assert answer.json()["file"] == ["The file is larger than 1 MB."]
    assert not Attachment.objects.exists()


def test_an_upload_may_exceed_the_request_limit_up_to_the_attachment_limit(
    org: Org, initiative: Initiative, settings: Any
) -> None:
    settings.MAX_REQUEST_BYTES = 4096
    settings.ATTACHMENT_MAX_BYTES = 64 * 1024
    client = signed_in(org.people["marketing_member"])
    response = client.post(page_url(initiative), {"file": upload("b.pdf", PDF + b"0" * 20_000)})
    assert response.status_code == 302
    # Everything else keeps the request limit.
    comment = client.post(
        reverse("discussion:thread", args=["initiatives", initiative.pk]), {"body": "x" * 5000}
    )
    assert comment.status_code == 413


def test_member_downloads_as_an_attachment(org: Org, initiative: Initiative) -> None:
    attachment = attach(org, initiative)
    for who in ("marketing_lead", "coe_member", "auditor", "sponsor"):
        response = signed_in(org.people[who]).get(
            reverse("discussion:download", args=[attachment.pk])
        )
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="brief.pdf"'
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF
    answer = api_client(org.people["auditor"]).get(f"/api/attachments/{attachment.pk}/download/")
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("who", ["sales_lead", "sales_sponsor", "outsider"])
def test_outsider_gets_404_for_list_download_and_removal(
    org: Org, initiative: Initiative, who: str
) -> None:
    attachment = attach(org, initiative)
    client = signed_in(org.people[who])
    assert client.get(page_url(initiative)).status_code == 404
    assert client.post(page_url(initiative), {"file": upload("x.pdf", PDF)}).status_code == 404
    assert client.get(reverse("discussion:download", args=[attachment.pk])).status_code == 404
    removal = reverse("discussion:attachment-remove", args=[attachment.pk])
    assert client.post(removal).status_code == 404
    api = api_client(org.people[who])
    assert api.get(api_url(initiative)).status_code == 404
    assert api.get(f"/api/attachments/{attachment.pk}/").status_code == 404
    assert api.get(f"/api/attachments/{attachment.pk}/download/").status_code == 404
    assert api.delete(f"/api/attachments/{attachment.pk}/").status_code == 404
    assert Attachment.objects.count() == 1


def test_the_detail_page_links_no_public_media_url(org: Org, initiative: Initiative) -> None:
    attachment = attach(org, initiative)
    html = (
        signed_in(org.people["marketing_lead"])
        .get(reverse("initiatives:detail", args=[initiative.pk]))
        .content.decode()
    )
    assert reverse("discussion:download", args=[attachment.pk]) in html
    assert attachment.file.name not in html


def test_auditor_sees_attachments_but_may_not_attach(org: Org, initiative: Initiative) -> None:
    attach(org, initiative)
    client = signed_in(org.people["auditor"])
    page = client.get(page_url(initiative))
    assert page.status_code == 200
    assert "brief.pdf" in page.content.decode()
    assert 'type="file"' not in page.content.decode()
    assert client.post(page_url(initiative), {"file": upload("x.pdf", PDF)}).status_code == 403
    answer = api_client(org.people["auditor"]).post(
        api_url(initiative), {"file": upload("x.pdf", PDF)}, format="multipart"
    )
    assert answer.status_code == 403


def test_uploader_or_coe_removes_and_the_removal_is_audited(
    org: Org, initiative: Initiative, django_capture_on_commit_callbacks: Any
) -> None:
    mine = attach(org, initiative)
    theirs = attach(org, initiative, by="marketing_lead")
    stored = mine.file.name
    assert (
        api_client(org.people["marketing_lead"]).delete(f"/api/attachments/{mine.pk}/").status_code
        == 403
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(org.people["marketing_member"]).post(
            reverse("discussion:attachment-remove", args=[mine.pk])
        )
    assert response.status_code == 302
    assert not attachment_storage().exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        answer = api_client(org.people["coe_member"]).delete(f"/api/attachments/{theirs.pk}/")
    assert answer.status_code == 204
    assert not Attachment.objects.exists()
    removed = AuditEvent.objects.filter(event="attachment.removed").order_by("seq")
    assert [e.old["name"] for e in removed] == ["brief.pdf", "brief.pdf"]
    assert [e.actor.username for e in removed] == ["marketing_member", "coe_member"]


def test_policy_attachments_are_for_the_coe(org: Org) -> None:
    from tests.policies.conftest import policy_in

    policy = policy_in(org, "published", units=[org.marketing])
    url = f"/api/policies/{policy.pk}/attachments/"
    answer = api_client(org.people["coe_member"]).post(
        url, {"file": upload("legal.docx", DOCX)}, format="multipart"
    )
    assert answer.status_code == 201
    assert answer.json()["media_type"].endswith("wordprocessingml.document")
    staff = api_client(org.people["marketing_member"])
    assert staff.get(url).json()["count"] == 1
    refused = staff.post(url, {"file": upload("x.png", PNG)}, format="multipart")
    assert refused.status_code == 403
    assert api_client(org.people["sales_member"]).get(url).status_code == 404
    html = (
        signed_in(org.people["marketing_member"])
        .get(reverse("policies:detail", args=[policy.pk]))
        .content.decode()
    )
    assert "legal.docx" in html


def test_exceptions_take_no_attachments(org: Org) -> None:
    assert (
        api_client(org.people["coe_lead"]).get("/api/exceptions/1/attachments/").status_code == 404
    )
