from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ClusterCoordinator, ContactPerson, Invitation, OrganizationRepresentative, User


@admin.register(User)
class HighlandsUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Highlands", {"fields": ("is_city_admin", "erased_at")}))  # type: ignore[misc]
    list_display = ("username", "email", "is_city_admin", "is_staff", "is_active")


admin.site.register(ClusterCoordinator)
admin.site.register(OrganizationRepresentative)
admin.site.register(ContactPerson)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("kind", "email", "organization", "cluster", "created_at", "accepted_at")
    exclude = ("token_hash",)
