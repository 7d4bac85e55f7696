from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import LoginFailure, RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "employee", "is_active", "is_staff", "must_change_password", "last_login"]
    search_fields = ["username", "employee__name", "employee__arp"]
    autocomplete_fields = ["employee"]
    list_select_related = ["employee"]
    inlines = [RoleInline]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Hourbook", {"fields": ("employee", "must_change_password")}))


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ["account_key", "user", "created_at", "ip"]
    search_fields = ["account_key", "user__username", "ip"]
    list_select_related = ["user"]
