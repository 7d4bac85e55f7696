"""Writes of in-house programmes: one function per intention, each in one transaction.

Every function takes the acting user and checks that the programme lies in the user's scope
(`Programme.objects.visible_to`); ids sent with a request that do not belong to the programme refuse
the whole request. Registering hours goes through `ledger.services.source_records_sync` (第九条一, 第十条).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hourbook.accounts.scope import manager_units_q
from hourbook.audit.services import audit_log
from hourbook.common.dates import today
from hourbook.common.hours import SECONDS_PER_DAY
from hourbook.common.text import clean_text
from hourbook.ledger import rules
from hourbook.ledger.choices import Assessment, Category, Source, ZeroReason
from hourbook.ledger.services import SourceRecord, source_records_sync
from hourbook.org.models import Employee, Unit

from .choices import ABSENCE_STATUSES, SESSION_SECONDS, AttendanceStatus, ProgrammeState
from .models import Attendance, Programme, Session, Trainee

MSG_NO_SESSIONS = _("请至少安排一次培训日程")
MSG_DAY_OVERFULL = _("%(date)s 的日程超过一天（8 学时，第十条）：同一天最多一个全天或两个半天")
MSG_SESSION_TOO_OLD = _("日程日期不能早于 2000 年")
MSG_UNIT_OUT_OF_SCOPE = _("您不能管理该单位的培训计划")
MSG_FOREIGN_IDS = _("请求中包含不属于本培训班的学员或日程，本次未做任何修改")
MSG_EMPLOYEE_UNKNOWN = _("职工不存在")
MSG_EMPLOYEE_INACTIVE = _("%(name)s（%(arp)s）已离职，不能加入学员名单")
MSG_ALREADY_TRAINEE = _("%(name)s（%(arp)s）已在学员名单中，不能重复添加")
MSG_NOTHING_SELECTED = _("请选择要添加的职工")
MSG_ROW_ARP_UNKNOWN = _("第 %(row)s 行 · 员工ARP编号：%(arp)s 不存在")
MSG_ROW_ARP_INACTIVE = _("第 %(row)s 行 · 员工ARP编号：%(arp)s（%(name)s）已离职，不能加入")
MSG_IMPORT_EMPTY = _("文件中没有员工ARP编号")
MSG_FUTURE_SESSIONS = _(
    "培训日程中有晚于今天的日期（%(date)s）。学时记录的结束时间不能晚于今天，请在培训结束后再登记学时"
)
MSG_ATTENDANCE_INCOMPLETE = _("尚有 %(n)s 个考勤未记录，请先在考勤表中记录（可用“本场全部出勤”）")
MSG_BAD_STATUS = _("出勤状态只能是出勤、缺席或请假")
MSG_BAD_RESULT = _("考核结果只能是未录入、合格或不合格")
MSG_ASSESSMENT_MISSING = _("本培训班需要考核，尚有 %(n)s 名学员未录入考核结果")

EARLIEST_SESSION = dt.date(2000, 1, 1)


def manageable_units(user):
    """Units whose programmes the user may create: HR's and managers' unit trees; all for the academy."""
    return Unit.objects.filter(manager_units_q(user, "path"))


def _lock_visible(actor, programme: Programme) -> Programme:
    """The programme, locked for the transaction, if the actor may manage it; PermissionDenied otherwise."""
    locked = (
        Programme.objects.visible_to(actor)
        .select_related("unit")
        .select_for_update(of=("self",))
        .filter(pk=programme.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied(MSG_UNIT_OUT_OF_SCOPE)
    return locked


def _touch(programme: Programme) -> None:
    """Note a change of plan, trainees, attendance or results (a registered programme becomes stale)."""
    now = timezone.now()
    Programme.objects.filter(pk=programme.pk).update(changed_at=now)
    programme.changed_at = now


@dataclass(frozen=True)
class SessionSpec:
    """A session as the form sends it: an existing one (pk) or a new one (pk None)."""

    date: dt.date
    length: str
    pk: int | None = None


PROGRAMME_FIELDS = (
    "unit",
    "name",
    "content",
    "organiser",
    "place",
    "programme_type",
    "form",
    "off_job",
    "assessed",
)


def check_sessions(sessions: list[SessionSpec]) -> list[str]:
    """The plan's sessions: at least one, none before 2000, at most 8 学时 on one date (第十条)."""
    errors = []
    if not sessions:
        errors.append(str(MSG_NO_SESSIONS))
    per_day: dict[dt.date, int] = defaultdict(int)
    for spec in sessions:
        if spec.date < EARLIEST_SESSION:
            errors.append(str(MSG_SESSION_TOO_OLD))
        per_day[spec.date] += SESSION_SECONDS[spec.length]
    for day, seconds in sorted(per_day.items()):
        if seconds > SECONDS_PER_DAY:
            errors.append(str(MSG_DAY_OVERFULL % {"date": day.isoformat()}))
    return errors


