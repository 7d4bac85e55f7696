"""证明材料: type by magic number, size and count limits, generated names, private download."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hourbook.ledger.choices import Status
from hourbook.ledger.forms import EVIDENCE_MAX_BYTES, MSG_EVIDENCE_TYPE
from hourbook.ledger.models import Evidence, Record
from hourbook.ledger.tests.access_records import PDF
from hourbook.testing.factories import RecordFactory

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_FILES_ACCEL_PREFIX = ""
    return tmp_path


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def pending(cast, **kwargs):
    kwargs.setdefault("status", Status.PENDING)
    return RecordFactory(employee=cast.employee.employee, **kwargs)


def attach(record, content=PDF, name="证书.pdf", content_type="application/pdf"):
    evidence = Evidence(record=record, original_name=name, content_type=content_type, size=len(content))
    evidence.file.save("x.pdf", ContentFile(content), save=True)
    return evidence


def post_files(client, record, *files):
    return client.post(
        reverse("ledger:evidence_upload", args=[record.pk]), {"evidence": list(files)}, follow=True
    )


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_pdf_png_and_jpeg_are_stored_under_generated_names(cast, login):
    record = pending(cast)
    response = post_files(
        login(cast.employee),
        record,
        upload("结业证书.pdf", PDF),
        upload("合影.png", PNG),
        upload("../../etc/passwd.jpg", JPEG),
    )

    assert response.status_code == 200
    stored = list(record.evidence.order_by("pk"))
    assert sorted(e.content_type for e in stored) == ["application/pdf", "image/jpeg", "image/png"]
    assert [e.original_name for e in stored] == ["结业证书.pdf", "合影.png", "passwd.jpg"]
    for evidence in stored:
        assert evidence.file.name.startswith(f"evidence/{record.employee_id}/{record.pk}/")
        assert evidence.original_name not in evidence.file.name
        assert default_storage.exists(evidence.file.name)
        assert evidence.uploaded_by == cast.employee


def test_the_type_is_read_from_the_content_not_the_name(cast, login):
    record = pending(cast)
    client = login(cast.employee)

    refused = post_files(client, record, upload("证书.pdf", b"MZ\x90\x00 this is an exe"))
    assert str(MSG_EVIDENCE_TYPE % {"name": "证书.pdf"}) in messages_of(refused)
    html = post_files(client, record, upload("scan.png", b"<html><script>alert(1)</script>", "image/png"))
    assert any("不是 JPEG、PNG 或 PDF" in m for m in messages_of(html))
    assert not record.evidence.exists()

    renamed = post_files(client, record, upload("photo.pdf", PNG, "application/pdf"))
    assert renamed.status_code == 200
    assert record.evidence.get().content_type == "image/png"


def test_size_limit_is_10_mb(cast, login):
    record = pending(cast)
    client = login(cast.employee)
    big = PDF + b"0" * (EVIDENCE_MAX_BYTES - len(PDF))

    refused = post_files(client, record, upload("大文件.pdf", big + b"0"))
    assert any("超过 10 MB" in m for m in messages_of(refused))
    assert not record.evidence.exists()

    post_files(client, record, upload("恰好.pdf", big))
    assert record.evidence.get().size == EVIDENCE_MAX_BYTES


def test_empty_file_is_refused(cast, login):
    record = pending(cast)
    post_files(login(cast.employee), record, upload("空.pdf", b""))
    assert not record.evidence.exists()


def test_at_most_five_files_per_record(cast, login):
    record = pending(cast)
    for _ in range(4):
        attach(record)
    client = login(cast.employee)

    refused = post_files(client, record, upload("a.pdf", PDF), upload("b.pdf", PDF))
    assert any("最多 5 个" in m for m in messages_of(refused))
    assert record.evidence.count() == 4

    post_files(client, record, upload("a.pdf", PDF))
    assert record.evidence.count() == 5
    page = client.get(reverse("ledger:record_detail", args=[record.pk])).content.decode()
    assert reverse("ledger:evidence_upload", args=[record.pk]) not in page  # no room left


def test_evidence_on_the_add_form(cast, login):
    response = login(cast.employee).post(
        reverse("ledger:record_create", args=["external_training"]),
        {
            "name": "学术会议",
            "form": "conference",
            "start_date": "2024-05-06",
            "end_date": "2024-05-06",
            "hours": "8",
            "assessment": "none",
            "evidence": [upload("证书.pdf", PDF), upload("照片.jpg", JPEG)],
        },
    )
    assert response.status_code == 302
    assert Record.objects.get().evidence.count() == 2


def test_a_bad_file_on_the_add_form_saves_nothing(cast, login):
    response = login(cast.employee).post(
        reverse("ledger:record_create", args=["external_training"]),
        {
            "name": "学术会议",
            "form": "conference",
            "start_date": "2024-05-06",
            "end_date": "2024-05-06",
            "hours": "8",
            "assessment": "none",
            "evidence": [upload("证书.pdf", b"not a pdf")],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["evidence"]
    assert not Record.objects.exists()


def test_evidence_is_frozen_with_an_approved_record(cast, login):
    record = pending(cast, status=Status.APPROVED)
    evidence = attach(record)
    client = login(cast.employee)
    assert (
        client.post(
            reverse("ledger:evidence_upload", args=[record.pk]), {"evidence": upload("a.pdf", PDF)}
        ).status_code
        == 403
    )
    assert client.post(reverse("ledger:evidence_delete", args=[evidence.pk])).status_code == 403
    assert record.evidence.count() == 1


def test_owner_deletes_evidence_of_an_editable_record_and_the_file_goes(
    cast, login, django_capture_on_commit_callbacks
):
    record = pending(cast, status=Status.REJECTED)
    evidence = attach(record)
    name = evidence.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = login(cast.employee).post(reverse("ledger:evidence_delete", args=[evidence.pk]))
    assert response.status_code == 302
    assert not record.evidence.exists()
    assert not default_storage.exists(name)


def test_hr_may_read_but_not_delete_evidence(cast, login):
    record = pending(cast)
    evidence = attach(record)
    assert login(cast.hr).post(reverse("ledger:evidence_delete", args=[evidence.pk])).status_code == 403
    assert (
        login(cast.hr)
        .post(reverse("ledger:evidence_upload", args=[record.pk]), {"evidence": upload("a.pdf", PDF)})
        .status_code
        == 403
    )
    assert record.evidence.count() == 1


def test_download_serves_the_bytes_to_those_who_may_see_the_record(cast, login):
    """Evidence is as private as its record: owner, unit HR and ancestors' HR, academy; others 404."""
    evidence = attach(pending(cast))
    url = reverse("ledger:evidence_download", args=[evidence.pk])
    for persona in ("employee", "hr", "parent_hr", "academy"):
        response = login(cast[persona]).get(url)
        assert response.status_code == 200, persona
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert "private" in response["Cache-Control"]
    for persona in ("colleague", "outsider", "sibling_hr", "manager"):
        assert login(cast[persona]).get(url).status_code == 404, persona


def test_download_of_a_deleted_records_evidence_is_not_found(cast, login):
    record = pending(cast, deleted_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    evidence = attach(record)
    assert (
        login(cast.employee).get(reverse("ledger:evidence_download", args=[evidence.pk])).status_code == 404
    )


def test_download_hands_over_to_the_proxy_when_configured(cast, login, settings):
    """In production nginx sends the bytes after the access check (X-Accel-Redirect)."""
    settings.PRIVATE_FILES_ACCEL_PREFIX = "/protected/"
    evidence = attach(pending(cast), name="结业证书.pdf")
    response = login(cast.employee).get(reverse("ledger:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected/{evidence.file.name}"
    assert response.content == b""
    assert "filename*=utf-8''%e7%bb%93" in response["Content-Disposition"].lower()
    assert (
        login(cast.outsider).get(reverse("ledger:evidence_download", args=[evidence.pk])).status_code == 404
    )
