from django.urls import path

from . import views

app_name = "workspace"
urlpatterns = [
    path("", views.home, name="home"),
    # Before "organizations/<slug>/" (a slug cannot take these two words from them).
    path("organizations/join/", views.onboarding, name="onboarding"),
    path("organizations/register/", views.organization_register, name="organization_register"),
    path("clusters/<slug:slug>/", views.cluster_edit, name="cluster_edit"),
    path("clusters/<slug:slug>/members/", views.cluster_members, name="cluster_members"),
    path(
        "clusters/<slug:slug>/members/<int:pk>/remove/",
        views.cluster_member_remove,
        name="cluster_member_remove",
    ),
    path(
        "clusters/<slug:slug>/members/<int:pk>/role/",
        views.cluster_member_role,
        name="cluster_member_role",
    ),
    path(
        "clusters/<slug:slug>/requests/<int:pk>/withdraw/",
        views.membership_request_withdraw,
        name="membership_request_withdraw",
    ),
    path("clusters/<slug:slug>/figures/", views.cluster_figures, name="cluster_figures"),
    path("clusters/<slug:slug>/issues/", views.cluster_issues, name="cluster_issues"),
    path("clusters/<slug:slug>/audit/", views.cluster_audit, name="cluster_audit"),
    path("clusters/<slug:slug>/contacts/", views.cluster_contacts, name="cluster_contacts"),
    path("clusters/<slug:slug>/invite/", views.invite_coordinator, name="invite_coordinator"),
    path("issues/<int:pk>/resolve/", views.issue_resolve, name="issue_resolve"),
    path("contacts/<int:pk>/erase/", views.contact_erase, name="contact_erase"),
    path("contacts/<int:pk>/export/", views.contact_export, name="contact_export"),
    path("organizations/<slug:slug>/", views.organization_edit, name="organization_edit"),
    path(
        "organizations/<slug:slug>/contacts/",
        views.organization_contacts,
        name="organization_contacts",
    ),
    path(
        "organizations/<slug:slug>/invite/",
        views.invite_representative,
        name="invite_representative",
    ),
    path(
        "organizations/<slug:slug>/representatives/",
        views.organization_representatives,
        name="organization_representatives",
    ),
    path(
        "organizations/<slug:slug>/representatives/<int:pk>/revoke/",
        views.representative_revoke,
        name="representative_revoke",
    ),
    path(
        "organizations/<slug:slug>/invitations/<int:pk>/cancel/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path(
        "organizations/<slug:slug>/memberships/<int:pk>/leave/",
        views.membership_leave,
        name="membership_leave",
    ),
    path("membership-requests/", views.membership_requests, name="membership_requests"),
    path(
        "membership-requests/<int:pk>/accept/",
        views.membership_request_answer,
        {"answer": "accept"},
        name="membership_request_accept",
    ),
    path(
        "membership-requests/<int:pk>/decline/",
        views.membership_request_answer,
        {"answer": "decline"},
        name="membership_request_decline",
    ),
    path("organizations/<slug:slug>/claim/", views.organization_claim, name="organization_claim"),
    path("claims/", views.claims, name="claims"),
    path(
        "claims/<int:pk>/approve/", views.claim_decide, {"answer": "approve"}, name="claim_approve"
    ),
    path(
        "claims/<int:pk>/decline/", views.claim_decide, {"answer": "decline"}, name="claim_decline"
    ),
    path("claims/<int:pk>/withdraw/", views.claim_withdraw, name="claim_withdraw"),
    path(
        "clusters/<slug:slug>/members/<int:pk>/invite/",
        views.cluster_member_invite,
        name="cluster_member_invite",
    ),
    path("highlands/", views.highland_assignment, name="highlands"),
    path("highlands/assign/", views.highland_assign, name="highland_assign"),
    path("highlands/<int:pk>/unassign/", views.highland_unassign, name="highland_unassign"),
    path("audit/", views.audit_all, name="audit_all"),
    path("me/", views.my_data, name="my_data"),
    path("me/export/", views.my_data_export, name="my_data_export"),
    path("me/erase/", views.my_account_erase, name="my_account_erase"),
]
