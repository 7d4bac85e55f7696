"""Login accounts, their roles scoped to unit trees, and the login-failure counter."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from hourbook.org.models import Employee, Unit

from .choices import Role


class User(AbstractUser):
    """An account; most are linked to an employee and may log in with the ARP number too."""

    employee = models.OneToOneField(
        Employee,
        verbose_name=_("职工"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account",
    )
    must_change_password = models.BooleanField(_("首次登录须修改密码"), default=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        ordering = ["username"]

    def __str__(self) -> str:
        if self.employee_id:
            return f"{self.username}（{self.employee.name}）"
        return self.username


class RoleAssignment(models.Model):
    """A role held over a unit and all its sub-units."""

    user = models.ForeignKey(User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("角色"), max_length=32, choices=Role)
    unit = models.ForeignKey(
        Unit, verbose_name=_("管理单位"), on_delete=models.PROTECT, related_name="role_holders"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["user_id", "role", "unit_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit"],
                name="role_once_per_unit",
                violation_error_message=_("该角色已存在"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


class LoginFailure(models.Model):
    """One wrong password for an account key; five within 15 minutes lock it (DOMAIN.md, Login).

    Kept in the database so that every app server counts the same failures.
    """

    account_key = models.CharField(_("账号"), max_length=150)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录失败")
        verbose_name_plural = _("登录失败")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Lockout check: failures of one account in the last 15 minutes.
            models.Index(fields=["account_key", "created_at"], name="loginfail_key_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.account_key} @ {self.created_at:%Y-%m-%d %H:%M:%S}"