@transaction.atomic
def programme_save(
    *, actor, programme: Programme | None, data: dict, sessions: list[SessionSpec]
) -> Programme:
    """Create or edit a training plan (培训计划) with its full list of sessions.

    Sessions missing from `sessions` are deleted (with their attendance); a pk that is not one of the
    programme's sessions refuses the request. The programme's dates and hours follow from the sessions.
    """
    unit = data["unit"]
    if not manageable_units(actor).filter(pk=unit.pk).exists():
        raise PermissionDenied(MSG_UNIT_OUT_OF_SCOPE)
    errors = check_sessions(sessions)
    if errors:
        raise ValidationError({"__all__": errors})
    if programme is None:
        programme = Programme(created_by=actor if actor.is_authenticated else None)
    else:
        programme = _lock_visible(actor, programme)
    for name in PROGRAMME_FIELDS:
        value = data[name]
        # Only spaces or invisible characters is empty, so a blank name is refused (issue 8, item 11).
        setattr(programme, name, clean_text(value) if isinstance(value, str) else value)
    programme.full_clean(exclude=["created_by", "registered_by"])
    programme.save()

    existing = {s.pk: s for s in programme.sessions.all()}
    wanted_pks = {spec.pk for spec in sessions if spec.pk is not None}
    if not wanted_pks <= existing.keys():
        raise PermissionDenied(MSG_FOREIGN_IDS)
    to_update = []
    to_create = []
    for spec in sessions:
        if spec.pk is None:
            to_create.append(Session(programme=programme, date=spec.date, length=spec.length))
            continue
        session = existing[spec.pk]
        if (session.date, session.length) != (spec.date, spec.length):
            session.date, session.length = spec.date, spec.length
            to_update.append(session)
    gone = existing.keys() - wanted_pks
    if gone:
        Session.objects.filter(programme=programme, pk__in=gone).delete()
    if to_update:
        Session.objects.bulk_update(to_update, ["date", "length"])
    Session.objects.bulk_create(to_create)

    programme.start_date = min(spec.date for spec in sessions)
    programme.end_date = max(spec.date for spec in sessions)
    programme.seconds = sum(SESSION_SECONDS[spec.length] for spec in sessions)
    programme.changed_at = timezone.now()
    programme.save(update_fields=["start_date", "end_date", "seconds", "changed_at"])
    return programme


@transaction.atomic
def programme_delete(*, actor, programme: Programme) -> dict[str, int]:
    """Delete a plan; the records it registered are soft-deleted (they stop counting, history stays)."""
    programme = _lock_visible(actor, programme)
    counts = source_records_sync(
        actor=actor, source=Source.PROGRAMME, key_prefix=programme.key_prefix, items=[]
    )
    audit_log(
        actor=actor,
        action="programme.delete",
        obj=programme,
        unit=programme.unit,
        summary=programme.name,
        data=counts,
    )
    programme.delete()
    return counts


