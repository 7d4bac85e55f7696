"""The hours rules, in pure Python: records and policy in, numbers and explanation facts out.

Nothing here imports Django; of the project it reads only the pure-Python modules where the regulation's
figures are written once (`common.hours`: 8 学时 a day; `policy.regulation`: categories, buckets, default
requirements and caps), so the rules can be read, tested and reasoned about alone.
Its SQL twin (`ledger.selectors.year_summaries`) computes the same figures for many employees at once;
a hypothesis property keeps the two equal.

Rules (DOMAIN.md, Counting; 第八条, 第九条五, 第十条, FAQ Q1 and Q3):
- only approved records count; pending hours are shown apart, per bucket;
- a failed assessment or an ineligible trainee counts zero (第十条);
- caps apply per employee, per category, per year; what a cap cuts still counts in the total;
  allocation runs in order of end date, then creation time, then id;
- training bucket needs 90 effective hours (110 for 处级及以上), the online bucket 50 (第八条);
  both must be met; surplus in one bucket never fills the other;
- only 在册正式职工 have a requirement (第二条); others have no 达标 status (None).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# The regulation's figures are written once, in pure Python modules below the ledger; re-exported here
# because the rules are where people look for them.
from hourbook.common.hours import SECONDS_PER_DAY, SECONDS_PER_HALF_DAY, SECONDS_PER_HOUR
from hourbook.policy.regulation import (
    BUCKETS,
    CATEGORIES,
    CATEGORY_BUCKET,
    DEFAULT_CAPS,
    DEFAULT_ONLINE_REQUIRED,
    DEFAULT_TRAINING_REQUIRED,
    DEFAULT_TRAINING_REQUIRED_LEADER,
    EXTERNAL_ONLINE,
    EXTERNAL_TRAINING,
    IN_HOUSE,
    ONLINE,
    PLATFORM_ONLINE,
    SELF_STUDY,
    STUDY_ABROAD,
    TRAINING,
)

APPROVED = "approved"
PENDING = "pending"
REJECTED = "rejected"


def credited_seconds(seconds: int, zero_reason: str) -> int:
    """What a record counts if approved: zero for a failed assessment or an ineligible trainee (第十条).

    The one definition: `ledger.models.Record.credited_seconds` calls it, and its SQL form
    (`ledger.models.CREDITED`, used by the yearly summary and the archive) is kept equal by a test.
    """
    return 0 if zero_reason else seconds


def cap_reached(effective: int, cap: int | None) -> bool:
    """A category's cap is filled: more approved records there add nothing effective (第九条五)."""
    return cap is not None and effective >= cap


def missing_seconds(required: int | None, effective: int) -> int:
    """Seconds still missing to meet a requirement (0 without one, 第二条, or once it is met)."""
    if required is None:
        return 0
    return max(required - effective, 0)


@dataclass(frozen=True)
class RecordFact:
    """What the rules need of one record. `zero_reason` non-empty means it counts zero."""

    id: int
    category: str
    status: str
    seconds: int
    end_date: date
    created_at: Any  # anything orderable: a datetime in the app, an int in tests
    zero_reason: str = ""

    @property
    def credited(self) -> int:
        return credited_seconds(self.seconds, self.zero_reason)


@dataclass(frozen=True)
class Policy:
    """Requirements and caps in seconds; a cap of None is no cap."""

    training_required: int = DEFAULT_TRAINING_REQUIRED
    training_required_leader: int = DEFAULT_TRAINING_REQUIRED_LEADER
    online_required: int = DEFAULT_ONLINE_REQUIRED
    caps: Mapping[str, int | None] = field(default_factory=lambda: dict(DEFAULT_CAPS))

    def cap(self, category: str) -> int | None:
        return self.caps.get(category)

    def required(self, bucket: str, *, leader: bool) -> int:
        if bucket == ONLINE:
            return self.online_required
        return self.training_required_leader if leader else self.training_required


@dataclass
class CategoryResult:
    category: str
    bucket: str
    cap: int | None
    count: int = 0  # approved records
    total: int = 0  # approved credited seconds, before the cap
    effective: int = 0  # what counts after the cap
    pending_count: int = 0
    pending: int = 0  # seconds awaiting review
    zero_count: int = 0  # approved records that count zero (failed, ineligible)

    @property
    def capped(self) -> int:
        """What the cap cut: still part of the total (FAQ Q3)."""
        return self.total - self.effective

    @property
    def cap_reached(self) -> bool:
        return cap_reached(self.effective, self.cap)

    @property
    def room(self) -> int | None:
        """Seconds this category can still add to the effective hours; None is unlimited."""
        if self.cap is None:
            return None
        return max(self.cap - self.effective, 0)


@dataclass
class BucketResult:
    bucket: str
    effective: int
    total: int
    pending: int
    required: int | None  # None: no requirement (not 在册正式职工, 第二条)

    @property
    def met(self) -> bool | None:
        if self.required is None:
            return None
        return self.effective >= self.required

    @property
    def missing(self) -> int:
        return missing_seconds(self.required, self.effective)


