from django.contrib import admin

from hourbook.accounts.scope import scope_of

from .models import UnitRule, YearPolicy
from .services import unit_rule_save, year_policy_save


@admin.register(YearPolicy)
class YearPolicyAdmin(admin.ModelAdmin):
    """Only the academy admin changes the yearly policy; every change is audited."""

    list_display = [
        "year",
        "training_required",
        "training_required_leader",
        "online_required",
        "cap_self_study",
    ]

    def has_change_permission(self, request, obj=None):
        return scope_of(request.user).academy_admin

    has_add_permission = has_change_permission

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        year_policy_save(actor=request.user, policy=obj)


@admin.register(UnitRule)
class UnitRuleAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "training_required", "online_required", "cap_self_study", "updated_at"]
    list_filter = ["year"]
    search_fields = ["unit__name", "unit__code"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]

    def save_model(self, request, obj, form, change):
        unit_rule_save(actor=request.user, rule=obj)
