"""The demo's employee-registered records (线下培训, 在职自学, 公派留学, 网络学时, 第九条二), as real users make them:
submitted through `ledger.services.records_bulk_create`, then reviewed by the closest HR (approved, rejected
with a reason, an approval revoked, some left pending): the personas' through the review app's services,
everyone else's in bulk (`decide_in_bulk`). Source records (programmes, courses) are in `sources.py`.

No end date is ever after today (Asia/Shanghai). The personas get fixed records so each shows its case.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from hourbook.audit.models import AuditEntry
from hourbook.common.dates import today
from hourbook.common.hours import SECONDS_PER_DAY, SECONDS_PER_HOUR
from hourbook.ledger import summary
from hourbook.ledger.choices import Assessment, Category, Form, Status
from hourbook.ledger.models import Record, RecordTransition
from hourbook.ledger.services import (
    RecordData,
    record_update,
    records_bulk_create,
)
from hourbook.ledger.validation import check_record
from hourbook.review.services import record_approve, record_reject, record_revoke

from . import data
from .people import Academy, Person

H = SECONDS_PER_HOUR


@dataclass(frozen=True)
class Window:
    """The days a year's records may fall on: 1 January to 31 December, today, or the leaving day."""

    first: dt.date
    last: dt.date

    @classmethod
    def of(cls, year: int, left_on: dt.date | None = None) -> "Window":
        last = min(dt.date(year, 12, 31), today())
        if left_on is not None:
            last = min(last, left_on)
        return cls(dt.date(year, 1, 1), last)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def place(self, rng: random.Random, days: int, *, recent: bool = False, spread: int = 0):
        """A (start, end, days) range inside the window; `recent` puts it in the last weeks (pending work).

        `spread` widens the range beyond `days` (a lecture series held weekly). Ranges shrink to fit a young
        year, so that no end date is ever after today.
        """
        days = max(1, min(days, self.days))
        length = max(1, min(days + spread, self.days))
        latest = self.last - dt.timedelta(days=length - 1)
        earliest = self.first
        if recent:
            earliest = max(self.first, self.last - dt.timedelta(days=45))
        earliest = min(earliest, latest)
        start = earliest + dt.timedelta(days=rng.randrange((latest - earliest).days + 1))
        return start, start + dt.timedelta(days=length - 1), days


@dataclass
class Planned:
    """An employee record to submit and the review decision it then gets."""

    data: RecordData
    status: str = Status.APPROVED
    reason: str = ""
    revoke: str = ""  # approved, then revoked with this reason (DOMAIN.md, Review)
    resubmit: bool = False  # rejected, then edited by the employee: back to 待审核 (FAQ Q5)


def _record(
    category, name, window, rng, *, days, hours, recent=False, form=None, organiser="", place="", spread=0
):
    start, end, days = window.place(rng, days, recent=recent, spread=spread)
    seconds = min(int(hours * H), (end - start).days * SECONDS_PER_DAY + SECONDS_PER_DAY)
    return RecordData(
        category=category,
        form=form or _default_form(category),
        name=name,
        start_date=start,
        end_date=end,
        seconds=seconds,
        organiser=organiser,
        place=place,
        content=name,
        assessment=Assessment.PASSED
        if category == Category.EXTERNAL_TRAINING and rng.random() < 0.3
        else Assessment.NONE,
        off_job=category in (Category.EXTERNAL_TRAINING, Category.STUDY_ABROAD) and days >= 3,
    )


def _default_form(category: str) -> str:
    return {
        Category.EXTERNAL_TRAINING: Form.CONFERENCE,
        Category.SELF_STUDY: Form.SELF_STUDY,
        Category.STUDY_ABROAD: Form.ABROAD,
        Category.EXTERNAL_ONLINE: Form.ONLINE,
    }[category]


# ---- generated people -------------------------------------------------------------------------------


