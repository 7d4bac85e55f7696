"""Integration tokens: a named integration's key to the HTTP API, scoped to a unit tree and to permissions.

The secret is shown once when the token is created; only its SHA-256 is stored, so a leaked database does not
leak working keys. A token can expire and be revoked, and records when it was last used.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hourbook.org.models import Unit

TOKEN_PREFIX = "hb_"
DEFAULT_RATE_PER_MINUTE = 600


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class Permission(models.TextChoices):
    READ_PEOPLE = "read_people", _("读取人员与单位")
    WRITE_PEOPLE = "write_people", _("写入人员与单位")
    POST_RECORDS = "post_records", _("提交学习记录")
    READ_STATUS = "read_status", _("读取年度学时状况")


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    name = models.CharField(_("集成名称"), max_length=100)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("授权单位"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
        help_text=_("令牌只能访问该单位及其下级单位"),
    )
    permissions = models.JSONField(_("权限"), default=list)
    secret_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("令牌前缀"), max_length=12, editable=False, default="")
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True, editable=False)
    rate_per_minute = models.PositiveIntegerField(
        _("每分钟请求上限"), default=DEFAULT_RATE_PER_MINUTE, help_text=_("超过后返回429，稍后重试")
    )
    # The current one-minute window of the rate limit and the requests counted in it (updated in one UPDATE).
    window_start = models.DateTimeField(null=True, blank=True, editable=False)
    window_count = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    def has(self, permission: str) -> bool:
        return permission in self.permissions

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
