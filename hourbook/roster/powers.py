"""Who may change whom in the roster (issue 8, items 6 and 7).

DOMAIN.md decisions: a unit HR admin changes the people of their unit trees only, and never an account that
holds a role at or above their own scope; nobody changes their own 在册, level or unit (another admin does,
and it is audited). Every roster service calls `require_may_change` (or `require_may_edit`) with the actor,
whatever its caller checked, so the form, the import and any later API path are held alike; the views ask
`refusal` first only to hide buttons and explain.

Ranks, highest first: a superuser or staff account (系统管理账号); the academy admin (院人事局管理员); a unit HR
admin, by the unit tree they hold. An account is out of the actor's reach when it holds any role the actor
does not hold power over:
- a superuser/staff account: out of reach of everyone but a superuser (and never of another superuser);
- an academy admin: out of reach of everyone but a superuser;
- a unit HR role: within reach only of the academy admin and of HR admins of a strict ancestor unit (so
  another HR admin of the same unit, or of a parent or unrelated unit, is out of reach);
- a programme manager role: within reach of the academy admin and of HR admins of that unit or an ancestor.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from hourbook.accounts.choices import Role
from hourbook.accounts.models import User
from hourbook.accounts.scope import scope_of
from hourbook.org.models import Employee, Unit

MSG_NOT_YOUR_UNIT = _("该单位不在您管理的范围内")
MSG_PROTECTED = _(
    "%(name)s的账号拥有与您同级或更高的管理角色（%(role)s），您不能修改其信息或为其登记离职、调动；"
    "请由上级管理员办理"
)
MSG_SELF = _("不能调动本人或为本人登记离职；请由本单位其他人事管理员、上级单位人事管理员或院人事局办理")
MSG_SELF_REGISTERED = _("不能修改本人的在册状态；请由其他管理员办理")
MSG_SELF_LEVEL = _("不能修改本人的职级；请由其他管理员办理")
SYSTEM_ROLE = _("系统管理账号")

# What a person may not change on their own record (DOMAIN.md decision); the unit changes only by a transfer,
# which is refused for oneself whole.
SELF_LOCKED = {"is_registered": MSG_SELF_REGISTERED, "level": MSG_SELF_LEVEL, "level_since": MSG_SELF_LEVEL}


@dataclass(frozen=True)
class Account:
    """What matters of a person's login account for these rules."""

    superuser: bool = False
    staff: bool = False
    roles: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (role, unit path)


def administers(actor, unit: Unit) -> bool:
    """Whether the actor is the academy admin or an HR admin of the unit or one of its ancestors."""
    scope = scope_of(actor)
    return scope.academy_admin or any(unit.path.startswith(path) for path in scope.hr_paths)


def accounts_of(employee_ids) -> dict[int, Account]:
    """The accounts (system flag, roles with their unit paths) of these employees, in one query."""
    flags: dict[int, tuple[bool, bool]] = {}
    roles: dict[int, list[tuple[str, str]]] = defaultdict(list)
    rows = User.objects.filter(employee_id__in=list(employee_ids)).values_list(
        "employee_id", "is_superuser", "is_staff", "roles__role", "roles__unit__path"
    )
    for employee_id, superuser, staff, role, path in rows:
        flags[employee_id] = (superuser, staff)
        if role:
            roles[employee_id].append((role, path))
    return {
        pk: Account(superuser=superuser, staff=staff, roles=tuple(roles[pk]))
        for pk, (superuser, staff) in flags.items()
    }


def _out_of_reach(actor, account: Account) -> str | None:
    """The label of the account's first role at or above the actor's scope, or None if all are below it."""
    if account.superuser or (account.staff and not actor.is_superuser):
        if any(role == Role.ACADEMY_ADMIN for role, _path in account.roles):
            return str(Role.ACADEMY_ADMIN.label)
        return str(SYSTEM_ROLE)
    scope = scope_of(actor)
    for role, path in account.roles:
        if role == Role.ACADEMY_ADMIN:
            if not actor.is_superuser:
                return str(Role.ACADEMY_ADMIN.label)
        elif scope.academy_admin:
            continue
        elif role == Role.UNIT_HR:
            if not any(path.startswith(mine) and path != mine for mine in scope.hr_paths):
                return str(Role.UNIT_HR.label)
        elif not any(path.startswith(mine) for mine in scope.hr_paths):
            return str(Role(role).label)
    return None


def is_self(actor, employee: Employee) -> bool:
    return actor.employee_id is not None and actor.employee_id == employee.pk


def refusal(actor, employee: Employee, *, account: Account | None = None) -> str | None:
    """Why the actor may not change this person at all (None: they may, subject to `SELF_LOCKED` for oneself).

    `account` may be passed from `accounts_of` to spare the query when checking many people.
    """
    if not administers(actor, employee.unit):
        return str(MSG_NOT_YOUR_UNIT)
    if is_self(actor, employee):
        return None
    if account is None:
        account = accounts_of([employee.pk]).get(employee.pk, Account())
    role = _out_of_reach(actor, account)
    if role is not None:
        return str(MSG_PROTECTED % {"name": employee.name, "role": role})
    return None


def require_may_change(actor, employee: Employee, *, account: Account | None = None) -> None:
    """Transfers, leavers, accounts: refused (PermissionDenied with the reason) for anyone out of reach, and
    for oneself."""
    if is_self(actor, employee) and administers(actor, employee.unit):
        raise PermissionDenied(MSG_SELF)
    reason = refusal(actor, employee, account=account)
    if reason:
        raise PermissionDenied(reason)


def require_may_edit(actor, employee: Employee, *, changed: set[str], account: Account | None = None) -> None:
    """Editing details: refused for anyone out of reach; on one's own record, refused at the field for
    在册 and level (ValidationError), allowed for the rest (name, phone numbers)."""
    reason = refusal(actor, employee, account=account)
    if reason:
        raise PermissionDenied(reason)
    if is_self(actor, employee):
        locked = {name: SELF_LOCKED[name] for name in changed if name in SELF_LOCKED}
        if locked:
            raise ValidationError(locked)