def plan_generic(rng: random.Random, person: Person, window: Window, *, current: bool) -> list[Planned]:
    """A plausible year of one's own registrations: conferences and courses, some books, online study."""
    progress = window.days / 365 if current else 1.0
    d = person.diligence * (1.0 if current else 1.3)  # last year ended after the year-end rush
    plans: list[Planned] = []

    def status(recent_ok: bool = True) -> tuple[str, str, bool]:
        r = rng.random()
        if current and r < 0.14 and recent_ok:
            return Status.PENDING, "", True
        if r > (0.92 if current else 0.96):
            return Status.REJECTED, rng.choice(data.REJECT_REASONS), False
        return Status.APPROVED, "", False

    for _ in range(round(rng.uniform(1.8, 5.0) * d * progress)):
        name, form, organiser = rng.choice(data.EXTERNAL_TRAINING)
        days = rng.choice([1, 1, 2, 2, 3, 4])
        hours = days * 8 - rng.choice([0, 0, 0, 4, 2])  # now and then half a day less, or an odd figure
        st, reason, recent = status()
        plans.append(
            Planned(
                _record(
                    Category.EXTERNAL_TRAINING,
                    name,
                    window,
                    rng,
                    days=days,
                    hours=max(hours, 2),
                    recent=recent,
                    form=form,
                    organiser=organiser,
                ),
                st,
                reason,
            )
        )
    if rng.random() < 0.6:
        for _ in range(max(1, round(rng.uniform(0.5, 4.5) * progress))):
            book = rng.choice(data.SELF_STUDY)
            st, reason, recent = status()
            plans.append(
                Planned(
                    _record(
                        Category.SELF_STUDY,
                        f"阅读{book}",
                        window,
                        rng,
                        days=rng.randint(3, 20),
                        hours=rng.choice([2, 3, 4, 4, 6]),
                        recent=recent,
                    ),
                    st,
                    reason,
                )
            )
    for _ in range(round(rng.uniform(2.0, 4.8) * d * progress)):
        name, organiser = rng.choice(data.EXTERNAL_ONLINE)
        st, reason, recent = status()
        plans.append(
            Planned(
                _record(
                    Category.EXTERNAL_ONLINE,
                    name,
                    window,
                    rng,
                    days=rng.randint(10, 60),
                    hours=rng.choice([8, 10, 12, 16, 20, 24]),
                    recent=recent,
                    organiser=organiser,
                ),
                st,
                reason,
            )
        )
    return plans


def plan_abroad(rng: random.Random, window: Window) -> Planned:
    """公派留学: a few months abroad (counted in the training bucket, no cap by default)."""
    name, place = rng.choice(data.STUDY_ABROAD)
    days = min(rng.randint(60, 120), window.days)
    return Planned(
        _record(Category.STUDY_ABROAD, name, window, rng, days=days, hours=min(days, 40) * 8, place=place)
    )


# ---- personas ---------------------------------------------------------------------------------------
# ---- personas ---------------------------------------------------------------------------------------


