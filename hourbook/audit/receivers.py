"""Writes announced by apps below audit in the import stack (accounts), recorded in the audit trail."""

from django.dispatch import receiver

from hourbook.accounts.signals import account_locked, password_changed

from .services import audit_log


def _unit(user):
    return user.employee.unit if user.employee_id else None


@receiver(password_changed, dispatch_uid="audit.account.change_password")
def audit_password_changed(sender, *, actor, user, **kwargs) -> None:
    audit_log(
        actor=actor,
        action="account.change_password",
        obj=user,
        unit=_unit(user),
        summary=str(user),
        data={"username": user.username},
    )


@receiver(account_locked, dispatch_uid="audit.account.lock")
def audit_account_locked(sender, *, user, name, ip, until, **kwargs) -> None:
    audit_log(
        actor=None,
        action="account.lock",
        obj=user,
        unit=_unit(user),
        summary=str(user),
        data={"username": user.username, "typed": name, "ip": ip, "until": until.isoformat()},
    )
