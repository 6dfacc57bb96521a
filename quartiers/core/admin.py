from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from quartiers.core.models import User


@admin.register(User)
class QuartiersUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Rôle", {"fields": ("role", "organisation")}))
    list_display = ("username", "email", "role", "organisation", "is_staff")
    list_filter = ("role", "is_staff", "is_active")
