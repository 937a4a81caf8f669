"""Stored files leave storage with their rows: after the deleting transaction commits —
through a service, a queryset or a cascade — and never after a rollback."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.signals import post_delete

from highlands.ecosystem.services import organization_delete
from highlands.funding.models import Evidence
from highlands.servicekit import FILE_OWNING_MODELS

from .test_evidence import JPEG, PDF, submit, upload

pytestmark = pytest.mark.django_db


def _stored(funding: Any) -> list[str]:
    application = submit(funding, upload("krs.pdf", PDF), upload("photo.jpg", JPEG))
    names = [e.file.name for e in application.evidence.all()]
    assert len(names) == 2
    assert all(default_storage.exists(n) for n in names)
    return names


def test_every_model_with_a_file_field_deletes_its_files() -> None:
    owning = {
        model
        for model in apps.get_models()
        if any(isinstance(f, models.FileField) for f in model._meta.concrete_fields)
    }
    assert Evidence in owning
    assert owning <= FILE_OWNING_MODELS, "call servicekit.delete_files_with_rows in ready()"
    assert all(post_delete.has_listeners(model) for model in owning)


def test_a_cascade_deletes_the_files_after_commit(
    funding: Any, django_capture_on_commit_callbacks
) -> None:
    names = _stored(funding)
    with django_capture_on_commit_callbacks(execute=True):
        organization_delete(actor=funding.users["city_admin"], organization=funding.applicant)
        assert not Evidence.objects.exists()  # the rows went with the organisation...
        assert all(default_storage.exists(n) for n in names)  # ...the files wait for commit
    assert not any(default_storage.exists(n) for n in names)


def test_a_queryset_delete_deletes_the_files_after_commit(
    funding: Any, django_capture_on_commit_callbacks
) -> None:
    names = _stored(funding)
    with django_capture_on_commit_callbacks(execute=True):
        Evidence.objects.filter(file=names[0]).delete()
    assert not default_storage.exists(names[0])
    assert default_storage.exists(names[1])  # the other row keeps its file


def test_a_rolled_back_delete_keeps_the_files(
    funding: Any, django_capture_on_commit_callbacks
) -> None:
    names = _stored(funding)

    def delete_then_fail() -> None:
        with transaction.atomic():
            organization_delete(actor=funding.users["city_admin"], organization=funding.applicant)
            raise RuntimeError("something after the delete fails")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        delete_then_fail()  # the callbacks that did run (none for the files) ran
    assert Evidence.objects.count() == 2
    assert all(default_storage.exists(n) for n in names)
    for name in names:
        default_storage.delete(name)
