"""Field rules shared by the record form, the batch upload and the API: one set of messages, one set of checks.

Each check returns errors keyed by field name, in Chinese; the caller shows them at the field or at the
row and column of an upload.
"""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from hourbook.common.dates import today
from hourbook.common.hours import SECONDS_PER_DAY, format_hours

from . import rules

MSG_END_BEFORE_START = _("结束时间不能早于开始时间")
MSG_END_IN_FUTURE = _("结束时间不能晚于今天")
MSG_HOURS_POSITIVE = _("学时必须大于零")
MSG_HOURS_TOO_MANY = _("学时不能超过 %(max)s（%(days)s 天 × 8 学时，第十条）")
MSG_HOURS_DECIMALS = _("学时最多保留两位小数")
MSG_DAYS_STEP = _("天数须为 0.5 的整数倍（1 天 8 学时，半天 4 学时，第十条）")
MSG_REQUIRED = _("此项为必填项")
MSG_NAME_TOO_LONG = _("培训名称不能超过 200 个字")
MSG_DUPLICATE = _("已有一条相同的记录（类别、名称、起止时间、学时均相同）")
MSG_TOO_OLD = _("开始时间不能早于 2000 年")
EVIDENCE_MAX_PER_RECORD = 5
MSG_EVIDENCE_COUNT = _("每条记录最多 %(max)s 个证明材料，本次最多还能上传 %(room)s 个")


def check_record(
    *, name: str, start: dt.date | None, end: dt.date | None, seconds: int | None
) -> dict[str, str]:
    """The invariants of an entered record (DOMAIN.md: Record fields, Hours)."""
    errors: dict[str, str] = {}
    if not (name or "").strip():
        errors["name"] = str(MSG_REQUIRED)
    elif len(name) > 200:
        errors["name"] = str(MSG_NAME_TOO_LONG)
    if start is None:
        errors["start_date"] = str(MSG_REQUIRED)
    elif start < dt.date(2000, 1, 1):
        errors["start_date"] = str(MSG_TOO_OLD)
    if end is None:
        errors["end_date"] = str(MSG_REQUIRED)
    elif end > today():
        errors["end_date"] = str(MSG_END_IN_FUTURE)
    if start and end and end < start:
        errors["end_date"] = str(MSG_END_BEFORE_START)
    if seconds is None:
        errors.setdefault("hours", str(MSG_REQUIRED))
    elif seconds <= 0:
        errors["hours"] = str(MSG_HOURS_POSITIVE)
    elif start and end and end >= start:
        limit = rules.max_seconds_for_range(start, end)
        if seconds > limit:
            errors["hours"] = str(
                MSG_HOURS_TOO_MANY % {"max": format_hours(limit), "days": limit // SECONDS_PER_DAY}
            )
    return errors


def check_hours_decimal(value: Decimal) -> str | None:
    if value.as_tuple().exponent < -2 and value != value.quantize(Decimal("0.01")):
        return str(MSG_HOURS_DECIMALS)
    return None


def check_days_step(days: Decimal) -> str | None:
    if days <= 0 or (days * 2) != (days * 2).to_integral_value():
        return str(MSG_DAYS_STEP)
    return None
