"""Writes to the roster (单位人员名册): people, transfers, leavers, login accounts and the .xlsx import.

Every function checks that the actor administers the units it touches (a unit HR: their unit trees; the
academy admin: all) and that the person is within the actor's reach (`powers`: never an account holding a
role at or above the actor's scope; never one's own 在册, level or unit), and raises PermissionDenied
otherwise, whatever the caller checked before. Each write is audited. Transfers follow DOMAIN.md's decision: the current year's records, and so their pending reviews,
move to the new unit; past years never move.
"""

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from hourbook.accounts.models import User
from hourbook.accounts.scope import hr_units_q, scope_of
from hourbook.accounts.services import account_username
from hourbook.audit.services import audit_log
from hourbook.common.dates import today
from hourbook.common.text import clean_text
from hourbook.ledger.services import records_move_year_to_unit
from hourbook.org import standing
from hourbook.org.choices import PositionLevel
from hourbook.org.models import Employee, PositionHistory, Unit, UnitMembership
from hourbook.org.services import (
    check_joined_on,
    employee_create,
    employee_leave,
    employee_move,
    employee_set_level,
)

from .powers import (
    MSG_NOT_YOUR_UNIT,
    MSG_SELF,
    SELF_LOCKED,
    accounts_of,
    administers,
    is_self,
    refusal,
    require_may_change,
    require_may_edit,
)

MSG_SAME_UNIT = _("该职工已在这个单位")
MSG_TRANSFER_LEFT = _("已离职人员不能调动")
MSG_TRANSFER_DATE_FUTURE = _("调动日期不能晚于今天")
MSG_TRANSFER_DATE_YEAR = _("调动日期须在本年度内；以往年度的记录不随调动转移")
MSG_TRANSFER_DATE_BEFORE = _("调动日期不能早于该职工进入现单位的日期（%(start)s）")
MSG_ALREADY_LEFT = _("该职工已登记离职")
MSG_LEAVE_FUTURE = _("离职日期不能晚于今天")
MSG_LEAVE_BEFORE = _("离职日期不能早于该职工进入现单位的日期（%(start)s）")
MSG_HAS_ACCOUNT = _("该职工已有登录账号")
MSG_ACCOUNT_LEFT = _("已离职人员不能开通账号")
MSG_USERNAME_TAKEN = _("账号名“%(username)s”已被使用")
MSG_RESET_PRIVILEGED = _("该账号拥有管理角色，只能由院人事局管理员重置密码")
MSG_RESET_SELF = _("不能在这里重置自己的密码，请使用“修改密码”")
MSG_RESET_STAFF = _("系统管理账号不能在这里重置密码")
MSG_LEVEL_SINCE_FUTURE = _("职级起始日期不能晚于今天")
MSG_ROW_ERROR = _("第 %(line)s 行：%(error)s")

# Initial passwords: no look-alike characters (0/O, 1/l/I), so they can be read out or copied by hand.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
INITIAL_PASSWORD_LENGTH = 12


def _require_unit(actor, unit: Unit) -> None:
    if not administers(actor, unit):
        raise PermissionDenied(MSG_NOT_YOUR_UNIT)


def _employee_data(employee: Employee) -> dict:
    return {
        "arp": employee.arp,
        "name": employee.name,
        "unit": employee.unit_id,
        "phone": employee.phone,
        "mobile": employee.mobile,
        "is_registered": employee.is_registered,
    }


def current_level_entry(employee: Employee) -> PositionHistory | None:
    """The level entry in force today (or on the leaving day)."""
    day = employee.reference_day(today().year)
    return employee.levels.filter(since__lte=day).order_by("-since", "-pk").first()


def _check_level_since(since: dt.date | None) -> None:
    if since is not None and since > today():
        raise ValidationError({"level_since": MSG_LEVEL_SINCE_FUTURE})


@transaction.atomic
def employee_add(
    *,
    actor,
    arp: str,
    name: str,
    unit: Unit,
    level: str = PositionLevel.ORDINARY,
    level_since: dt.date | None = None,
    joined_on: dt.date | None = None,
    is_registered: bool = True,
    phone: str = "",
    mobile: str = "",
) -> Employee:
    """A new person of the actor's unit tree, with their first unit membership and level.

    They count for the unit from `joined_on` (today if not given), never before (DOMAIN.md decision):
    no yearly standing, so no place in a denominator, for the years before it.
    """
    _require_unit(actor, unit)
    _check_level_since(level_since)
    joined_on = joined_on or today()
    employee = employee_create(
        arp=arp,
        name=name,
        unit=unit,
        level=level,
        level_since=level_since,
        joined_on=joined_on,
        is_registered=is_registered,
        phone=phone,
        mobile=mobile,
    )
    audit_log(
        actor=actor,
        action="employee.create",
        obj=employee,
        unit=unit,
        summary=str(employee),
        data={
            **_employee_data(employee),
            "level": level,
            "level_since": str(level_since or ""),
            "joined_on": str(joined_on),
        },
    )
    return employee