def plan_persona(username: str, rng: random.Random, window: Window) -> list[Planned]:
    """The fixed records that make each persona show its case (the same in both years of the demo)."""
    ext, self_study, online = Category.EXTERNAL_TRAINING, Category.SELF_STUDY, Category.EXTERNAL_ONLINE

    def rec(category, name, *, days, hours, recent=False, organiser="", spread=0):
        return _record(
            category,
            name,
            window,
            rng,
            days=days,
            hours=hours,
            recent=recent,
            organiser=organiser,
            spread=spread,
        )

    if username == "capped":
        # Training: 40 in-house + 24 线下培训 + 36 在职自学 = 100 before the cap, 74 effective (第九条五): 未达标.
        plans = [Planned(rec(ext, "第十届全国冰冻圈科学大会", days=3, hours=24, organiser="中国地理学会"))]
        plans += [
            Planned(rec(self_study, f"阅读{book}", days=7, hours=4, spread=7)) for book in data.SELF_STUDY[:9]
        ]
        plans += [
            Planned(rec(online, "学习强国专题学习", days=60, hours=24, organiser="学习强国")),
            Planned(rec(online, "中国干部网络学院在线学习", days=30, hours=16, organiser="中国干部网络学院")),
            Planned(rec(online, "网易公开课：机器学习", days=14, hours=8, organiser="网易公开课")),
        ]
        return plans
    if username == "pending":
        return [
            Planned(rec(ext, "大型科研仪器共享与管理研讨会", days=2, hours=16, organiser="科技部")),
            Planned(rec(ext, "保密工作专题培训", days=1, hours=8, organiser="国家保密局")),
            Planned(
                rec(ext, "第十届全国冰冻圈科学大会", days=2, hours=16, recent=True, organiser="中国地理学会"),
                Status.PENDING,
            ),
            Planned(rec(self_study, "阅读《冰冻圈科学概论》", days=10, hours=4, recent=True), Status.PENDING),
            Planned(
                rec(
                    online,
                    "国家智慧教育平台专业课程",
                    days=20,
                    hours=10,
                    recent=True,
                    organiser="国家智慧教育公共服务平台",
                ),
                Status.PENDING,
            ),
            Planned(
                rec(ext, "知识产权与成果转化实务培训", days=2, hours=16, organiser="国家知识产权局培训中心"),
                Status.REJECTED,
                data.REJECT_REASONS[0],
            ),
            Planned(rec(self_study, "业务自学", days=5, hours=4), Status.REJECTED, data.REJECT_REASONS[3]),
            Planned(
                rec(ext, "档案数字化管理培训班", days=1, hours=8, organiser="国家档案局"),
                revoke="核查发现该培训班已取消，撤销此前的审核通过，请核实后修改或删除。",
            ),
            Planned(
                rec(online, "学习强国专题学习", days=40, hours=12, organiser="学习强国"),
                Status.REJECTED,
                data.REJECT_REASONS[1],
                resubmit=True,
            ),
        ]
    if username == "leader":
        # Training: 64 in-house + 28 线下培训 + 8 在职自学 = 100 effective; 处级及以上 need 110 (第八条).
        return [
            Planned(rec(ext, "中国物理学会秋季学术会议", days=2, hours=16, organiser="中国物理学会")),
            Planned(rec(ext, "大型科研仪器共享与管理研讨会", days=2, hours=12, organiser="科技部")),
            Planned(rec(self_study, "阅读《科技项目管理实务》", days=10, hours=4)),
            Planned(rec(self_study, "阅读《中国共产党简史》", days=10, hours=4)),
            Planned(rec(online, "中国干部网络学院在线学习", days=60, hours=24, organiser="中国干部网络学院")),
            Planned(rec(online, "学习强国专题学习", days=60, hours=16, organiser="学习强国")),
        ]
    if username == "complete":
        # Training: 72 in-house + 24 线下培训 + 10 of 12 在职自学 = 106; online 22.8 + 32 = 54.8: 达标.
        return [
            Planned(rec(ext, "国际材料科学前沿论坛", days=3, hours=24, organiser="中国材料研究学会")),
            Planned(rec(self_study, "阅读《凝聚态物理导论》", days=14, hours=4)),
            Planned(rec(self_study, "阅读《科技论文写作与发表》", days=14, hours=4)),
            Planned(rec(self_study, "阅读《Python 科学计算》", days=14, hours=4)),
            Planned(rec(online, "学习强国专题学习", days=90, hours=20, organiser="学习强国")),
            Planned(rec(online, "网易公开课：机器学习", days=30, hours=12, organiser="网易公开课")),
        ]
    if username == "nonstaff":
        return [
            Planned(rec(ext, "高性能计算应用技术培训", days=2, hours=16, organiser="中国计算机学会")),
            Planned(rec(online, "网易公开课：机器学习", days=20, hours=10, organiser="网易公开课")),
        ]
    return []


