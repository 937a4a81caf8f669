"""Membership requests; unilateral listings made before them become pending requests.

Before this migration a coordinator could list any organisation in their cluster (issue 12).
Every membership that no source document states (``source`` is NULL) and that is not
synthetic demo data was such a listing: it is turned into a pending request the organisation
(or the city office, while it has no representative) must accept, and the membership row is
removed, so it grants nothing until then.  An audit entry records each conversion.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def unilateral_listings_to_requests(apps, schema_editor):
    Membership = apps.get_model("ecosystem", "Membership")
    MembershipRequest = apps.get_model("ecosystem", "MembershipRequest")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    unilateral = Membership.objects.filter(
        source__isnull=True, organization__is_synthetic=False, cluster__is_synthetic=False
    ).order_by("pk")
    for membership in unilateral:
        request = MembershipRequest.objects.create(
            cluster_id=membership.cluster_id,
            organization_id=membership.organization_id,
            role=membership.role,
            listed_as=membership.listed_as,
            message="Listed before membership requests existed; please confirm or decline.",
        )
        AuditEntry.objects.create(
            action="membership.to_request",
            object_type="ecosystem.membershiprequest",
            object_id=str(request.pk),
            object_repr=f"request #{request.pk}"[:255],
            cluster_id=membership.cluster_id,
            organization_id=membership.organization_id,
            before={"membership_id": membership.pk, "role": membership.role},
            after={"status": "pending"},
        )
        membership.delete()


class Migration(migrations.Migration):

    dependencies = [
        ('ecosystem', '0002_translatable_descriptions'),
        ('audit', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='MembershipRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('coordinator', 'Coordinator'), ('founder', 'Founder'), ('member', 'Member')], max_length=16)),
                ('listed_as', models.CharField(blank=True, choices=[('business', 'Business'), ('bei', 'Business environment institution'), ('academia', 'Academia'), ('public_authority', 'Public authority'), ('civil_society', 'Civil society')], max_length=32)),
                ('message', models.TextField(blank=True)),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('accepted', 'Accepted'), ('declined', 'Declined'), ('withdrawn', 'Withdrawn')], default='pending', max_length=16)),
                ('requested_at', models.DateTimeField(auto_now_add=True)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('reason', models.TextField(blank=True)),
                ('cluster', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='member_requests', to='ecosystem.cluster')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('membership', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='request', to='ecosystem.membership')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='membership_requests', to='ecosystem.organization')),
                ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-requested_at', '-id'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('cluster', 'organization', 'role'), name='uniq_pending_membership_request')],
            },
        ),
        migrations.RunPython(unilateral_listings_to_requests, migrations.RunPython.noop),
    ]