@transaction.atomic
def employee_update(
    *,
    actor,
    employee: Employee,
    arp: str,
    name: str,
    phone: str,
    mobile: str,
    is_registered: bool,
    level: str,
    level_since: dt.date | None,
) -> Employee:
    """Edit a person's details; a level different from the one in force (or a new start date) is recorded
    as a level held from `level_since` (today if not given). The unit changes only by a transfer.

    Refused (PermissionDenied) for anyone out of the actor's reach (`powers`); on one's own record, a change
    of 在册 or level is refused at the field (DOMAIN.md decision: another admin does it).
    """
    entry = current_level_entry(employee)
    level_changes = (
        entry is None or entry.level != level or (level_since is not None and level_since != entry.since)
    )
    changed = {"level"} if level_changes else set()
    if is_registered != employee.is_registered:
        changed.add("is_registered")
    require_may_edit(actor, employee, changed=changed)
    _check_level_since(level_since)
    before = _employee_data(employee)
    employee.arp, employee.name = arp, clean_text(name)  # invisible characters only: empty (issue 8, item 11)
    employee.phone, employee.mobile, employee.is_registered = phone, mobile, is_registered
    employee.full_clean()
    employee.save(update_fields=["arp", "name", "phone", "mobile", "is_registered"])
    level_change = None
    if level_changes:
        since = level_since or today()
        employee_set_level(employee=employee, level=level, since=since)
        level_change = {"level": level, "since": str(since)}
    audit_log(
        actor=actor,
        action="employee.update",
        obj=employee,
        unit=employee.unit,
        summary=str(employee),
        data={"before": before, "after": _employee_data(employee), "level": level_change},
    )
    return employee


@transaction.atomic
def employee_transfer(*, actor, employee: Employee, unit: Unit, start: dt.date | None = None) -> int:
    """Move a person to another unit from `start` (today by default, within the current year).

    The actor must administer both the source and the target unit (or be the academy admin). The current
    year's records, with their pending reviews, move to the new unit; past years stay (DOMAIN.md decision).
    Returns the number of records moved.
    """
    employee = Employee.objects.select_for_update(of=("self",)).select_related("unit").get(pk=employee.pk)
    require_may_change(actor, employee)
    _require_unit(actor, unit)
    now = today()
    start = start or now
    if not employee.is_active:
        raise ValidationError(MSG_TRANSFER_LEFT)
    if unit.pk == employee.unit_id:
        raise ValidationError({"unit": MSG_SAME_UNIT})
    if start > now:
        raise ValidationError({"start": MSG_TRANSFER_DATE_FUTURE})
    if start.year != now.year:
        raise ValidationError({"start": MSG_TRANSFER_DATE_YEAR})
    latest = employee.memberships.order_by("-start", "-pk").first()
    if latest is not None and start < latest.start:
        raise ValidationError({"start": MSG_TRANSFER_DATE_BEFORE % {"start": latest.start}})
    source = employee.unit
    employee_move(employee=employee, unit=unit, start=start)
    moved = records_move_year_to_unit(employee=employee, year=now.year, unit=unit)
    audit_log(
        actor=actor,
        action="employee.transfer",
        obj=employee,
        unit=unit,
        summary=f"{employee}：{source} → {unit}",
        data={"from": source.pk, "to": unit.pk, "start": str(start), "records_moved": moved},
    )
    return moved


@transaction.atomic
def employee_deactivate(*, actor, employee: Employee, left_on: dt.date) -> Employee:
    """A leaver: inactive from `left_on`; their records stay. Their login account is switched off, so this is
    refused for oneself and for anyone holding a role at or above the actor's scope (`powers`)."""
    employee = Employee.objects.select_for_update(of=("self",)).select_related("unit").get(pk=employee.pk)
    require_may_change(actor, employee)
    if not employee.is_active:
        raise ValidationError(MSG_ALREADY_LEFT)
    if left_on > today():
        raise ValidationError({"left_on": MSG_LEAVE_FUTURE})
    latest = employee.memberships.order_by("-start", "-pk").first()
    if latest is not None and left_on < latest.start:
        raise ValidationError({"left_on": MSG_LEAVE_BEFORE % {"start": latest.start}})
    employee_leave(employee=employee, left_on=left_on)
    accounts = User.objects.filter(employee=employee, is_active=True).update(is_active=False)
    audit_log(
        actor=actor,
        action="employee.leave",
        obj=employee,
        unit=employee.unit,
        summary=str(employee),
        data={"left_on": str(left_on), "accounts_disabled": accounts},
    )
    return employee


