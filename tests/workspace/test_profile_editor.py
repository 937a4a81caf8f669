"""The cluster profile editor's rows (add, remove, move; with and without htmx) and the
members tab's search by name."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from highlands.accounts.models import ClusterCoordinator
from highlands.audit.models import AuditEntry
from highlands.ecosystem.models import Cluster, ClusterAttribute, MembershipRequest
from highlands.workspace import views
from tests.accounts.fixtures import World, make_user

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _client(world: World, role: str = "coordinator") -> Client:
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


def _goals(**rows: str) -> dict[str, str]:
    """A post of the goals section (English and Polish per row) plus the row counter."""
    data = {"name": "Cluster own", "goal__rows": str(len(rows) // 2)}
    for key, value in rows.items():
        language, index = key.split("_")
        data[f"goal__{language}__{index}__text"] = value
    return data


def _tag(body: str, name: str) -> str:
    """The opening tag of the control named ``name``."""
    match = re.search(rf'<(?:textarea|input)[^>]*name="{name}"[^>]*>', body)
    assert match, name
    return match.group(0)


def _edit_url() -> str:
    return reverse("workspace:cluster_edit", args=["cluster-own"])


def test_add_keeps_what_was_typed_and_adds_a_row_in_both_languages(world: World) -> None:
    data = _goals(en_0="Grow exports", pl_0="Rozwój eksportu")
    response = _client(world).post(_edit_url(), {**data, "add": "goal", "name": "Typed name"})
    assert response.status_code == HTTPStatus.OK
    form = response.context["form"]
    assert len(form.rows["goal"]) == 2
    body = response.content.decode()
    assert "Grow exports" in body
    assert "Rozwój eksportu" in body
    assert "Typed name" in body
    assert 'name="goal__en__1__text"' in body
    assert 'name="goal__pl__1__text"' in body
    assert "Item 2 added to Goals" in body
    assert "autofocus" in _tag(body, "goal__en__1__text")  # the new row takes the focus
    assert "autofocus" not in _tag(body, "goal__en__0__text")
    assert not ClusterAttribute.objects.filter(cluster=world.clusters["own"]).exists()  # unsaved


def test_add_with_htmx_answers_with_the_section_only(world: World) -> None:
    data = _goals(en_0="Grow exports", pl_0="")
    response = _client(world).post(_edit_url(), {**data, "add": "goal"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert body.lstrip().startswith("<fieldset")
    assert "<html" not in body
    assert 'id="section-goal"' in body
    assert 'name="goal__rows" value="2"' in body
    assert 'hx-swap-oob="innerHTML"' in body
    assert "Item 2 added to Goals" in body
    assert "autofocus" in _tag(body, "goal__en__1__text")


def test_remove_and_move_then_save_persists_the_order(world: World) -> None:
    client = _client(world)
    data = _goals(en_0="A", pl_0="A-pl", en_1="B", pl_1="B-pl", en_2="C", pl_2="C-pl")
    swapped = client.post(_edit_url(), {**data, "move": "goal:2:up"}, **HTMX).content.decode()
    assert "position 2 of 3" in swapped
    assert swapped.index("\nC</textarea>") < swapped.index("\nB</textarea>")
    moved = client.post(_edit_url(), {**data, "move": "goal:2:up"})
    rows = moved.context["form"].rows["goal"]
    assert [row["en"][1] for row in rows] == ["A", "C", "B"]
    assert [row["pl"][1] for row in rows] == ["A-pl", "C-pl", "B-pl"]  # pairs move together
    removed = client.post(_edit_url(), {**data, "remove": "goal:0"})
    assert [row["en"][1] for row in removed.context["form"].rows["goal"]] == ["B", "C"]
    assert "Item 1 removed from Goals; 2 left." in removed.content.decode()
    # Save the moved order: it is what is stored, through the service, audited.
    reordered = _goals(en_0="A", pl_0="A-pl", en_1="C", pl_1="C-pl", en_2="B", pl_2="B-pl")
    assert client.post(_edit_url(), reordered).status_code == HTTPStatus.FOUND
    cluster = world.clusters["own"]
    stored = cluster.attributes.filter(kind="goal", language="en").order_by("position")
    assert list(stored.values_list("text", flat=True)) == ["A", "C", "B"]
    entry = AuditEntry.objects.get(action="cluster.update_profile")
    assert entry.after["goal/en"] == ["A", "C", "B"]
    assert entry.actor == world.users["coordinator"]


def test_a_row_removed_to_none_and_saved_empties_the_section(world: World) -> None:
    client = _client(world)
    client.post(_edit_url(), _goals(en_0="A", pl_0=""))
    assert world.clusters["own"].attributes.filter(kind="goal").count() == 1
    emptied = client.post(_edit_url(), {**_goals(en_0="A", pl_0=""), "remove": "goal:0"})
    assert "No items: add one." in emptied.content.decode()
    assert client.post(_edit_url(), {"name": "Cluster own", "goal__rows": "0"}).status_code == 302
    assert not world.clusters["own"].attributes.filter(kind="goal").exists()


def test_sections_not_posted_are_left_alone(world: World) -> None:
    client = _client(world)
    client.post(
        _edit_url(), {"name": "Cluster own", "service__rows": "1", "service__en__0__text": "S"}
    )
    client.post(_edit_url(), _goals(en_0="G", pl_0=""))
    kinds = set(world.clusters["own"].attributes.values_list("kind", flat=True))
    assert kinds == {"service", "goal"}


@pytest.mark.parametrize(
    "action",
    [{"add": "nonsense"}, {"remove": "goal:9"}, {"move": "goal:0:up"}, {"move": "goal:x:down"}],
)
def test_a_row_button_that_names_nothing_on_the_page_is_refused(world: World, action) -> None:
    response = _client(world).post(_edit_url(), {**_goals(en_0="A", pl_0=""), **action})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not ClusterAttribute.objects.exists()


def test_errors_keep_everything_typed(world: World) -> None:
    data = {
        **_goals(en_0="x" * 4001, pl_0="Cel"),
        "flagship_project__rows": "1",
        "flagship_project__en__0__title": "Bridge",
        "flagship_project__en__0__text": "",
    }
    response = _client(world).post(_edit_url(), data)
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "Cel" in body
    assert "Bridge" in body
    assert "x" * 4001 in body
    assert "at most 4000 characters" in body
    assert "Write the text under this title, or empty the title." in body
    assert not ClusterAttribute.objects.exists()


def test_too_many_rows_are_refused(world: World) -> None:
    data = {"name": "Cluster own", "goal__rows": "61", "goal__en__0__text": "A"}
    response = _client(world).post(_edit_url(), data)
    assert response.status_code == HTTPStatus.OK
    assert "Goals holds at most 60 items." in response.content.decode()
    assert not ClusterAttribute.objects.exists()


def test_the_row_messages_speak_polish_on_polish_pages(world: World) -> None:
    data = _goals(en_0="A", pl_0="")
    body = _client(world).post("/pl" + _edit_url(), {**data, "add": "goal"}, **HTMX)
    text = body.content.decode()
    assert "Dodano pozycję 2" in text
    assert "W górę" in text
    assert "Dodaj pozycję" in text


@pytest.mark.parametrize("role", ["anonymous", "visitor", "representative"])
@pytest.mark.parametrize("htmx", [False, True])
def test_only_keepers_may_use_the_rows_or_the_search(world: World, role: str, htmx: bool) -> None:
    headers = HTMX if htmx else {}
    client = _client(world, role)
    edit = client.post(_edit_url(), {**_goals(en_0="A", pl_0=""), "add": "goal"}, **headers)
    search = client.get(
        reverse("workspace:cluster_members", args=["cluster-own"]),
        {"organization": "Org"},
        **headers,
    )
    for response in (edit, search):
        if role == "anonymous":
            assert response.status_code == HTTPStatus.FOUND
            assert reverse("account_login") in response["Location"]
        else:
            assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Org newcomer" not in search.content.decode()


# -- the members tab: an organisation by name ------------------------------------------------


def _members_url() -> str:
    return reverse("workspace:cluster_members", args=["cluster-own"])


def test_search_as_you_type_lists_candidates_and_marks_members(world: World) -> None:
    response = _client(world).get(_members_url(), {"organization": "Org"}, **HTMX)
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="member-candidates"' in body
    assert "Org newcomer" in body
    assert "Org other" in body
    own = body.split("Org own")[0].rsplit("<li", 1)[1]
    assert "disabled" in own  # the cluster's member: marked, not selectable
    assert "already a member" in body
    assert "3 organizations match." in body
    assert response["Vary"]
    assert "HX-Request" in response["Vary"]


def test_the_name_in_the_other_language_finds_the_organisation(seeded) -> None:
    """Reconciliation's matching: the English name finds Politechnika Lubelska, and sending
    it asks that organisation."""
    cluster = Cluster.objects.get(slug="eastern-metal-processing-cluster")
    assert not cluster.memberships.filter(organization__slug="politechnika-lubelska").exists()
    coordinator = make_user("keeper@example.org")
    ClusterCoordinator.objects.create(user=coordinator, cluster=cluster)
    client = Client()
    client.force_login(coordinator)
    url = reverse("workspace:cluster_members", args=[cluster.slug])
    name = "Lublin University of Technology"
    found = client.get(url, {"organization": name}, **HTMX).content.decode()
    assert 'value="politechnika-lubelska"' in found
    response = client.post(url, {"organization": name, "role": "member", "send": "1"})
    assert response.status_code == HTTPStatus.FOUND
    request = MembershipRequest.objects.get(cluster=cluster)
    assert request.organization.slug == "politechnika-lubelska"


def test_a_unique_name_sends_the_request(world: World) -> None:
    response = _client(world).post(
        _members_url(), {"organization": "Org newcomer", "role": "member", "send": "1"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert MembershipRequest.objects.filter(organization=world.newcomer).exists()


def test_several_matches_keep_the_form_and_ask_to_choose(world: World) -> None:
    client = _client(world, "city_admin")
    data = {"organization": "Org", "role": "member", "message": "Witamy", "send": "1"}
    response = client.post(_members_url(), data)
    body = response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert response.status_code == HTTPStatus.OK
    assert str(views.MEMBER_SEVERAL % {"name": "Org"}) in body
    assert "Witamy" in body
    assert 'value="Org"' in body
    chosen = client.post(_members_url(), {**data, "choice": "org-newcomer"})
    assert chosen.status_code == HTTPStatus.FOUND
    assert MembershipRequest.objects.filter(organization=world.newcomer).exists()


def test_unknown_and_member_names_are_errors_on_the_page(world: World) -> None:
    client = _client(world)
    unknown = client.post(_members_url(), {"organization": "Zakład Xyz", "role": "member"})
    assert unknown.status_code == HTTPStatus.OK
    assert "No organization in the registry matches" in unknown.content.decode()
    member = client.post(_members_url(), {"organization": "Org own", "role": "member"})
    assert "Org own is already a member of this cluster." in member.content.decode()
    chosen = client.post(
        _members_url(), {"organization": "Org", "choice": "org-own", "role": "member"}
    )
    assert chosen.status_code == HTTPStatus.OK  # a member cannot be chosen either
    assert not MembershipRequest.objects.exists()
    polish = client.post("/pl" + _members_url(), {"organization": "Zakład Xyz", "role": "member"})
    assert "Żadna organizacja w rejestrze nie pasuje do" in polish.content.decode()


def test_find_without_javascript_lists_the_candidates(world: World) -> None:
    response = _client(world).post(
        _members_url(), {"organization": "Org n", "role": "member", "find": "1"}
    )
    body = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert 'name="choice" value="org-newcomer"' in body
    assert not MembershipRequest.objects.exists()
    assert "errorlist" not in body
