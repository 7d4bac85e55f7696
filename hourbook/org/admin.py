from django.contrib import admin

from .models import Employee, PositionHistory, Unit, UnitMembership


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "depth"]
    list_filter = ["kind", "depth"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]


class MembershipInline(admin.TabularInline):
    model = UnitMembership
    extra = 0
    autocomplete_fields = ["unit"]


class LevelInline(admin.TabularInline):
    model = PositionHistory
    extra = 0


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["arp", "name", "unit", "is_registered", "is_active", "left_on"]
    list_filter = ["is_registered", "is_active"]
    search_fields = ["arp", "name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
    inlines = [MembershipInline, LevelInline]