def generate_password(length: int = INITIAL_PASSWORD_LENGTH) -> str:
    """A random initial password with at least one lower-case letter, one capital and one digit."""
    while True:
        password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))
        if (
            any(c.islower() for c in password)
            and any(c.isupper() for c in password)
            and any(c.isdigit() for c in password)
        ):
            return password


@transaction.atomic
def account_create(*, actor, employee: Employee) -> tuple[User, str]:
    """A login account for an employee: username = ARP number, a random initial password that must be
    changed at first login. Returns the account and the password, to be shown once and never stored."""
    employee = Employee.objects.select_for_update(of=("self",)).select_related("unit").get(pk=employee.pk)
    require_may_change(actor, employee)
    if not employee.is_active:
        raise ValidationError(MSG_ACCOUNT_LEFT)
    if User.objects.filter(employee=employee).exists():
        raise ValidationError(MSG_HAS_ACCOUNT)
    username = account_username(employee)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(MSG_USERNAME_TAKEN % {"username": username})
    password = generate_password()
    user = User(username=username, employee=employee, must_change_password=True)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_log(
        actor=actor,
        action="account.create",
        obj=user,
        unit=employee.unit,
        summary=str(employee),
        data={"username": username, "employee": employee.pk},
    )
    return user, password


@transaction.atomic
def account_reset_password(*, actor, user: User) -> str:
    """A new initial password for an employee's account, to be changed at next login.

    Refused for the actor's own account, for staff accounts, and (unless the actor is the academy admin) for
    accounts holding a role, so that a unit HR can never take over another administrator's account.
    """
    user = User.objects.select_for_update(of=("self",)).select_related("employee__unit").get(pk=user.pk)
    if user.employee is None:
        raise PermissionDenied(MSG_NOT_YOUR_UNIT)
    _require_unit(actor, user.employee.unit)
    if user.pk == actor.pk:
        raise ValidationError(MSG_RESET_SELF)
    if user.is_staff or user.is_superuser:
        raise ValidationError(MSG_RESET_STAFF)
    if user.roles.exists() and not scope_of(actor).academy_admin:
        raise ValidationError(MSG_RESET_PRIVILEGED)
    require_may_change(actor, user.employee)
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit_log(
        actor=actor,
        action="account.reset_password",
        obj=user,
        unit=user.employee.unit,
        summary=str(user.employee),
        data={"username": user.username},
    )
    return password


# ---------------------------------------------------------------------------------------------------------
# Roster import: the rows come parsed and checked from `roster.imports`; this saves them all or nothing.


@dataclass(frozen=True)
class RosterRow:
    """One valid row of a roster import."""

    line: int  # the worksheet row number, for messages
    arp: str
    name: str
    unit: Unit
    level: str | None  # None: keep the current level (updates) / ordinary (new people)
    level_since: dt.date | None
    phone: str | None  # None: the column is absent, keep what is there
    mobile: str | None
    is_registered: bool | None  # None: keep (updates) / 是 (new people)
    joined_on: dt.date | None = None  # new people: the day they joined (None: today); ignored for updates


@dataclass
class RosterImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    transferred: list[str] = field(default_factory=list)
    records_moved: int = 0


class ImportOutOfScope(Exception):
    """Raised inside the import's transaction when a saved row lies outside the actor's scope."""