@transaction.atomic
def trainees_add(*, actor, programme: Programme, employee_ids: list[int]) -> int:
    """Add employees (any active employee of the academy) to the list; all or nothing.

    An inactive employee or one already on the list refuses the whole request, with every reason.
    """
    programme = _lock_visible(actor, programme)
    ids = sorted({int(i) for i in employee_ids})
    if not ids:
        raise ValidationError(MSG_NOTHING_SELECTED)
    employees = list(Employee.objects.filter(pk__in=ids).order_by("arp"))
    if len(employees) != len(ids):
        raise ValidationError(MSG_EMPLOYEE_UNKNOWN)
    present = set(programme.trainees.filter(employee_id__in=ids).values_list("employee_id", flat=True))
    errors = []
    for employee in employees:
        if not employee.is_active:
            errors.append(str(MSG_EMPLOYEE_INACTIVE % {"name": employee.name, "arp": employee.arp}))
        elif employee.pk in present:
            errors.append(str(MSG_ALREADY_TRAINEE % {"name": employee.name, "arp": employee.arp}))
    if errors:
        raise ValidationError(errors)
    Trainee.objects.bulk_create(Trainee(programme=programme, employee=e) for e in employees)
    _touch(programme)
    return len(employees)


@dataclass
class ImportResult:
    """What an ARP list did: how many were added, which rows were skipped and why."""

    added: int = 0
    already: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)


@transaction.atomic
def trainees_import(*, actor, programme: Programme, rows: list[tuple[int, str]]) -> ImportResult:
    """Add the employees of an ARP list (row number, ARP); all or nothing.

    Unknown or inactive numbers are reported by row and nothing is added. Numbers already on the list, or
    repeated in the file, are skipped and reported (the same file imported twice adds nothing).
    """
    programme = _lock_visible(actor, programme)
    rows = [(n, arp.strip()) for n, arp in rows if arp and arp.strip()]
    if not rows:
        raise ValidationError(MSG_IMPORT_EMPTY)
    by_arp = {e.arp: e for e in Employee.objects.filter(arp__in={arp for _, arp in rows})}
    present = set(programme.trainees.values_list("employee__arp", flat=True))
    errors: list[str] = []
    result = ImportResult()
    to_add: dict[str, Employee] = {}
    for row, arp in rows:
        employee = by_arp.get(arp)
        if employee is None:
            errors.append(str(MSG_ROW_ARP_UNKNOWN % {"row": row, "arp": arp}))
        elif not employee.is_active:
            errors.append(str(MSG_ROW_ARP_INACTIVE % {"row": row, "arp": arp, "name": employee.name}))
        elif arp in present:
            result.already.append(arp)
        elif arp in to_add:
            result.repeated.append(arp)
        else:
            to_add[arp] = employee
    if errors:
        raise ValidationError(errors)
    Trainee.objects.bulk_create(Trainee(programme=programme, employee=e) for e in to_add.values())
    result.added = len(to_add)
    if to_add:
        _touch(programme)
    return result


@transaction.atomic
def trainees_remove(*, actor, programme: Programme, trainee_ids: list[int]) -> int:
    """Remove trainees with their attendance. Their records go at the next registration (source sync)."""
    programme = _lock_visible(actor, programme)
    ids = {int(i) for i in trainee_ids}
    qs = Trainee.objects.filter(programme=programme, pk__in=ids)
    if not ids or qs.count() != len(ids):
        raise PermissionDenied(MSG_FOREIGN_IDS)
    qs.delete()
    _touch(programme)
    return len(ids)


@dataclass(frozen=True)
class AttendanceChange:
    """One request of the attendance grid: marked cells, results, and an optional row or column action."""

    cells: list[tuple[int, int, str]] = field(default_factory=list)  # (trainee id, session id, status)
    results: dict[int, str] = field(default_factory=dict)  # trainee id → assessment
    all_present_session: int | None = None  # 本场全部出勤
    all_present_trainee: int | None = None  # 全部出勤 for one trainee


