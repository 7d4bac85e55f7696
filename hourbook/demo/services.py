"""The demo academy behind `make demo`: build it, find it, remove it, and list its logins.

`demo_load` writes everything through the project's services (org.services, ledger.services), in one
transaction, from a seeded generator: the same seed gives the same academy. The demo is recognised by its
root unit code (CAS) and an audit entry `demo.load`; `demo_reset` removes only what the demo made.
"""

import random
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.utils.translation import gettext as _

from hourbook.accounts.choices import Role
from hourbook.accounts.models import RoleAssignment, User
from hourbook.audit.models import AuditEntry
from hourbook.audit.services import audit_log
from hourbook.common.dates import today
from hourbook.common.hours import format_hours
from hourbook.courses.models import Course, Teacher
from hourbook.ledger.choices import Status
from hourbook.ledger.engine import employee_year
from hourbook.ledger.models import Record
from hourbook.ledger.services import records_move_year_to_unit
from hourbook.org.choices import UnitKind
from hourbook.org.models import Employee, PositionHistory, Unit, UnitMembership
from hourbook.org.services import employee_leave, employee_move
from hourbook.training.choices import ProgrammeState
from hourbook.training.models import Programme

from . import data
from .catalogue import start_study
from .people import Academy, Person, build_people, build_units, day_this_year, is_case
from .records import (
    Decision,
    Window,
    decide_in_bulk,
    plan_abroad,
    plan_generic,
    plan_persona,
    write_employee_records,
)
from .sources import plan_upcoming_programme, write_courses, write_programmes

MARKER = "demo.load"
DEFAULT_SEED = 2019
DEFAULT_EMPLOYEES = 300

Log = Callable[[str], None]


class DemoError(Exception):
    """The demo cannot be built or removed as asked (the message says why)."""


@dataclass(frozen=True)
class DemoSummary:
    units: int
    employees: int
    accounts: int
    records: int
    seconds: float


@dataclass(frozen=True)
class LoginRow:
    """One line of the logins table; the hours are the engine's own figures for the current year."""

    account: str
    password: str
    role: str
    unit: str
    case: str
    training: str
    online: str
    met: str


def demo_root() -> Unit | None:
    return Unit.objects.filter(code=data.ROOT_CODE, parent__isnull=True).first()


def demo_exists() -> bool:
    return demo_root() is not None


def demo_is_ours() -> bool:
    """True when the CAS tree was made by load_demo (its marker is in the audit trail)."""
    return AuditEntry.objects.filter(action=MARKER).exists()


def demo_load(
    *, seed: int = DEFAULT_SEED, employees: int = DEFAULT_EMPLOYEES, log: Log | None = None
) -> DemoSummary:
    """Build the demo academy; refuses if a unit with the root code exists (run demo_reset first)."""
    log = log or (lambda message: None)
    if demo_exists():
        raise DemoError(_("单位代码 %(code)s 已存在，演示数据未重复创建") % {"code": data.ROOT_CODE})
    started = time.monotonic()
    rng = random.Random(seed)
    year = today().year
    # One transaction; each history write is sealed as it happens (org.standing).
    with transaction.atomic():
        units = build_units()
        log(f"units: {len(units)}")
        academy = build_people(rng=rng, units=units, employees=employees)
        log(f"employees and accounts: {len(academy.people)}")
        leavers, transferee = _choose_movers(rng, academy)
        for person in leavers:
            employee_leave(employee=person.employee, left_on=day_this_year(rng, latest=today()))
            person.user.is_active = False
            person.user.save(update_fields=["is_active"])
        records = 0
        study = start_study(academy, (year - 1, year))
        for current_year, current in ((year - 1, False), (year, True)):
            records += write_programmes(rng, academy, current_year, current=current)
            write_courses(rng, academy, current_year, current=current, study=study)
            generated = [p for p in academy.people if p.persona is None]
            abroad = set(map(id, rng.sample(generated, k=min(3, len(generated)))))  # 公派留学 is rare
            decisions: list[Decision] = []
            for person in academy.people:
                window = Window.of(current_year, person.employee.left_on)
                if is_case(person):
                    plans = plan_persona(person.persona.username, rng, window)
                else:
                    plans = plan_generic(rng, person, window, current=current)
                    if id(person) in abroad:
                        plans.append(plan_abroad(rng, window))
                records += write_employee_records(academy, person, plans, decisions)
            decide_in_bulk(decisions)
            log(f"records up to {current_year}: {records}")
        records += study.write()
        log(f"courses: {len(study.courses)}, with study records")
        plan_upcoming_programme(academy, rng)
        if transferee is not None:
            # A transfer this year moves the current year's records (and their pending reviews); past years stay.
            new_unit = units["CAS-BJ-ICT-G01"]
            employee_move(
                employee=transferee.employee, unit=new_unit, start=day_this_year(rng, latest=today())
            )
            records_move_year_to_unit(employee=transferee.employee, year=year, unit=new_unit)
            transferee.unit = new_unit
            log(f"transferred: {transferee.employee} → {new_unit.name}")
        for person in leavers:
            log(f"left this year: {person.employee} on {person.employee.left_on}")
        audit_log(
            actor=academy.admin,
            action=MARKER,
            object_type="demo",
            unit=units[data.ROOT_CODE],
            summary=_("载入演示学院"),
            data={"seed": seed, "employees": len(academy.people)},
        )
    return DemoSummary(
        units=len(units),
        employees=len(academy.people),
        accounts=len(academy.people),
        records=records,
        seconds=time.monotonic() - started,
    )