class ImportRowsRefused(PermissionDenied):
    """Rows that would change people out of the actor's reach; `messages` names each row."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


@transaction.atomic
def roster_import(
    *, actor, rows: list[RosterRow], existing: dict[str, Employee], filename: str = ""
) -> RosterImportResult:
    """Create or update every row, by ARP number, in one transaction (all or nothing).

    `existing` maps ARP numbers to the employees already in the database (prefetched by the parser, which
    has checked that each lies in the actor's scope). New people are bulk-created with their first
    membership and level from the day they joined (today if the row gives none: they count from then,
    DOMAIN.md decision); changed details are bulk-updated; a changed level is recorded from its start date;
    a changed unit is a transfer (`employee_transfer`). Finally everything saved is checked to lie in the
    actor's scope, or the whole import is rolled back.
    """
    result = RosterImportResult()
    new_rows = [row for row in rows if row.arp not in existing]
    now = today()
    for row in new_rows:
        _require_unit(actor, row.unit)
        try:
            check_joined_on(row.joined_on or now)
        except ValidationError as exc:
            raise ValidationError(
                MSG_ROW_ERROR % {"line": row.line, "error": " ".join(exc.messages)}
            ) from None
    created = Employee.objects.bulk_create(
        [
            Employee(
                arp=row.arp,
                name=row.name,
                unit=row.unit,
                phone=row.phone or "",
                mobile=row.mobile or "",
                is_registered=True if row.is_registered is None else row.is_registered,
            )
            for row in new_rows
        ],
        batch_size=500,
    )
    starts = [row.joined_on or now for row in new_rows]  # as org.services.employee_create
    UnitMembership.objects.bulk_create(
        [
            UnitMembership(employee=e, unit=e.unit, start=start)
            for e, start in zip(created, starts, strict=True)
        ],
        batch_size=500,
    )
    PositionHistory.objects.bulk_create(
        [
            PositionHistory(
                employee=e, level=row.level or PositionLevel.ORDINARY, since=row.level_since or start
            )
            for e, row, start in zip(created, new_rows, starts, strict=True)
        ],
        batch_size=500,
    )
    # bulk_create sends no signals: the new histories are sealed here (org.standing).
    standing.seal([e.pk for e in created])
    result.created = [row.arp for row in new_rows]

    update_rows = [row for row in rows if row.arp in existing]
    levels = _current_levels([existing[row.arp].pk for row in update_rows])
    _check_import_powers(actor, update_rows, existing, levels)
    changed: list[Employee] = []
    for row in update_rows:
        employee = existing[row.arp]
        _require_unit(actor, employee.unit)
        dirty = False
        for attr, value in (
            ("name", row.name),
            ("phone", row.phone),
            ("mobile", row.mobile),
            ("is_registered", row.is_registered),
        ):
            if value is not None and getattr(employee, attr) != value:
                setattr(employee, attr, value)
                dirty = True
        if dirty:
            changed.append(employee)
        if row.level is not None:
            in_force = levels.get(employee.pk)
            since = row.level_since
            if since is None and (in_force is None or in_force.level != row.level):
                since = today()
            if since is not None and not (
                in_force is not None and in_force.since == since and in_force.level == row.level
            ):
                same_day = PositionHistory.objects.filter(employee=employee, since=since).first()
                if same_day is None or same_day.level != row.level:
                    employee_set_level(employee=employee, level=row.level, since=since)
                    dirty = True
        if row.unit.pk != employee.unit_id:
            result.records_moved += employee_transfer(actor=actor, employee=employee, unit=row.unit)
            result.transferred.append(row.arp)
            dirty = True
        (result.updated if dirty else result.unchanged).append(row.arp)
    Employee.objects.bulk_update(changed, ["name", "phone", "mobile", "is_registered"], batch_size=500)

    arps = [row.arp for row in rows]
    outside = Employee.objects.filter(arp__in=arps).exclude(hr_units_q(actor)).exists()
    if outside:
        raise ImportOutOfScope(str(MSG_NOT_YOUR_UNIT))
    audit_log(
        actor=actor,
        action="roster.import",
        object_type="roster.import",
        summary=_("名册导入 %(file)s：新增 %(c)s 人，更新 %(u)s 人")
        % {"file": filename, "c": len(result.created), "u": len(result.updated)},
        data={
            "file": filename,
            "created": result.created,
            "updated": result.updated,
            "transferred": result.transferred,
            "records_moved": result.records_moved,
        },
    )
    return result


def _check_import_powers(
    actor, rows: list[RosterRow], existing: dict[str, Employee], levels: dict[int, PositionHistory]
) -> None:
    """Refuse, before any write and with every row named, the rows that would change someone out of the
    actor's reach, or the actor's own 在册, level or unit (`powers`: the same rules as the form)."""
    accounts = accounts_of([existing[row.arp].pk for row in rows])
    errors = []
    for row in rows:
        employee = existing[row.arp]
        in_force = levels.get(employee.pk)
        changed = {
            name
            for name, value in (
                ("name", row.name),
                ("phone", row.phone),
                ("mobile", row.mobile),
                ("is_registered", row.is_registered),
            )
            if value is not None and getattr(employee, name) != value
        }
        if row.level is not None and not (
            in_force is not None
            and in_force.level == row.level
            and (row.level_since is None or row.level_since == in_force.since)
        ):
            changed.add("level")
        if row.unit.pk != employee.unit_id:
            changed.add("unit")
        if not changed:
            continue
        reason = refusal(actor, employee, account=accounts.get(employee.pk))
        if reason is None and is_self(actor, employee):
            if "unit" in changed:
                reason = str(MSG_SELF)
            else:
                locked = [str(SELF_LOCKED[name]) for name in sorted(changed) if name in SELF_LOCKED]
                reason = locked[0] if locked else None
        if reason:
            errors.append(str(MSG_ROW_ERROR % {"line": row.line, "error": reason}))
    if errors:
        raise ImportRowsRefused(errors)


def _current_levels(employee_ids: list[int]) -> dict[int, PositionHistory]:
    """Each employee's level entry in force today, in one query."""
    now = today()
    in_force: dict[int, PositionHistory] = {}
    for entry in PositionHistory.objects.filter(employee_id__in=employee_ids, since__lte=now).order_by(
        "employee_id", "since", "pk"
    ):
        in_force[entry.employee_id] = entry
    return in_force
