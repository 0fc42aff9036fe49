"""Uploads on S3-compatible object storage (issue 19, point 2), against a real S3-protocol server (moto in
server mode): an upload through the edit page lands as a private object in the bucket, never on the local
disk, and leaves only through the authorising view, which streams it; another institution still gets 404."""

import hashlib

import pytest
from django.urls import reverse

from applications.models import Condition

from .conftest import edit_data, upload

pytestmark = pytest.mark.django_db


def test_an_upload_is_a_private_object_and_downloads_through_the_authorising_view(
    draft, institution_user, other_institution_user, client_as, s3_storage, media_root
):
    inst = client_as(institution_user)
    content = b"%PDF-1.4\n% S3 drill\n" + bytes(range(256)) * 40
    data = edit_data(draft)
    data["doc_other"] = upload("近三年培训情况.pdf", content)
    assert inst.post(reverse("applications:edit", args=[draft.pk]), data).status_code == 302
    doc = draft.documents.get(condition=Condition.OTHER)

    [stored] = [item for item in s3_storage.objects.all() if item.key == f"private/{doc.file.name}"]
    assert stored.get()["Body"].read() == content
    grants = stored.Acl().grants
    assert all("AllUsers" not in str(grant["Grantee"]) for grant in grants)  # private, not public-read
    assert not (media_root / "private" / doc.file.name).exists()  # nothing on this node's disk

    response = inst.get(reverse("applications:download", args=[draft.pk, doc.pk]))
    assert response.status_code == 200 and response.streaming
    assert hashlib.sha256(b"".join(response.streaming_content)).digest() == hashlib.sha256(content).digest()
    assert response["Content-Disposition"].startswith("attachment;")
    other = client_as(other_institution_user)
    assert other.get(reverse("applications:download", args=[draft.pk, doc.pk])).status_code == 404
