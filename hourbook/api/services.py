"""Creating and revoking integration tokens: the academy admin only (STYLE.md: services check the actor)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hourbook.accounts.scope import scope_of
from hourbook.audit.services import audit_log

from .models import DEFAULT_RATE_PER_MINUTE, ApiToken, Permission, hash_secret, new_secret

MSG_ACADEMY_ONLY = _("只有全院管理员可以管理接口令牌")
MSG_NO_PERMISSION = _("请至少选择一项权限")
MSG_BAD_PERMISSION = _("未知的权限：%(name)s")
MSG_NO_NAME = _("请填写集成名称")


def _check_actor(actor) -> None:
    if actor is not None and not scope_of(actor).academy_admin:
        raise PermissionDenied(MSG_ACADEMY_ONLY)


def create_token(
    *, actor, name: str, unit, permissions, expires_at=None, rate_per_minute: int = DEFAULT_RATE_PER_MINUTE
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret (shown once; only the hash is kept).

    `actor` None is the operator's management command (shell access is the academy's own)."""
    _check_actor(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": MSG_NO_NAME})
    permissions = sorted(set(permissions))
    if not permissions:
        raise ValidationError({"permissions": MSG_NO_PERMISSION})
    for perm in permissions:
        if perm not in Permission.values:
            raise ValidationError({"permissions": MSG_BAD_PERMISSION % {"name": perm}})
    secret = new_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(
            name=name,
            unit=unit,
            permissions=permissions,
            secret_hash=hash_secret(secret),
            prefix=secret[:10],
            expires_at=expires_at,
            rate_per_minute=rate_per_minute,
            created_by=actor,
        )
        audit_log(
            actor=actor,
            action="api.token_create",
            obj=token,
            unit=unit,
            summary=f"创建接口令牌：{name}",
            data={"permissions": permissions},
        )
    return token, secret


def revoke_token(*, actor, token: ApiToken) -> ApiToken:
    _check_actor(actor)
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_log(
                actor=actor,
                action="api.token_revoke",
                obj=token,
                unit=token.unit,
                summary=f"吊销接口令牌：{token.name}",
            )
    return token