@dataclass
class YearResult:
    categories: dict[str, CategoryResult]
    buckets: dict[str, BucketResult]
    record_effective: dict[int, int]  # per approved record, its effective part (seconds)
    leader: bool
    registered: bool

    @property
    def total(self) -> int:
        """总学时: all approved hours of both buckets, before caps."""
        return sum(c.total for c in self.categories.values())

    @property
    def effective(self) -> int:
        return sum(b.effective for b in self.buckets.values())

    @property
    def pending(self) -> int:
        return sum(b.pending for b in self.buckets.values())

    @property
    def met(self) -> bool | None:
        """达标: both buckets met (第八条, FAQ Q1). None without a requirement (第二条)."""
        if not self.registered:
            return None
        return all(b.met for b in self.buckets.values())

    def raisers(self, bucket: str) -> list[str]:
        """Categories of a bucket that can still raise its effective hours (their cap not reached)."""
        return [c.category for c in self.categories.values() if c.bucket == bucket and not c.cap_reached]

    def blocked(self, bucket: str) -> list[str]:
        """Categories of a bucket whose cap is reached: more records there add nothing effective."""
        return [c.category for c in self.categories.values() if c.bucket == bucket and c.cap_reached]


def allocation_key(record: RecordFact) -> tuple:
    """Caps fill in order of end date, then creation time, then id (DOMAIN.md, Counting)."""
    return (record.end_date, record.created_at, record.id)


def compute_year(
    records: Iterable[RecordFact], policy: Policy, *, leader: bool = False, registered: bool = True
) -> YearResult:
    """One employee's year: per category and bucket, effective and total hours, pending, and 达标."""
    categories = {
        c: CategoryResult(category=c, bucket=CATEGORY_BUCKET[c], cap=policy.cap(c)) for c in CATEGORIES
    }
    approved: list[RecordFact] = []
    for record in records:
        result = categories[record.category]
        if record.status == APPROVED:
            approved.append(record)
            result.count += 1
            result.total += record.credited
            if record.zero_reason:
                result.zero_count += 1
        elif record.status == PENDING:
            result.pending_count += 1
            result.pending += record.seconds

    record_effective: dict[int, int] = {}
    for record in sorted(approved, key=allocation_key):
        result = categories[record.category]
        part = record.credited
        if result.cap is not None:
            part = max(min(part, result.cap - result.effective), 0)
        result.effective += part
        record_effective[record.id] = part

    buckets = {}
    for bucket in BUCKETS:
        members = [c for c in categories.values() if c.bucket == bucket]
        buckets[bucket] = BucketResult(
            bucket=bucket,
            effective=sum(c.effective for c in members),
            total=sum(c.total for c in members),
            pending=sum(c.pending for c in members),
            required=policy.required(bucket, leader=leader) if registered else None,
        )
    return YearResult(
        categories=categories,
        buckets=buckets,
        record_effective=record_effective,
        leader=leader,
        registered=registered,
    )


def effective_total(total: int, cap: int | None) -> int:
    """The closed form of the ordered allocation for a category: min(total, cap). The SQL twin uses it."""
    return total if cap is None else min(total, cap)


def max_seconds_for_range(start: date, end: date) -> int:
    """An entered record may not exceed 8 × the days of its range, counted inclusively (DOMAIN.md, Hours)."""
    return ((end - start).days + 1) * SECONDS_PER_DAY


def is_whole_half_days(seconds: int) -> bool:
    """Training hours count by half days (第十条); others are allowed but flagged for the reviewer."""
    return seconds % SECONDS_PER_HALF_DAY == 0


def programme_trainee_eligible(
    *, programme_seconds: int, absent_seconds: int, assessment_failed: bool
) -> bool:
    """第十条: absence including leave of 1/7 of the programme or more, or a failed assessment: no hours.

    Compared exactly in integers: absent * 7 >= programme.
    """
    if assessment_failed:
        return False
    return not absent_seconds * 7 >= programme_seconds


__all__ = [
    "APPROVED",
    "BUCKETS",
    "CATEGORIES",
    "CATEGORY_BUCKET",
    "EXTERNAL_ONLINE",
    "EXTERNAL_TRAINING",
    "IN_HOUSE",
    "ONLINE",
    "PENDING",
    "PLATFORM_ONLINE",
    "REJECTED",
    "SECONDS_PER_DAY",
    "SECONDS_PER_HALF_DAY",
    "SECONDS_PER_HOUR",
    "SELF_STUDY",
    "STUDY_ABROAD",
    "TRAINING",
    "BucketResult",
    "CategoryResult",
    "Policy",
    "RecordFact",
    "YearResult",
    "allocation_key",
    "cap_reached",
    "compute_year",
    "credited_seconds",
    "effective_total",
    "is_whole_half_days",
    "max_seconds_for_range",
    "missing_seconds",
    "programme_trainee_eligible",
]
