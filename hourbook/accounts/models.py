"""Login accounts, their roles scoped to unit trees, and the login-failure counter."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from hourbook.org.models import Employee, Unit

from .choices import Role
from .validators import MSG_USERNAME_DIGIT_START, USERNAME_DIGIT_START_REGEX, validate_username_not_arp

MSG_USERNAME_TAKEN_ANY_CASE = _("该用户名已存在（不区分大小写）")


class User(AbstractUser):
    """An account; most are linked to an employee and may log in with the ARP number too.

    A login name means one account: usernames are unique whatever their case and never start with a digit,
    and ARP numbers are digits only (`org.validators`), both enforced by the database.
    """

    username = models.CharField(
        _("用户名"),
        max_length=150,
        unique=True,
        help_text=_("150 个字符以内，不能以数字开头；可用字母、数字和 @ . + - _。员工也可用ARP编号登录"),
        validators=[UnicodeUsernameValidator(), validate_username_not_arp],
        error_messages={"unique": _("该用户名已存在")},
    )
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
        constraints = [
            models.CheckConstraint(
                condition=~Q(username__regex=USERNAME_DIGIT_START_REGEX),
                name="username_not_arp",
                violation_error_message=MSG_USERNAME_DIGIT_START,
            ),
            # Login lookup: a typed username matches one account whatever its case.
            models.UniqueConstraint(
                Lower("username"),
                name="username_unique_any_case",
                violation_error_message=MSG_USERNAME_TAKEN_ANY_CASE,
            ),
        ]

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
    """One wrong password; five for one account within 15 minutes lock it (DOMAIN.md, Login), and a looser
    limit holds per client address.

    Failures count against the account the typed name resolves to (`user`), whether the username or the ARP
    number was typed; a name that matches no account counts under the name itself (`account_key`), so a
    locked and an unknown name answer alike. Kept in the database so that every app server counts the same
    failures.
    """

    user = models.ForeignKey(
        User,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="login_failures",
    )
    account_key = models.CharField(_("输入的账号"), max_length=150)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录失败")
        verbose_name_plural = _("登录失败")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Lockout check: failures of one account in the last 30 minutes.
            models.Index(fields=["user", "created_at"], name="loginfail_user_time_idx"),
            # Lockout check for a name that matches no account.
            models.Index(fields=["account_key", "created_at"], name="loginfail_key_time_idx"),
            # Lockout check: failures from one client address in the last 30 minutes.
            models.Index(fields=["ip", "created_at"], name="loginfail_ip_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.account_key} @ {self.created_at:%Y-%m-%d %H:%M:%S}"
