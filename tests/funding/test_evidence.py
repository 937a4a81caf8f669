"""Evidence files on membership applications and on facts: size and type limits, sanitised
names, private downloads (the applicant's representatives, the cluster's coordinators, the
city office) and nothing half-written when a file is refused or storing fails."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from highlands.accounts.models import ClusterCoordinator
from highlands.accounts.services import api_token_create
from highlands.audit.models import AuditEntry
from highlands.ecosystem.models import Cluster
from highlands.errors import ApplicationError, PermissionDeniedError
from highlands.funding import services, uploads
from highlands.funding.models import Evidence, MembershipApplication
from tests.accounts.fixtures import make_user

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture
def seeded(shared_seed):
    return shared_seed


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def submit(funding, *files):
    return services.application_submit(
        actor=funding.users["representative"],
        cluster=funding.metal,
        organization=funding.applicant,
        message="We weld.",
        evidence=list(files),
    )


def test_an_application_carries_its_evidence_with_sanitised_names(funding) -> None:
    application = submit(
        funding,
        upload("C:\\Scans\\KRS extract <2024>.PDF", PDF),
        upload("../../etc/revenue\x07 split.png", PNG),
        upload("photo.jpeg", JPEG),
    )
    stored = list(application.evidence.order_by("id"))
    assert [e.name for e in stored] == [
        "KRS extract _2024_.PDF",
        "revenue_ split.png",
        "photo.jpeg",
    ]
    assert [e.content_type for e in stored] == ["application/pdf", "image/png", "image/jpeg"]
    assert stored[0].size == len(PDF)
    assert len(stored[0].sha256) == 64
    # The stored name is random, under the organisation; never the uploaded one.
    assert stored[0].file.name.startswith(f"funding/evidence/{funding.applicant.pk}/")
    assert "KRS" not in stored[0].file.name
    assert default_storage.open(stored[0].file.name).read() == PDF
    assert AuditEntry.objects.filter(action="evidence.add").count() == 3


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("big.pdf", b"%PDF-" + b"0" * uploads.MAX_BYTES, "at most 5 MB"),
        ("empty.pdf", b"", "is empty"),
        ("tool.exe", b"MZ\x90\x00", "not a PDF, PNG or JPEG"),
        ("no-extension", PDF, "not a PDF, PNG or JPEG"),
        ("really-a-png.pdf", PNG, "does not contain a PDF"),
        ("script.jpg", b"<script>alert(1)</script>", "does not contain a JPG"),
    ],
)
def test_a_bad_file_refuses_the_whole_application(funding, name, content, words) -> None:
    with pytest.raises(ApplicationError) as caught:
        submit(funding, upload("good.pdf", PDF), upload(name, content))
    assert words in caught.value.message
    assert caught.value.extra["field"] == "evidence"
    assert not MembershipApplication.objects.exists()
    assert not Evidence.objects.exists()


def test_too_many_files_are_refused(funding) -> None:
    files = [upload(f"scan-{i}.pdf", PDF) for i in range(uploads.MAX_FILES + 1)]
    with pytest.raises(ApplicationError, match="At most 10"):
        submit(funding, *files)
    assert not MembershipApplication.objects.exists()


def test_a_storage_failure_leaves_no_file_and_no_row(funding, monkeypatch) -> None:
    application = submit(funding)
    written: list[str] = []
    original = default_storage._save

    def failing(name, content):
        if written:
            raise OSError("disk full")
        written.append(original(name, content))
        return written[-1]

    monkeypatch.setattr(default_storage, "_save", failing)
    with pytest.raises(OSError, match="disk full"):
        services.application_evidence_add(
            actor=funding.users["representative"],
            application=application,
            files=[upload("a.pdf", PDF), upload("b.pdf", PDF)],
        )
    assert len(written) == 1
    assert not default_storage.exists(written[0])
    assert not Evidence.objects.exists()


def test_only_the_applicants_representatives_add_evidence_while_pending(funding) -> None:
    application = submit(funding)
    for role in ("coordinator", "city_admin", "stranger"):
        with pytest.raises(PermissionDeniedError):
            services.application_evidence_add(
                actor=funding.users[role], application=application, files=[upload("a.pdf", PDF)]
            )
    services.application_withdraw(actor=funding.users["representative"], application=application)
    with pytest.raises(ApplicationError, match="already withdrawn"):
        services.application_evidence_add(
            actor=funding.users["representative"],
            application=application,
            files=[upload("a.pdf", PDF)],
        )
    assert not Evidence.objects.exists()


def test_fact_evidence_names_a_known_fact(funding) -> None:
    rep = funding.users["representative"]
    added = services.fact_evidence_add(
        actor=rep,
        organization=funding.applicant,
        fact_name="revenue_shares.own_metal_production",
        files=[upload("accounts 2024.pdf", PDF)],
    )
    assert added[0].fact_name == "revenue_shares.own_metal_production"
    with pytest.raises(ApplicationError) as caught:
        services.fact_evidence_add(
            actor=rep, organization=funding.applicant, fact_name="shoe_size", files=[]
        )
    assert caught.value.extra["field"] == "shoe_size"
    with pytest.raises(PermissionDeniedError):
        services.fact_evidence_add(
            actor=funding.users["stranger"],
            organization=funding.applicant,
            fact_name="voivodeship",
            files=[upload("a.pdf", PDF)],
        )


@pytest.fixture
def other_coordinator(funding):
    other = Cluster.objects.exclude(pk=funding.metal.pk).order_by("pk").first()
    user = make_user("othercoord@other-cluster.example")
    ClusterCoordinator.objects.create(user=user, cluster=other)
    return user


def _get(path: str, user=None, token: str | None = None):
    client = Client()
    if user is not None:
        client.force_login(user)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(path, **headers)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("representative", HTTPStatus.OK),
        ("coordinator", HTTPStatus.OK),
        ("city_admin", HTTPStatus.OK),
        ("stranger", HTTPStatus.NOT_FOUND),
        ("other_coordinator", HTTPStatus.NOT_FOUND),
        ("anonymous", None),
    ],
)
def test_who_downloads_application_evidence(funding, other_coordinator, role, status) -> None:
    users = funding.users | {"other_coordinator": other_coordinator, "anonymous": None}
    evidence = submit(funding, upload("extract.pdf", PDF)).evidence.get()
    user = users[role]
    token = api_token_create(actor=user, name="t")[1] if user is not None else None
    page = _get(f"/funding/evidence/{evidence.pk}/", user=user)
    assert page.status_code == (status or HTTPStatus.FOUND)  # anonymous: to the sign-in page
    _assert_download(page, status)
    api = _get(f"/api/v1/funding/evidence/{evidence.pk}", token=token)
    assert api.status_code == (status or HTTPStatus.UNAUTHORIZED)
    _assert_download(api, status)


def _assert_download(response, status) -> None:
    if status != HTTPStatus.OK:
        return
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="extract.pdf"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


def test_fact_evidence_is_seen_by_the_coordinators_of_its_clusters_only(
    funding, other_coordinator
) -> None:

    evidence = services.fact_evidence_add(
        actor=funding.users["representative"],
        organization=funding.applicant,
        fact_name="voivodeship",
        files=[upload("seat.pdf", PDF)],
    )[0]
    coordinator = funding.users["coordinator"]
    assert not coordinator.has_perm("funding.view_evidence", evidence)  # not a member yet
    funding.join_metal()
    assert coordinator.has_perm("funding.view_evidence", evidence)
    assert not other_coordinator.has_perm("funding.view_evidence", evidence)
    assert funding.users["city_admin"].has_perm("funding.view_evidence", evidence)


def test_upload_through_the_api_names_the_bad_file(funding) -> None:
    application = submit(funding)
    token = api_token_create(actor=funding.users["representative"], name="t")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    path = f"/api/v1/funding/applications/{application.pk}/evidence"
    ok = client.post(path, {"files": [upload("a.pdf", PDF), upload("b.png", PNG)]})
    assert ok.status_code == HTTPStatus.CREATED
    assert [e["name"] for e in ok.json()] == ["a.pdf", "b.png"]
    bad = client.post(path, {"files": [upload("c.pdf", PDF), upload("virus.exe", b"MZ")]})
    assert bad.status_code == HTTPStatus.BAD_REQUEST
    assert "virus.exe" in bad.json()["message"]
    listed = client.get(path).json()
    assert [e["name"] for e in listed] == ["a.pdf", "b.png"]
