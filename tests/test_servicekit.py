"""The one set of service guards (``highlands.servicekit``) every app's services use."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from highlands import servicekit
from highlands.audit.models import AuditEntry
from highlands.ecosystem.models import Organization
from highlands.errors import ApplicationError, PermissionDeniedError

SRC = Path(servicekit.__file__).parent


class _Person:
    is_authenticated = True

    def __init__(self, allowed: bool) -> None:
        self.allowed = allowed

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return self.allowed


def test_require_refuses_without_the_permission_or_an_actor() -> None:
    servicekit.require(_Person(True), "x.y", None, "no")
    for actor in (_Person(False), None):
        with pytest.raises(PermissionDeniedError, match="no"):
            servicekit.require(actor, "x.y", None, "no")
    servicekit.require(servicekit.SYSTEM, "anything", None, "no")
    assert servicekit.person(servicekit.SYSTEM) is None


def test_choice_names_the_field() -> None:
    assert servicekit.choice("a", ["a", "b"], "letter") == "a"
    with pytest.raises(ApplicationError, match="'c' is not a valid letter"):
        servicekit.choice("c", ["a", "b"], "letter")


def test_plain_text_strips_markup_and_bounds_the_cleaned_length() -> None:
    assert servicekit.plain_text(" <b>R&amp;D</b> ", field="f", limit=5) == "R&D"
    with pytest.raises(servicekit.FieldTooLongError) as too_long:
        servicekit.plain_text("abcd", field="description", limit=3)
    assert too_long.value.message == "The description is too long (4 characters; at most 3)."
    assert too_long.value.extra == {"field": "description", "limit": 3, "length": 4}
    with pytest.raises(ApplicationError, match="The title cannot be empty"):
        servicekit.plain_text("<p> </p>", field="title", limit=10, required=True)
    # A huge body is refused before any cleaning work.
    with pytest.raises(servicekit.FieldTooLongError, match="1000000 characters"):
        servicekit.plain_text("<" * 1_000_000, field="f", limit=10)


def test_bounded_items() -> None:
    assert servicekit.bounded_items([1, 2], field="list", limit=2) == [1, 2]
    with pytest.raises(ApplicationError, match=r"The list has too many items \(3; at most 2\)"):
        servicekit.bounded_items([1, 2, 3], field="list", limit=2)


@pytest.mark.django_db
def test_update_audited_saves_and_logs_only_what_changed() -> None:
    org = Organization.objects.create(slug="o", name="O", normalized_name="o", city="Lublin")
    change = servicekit.update_audited(
        org, {"city": "Lublin", "website": ""}, actor=servicekit.SYSTEM, action="t.noop"
    )
    assert not change
    assert not AuditEntry.objects.exists()
    change = servicekit.update_audited(
        org,
        {"city": "Chełm", "website": ""},
        actor=servicekit.SYSTEM,
        action="t.change",
        organization_id=org.pk,
    )
    assert change.fields == ["city"]
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_id, entry.organization_id) == ("t.change", None, org.pk)
    assert (entry.before, entry.after) == ({"city": "Lublin"}, {"city": "Chełm"})
    assert Organization.objects.get(pk=org.pk).city == "Chełm"


@pytest.mark.django_db
def test_mail_leaves_after_commit_one_message_per_address(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        servicekit.mail_on_commit(["b@x.org", "a@x.org", "a@x.org", ""], "Hello", "Body")
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["a@x.org"], ["b@x.org"]]
    assert mail.outbox[0].subject == "[Highlands] Hello"


def test_servicekit_imports_no_app() -> None:
    """A lower layer: audit, errors, text and Django only."""
    tree = ast.parse((SRC / "servicekit.py").read_text())
    imported = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.level
    }
    assert imported <= {"audit.services", "errors", "text.markup"}


def test_no_app_keeps_its_own_copy_of_the_guards() -> None:
    """``_require`` / ``_choice`` / ``_text`` were copied into four apps; they live here now."""
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        names = {
            node.name
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.FunctionDef)
        }
        assert not names & {"_require", "_choice", "_text"}, path


@pytest.mark.django_db
def test_close_pending_records_the_decision_and_one_audit_entry() -> None:
    from django.contrib.auth import get_user_model

    from highlands.accounts.models import OrganizationClaim

    org = Organization.objects.create(slug="o", name="O", normalized_name="o")
    person = get_user_model().objects.create_user(username="p", email="p@x.org")
    decider = get_user_model().objects.create_user(username="d", email="d@x.org")
    claim = OrganizationClaim.objects.create(kind="claim", organization=org, claimant=person)
    servicekit.close_pending(
        claim,
        actor=decider,
        status="declined",
        action="t.decline",
        values={"reason": "Not known here"},
        logged={},
        organization_id=org.pk,
    )
    claim = OrganizationClaim.objects.get(pk=claim.pk)
    assert (claim.status, claim.decided_by, claim.reason) == ("declined", decider, "Not known here")
    assert claim.decided_at is not None
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_id) == ("t.decline", decider.pk)
    assert entry.organization_id == org.pk
    assert (entry.before, entry.after) == ({"status": "pending"}, {"status": "declined"})
    servicekit.close_pending(claim, actor=servicekit.SYSTEM, status="approved", action="t.ok")
    claim = OrganizationClaim.objects.get(pk=claim.pk)
    assert claim.decided_by is None  # the operator is no person
    assert AuditEntry.objects.latest("pk").after == {"status": "approved"}


def test_no_app_closes_a_pending_decision_by_hand() -> None:
    """Requests, applications, claims and interests were each closed by their own copy of
    "status, decided_by, decided_at, save, audit"; ``close_pending`` is the one copy."""
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts or path.name == "servicekit.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    names = target.elts if isinstance(target, ast.Tuple) else [target]
                    assert not any(
                        isinstance(n, ast.Attribute) and n.attr == "decided_at" for n in names
                    ) or path.parts[-2:] == ("ingest", "review.py"), path