def _choose_movers(rng: random.Random, academy: Academy) -> tuple[list[Person], Person | None]:
    """Two generated employees who leave this year, and one 化学研究所 employee who moves to 计算技术研究所."""
    year = today().year
    generated = [p for p in academy.people if p.persona is None and not p.employee.arp.startswith(str(year))]
    chemistry = academy.units["CAS-BJ-ICCAS"].path
    movers = [p for p in generated if p.unit.path.startswith(chemistry)]
    transferee = rng.choice(movers) if movers else None
    others = [p for p in generated if p is not transferee]
    leavers = rng.sample(others, k=min(2, len(others)))
    return leavers, transferee


@transaction.atomic
def demo_reset(*, log: Log | None = None) -> int:
    """Remove the demo academy: its records, accounts, people and units. Returns the rows deleted.

    Refuses a CAS tree that load_demo did not make. Rows of features that refer to demo people or units
    (programmes, notifications, ...) are removed with them.
    """
    log = log or (lambda message: None)
    root = demo_root()
    if root is None:
        return 0
    if not demo_is_ours():
        raise DemoError(_("单位代码 %(code)s 不是由 load_demo 创建的，拒绝删除") % {"code": data.ROOT_CODE})
    units = Unit.objects.filter(path__startswith=root.path)
    employees = Employee.objects.filter(Q(unit__in=units) | Q(memberships__unit__in=units)).distinct()
    employee_ids = list(employees.values_list("pk", flat=True))
    users = User.objects.filter(
        Q(employee_id__in=employee_ids) | Q(username__in=[p.username for p in data.PERSONAS])
    )
    user_ids = list(users.values_list("pk", flat=True))
    deleted = _delete_demo(root, units, employee_ids, user_ids)
    log(f"removed {deleted} rows of the previous demo")
    return deleted


def _delete_demo(root: Unit, units, employee_ids: list[int], user_ids: list[int]) -> int:
    deleted = 0
    deleted += _purge(
        AuditEntry.objects.filter(Q(unit__in=units) | Q(actor_id__in=user_ids) | Q(action=MARKER))
    )
    deleted += _purge(Record.objects.filter(Q(employee_id__in=employee_ids) | Q(unit__in=units)))
    # The demo's courses (made by its admin or published to its units) and the teachers left without courses.
    deleted += _purge(Course.objects.filter(Q(created_by_id__in=user_ids) | Q(unit__in=units)))
    deleted += _purge(Teacher.objects.filter(courses__isnull=True))
    deleted += _purge(RoleAssignment.objects.filter(Q(unit__in=units) | Q(user_id__in=user_ids)))
    deleted += _purge(User.objects.filter(pk__in=user_ids))
    # History first, while the people still exist: whatever org keeps derived from it is then removed with
    # them, instead of being recomputed for someone about to disappear.
    deleted += _purge(UnitMembership.objects.filter(employee_id__in=employee_ids))
    deleted += _purge(PositionHistory.objects.filter(employee_id__in=employee_ids))
    deleted += _purge(Employee.objects.filter(pk__in=employee_ids))
    for depth in sorted(set(units.values_list("depth", flat=True)), reverse=True):
        deleted += _purge(Unit.objects.filter(path__startswith=root.path, depth=depth))
    return deleted