@transaction.atomic
def attendance_save(*, actor, programme: Programme, change: AttendanceChange) -> int:
    """Save the attendance grid in a fixed number of queries (bulk upsert), however many cells.

    Every trainee and session id must belong to the programme, or nothing is saved. Only cells and
    results that differ are written. Returns how many changed.
    """
    programme = _lock_visible(actor, programme)
    trainees = {t.pk: t for t in Trainee.objects.filter(programme=programme).only("pk", "assessment")}
    session_ids = set(Session.objects.filter(programme=programme).values_list("pk", flat=True))
    cells: dict[tuple[int, int], str] = {}
    for trainee_id, session_id, status in change.cells:
        if status not in AttendanceStatus.values:
            raise ValidationError(MSG_BAD_STATUS)
        cells[(trainee_id, session_id)] = status
    if any(result not in Assessment.values for result in change.results.values()):
        raise ValidationError(MSG_BAD_RESULT)
    named_trainees = {t for t, _s in cells} | set(change.results)
    named_sessions = {s for _t, s in cells}
    if change.all_present_trainee is not None:
        named_trainees.add(change.all_present_trainee)
    if change.all_present_session is not None:
        named_sessions.add(change.all_present_session)
    if not named_trainees <= trainees.keys() or not named_sessions <= session_ids:
        raise PermissionDenied(MSG_FOREIGN_IDS)
    if change.all_present_session is not None:
        for trainee_id in trainees:
            cells[(trainee_id, change.all_present_session)] = AttendanceStatus.PRESENT
    if change.all_present_trainee is not None:
        for session_id in session_ids:
            cells[(change.all_present_trainee, session_id)] = AttendanceStatus.PRESENT
    current = {
        (t, s): status
        for t, s, status in Attendance.objects.filter(session__programme=programme).values_list(
            "trainee_id", "session_id", "status"
        )
    }
    writes = [
        Attendance(trainee_id=t, session_id=s, status=status)
        for (t, s), status in cells.items()
        if current.get((t, s)) != status
    ]
    Attendance.objects.bulk_create(
        writes,
        update_conflicts=True,
        unique_fields=["trainee", "session"],
        update_fields=["status"],
        batch_size=1000,
    )
    changed = []
    if programme.assessed:
        for trainee_id, result in change.results.items():
            trainee = trainees[trainee_id]
            if trainee.assessment != result:
                trainee.assessment = result
                changed.append(trainee)
        Trainee.objects.bulk_update(changed, ["assessment"], batch_size=1000)
    if writes or changed:
        _touch(programme)  # a registered programme shows it waits for registering again
    return len(writes) + len(changed)


@dataclass(frozen=True)
class TraineeOutcome:
    """What registering decides for one trainee (第十条)."""

    trainee_id: int
    employee_id: int
    absent_seconds: int
    eligible: bool
    zero_reason: str


def programme_outcomes(programme: Programme) -> tuple[list[Session], list[TraineeOutcome], int]:
    """Each trainee's absence and eligibility, in three queries whatever the number of trainees.

    第十条: absence including leave of 1/7 of the programme or more, or a failed assessment (when the
    programme is assessed): no hours. Returns (sessions, outcomes, unmarked attendance cells).
    """
    sessions = list(programme.sessions.order_by("date", "pk"))
    seconds_of = {s.pk: s.seconds for s in sessions}
    total = sum(seconds_of.values())
    trainees = list(programme.trainees.order_by("pk").values_list("pk", "employee_id", "assessment"))
    absent: dict[int, int] = defaultdict(int)
    marked = 0
    for trainee_id, session_id, status in Attendance.objects.filter(
        trainee__programme=programme, session__programme=programme
    ).values_list("trainee_id", "session_id", "status"):
        marked += 1
        if status in ABSENCE_STATUSES:
            absent[trainee_id] += seconds_of[session_id]
    outcomes = []
    for trainee_id, employee_id, assessment in trainees:
        failed = programme.assessed and assessment == Assessment.FAILED
        eligible = rules.programme_trainee_eligible(
            programme_seconds=total, absent_seconds=absent[trainee_id], assessment_failed=failed
        )
        if eligible:
            reason = ZeroReason.NONE
        elif failed:
            reason = ZeroReason.FAILED_ASSESSMENT
        else:
            reason = ZeroReason.ABSENCE
        outcomes.append(
            TraineeOutcome(
                trainee_id=trainee_id,
                employee_id=employee_id,
                absent_seconds=absent[trainee_id],
                eligible=eligible,
                zero_reason=str(reason),
            )
        )
    unmarked = len(trainees) * len(sessions) - marked
    return sessions, outcomes, unmarked


