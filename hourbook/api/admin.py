from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import ApiToken
from .services import create_token, revoke_token


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "unit", "permissions", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix")
    readonly_fields = ("prefix", "revoked_at", "last_used_at", "created_by", "created_at")
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, secret = create_token(
            actor=request.user,
            name=obj.name,
            unit=obj.unit,
            permissions=obj.permissions,
            expires_at=obj.expires_at,
            rate_per_minute=obj.rate_per_minute,
        )
        obj.pk = token.pk
        obj.refresh_from_db()
        messages.warning(request, _("令牌只显示这一次，请妥善保存：%(secret)s") % {"secret": secret})

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request, queryset):
        for token in queryset:
            revoke_token(actor=request.user, token=token)