def _purge(queryset, _level: int = 0) -> int:
    """Delete a queryset; rows of other features that protect it are deleted first, recursively."""
    for _attempt in range(20):
        try:
            with transaction.atomic():
                return queryset.delete()[0]
        except (ProtectedError, RestrictedError) as exc:
            if _level > 6:
                raise
            blockers = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", set())
            by_model: dict = {}
            for obj in blockers:
                by_model.setdefault(type(obj), set()).add(obj.pk)
            for model, pks in by_model.items():
                _purge(model._base_manager.filter(pk__in=pks), _level + 1)
    return queryset.delete()[0]


# ---- the logins table -----------------------------------------------------------------------------


def _unit_label(unit: Unit) -> str:
    if unit.kind == UnitKind.DEPARTMENT and unit.parent_id:
        return f"{unit.parent.name}·{unit.name}"
    return unit.name


def cases_year() -> int:
    """The year whose figures the logins table shows: the current one, or last year in January, while the
    current year is too young to hold a year of records (the personas have the same records in both)."""
    now = today()
    return now.year if now.month > 1 else now.year - 1


def demo_logins() -> list[LoginRow]:
    """The personas' logins with what each shows, from the hours engine (so the table is true)."""
    year = cases_year()
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[p.username for p in data.PERSONAS]).select_related(
            "employee__unit__parent"
        )
    }
    units = {
        u.code: u for u in Unit.objects.filter(code__in=[p.role_unit for p in data.PERSONAS if p.role_unit])
    }
    rows = []
    for persona in data.PERSONAS:
        user = users.get(persona.username)
        if user is None or user.employee is None:
            continue
        ey = employee_year(user.employee, year)
        training, online = ey.result.buckets["training"], ey.result.buckets["online"]
        unit = units.get(persona.role_unit) if persona.role else user.employee.unit
        rows.append(
            LoginRow(
                account=persona.username,
                password=data.PASSWORD,
                role=str(Role(persona.role).label) if persona.role else _("职工"),
                unit=_unit_label(unit) if unit else "",
                case=_case_text(persona, unit),
                training=_bucket_text(training),
                online=_bucket_text(online),
                met={True: _("达标"), False: _("未达标"), None: _("无要求")}[ey.result.met],
            )
        )
    return rows


def _case_text(persona: data.Persona, unit: Unit | None) -> str:
    """The persona's case; reviewers also see how many records wait for them, managers their programmes."""
    if unit is None or not persona.role:
        return persona.case
    if persona.role == Role.PROGRAMME_MANAGER:
        programmes = Programme.objects.filter(unit__path__startswith=unit.path)
        return _("%(case)s（%(n)s 个培训计划，%(draft)s 个未登记学时）") % {
            "case": persona.case,
            "n": programmes.count(),
            "draft": programmes.filter(state=ProgrammeState.DRAFT).count(),
        }
    pending = Record.objects.live().filter(status=Status.PENDING, unit__path__startswith=unit.path).count()
    return _("%(case)s（%(n)s 条待审核）") % {"case": persona.case, "n": pending}


def _bucket_text(bucket) -> str:
    required = format_hours(bucket.required) if bucket.required is not None else "—"
    return f"{format_hours(bucket.effective)}/{required}"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "FW" else 1 for ch in text)


def logins_table(rows: list[LoginRow]) -> str:
    """A plain-text table aligned for terminals that show Chinese characters two columns wide."""
    header = ("account", "password", "role", "unit", "shows", f"training {cases_year()}", "online", "达标")
    body = [(r.account, r.password, r.role, r.unit, r.case, r.training, r.online, r.met) for r in rows]
    widths = [max(_width(line[i]) for line in [header, *body]) for i in range(len(header))]

    def line(cells) -> str:
        return "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(cells)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(cells) for cells in body)])