# ---- writing through the ledger -------------------------------------------------------------------


def write_employee_records(
    academy: Academy, person: Person, plans: list[Planned], decisions: list["Decision"]
) -> int:
    """Submit a person's records through the batch-upload service, then review them as the plans say.

    The personas' records are decided one by one through the review app's services (the employee is told,
    with the reason) and `record_update` for the one the employee corrects, exactly as the screens do. Everyone else's
    decisions are queued in `decisions` and written together by `decide_in_bulk`.
    """
    seen, unique = set(), []
    for plan in plans:
        key = tuple(plan.data.natural_key(person.employee.pk).values())
        if key in seen:
            continue
        seen.add(key)
        errors = check_record(
            name=plan.data.name, start=plan.data.start_date, end=plan.data.end_date, seconds=plan.data.seconds
        )
        if errors:
            raise ValueError(f"demo record would be refused: {plan.data} {errors}")
        unique.append(plan)
    created = records_bulk_create(actor=person.user, employee=person.employee, items=[p.data for p in unique])
    if len(created) != len(unique):
        raise RuntimeError("demo records already present; run load_demo --reset")
    for record, plan in zip(created, unique, strict=True):
        reviewer = academy.reviewer_for(record.unit, person.employee)
        if person.persona is None and not plan.revoke and not plan.resubmit:
            if plan.status != Status.PENDING:
                decisions.append(Decision(record, reviewer, plan.status, plan.reason))
            continue
        seen = {"actor": reviewer, "record_id": record.pk, "version": record.version}
        if plan.status == Status.APPROVED or plan.revoke:
            record_approve(**seen)
        if plan.revoke:
            record_revoke(**seen, reason=plan.revoke)
        elif plan.status == Status.REJECTED:
            record = record_reject(**seen, reason=plan.reason)
            if plan.resubmit:
                fixed = RecordData(**{**plan.data.__dict__, "seconds": plan.data.seconds // 2})
                record_update(actor=person.user, record=record, data=fixed)
    return len(created)


@dataclass(frozen=True)
class Decision:
    """A reviewer's decision on a pending record: 已通过, or 未通过 with its reason."""

    record: Record
    actor: object
    to: str
    reason: str = ""


def decide_in_bulk(decisions: list[Decision]) -> int:
    """Write many review decisions at once: the rows `ledger.services.record_set_status` writes for each
    (the record's new state, its transition with who/when/from/to/why, the audit entry), then one refresh of
    the ledger's year summaries for the people touched.

    The ledger has no bulk status service yet; calling `record_set_status` per record costs a summary refresh
    each (several thousand for the demo), which would make `make demo` take minutes instead of seconds.
    """
    if not decisions:
        return 0
    now = timezone.now()
    for to in {d.to for d in decisions}:
        ids = [d.record.pk for d in decisions if d.to == to]
        for i in range(0, len(ids), 500):
            Record.objects.filter(pk__in=ids[i : i + 500], status=Status.PENDING).update(
                status=to, status_changed_at=now, updated_at=now
            )
    action = {Status.APPROVED: "approve", Status.REJECTED: "reject"}
    RecordTransition.objects.bulk_create(
        [
            RecordTransition(
                record=d.record,
                from_status=Status.PENDING,
                to_status=d.to,
                action=action[d.to],
                actor=d.actor,
                reason=d.reason,
                record_version=d.record.version,
            )
            for d in decisions
        ],
        batch_size=1000,
    )
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=d.actor,
                action=f"record.{action[d.to]}",
                object_type=Record._meta.label_lower,
                object_id=str(d.record.pk),
                unit_id=d.record.unit_id,
                summary=d.record.name[:255],
                data={"from": Status.PENDING, "to": d.to, "reason": d.reason, "version": d.record.version},
            )
            for d in decisions
        ],
        batch_size=1000,
    )
    summary.refresh({(d.record.employee_id, d.record.year) for d in decisions})
    return len(decisions)