@transaction.atomic
def programme_register_hours(*, actor, programme: Programme) -> dict[str, int]:
    """Register (or register again) every trainee's hours in the ledger (第九条一, 第十条).

    Each trainee gets one record of the programme's hours, approved at once (自动计入); an ineligible
    trainee's record counts zero with its reason. Registering again updates the same records (matched by
    source key), never duplicates, and removes the records of trainees no longer on the list.
    One transaction, a fixed number of queries whatever the number of trainees.
    """
    programme = _lock_visible(actor, programme)
    sessions, outcomes, unmarked = programme_outcomes(programme)
    if not sessions:
        raise ValidationError(MSG_NO_SESSIONS)
    last = sessions[-1].date
    if last > today():
        raise ValidationError(MSG_FUTURE_SESSIONS % {"date": last.isoformat()})
    if unmarked:
        raise ValidationError(MSG_ATTENDANCE_INCOMPLETE % {"n": unmarked})
    assessments = {}
    if programme.assessed:
        assessments = dict(programme.trainees.values_list("pk", "assessment"))
        missing = sum(1 for a in assessments.values() if a == Assessment.NONE)
        if missing:
            raise ValidationError(MSG_ASSESSMENT_MISSING % {"n": missing})
    seconds = sum(s.seconds for s in sessions)
    items = [
        SourceRecord(
            source_key=programme.source_key(o.employee_id),
            employee_id=o.employee_id,
            category=Category.IN_HOUSE,
            form=programme.form,
            name=programme.name,
            start_date=sessions[0].date,
            end_date=last,
            seconds=seconds,
            content=programme.content,
            place=programme.place,
            organiser=programme.organiser,
            assessment=assessments.get(o.trainee_id, Assessment.NONE),
            off_job=programme.off_job,
            programme_type=programme.programme_type,
            zero_reason=o.zero_reason,
        )
        for o in outcomes
    ]
    counts = source_records_sync(
        actor=actor, source=Source.PROGRAMME, key_prefix=programme.key_prefix, items=items
    )
    if programme.state != ProgrammeState.REGISTERED:
        _notify_trainees(programme, outcomes, seconds)
    now = timezone.now()
    programme.state = ProgrammeState.REGISTERED
    programme.registered_at = now
    programme.registered_by = actor if actor.is_authenticated else None
    programme.save(update_fields=["state", "registered_at", "registered_by"])
    counts["trainees"] = len(items)
    counts["eligible"] = sum(1 for o in outcomes if o.eligible)
    audit_log(
        actor=actor,
        action="programme.register",
        obj=programme,
        unit=programme.unit,
        summary=programme.name,
        data=counts,
    )
    return counts


def _notify_trainees(programme: Programme, outcomes, seconds: int) -> None:
    """Tell each trainee with an account, once, what the first registration gave them (通知消息)."""
    from django.urls import reverse

    from hourbook.accounts.models import User
    from hourbook.common.hours import format_hours
    from hourbook.notifications.services import Message, notifications_send_bulk

    accounts = {
        u.employee_id: u for u in User.objects.filter(employee_id__in=[o.employee_id for o in outcomes])
    }
    reasons = dict(ZeroReason.choices)
    messages = []
    for o in outcomes:
        if o.eligible:
            body = _("登记 %(h)s 学时，已计入培训学时。") % {"h": format_hours(seconds)}
        else:
            body = _("本次不予登记学时：%(reason)s") % {"reason": reasons.get(o.zero_reason, o.zero_reason)}
        messages.append(
            Message(
                recipient=accounts.get(o.employee_id),
                title=_("培训班“%(name)s”已登记学时") % {"name": programme.name},
                body=body,
                link=reverse("training:my_programmes"),
            )
        )
    notifications_send_bulk(messages=messages)
