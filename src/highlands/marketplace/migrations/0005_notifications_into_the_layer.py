"""Copy the marketplace's own notifications and preferences into the notifications layer.

Each old row becomes a ``notifications.Notification`` of kind ``marketplace.<kind>`` with its
time and read state. The old rows kept only the English sentence: it is the English subject;
the Polish subject is the kind's Polish label, with the English sentence as its body. The old
preferences become per-kind e-mail choices: e-mail switched off (or a group of kinds switched
off) means no e-mail for those kinds. The old tables go in 0006.
"""

from django.db import migrations
from django.utils import translation

LABELS = {  # the kinds' labels as registered (models.NotificationKind), English msgids
    "interest_received": "Marketplace: interest in your profile",
    "interest_decided": "Marketplace: your interest was answered",
    "profile_updated": "Marketplace: a profile you follow changed",
    "new_match": "Marketplace: a new match for a profile you follow",
    "cooperation_confirmed": "Marketplace: a partner confirmed your cooperation",
    "search_match": "Marketplace: a new profile matches a search you follow",
}
GROUPS = {  # the old per-group switches and the kinds each covered
    "notify_interests": ("interest_received", "interest_decided", "cooperation_confirmed"),
    "notify_follows": ("profile_updated", "new_match"),
    "notify_searches": ("search_match",),
}
BATCH = 500


def _polish(msgid: str) -> str:
    with translation.override("pl"):
        return translation.gettext(msgid)


def forwards(apps, schema_editor):
    Old = apps.get_model("marketplace", "Notification")
    OldPreference = apps.get_model("marketplace", "NotificationPreference")
    New = apps.get_model("notifications", "Notification")
    Preference = apps.get_model("notifications", "NotificationPreference")
    polish = {kind: _polish(label) for kind, label in LABELS.items()}
    for old in Old.objects.order_by("pk").iterator(chunk_size=BATCH):
        new = New.objects.create(
            user_id=old.user_id,
            kind=f"marketplace.{old.kind}",
            subject_en=old.message[:200],
            subject_pl=polish.get(old.kind, old.message)[:200],
            body_en=old.message if len(old.message) > 200 else "",
            body_pl=old.message,
            url=f"/marketplace/profiles/{old.profile_id}/" if old.profile_id else "",
            emailed=False,  # not known; nothing reads it but the record
        )
        # created_at is auto_now_add: set the original time afterwards
        New.objects.filter(pk=new.pk).update(created_at=old.created_at, read_at=old.read_at)
    for old in OldPreference.objects.iterator(chunk_size=BATCH):
        for group, kinds in GROUPS.items():
            if old.email_enabled and getattr(old, group):
                continue  # the default (e-mail on) needs no row
            for kind in kinds:
                Preference.objects.update_or_create(
                    user_id=old.user_id, kind=f"marketplace.{kind}", defaults={"email": False}
                )


def backwards(apps, schema_editor):
    New = apps.get_model("notifications", "Notification")
    Old = apps.get_model("marketplace", "Notification")
    Preference = apps.get_model("notifications", "NotificationPreference")
    Profile = apps.get_model("marketplace", "CooperationProfile")
    for new in New.objects.filter(kind__startswith="marketplace.").iterator(chunk_size=BATCH):
        path = new.url.strip("/").split("/")
        profile_id = int(path[-1]) if path[-1].isdigit() else None
        if profile_id is not None and not Profile.objects.filter(pk=profile_id).exists():
            profile_id = None
        old = Old.objects.create(
            user_id=new.user_id,
            kind=new.kind.removeprefix("marketplace."),
            message=(new.body_en or new.subject_en)[:500],
            profile_id=profile_id,
        )
        Old.objects.filter(pk=old.pk).update(created_at=new.created_at, read_at=new.read_at)
    New.objects.filter(kind__startswith="marketplace.").delete()
    Preference.objects.filter(kind__startswith="marketplace.").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0004_person_interests"),
        ("notifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
